"""RNNTrainer learning to write, in a real JupyterLab 4: press Start and the sample box rewrites
itself as the network trains; move the temperature slider and it writes anew; hover a character
of the held-out text, or walk it with the arrow keys, and read the model's top guesses; and at
720 px nothing of the text view overlaps or spills."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from .jupyter import JupyterServer, NotebookPage, OpenNotebook, set_presentation_mode
from .test_harness import write_notebook
from .test_layout import OVERLAPS_JS
from .waits import wait_until_drawn_at_width

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000

SETUP = (
    "from rnnwidget import RNNTrainer\n\n"
    "w = RNNTrainer(task='text', corpus='brackets', units=32, batch_size=8, bptt_steps=25)\nw"
)


def trainer(nb: NotebookPage) -> Locator:
    return nb.page.locator(".rnnwidget-trainer")


def sample_text(root: Locator) -> str:
    return root.locator(".rnnwidget-trainer-sample").evaluate("(el) => el.textContent")


def wait_for_sample(nb: NotebookPage, root: Locator, text: str) -> None:
    """Wait until the sample box reads exactly `text`."""
    nb.page.wait_for_function(
        "([el, text]) => el.textContent === text",
        arg=[root.locator(".rnnwidget-trainer-sample").element_handle(), text],
        timeout=TIMEOUT_MS,
    )


def wait_for_sample_other_than(nb: NotebookPage, root: Locator, text: str) -> str:
    nb.page.wait_for_function(
        "([el, text]) => el.textContent !== text",
        arg=[root.locator(".rnnwidget-trainer-sample").element_handle(), text],
        timeout=TIMEOUT_MS,
    )
    return sample_text(root)


@pytest.fixture
def nb(lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path) -> NotebookPage:
    return open_notebook(lab_server, write_notebook(tmp_path / "write.ipynb", SETUP))


def test_the_class_watches_the_network_learn_to_write(nb: NotebookPage) -> None:
    root = trainer(nb)
    expect(root).to_have_attribute("data-status", "ready")
    sample = root.locator(".rnnwidget-trainer-sample")
    expect(sample).to_be_visible()
    untrained = sample_text(root)
    assert untrained == nb.python_value("w._progress['text']['sample']")
    assert len(untrained) == 300
    # The kernel's words: the loss chart is in bits per character.
    expect(root.locator("canvas[data-panel='loss']")).to_have_attribute(
        "aria-label", "Loss in bits per character"
    )

    title = root.locator(".rnnwidget-trainer-text-title").first
    root.get_by_role("button", name="Start training").click()
    expect(root).to_have_attribute("data-status", "running", timeout=TIMEOUT_MS)
    wait_for_sample_other_than(nb, root, untrained)  # it rewrites while training
    assert "at step 0 " not in title.inner_text()
    root.get_by_role("button", name="Pause training").click()
    expect(root).to_have_attribute("data-status", "paused", timeout=TIMEOUT_MS)
    # Paused, the sample is the one the network writes as it stopped.
    shown = nb.python_value("w.trainer.sample(300, temperature=0.8, seed=0)")
    wait_for_sample(nb, root, shown)

    # The temperature slider, by keyboard: the kernel writes anew at once.
    temperature = root.get_by_role("slider", name="Temperature")
    expect(temperature).to_have_attribute("data-lm-suppress-shortcuts", "true")
    temperature.focus()
    for _ in range(16):
        nb.page.keyboard.press("ArrowLeft")  # 0.8 - 16 * 0.05 = 0: the likeliest, always
    nb.wait_for_python_value("w.temperature", 0.0)
    expect(title).to_contain_text("temperature 0: always the likeliest", timeout=TIMEOUT_MS)
    greedy = nb.python_value("w.trainer.sample(300, temperature=0.0, seed=0)")
    assert greedy != shown
    wait_for_sample(nb, root, greedy)
    assert nb.python_value("w.status") == "paused"  # the run is untouched

    # The unit reading: each character coloured, its guesses on hover.
    chars = root.locator(".rnnwidget-trainer-char")
    reading = nb.python_value("w._progress['text']['reading']")
    expect(chars).to_have_count(len(reading))
    backgrounds = chars.evaluate_all(
        "(all) => new Set(all.slice(0, 200).map((c) => c.style.backgroundColor)).size"
    )
    assert backgrounds > 5  # the activation varies along the text
    tooltip = root.locator(".rnnwidget-trainer-guesses")
    expect(tooltip).to_be_hidden()
    chars.nth(10).hover()
    expect(tooltip).to_be_visible()
    guesses = nb.python_value("w._progress['text']['guesses'][30:33]")
    text = tooltip.inner_text()
    assert "Likeliest next characters:" in text
    lines = text.splitlines()
    assert len(lines) == 5  # the character and its activation, the heading, three guesses
    names = {"\n": "↵ newline", " ": "␣ space"}
    for line, guess in zip(lines[2:], guesses):
        assert line.startswith(names.get(guess, f"“{guess}”")), (line, guess)
        assert line.endswith("%")

    # The keyboard reaches it too: focus the text, walk it with the arrow keys.
    # by default the unit that follows the bracket depth most strongly, whichever it is
    strongest = re.compile(r"^Held-out text coloured by h\[\d+\]$")
    expect(root.get_by_role("group", name=strongest)).to_be_visible()
    panel = root.locator(".rnnwidget-trainer-reading")
    panel.focus()
    expect(tooltip).to_be_visible()
    nb.page.keyboard.press("End")
    expect(chars.nth(len(reading) - 1)).to_have_class(re.compile(r"\bchar-current\b"))
    expect(chars.nth(10)).not_to_have_class(re.compile(r"\bchar-current\b"))
    assert panel.get_attribute("aria-describedby") == tooltip.get_attribute("id")

    # Another unit, from the select the kernel orders by score ("the strongest" first).
    unit = root.get_by_role("combobox", name="Unit (sorted by |r| with bracket depth)")
    options = unit.locator("option")
    assert options.first.get_attribute("value") == "-1"
    assert options.first.text_content().startswith("best: unit ")
    chosen = options.nth(2).get_attribute("value")  # the second strongest
    unit.select_option(chosen)
    nb.wait_for_python_value("w.unit", int(chosen))
    expect(panel).to_have_accessible_name(
        f"Held-out text coloured by h[{chosen}]", timeout=TIMEOUT_MS
    )

    assert nb.console_errors == []
    assert nb.external_requests == []


def test_the_text_view_holds_at_720_and_1400_px_and_hides_for_a_memory_task(
    nb: NotebookPage,
) -> None:
    root = trainer(nb)
    nb.run_code("w.cell = 'lstm'")  # one more knob: the state, h or c
    expect(root.get_by_role("combobox", name="State")).to_be_visible()
    output = root.locator("xpath=..")
    # JupyterLab's presentation mode enlarges the view, and the code font the sample and the
    # text are set in.
    for presentation in (False, True):
        set_presentation_mode(nb.page, presentation)
        for width in (720, 1400):
            nb.page.set_viewport_size({"width": width + 400, "height": 1000})
            output.evaluate(
                f"(el) => {{ el.style.width = '{width}px'; el.style.maxWidth = 'none'; }}"
            )
            wait_until_drawn_at_width(root)
            found = root.evaluate(OVERLAPS_JS)
            where = f"at {width} px, presentation {presentation}"
            assert found["overlaps"] == [], f"{where}: {found['overlaps']}"
            assert found["spills"] == [], f"{where}: {found['spills']}"
            assert found["scroll"] <= 0, where
    set_presentation_mode(nb.page, False)  # the settings unfolded again

    nb.run_code("w.task = 'recall'")
    expect(root.locator(".rnnwidget-trainer-text")).to_be_hidden()
    expect(root.get_by_role("slider", name="Temperature")).to_be_hidden()
    expect(root.get_by_role("slider", name="Lag")).to_be_visible()
    assert nb.console_errors == []
