"""In a real JupyterLab 4 and Notebook 7: "Copy as code" puts the line that recreates the view
on the clipboard, and a classroom view (``controls=[...]``) shows exactly the named knobs."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from .jupyter import JupyterServer, OpenNotebook
from .test_explorer import explorer, press
from .test_harness import write_notebook
from .waits import wait_for

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
KNOBS = ["w_hh_scale", "seq_len", "saturation", "bias", "units", "input_kind", "seed"]
PRESETS = ["Vanishing", "Edge of chaos", "Exploding", "Saturated", "High gain"]

# Records every value the view's data-connection takes from now on ("silent": the view says
# the kernel is not answering), however briefly.
RECORD_CONNECTION_JS = """(root) => {
  window.__connections = [];
  new MutationObserver((records) => {
    for (const record of records) window.__connections.push(record.oldValue);
    window.__connections.push(root.dataset.connection);
  }).observe(root, { attributes: true, attributeFilter: ["data-connection"],
    attributeOldValue: true });
}"""


def test_copy_as_code_puts_the_line_that_recreates_the_view_on_the_clipboard(
    server: JupyterServer, open_notebook: OpenNotebook, chromium: BrowserContext, tmp_path: Path
) -> None:
    chromium.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    source = "from rnnwidget import RNNExplorer\n\nw = RNNExplorer(seq_len=60, units=12)\nw"
    nb = open_notebook(server, write_notebook(tmp_path / "copy.ipynb", source))
    # The kernel runs this worktree's rnnwidget, not another installed copy.
    assert Path(nb.python_value("__import__('rnnwidget').__file__")).is_relative_to(ROOT)

    root = explorer(nb)
    press(nb.page, root.locator("input[data-trait='w_hh_scale']"), "ArrowRight", 3)
    nb.wait_for_python_value("w.w_hh_scale", 1.03)
    line = nb.python_value("repr(w)")
    assert line.startswith(
        "RNNExplorer(w_hh_scale=1.03, seq_len=60, saturation=1.0, bias=0.0, units=12, "
    )

    button = root.get_by_role("button", name="Copy the Python line that recreates this view")
    expect(button).to_have_attribute("data-lm-suppress-shortcuts", "true")
    expect(button).to_have_attribute("title", line)  # the synced `code` follows the slider
    button.click()
    expect(root.locator(".rnnwidget-copy-status")).to_have_text("Copied: paste it into a cell")
    assert nb.page.evaluate("() => navigator.clipboard.readText()") == line
    # Pasted into a cell, the line recreates the same view.
    assert nb.python_value(f"{line}.config == w.config") is True
    assert nb.console_errors == []


def test_a_classroom_view_shows_only_the_named_controls(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    source = (
        "from rnnwidget import RNNExplorer\n\n"
        "w = RNNExplorer(seq_len=60, units=12, controls=['w_hh_scale'])\nw"
    )
    nb = open_notebook(lab_server, write_notebook(tmp_path / "classroom.ipynb", source))
    root = explorer(nb)

    def expect_shown(knobs: list[str], presets: list[str]) -> None:
        wanted = [(f"[data-trait='{name}']", name in knobs) for name in KNOBS]
        wanted += [(f"[data-preset='{label}']", label in presets) for label in PRESETS]
        for selector, visible in wanted:
            if visible:
                expect(root.locator(selector)).to_be_visible()
            else:
                expect(root.locator(selector)).to_be_hidden()
        expect(root.locator("[data-knob='sentence']")).to_be_hidden()  # not a sentence input

    expect_shown(["w_hh_scale"], [])  # every preset also sets the gain and bias, hidden
    expect(root.locator(".rnnwidget-controls")).to_contain_text("W_hh scale")
    expect(root.locator(".rnnwidget-controls label:visible")).to_have_count(1)

    press(nb.page, root.locator("input[data-trait='w_hh_scale']"), "ArrowLeft", 2)
    nb.wait_for_python_value("w.w_hh_scale", 0.98)

    nb.run_code("w.controls = ['w_hh_scale', 'saturation', 'seed']")
    expect_shown(["w_hh_scale", "saturation", "seed"], [])  # every preset also sets the bias
    nb.run_code("w.controls = ['w_hh_scale', 'saturation', 'bias', 'seed']")
    expect_shown(["w_hh_scale", "saturation", "bias", "seed"], PRESETS)
    nb.run_code("w.controls = None")
    expect_shown(KNOBS, PRESETS)
    assert nb.console_errors == []


def test_enter_in_the_seed_box_applies_it_and_a_refusal_leaves_the_protocol_in_step(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    source = "from rnnwidget import RNNExplorer\n\nw = RNNExplorer(seq_len=60, units=12)\nw"
    nb = open_notebook(lab_server, write_notebook(tmp_path / "seed.ipynb", source))
    root = explorer(nb)
    seed = root.get_by_role("textbox", name="Seed", exact=True)
    seed.fill("7")
    seed.press("Enter")  # no click elsewhere: Enter applies the value
    nb.wait_for_python_value("w.seed", 7)

    seed.fill("-1")
    seed.press("Enter")
    expect(root.locator(".rnnwidget-error")).to_contain_text("seed must be a whole number")
    assert nb.python_value("(w.seed, w._request == w._ack)") == (7, True)
    expect(seed).to_have_value("7")  # the browser shows the kernel's value again

    # A new view of the same widget (the page saved and reloaded, the kernel still running)
    # numbers its changes after the refused one's, so the kernel answers them and the view
    # never says it is not answering.
    nb.page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    wait_for(
        nb.page,
        "(path) => !notebookHarness.panel(path).context.model.dirty",
        nb.path,
        what="the notebook saved",
    )
    nb.page.reload()
    nb.page.wait_for_function(
        "() => document.querySelector('.rnnwidget[data-revision]')", timeout=60_000
    )
    root = explorer(nb)
    root.evaluate(RECORD_CONNECTION_JS)
    # Two key presses, two changes: the second goes out once the first is answered, or once
    # the view has given up waiting for that answer and said the kernel is not answering.
    press(nb.page, root.locator("input[data-trait='seq_len']"), "ArrowRight", 2)
    nb.wait_for_python_value("w.seq_len", 62)
    expect(root.locator(".rnnwidget-error")).to_be_hidden()  # an accepted change ends the refusal
    assert "silent" not in nb.page.evaluate("() => window.__connections")
    assert root.get_attribute("data-connection") != "silent"
    expect(root.locator(".rnnwidget-disconnected")).to_be_hidden()
