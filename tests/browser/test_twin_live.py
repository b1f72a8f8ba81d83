"""The explorer in a real JupyterLab stays live while its kernel cannot answer: the browser's twin
of the kernel's numbers draws each W_hh scale the keyboard asks for at once, with the very
gradient ratio Python computes for it; the view says the picture is computed in the browser;
and when the kernel answers again, its frame for the newest value replaces the twin's, and no
frame of an older value is drawn after it."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from rnnwidget import RNNExplorer

from .jupyter import JupyterServer, NotebookPage, OpenNotebook
from .test_harness import write_notebook
from .waits import wait_for

pytestmark = pytest.mark.browser

SETTINGS = {"seq_len": 100, "units": 16, "input_kind": "noise", "w_hh_scale": 1.0}
SETUP = f"from rnnwidget import RNNExplorer\n\nw = RNNExplorer(**{SETTINGS!r})\nw"
KEYS = 4  # ArrowRight presses while the kernel is busy: W_hh scale 1.00 -> 1.04

# Every frame the view draws, as its `rnnwidget:drawn` event tells it.
RECORD_DRAWN_JS = """
window.__drawn = [];
document.addEventListener("rnnwidget:drawn", (event) => {
  const { revision, source, params, gradient_ratio_log10, computed_in } = event.detail;
  // Which column of a comparison drew it (-1: an explorer on its own).
  const columns = [...document.querySelectorAll("[data-rnnwidget-column]")];
  const column = columns.indexOf(event.target.closest("[data-rnnwidget-column]"));
  window.__drawn.push({ revision, source, w_hh_scale: params.w_hh_scale, seq_len: params.seq_len,
    gradient_ratio_log10, computed_in, column });
});
"""

# Keeps the kernel busy (its comm messages wait behind this cell) until interrupted.
BLOCK_JS = """(path) => {
  const kernel = notebookHarness.panel(path).sessionContext.session.kernel;
  window.__blocker = kernel.requestExecute({ code: "import time\\ntime.sleep(300)" });
}"""
INTERRUPT_JS = """(path) =>
  notebookHarness.panel(path).sessionContext.session.kernel.interrupt()"""


def explorer(nb: NotebookPage) -> Locator:
    return nb.page.locator(".rnnwidget").first


def twin_frame(page: Page, knob: str, value: float) -> dict:
    """The newest frame drawn, once the twin has drawn one with ``knob`` at ``value``."""
    wait_for(
        page,
        "([knob, value]) => window.__drawn.some((d) => d.source === 'twin' && d[knob] === value)",
        [knob, value],
        what=f"the twin's frame for {knob} {value}",
    )
    return page.evaluate("window.__drawn.at(-1)")  # type: ignore[no-any-return]


def digest(canvas: Locator) -> str:
    return hashlib.sha256(canvas.evaluate("(c) => c.toDataURL()").encode()).hexdigest()


@pytest.fixture
def nb(lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path) -> NotebookPage:
    return open_notebook(
        lab_server, write_notebook(tmp_path / "twin.ipynb", SETUP), init_script=RECORD_DRAWN_JS
    )


def test_the_picture_follows_the_keys_while_the_kernel_is_busy(nb: NotebookPage) -> None:
    page, root = nb.page, explorer(nb)
    expect(root).to_have_attribute("data-revision", str(nb.python_value("w._frame['revision']")))
    hidden = root.locator("canvas[data-panel='hidden']")
    before = digest(hidden)
    status = root.locator(".rnnwidget-disconnected")

    page.evaluate(BLOCK_JS, nb.path)
    wait_for(page, "(path) => !notebookHarness.isIdle(path)", nb.path, what="a busy kernel")
    slider = root.locator("input[data-trait='w_hh_scale']")
    slider.focus()
    for key in range(1, KEYS + 1):
        page.keyboard.press("ArrowRight")
        value = round(SETTINGS["w_hh_scale"] + key / 100, 2)
        drawn = twin_frame(page, "w_hh_scale", value)
        expected = RNNExplorer(**(SETTINGS | {"w_hh_scale": value})).gradient_ratio_log10
        assert drawn["source"] == "twin"
        assert drawn["w_hh_scale"] == value
        assert math.isclose(drawn["gradient_ratio_log10"], expected, rel_tol=1e-9, abs_tol=1e-9)
        expect(root).to_have_attribute("data-source", "twin")
    assert digest(hidden) != before  # the canvas shows the twin's frame

    # No answer for a while: the view says the picture is the browser's, and it stays live.
    expect(status).to_be_visible()
    expect(status).to_contain_text("No answer from the kernel")
    expect(status).to_contain_text("computed in your browser")
    expect(slider).to_be_enabled()
    twin_frames = page.evaluate("window.__drawn.length")

    page.evaluate(INTERRUPT_JS, nb.path)
    final = round(SETTINGS["w_hh_scale"] + KEYS / 100, 2)
    nb.wait_for_python_value("w.w_hh_scale", final)
    revision = nb.python_value("w._frame['revision']")
    expect(root).to_have_attribute("data-revision", str(revision))
    expect(root).to_have_attribute("data-source", "kernel")
    expect(status).to_be_hidden()
    # Only the kernel's frame of the newest value replaced the twin's: none of an older one.
    after = page.evaluate("(n) => window.__drawn.slice(n)", twin_frames)
    assert after
    assert all(d["source"] == "kernel" and d["w_hh_scale"] == final for d in after)
    assert nb.console_errors == []
    assert nb.external_requests == []


# Every message the page sends on a kernel's websocket that changes the W_hh scale, by time.
RECORD_SENT_JS = """
window.__sent = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const bytes = typeof data === "string" ? null : new Uint8Array(data.buffer ?? data);
  const text = bytes ? new TextDecoder().decode(bytes) : data;
  if (text.includes('"w_hh_scale"')) window.__sent.push(performance.now());
  return send.call(this, data);
};
document.addEventListener("rnnwidget:drawn", (event) => {
  if (event.detail.source === "twin") window.__twinAt = performance.now();
});
"""


def test_a_change_the_twin_draws_goes_to_the_kernel_once_drawn(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    """On a machine of few cores the kernel's computation of the same frame would slow the
    browser's: the view draws the twin's frame first, then sends the change."""
    nb = open_notebook(
        lab_server,
        write_notebook(tmp_path / "order.ipynb", SETUP),
        init_script=RECORD_DRAWN_JS + RECORD_SENT_JS,
    )
    page, root = nb.page, explorer(nb)
    expect(root).to_have_attribute("data-revision", str(nb.python_value("w._frame['revision']")))
    page.evaluate("window.__sent = []")
    root.locator("input[data-trait='w_hh_scale']").focus()
    page.keyboard.press("ArrowRight")
    nb.wait_for_python_value("w.w_hh_scale", 1.01)
    twin_at, sent = page.evaluate("[window.__twinAt, window.__sent]")
    assert twin_at is not None
    assert sent
    assert twin_at < sent[0]
    assert nb.console_errors == []


SENTENCE = {"seq_len": 12, "units": 8, "input_kind": "sentence", "w_hh_scale": 1.0}


def busy_explorer(
    lab_server: JupyterServer, open_notebook: OpenNotebook, path: Path, settings: dict
) -> NotebookPage:
    """A notebook showing ``RNNExplorer(**settings)`` (its frames recorded), with its kernel
    busy from then on."""
    setup = f"from rnnwidget import RNNExplorer\n\nw = RNNExplorer(**{settings!r})\nw"
    nb = open_notebook(lab_server, write_notebook(path, setup), init_script=RECORD_DRAWN_JS)
    expect(explorer(nb)).to_have_attribute(
        "data-revision", str(nb.python_value("w._frame['revision']"))
    )
    nb.page.evaluate(BLOCK_JS, nb.path)
    wait_for(nb.page, "(path) => !notebookHarness.isIdle(path)", nb.path, what="a busy kernel")
    return nb


def test_why_order_matters_follows_the_keys_while_the_kernel_is_busy(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    """The sentence input's "Why order matters" (its shuffled words through the same network)
    is the twin's too: with the kernel busy, the order panel says what Python says for the
    W_hh scale the keys reached."""
    nb = busy_explorer(lab_server, open_notebook, tmp_path / "order.ipynb", SENTENCE)
    page, root = nb.page, explorer(nb)
    root.locator("input[data-trait='w_hh_scale']").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    value = round(SENTENCE["w_hh_scale"] + 3 / 100, 2)
    twin_frame(page, "w_hh_scale", value)
    expected = RNNExplorer(**(SENTENCE | {"w_hh_scale": value}))._frame["words"]["order"]
    expect(root.locator("canvas[data-panel='order']")).to_have_attribute(
        "aria-label", expected["description"]
    )
    page.evaluate(INTERRUPT_JS, nb.path)
    nb.wait_for_python_value("w.w_hh_scale", value)
    assert nb.console_errors == []


LARGE = {"cell": "lstm", "seq_len": 600, "units": 128, "input_kind": "noise"}


def test_a_frame_too_large_for_the_page_comes_from_the_worker_move_after_move(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    """An LSTM of 600 steps of 128 units costs more than a screen's frame to go back through:
    its frames come from the Worker, which keeps the forward pass for the next length, and hands
    each frame over without giving away the arrays it keeps (a frame whose arrays were handed
    over would leave the next one without its states). With the kernel busy, every length the
    keys reach has Python's gradient ratio."""
    nb = busy_explorer(lab_server, open_notebook, tmp_path / "large.ipynb", LARGE)
    page, root = nb.page, explorer(nb)
    root.locator("input[data-trait='seq_len']").focus()
    for length in (599, 598, 597):
        page.keyboard.press("ArrowLeft")
        drawn = twin_frame(page, "seq_len", length)
        expected = RNNExplorer(**(LARGE | {"seq_len": length})).gradient_ratio_log10
        assert drawn["computed_in"] == "worker"
        assert math.isclose(drawn["gradient_ratio_log10"], expected, rel_tol=1e-9, abs_tol=1e-9)
    page.evaluate(INTERRUPT_JS, nb.path)
    nb.wait_for_python_value("w.seq_len", 597)
    assert nb.console_errors == []


COMPARED = {"seq_len": 100, "units": 16, "input_kind": "noise"}
SCALES = [0.8, 1.2]
COMPARE = f"from rnnwidget import compare\n\nc = compare(w_hh_scale={SCALES!r}, **{COMPARED!r})\nc"
COLUMNS = ".rnnwidget-comparison [data-rnnwidget-column] .rnnwidget"


def wait_for_kernel_frames(nb: NotebookPage) -> None:
    """Wait until every column of ``c`` shows its explorer's newest frame from the kernel."""
    columns = nb.page.locator(COLUMNS)
    for i in range(len(SCALES)):
        revision = nb.python_value(f"c[{i}]._frame['revision']")
        expect(columns.nth(i)).to_have_attribute("data-revision", str(revision))
        expect(columns.nth(i)).to_have_attribute("data-source", "kernel")


def test_compare_moves_every_column_at_once_while_the_kernel_is_busy(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    """compare()'s shared controls draw through each column's twin: with the kernel busy, a key
    on the shared sequence length redraws every column with the gradient ratio Python computes
    for its explorer, and once the kernel answers, its frames of the newest length replace
    them."""
    nb = open_notebook(
        lab_server, write_notebook(tmp_path / "compare.ipynb", COMPARE), init_script=RECORD_DRAWN_JS
    )
    page = nb.page
    columns = page.locator(COLUMNS)
    wait_for_kernel_frames(nb)
    page.evaluate(BLOCK_JS, nb.path)
    wait_for(page, "(path) => !notebookHarness.isIdle(path)", nb.path, what="a busy kernel")

    summaries = page.locator(".rnnwidget-comparison-summary")
    shapes = page.locator(".rnnwidget-comparison-words .rnnwidget-shapes")
    shared = page.locator(".rnnwidget-comparison input[data-trait='seq_len'][type='range']")
    shared.focus()
    for key in range(1, 4):
        page.keyboard.press("ArrowLeft")
        length = COMPARED["seq_len"] - key
        for i, scale in enumerate(SCALES):
            wait_for(
                page,
                "([i, length]) => window.__drawn.some((d) => d.column === i && "
                "d.source === 'twin' && d.seq_len === length)",
                [i, length],
                what=f"column {i}'s twin frame at length {length}",
            )
            drawn = page.evaluate(
                "([i, length]) => window.__drawn.findLast((d) => d.column === i && "
                "d.seq_len === length)",
                [i, length],
            )
            explorer = RNNExplorer(**(COMPARED | {"w_hh_scale": scale, "seq_len": length}))
            expected, summary = explorer.gradient_ratio_log10, explorer.summary
            explorer.close()
            assert drawn["w_hh_scale"] == scale  # each column its own compared value
            assert math.isclose(drawn["gradient_ratio_log10"], expected, rel_tol=1e-9)
            # The column's words are those of the picture it shows, as Python writes them.
            expect(summaries.nth(i)).to_have_text(summary)
            expect(shapes.nth(i)).to_contain_text(f"(1, {length}, 4)")
    for i in range(len(SCALES)):
        expect(columns.nth(i)).to_have_attribute("data-source", "twin")
    # No answer for a while: the comparison says what still moves its columns.
    status = page.locator(".rnnwidget-comparison > .rnnwidget-disconnected")
    expect(status).to_contain_text("No answer from the kernel")
    expect(status).to_contain_text("still move the columns, computed in your browser")
    twin_frames = page.evaluate("window.__drawn.length")

    page.evaluate(INTERRUPT_JS, nb.path)
    final = COMPARED["seq_len"] - 3
    nb.wait_for_python_value("c.seq_len", final)
    wait_for_kernel_frames(nb)
    # Only the kernel's frames of the newest length replaced the twin's: none of an older one.
    after = page.evaluate("(n) => window.__drawn.slice(n)", twin_frames)
    assert after
    assert all(d["source"] == "kernel" and d["seq_len"] == final for d in after), after
    assert nb.console_errors == []


def test_compare_stays_live_once_the_kernel_is_gone(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    """A restarted kernel leaves compare()'s columns live on the knobs their twins turn: those
    shared controls stay on and redraw every column, the others turn off, and the comparison
    says which still move."""
    nb = open_notebook(lab_server, write_notebook(tmp_path / "gone.ipynb", COMPARE))
    page = nb.page
    comparison = page.locator(".rnnwidget-comparison")
    columns = page.locator(COLUMNS)
    wait_for_kernel_frames(nb)
    page.evaluate(
        "(path) => notebookHarness.panel(path).sessionContext.session.kernel.restart()", nb.path
    )
    status = comparison.locator("> .rnnwidget-disconnected")
    expect(status).to_contain_text("Kernel disconnected")
    expect(status).to_contain_text("still move the columns, computed in your browser")
    expect(columns.locator(".rnnwidget-disconnected")).to_have_count(0)  # said once, above
    expect(comparison.locator("input[data-trait='units']").first).to_be_disabled()
    shared = comparison.locator("input[data-trait='seq_len'][type='range']")
    expect(shared).to_be_enabled()
    shared.focus()
    page.keyboard.press("ArrowLeft")
    for i in range(len(SCALES)):
        expect(columns.nth(i)).to_have_attribute("data-source", "twin")
    assert nb.console_errors == []
