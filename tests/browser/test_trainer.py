"""RNNTrainer in a real JupyterLab 4 (and Notebook 7), driven as a lecturer drives it: Start,
watch the loss chart grow, move a slider while it trains, Pause, run a cell, resume, Reset. The
progress is published from the kernel's background thread, so this also proves that comm
messages sent from that thread reach the browser."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from .jupyter import JupyterServer, NotebookPage, OpenNotebook
from .test_harness import write_notebook

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 30_000

SETUP = "from rnnwidget import RNNTrainer\n\nw = RNNTrainer(lag=10, units=16)\nw"

CANVAS_DIGEST_JS = "(canvas) => canvas.toDataURL()"


def trainer(nb: NotebookPage) -> Locator:
    return nb.page.locator(".rnnwidget-trainer")


def shown_step(root: Locator) -> int:
    return int(root.get_attribute("data-step") or "-1")


def wait_for_step_above(nb: NotebookPage, root: Locator, step: int) -> int:
    """Wait until the view shows a step after `step`; return it."""
    nb.page.wait_for_function(
        "([root, step]) => Number(root.dataset.step) > step",
        arg=[root.element_handle(), step],
        timeout=TIMEOUT_MS,
    )
    return shown_step(root)


def digest(root: Locator, panel: str) -> str:
    """A fingerprint of what a chart's canvas shows now."""
    data_url = root.locator(f"canvas[data-panel='{panel}']").evaluate(CANVAS_DIGEST_JS)
    return hashlib.sha256(data_url.encode()).hexdigest()


@pytest.fixture
def nb(lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path) -> NotebookPage:
    return open_notebook(lab_server, write_notebook(tmp_path / "train.ipynb", SETUP))


@pytest.mark.parametrize("app", ["lab", "notebook7"])
def test_start_watch_pause_ask_the_kernel_resume_reset(
    app: str, open_notebook: OpenNotebook, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    server = request.getfixturevalue(f"{app}_server")
    nb = open_notebook(server, write_notebook(tmp_path / "train.ipynb", SETUP))
    # The kernel runs this checkout's rnnwidget, not another installed copy.
    assert Path(nb.python_value("__import__('rnnwidget').__file__")).is_relative_to(ROOT)
    root = trainer(nb)
    expect(root).to_have_attribute("data-status", "ready")
    expect(root).to_have_attribute("data-step", "0")
    expect(root.locator("canvas[data-panel='batch-norms']")).to_be_visible()
    before = digest(root, "loss")

    start = root.get_by_role("button", name="Start training")
    expect(start).to_have_attribute("data-lm-suppress-shortcuts", "true")
    start.click()
    expect(root).to_have_attribute("data-status", "running", timeout=TIMEOUT_MS)
    first = wait_for_step_above(nb, root, 0)
    wait_for_step_above(nb, root, first)  # the chart keeps growing: several snapshots arrive
    assert digest(root, "loss") != before

    # The kernel answers a cell while it trains; the training goes on meanwhile.
    assert nb.run_code("print(1)") == "1"
    assert nb.python_value("w.status") == "running"

    root.get_by_role("button", name="Pause training").click()
    expect(root).to_have_attribute("data-status", "paused", timeout=TIMEOUT_MS)
    paused_at = shown_step(root)
    assert nb.python_value("(w.steps, w.trainer.steps)") == (paused_at, paused_at)
    assert nb.run_code("print(1)") == "1"
    assert shown_step(root) == paused_at  # nothing trained while paused
    assert nb.python_value("w.trainer.steps") == paused_at

    root.get_by_role("button", name="Start training").click()
    expect(root).to_have_attribute("data-status", "running", timeout=TIMEOUT_MS)
    wait_for_step_above(nb, root, paused_at)

    root.get_by_role("button", name="Reset").click()
    expect(root).to_have_attribute("data-status", "ready", timeout=TIMEOUT_MS)
    expect(root).to_have_attribute("data-step", "0")
    assert nb.python_value("(w.status, w.steps, w.trainer.steps)") == ("ready", 0, 0)

    assert nb.console_errors == []
    assert nb.external_requests == []


def test_a_slider_moved_by_keyboard_while_training_starts_a_new_run(nb: NotebookPage) -> None:
    root = trainer(nb)
    root.get_by_role("button", name="Start training").click()
    wait_for_step_above(nb, root, 50)

    lag = root.get_by_role("slider", name="Lag")
    expect(lag).to_have_attribute("data-lm-suppress-shortcuts", "true")
    lag.focus()
    for _ in range(5):
        nb.page.keyboard.press("ArrowRight")
    nb.wait_for_python_value("w.lag", 15)
    expect(root).to_have_attribute("data-status", "running")
    assert nb.python_value("w.trainer.task.lag") == 15  # a new run, which keeps training

    clip = root.get_by_role("checkbox", name="Clip the gradient")
    clip.press("Space")  # a live setting: the run goes on
    nb.wait_for_python_value("(w.clip, w.trainer.clip)", (False, False))

    root.get_by_role("button", name="Pause training").click()
    expect(root).to_have_attribute("data-status", "paused", timeout=TIMEOUT_MS)
    assert nb.console_errors == []


# Counts, on the page, every read of a widget element's layout width and every computed-style
# lookup of one (each makes the browser compute style and layout on the spot).
COUNT_LAYOUT_READS_JS = """() => {
  const counts = (window.__layoutReads = { width: 0, style: 0 });
  const ours = (el) => el instanceof Element && el.closest(".rnnwidget") !== null;
  const width = Object.getOwnPropertyDescriptor(Element.prototype, "clientWidth");
  Object.defineProperty(Element.prototype, "clientWidth", { configurable: true,
    get() { if (ours(this)) counts.width += 1; return width.get.call(this); } });
  const style = window.getComputedStyle;
  window.getComputedStyle = (el, ...rest) => {
    if (ours(el)) counts.style += 1;
    return style(el, ...rest);
  };
}"""


def test_training_snapshots_redraw_without_reading_layout(nb: NotebookPage) -> None:
    """A snapshot arrives a few times a second: the view measures its width and theme only when
    they change (a resize, a theme switch), never on a redraw."""
    root = trainer(nb)
    nb.page.evaluate(COUNT_LAYOUT_READS_JS)
    root.get_by_role("button", name="Start training").click()
    first = wait_for_step_above(nb, root, 0)
    nb.page.wait_for_function(
        "([root, step]) => Number(root.dataset.drawn) > 0 && Number(root.dataset.step) > step",
        arg=[root.element_handle(), first + 20],
        timeout=TIMEOUT_MS,
    )
    root.get_by_role("button", name="Pause training").click()
    expect(root).to_have_attribute("data-status", "paused", timeout=TIMEOUT_MS)
    drawn = int(root.get_attribute("data-drawn") or "0")
    assert drawn >= 3  # several snapshots were drawn meanwhile
    assert nb.page.evaluate("() => window.__layoutReads") == {"width": 0, "style": 0}


def test_the_cell_select_trains_an_lstm_and_hides_the_elman_knobs(nb: NotebookPage) -> None:
    root = trainer(nb)
    expect(root.get_by_role("slider", name="W_hh scale")).to_be_visible()
    root.get_by_role("combobox", name="Cell").select_option("lstm")
    nb.wait_for_python_value("(w.cell, w.trainer.cell)", ("lstm", "lstm"))
    # The Elman cell's knobs mean nothing for an LSTM: the view hides them, and shows its own.
    expect(root.get_by_role("slider", name="W_hh scale")).to_be_hidden()
    expect(root.get_by_role("slider", name="tanh gain")).to_be_hidden()
    expect(root.get_by_role("combobox", name="Memory gate init")).to_be_visible()
    root.get_by_role("button", name="Step").click()
    nb.wait_for_python_value("w.steps", 1)
    # The memory chart is the forget gate's now, as the kernel words it.
    expect(root.locator("canvas[data-panel='radius']")).to_have_attribute(
        "aria-label", nb.python_value("w._progress['charts']['radius']['title']")
    )
    assert "Forget gate" in nb.python_value("w._progress['charts']['radius']['title']")
    assert nb.console_errors == []
