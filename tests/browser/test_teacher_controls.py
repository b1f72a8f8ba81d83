"""The teacher's controls in a real JupyterLab 4, from the keyboard: Tab to Reset and press Enter
and every setting is back where the constructor put it; type a value beside a slider and Enter
applies it, Escape puts back the shown one, and "abc" shows what was typed with the allowed
range while the widget keeps its state. The charts of both widgets draw the ticks of the
kernel's one rule, and the text view's sample box shows its text."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from .jupyter import JupyterServer, NotebookPage, OpenNotebook
from .test_harness import write_notebook
from .waits import wait_for

pytestmark = pytest.mark.browser

EXPLORER = (
    "from rnnwidget import RNNExplorer\n\n"
    "w = RNNExplorer(w_hh_scale=0.7, seq_len=40, units=8, seed=3)\nw"
)
TRAINER = (
    "from rnnwidget import RNNTrainer\n\n"
    "w = RNNTrainer(task='text', corpus='brackets', units=16, batch_size=8, bptt_steps=50,\n"
    "               learning_rate=0.02, temperature=0.5)\nw"
)

# The labels a chart drew on an axis (its canvas records them), as the kernel sent them.
KERNEL_TICKS = {
    "loss": "' '.join(text for _, text in w._progress['charts']['loss']['ticks'])",
    "grad-norm": "' '.join(text for _, text in w._progress['charts']['norm']['ticks'])",
}


def explorer(nb: NotebookPage) -> Locator:
    return nb.page.locator(".rnnwidget").first


def trainer(nb: NotebookPage) -> Locator:
    return nb.page.locator(".rnnwidget-trainer")


def typed(root: Locator, name: str) -> Locator:
    """The field beside a slider where its value can be typed."""
    return root.locator(f"input[data-typed='{name}']")


def test_typed_values_enter_applies_escape_restores_abc_is_quoted_with_its_range(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "typed.ipynb", EXPLORER))
    root = explorer(nb)
    field = typed(root, "w_hh_scale")
    expect(field).to_have_value("0.70")
    expect(field).to_have_accessible_name("W_hh scale, typed value")
    expect(field).to_have_attribute("data-lm-suppress-shortcuts", "true")

    field.fill("1.37")
    field.press("Enter")
    nb.wait_for_python_value("w.w_hh_scale", 1.37)
    expect(root.locator("input[data-trait='w_hh_scale']")).to_have_value("1.37")  # the slider
    revision = nb.python_value("w._frame['revision']")
    expect(root).to_have_attribute("data-revision", str(revision))

    field.fill("2.5")
    field.press("Escape")  # nothing sent: the shown value is back
    expect(field).to_have_value("1.37")
    expect(field).to_be_focused()
    assert nb.python_value("(w.w_hh_scale, w._frame['revision'])") == (1.37, revision)

    error = root.locator(".rnnwidget-error")
    for text, allowed in [("abc", "from 0 to 3"), ("4", "from 0 to 3"), ("NaN", "from 0 to 3")]:
        field.fill(text)
        field.press("Enter")
        expect(error).to_contain_text(f"got {text!r}" if text != "4" else "got 4")
        expect(error).to_contain_text(allowed)
        expect(field).to_have_value("1.37")  # the kernel's value again, the widget unchanged
        assert nb.python_value("(w.w_hh_scale, w._frame['revision'])") == (1.37, revision)

    seed = root.get_by_role("textbox", name="Seed", exact=True)
    seed.fill("abc")
    seed.press("Enter")
    expect(error).to_contain_text("seed must be a whole number from 0 to 4294967295; got 'abc'")
    expect(seed).to_have_value("3")
    assert nb.python_value("w.seed") == 3

    typed(root, "seq_len").fill("80")
    typed(root, "seq_len").press("Enter")
    nb.wait_for_python_value("w.seq_len", 80)
    expect(error).to_be_hidden()  # an accepted change ends the refusal
    assert nb.console_errors == []


def test_reset_by_keyboard_brings_back_the_constructors_settings(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "reset.ipynb", EXPLORER))
    root = explorer(nb)
    constructed = nb.python_value("w.config")
    nb.run_code("w.apply_preset('exploding'); w.seq_len = 120; w.units = 20")
    expect(typed(root, "seq_len")).to_have_value("120")

    # Tab from the last preset to Reset, then Enter: the keyboard alone.
    root.locator("[data-preset='High gain']").focus()
    nb.page.keyboard.press("Tab")
    reset = root.get_by_role("button", name="Reset")
    expect(reset).to_be_focused()
    nb.page.keyboard.press("Enter")
    nb.wait_for_python_value("w.config", constructed)
    expect(typed(root, "w_hh_scale")).to_have_value("0.70")
    expect(typed(root, "seq_len")).to_have_value("40")
    expect(root.locator("input[data-trait='units']")).to_have_value("8")
    revision = nb.python_value("w._frame['revision']")
    expect(root).to_have_attribute("data-revision", str(revision))

    # The gradient chart draws the kernel's time ticks.
    norms = root.locator("canvas[data-panel='norms']")
    nb.run_code("from rnnwidget._axes import time_ticks")
    ticks = nb.python_value("' '.join(map(str, time_ticks(40)))")
    expect(norms).to_have_attribute("data-time-ticks", ticks)
    assert ticks == "1 10 20 30 40"
    assert nb.console_errors == []


def test_the_trainer_resets_by_keyboard_takes_typed_values_and_draws_the_kernels_ticks(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "trainer.ipynb", TRAINER))
    root = trainer(nb)
    expect(root).to_have_attribute("data-status", "ready")

    # A typed value in the text view (temperature) and on a log slider (learning rate).
    temperature = typed(root, "temperature")
    expect(root.locator(".rnnwidget-trainer-text")).to_contain_text("Temperature")
    temperature.fill("1.2")
    temperature.press("Enter")
    nb.wait_for_python_value("w.temperature", 1.2)
    rate = typed(root, "learning_rate")
    rate.fill("3e-3")
    rate.press("Enter")
    nb.wait_for_python_value("w.learning_rate", 0.003)
    rate.fill("abc")
    rate.press("Enter")
    error = root.locator(".rnnwidget-error")
    expect(error).to_contain_text("learning_rate must be a number from 0.0001 to 1; got 'abc'")
    expect(rate).to_have_value("3e-3")  # the kernel's value again, as the slider writes it

    nb.run_code("w.run(30)")
    expect(root).to_have_attribute("data-step", "30", timeout=30_000)
    wait_for(
        nb.page,
        "(root) => root.dataset.drawn === root.dataset.revision",
        root.element_handle(),
        what="the 30th step drawn",
    )
    for panel, expression in KERNEL_TICKS.items():
        canvas = root.locator(f"canvas[data-panel='{panel}']")
        expect(canvas).to_have_attribute("data-ticks", nb.python_value(expression))
        expect(canvas).to_have_attribute("data-step-ticks", "0 5 10 15 20 25 30")
    norms = root.locator("canvas[data-panel='batch-norms']")
    expect(norms).to_have_attribute("data-time-ticks", "1 10 20 30 40 50")

    # The sample box shows the kernel's text, scrolled to its last lines.
    sample = root.locator(".rnnwidget-trainer-sample")
    expect(sample).to_have_text(nb.python_value("w._progress['text']['sample_shown']"))
    at_end = "(el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1"
    wait_for(nb.page, at_end, sample.element_handle(), what="the sample box at its end")

    # Tab from Restart to Reset, then Enter: the constructor's settings, step 0.
    root.get_by_role("button", name="Restart").focus()
    nb.page.keyboard.press("Tab")
    reset = root.get_by_role("button", name="Reset", exact=True)
    expect(reset).to_be_focused()
    nb.page.keyboard.press("Enter")
    expect(root).to_have_attribute("data-step", "0", timeout=30_000)
    nb.wait_for_python_value("(w.temperature, w.learning_rate, w.steps)", (0.5, 0.02, 0))
    expect(temperature).to_have_value("0.50")
    expect(rate).to_have_value("0.02")
    assert nb.console_errors == []
