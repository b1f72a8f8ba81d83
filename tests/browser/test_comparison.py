"""compare() in a real JupyterLab, as a lecturer shows it (notebook 07's comparison of the three
cells, and three W_hh scales below it), with JupyterLab's file browser open, its default: one
row of three columns at a 1400 x 900 window and of two at 1024 x 768, every panel the columns
share at the same height in each, no title cut, the gated cells' hidden states drawn where their
structure shows, and the shared controls above the columns moving every column."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from rnnwidget.geometry import GEOMETRY

from .jupyter import JupyterServer, NotebookPage, OpenNotebook
from .test_explorer import press
from .test_harness import write_notebook
from .waits import wait_until_drawn_at_width

pytestmark = pytest.mark.browser

CELLS = 'c = compare(cell=["elman", "gru", "lstm"], seq_len=200, units=32, input_kind="noise")\nc'
SCALES = "d = compare(w_hh_scale=[0.5, 1.0, 1.5], seq_len=100, units=16)\nd"

# Installed before the front end loads: every text a canvas writes, from the first frame on.
RECORD_CANVAS_TEXT_JS = """
window.__canvasTexts = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  window.__canvasTexts.push(String(text));
  return fillText.call(this, text, ...rest);
};
"""

# Each column's box, and the top of every panel in it (a canvas, or the place of a panel its
# cell does not have), by name.
COLUMNS_JS = """(grid) => [...grid.querySelectorAll(":scope > .rnnwidget-comparison-column")]
  .map((column) => {
    const box = column.getBoundingClientRect();
    const tops = {};
    for (const part of column.querySelectorAll("canvas[data-panel], [data-absent]")) {
      tops[part.dataset.panel ?? part.dataset.absent] = part.getBoundingClientRect().top;
    }
    return { top: box.top, left: box.left, width: box.width, tops };
  })"""

# How far a heatmap's cells stray from the middle of its colour scale, against how far the
# scale's end lies from it (both read back from the canvas: its plot and its colour bar), in
# RGB distance: near 1 where the cells use the whole scale, near 0 for a blank-looking panel.
SPREAD_JS = """(canvas, bar) => {
  const d = canvas.dataset;
  const ratio = canvas.width / parseFloat(canvas.style.width);
  const ctx = canvas.getContext("2d");
  const [x, y, width, height] = [d.plotX, d.plotY, d.plotWidth, d.plotHeight].map(Number);
  const pixel = (px, py) =>
    Array.from(ctx.getImageData(Math.floor(px * ratio), Math.floor(py * ratio), 1, 1).data);
  const distance = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
  const barX = x + width + bar.offset + bar.width / 2;
  const middle = pixel(barX, y + height / 2);
  const end = pixel(barX, y + 1);
  const cells = ctx.getImageData(Math.ceil(x * ratio), Math.ceil(y * ratio),
    Math.floor(width * ratio) - 1, Math.floor(height * ratio) - 1).data;
  let far = 0;
  for (let i = 0; i < cells.length; i += 4) {
    far = Math.max(far, distance([cells[i], cells[i + 1], cells[i + 2]], middle));
  }
  return far / distance(end, middle);
}"""


def comparison(nb: NotebookPage, index: int = 0) -> Locator:
    """The page's `index`-th comparison: 0 compares the cells, 1 the W_hh scales."""
    return nb.page.locator(".rnnwidget-comparison").nth(index)


# Every visible control of the comparisons that has no name for a screen reader.
UNLABELLED_JS = """() => [...document.querySelectorAll(
    ".rnnwidget-comparison input, .rnnwidget-comparison select, .rnnwidget-comparison button")]
  .filter((el) => el.getClientRects().length > 0)
  .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
  .map((el) => el.outerHTML.slice(0, 80))"""


def columns(nb: NotebookPage, index: int = 0) -> Locator:
    """Each column's explorer view, in comparison `index`."""
    return comparison(nb, index).locator(".rnnwidget-comparison-column .rnnwidget")


def show_at(nb: NotebookPage, width: int, height: int) -> None:
    """The window at `width` x `height`, with JupyterLab's file browser open (its default)."""
    nb.page.set_viewport_size({"width": width, "height": height})
    if not nb.page.locator(".jp-FileBrowser").is_visible():
        nb.page.evaluate("window.jupyterapp.commands.execute('filebrowser:toggle-main')")
    expect(nb.page.locator(".jp-FileBrowser")).to_be_visible()


def look_at(nb: NotebookPage, index: int) -> None:
    """Scroll comparison `index` into view (JupyterLab lays out only the cells in sight) and
    wait until every column is drawn at the width the window leaves it."""
    comparison(nb, index).scroll_into_view_if_needed()
    for i in range(3):
        expect(columns(nb, index).nth(i).locator("canvas[data-panel='norms']")).to_be_attached()
        wait_until_drawn_at_width(columns(nb, index).nth(i))


@pytest.fixture
def nb(lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path) -> NotebookPage:
    source = f"from rnnwidget import compare\n\n{CELLS}"
    notebook = write_notebook(tmp_path / "compare.ipynb", source, SCALES)
    nb = open_notebook(lab_server, notebook, init_script=RECORD_CANVAS_TEXT_JS)
    for index in (1, 0):
        look_at(nb, index)
    return nb


@pytest.mark.parametrize(("width", "height", "per_row"), [(1400, 900, 3), (1024, 768, 2)])
def test_the_columns_share_one_layout_and_every_title_is_whole(
    nb: NotebookPage, width: int, height: int, per_row: int
) -> None:
    show_at(nb, width, height)
    for index in (0, 1):
        look_at(nb, index)
        grid = comparison(nb, index).locator(".rnnwidget-comparison-grid")
        found = grid.evaluate(COLUMNS_JS)
        rows: list[list[dict]] = []
        for column in found:  # in page order: a new row starts where a column starts lower
            if rows and abs(column["top"] - rows[-1][0]["top"]) <= 1:
                rows[-1].append(column)
            else:
                rows.append([column])
        assert [len(row) for row in rows] == ([3] if per_row == 3 else [per_row, 3 - per_row])
        # As wide as the row allows: the columns and their gaps fill the grid.
        grid_width = grid.evaluate("(el) => el.getBoundingClientRect().width")
        gap = GEOMETRY.comparison.gap
        assert abs(per_row * rows[0][0]["width"] + (per_row - 1) * gap - grid_width) <= 1
        for row in rows:
            names = set().union(*(column["tops"] for column in row))
            for name in names:
                tops = [column["tops"].get(name) for column in row]
                assert None not in tops, f"{name} has no place in every column of a row: {tops}"
                assert max(tops) - min(tops) <= 1, f"{name} starts at {tops}"
    # The Elman cell has no cell state: its column keeps the LSTM's c_t place, saying why.
    elman = columns(nb).nth(0)
    expect(elman.locator("[data-absent='cell_state']")).to_contain_text("no cell state")

    texts = nb.page.evaluate("() => window.__canvasTexts")
    assert any(text.startswith("h_t") or "h_t (" in text for text in texts)  # titles recorded
    cut = sorted({text for text in texts if text.endswith("…")})
    assert cut == [], f"cut with an ellipsis: {cut}"
    assert nb.console_errors == []


def test_gated_hidden_states_show_their_structure_on_their_own_scale(nb: NotebookPage) -> None:
    show_at(nb, 1400, 900)
    look_at(nb, 0)
    bar = {"offset": GEOMETRY.colour_bar.offset, "width": GEOMETRY.colour_bar.width}
    for i, cell in ((1, "gru"), (2, "lstm")):
        canvas = columns(nb).nth(i).locator("canvas[data-panel='hidden']")
        spread = canvas.evaluate(SPREAD_JS, bar)
        assert spread > 0.8, f"the {cell}'s h_t uses {spread:.0%} of its colour scale"
        # The panel says which scale: the title, and the colour bar's ends at ±max |h|.
        ends = nb.python_value(f"c[{i}]._frame['layout']['heatmaps'][1]['colour_ticks']")
        h_max = nb.python_value(f"float(abs(c[{i}].frame.h).max())")
        assert ends[0][0] == pytest.approx(-h_max)
        assert ends[-1][0] == pytest.approx(h_max)
    texts = nb.page.evaluate("() => window.__canvasTexts")
    assert "h_t (±max |h|)" in texts  # the gated cells' title at this width
    assert "h_t (±1: tanh)" in texts  # the Elman cell keeps tanh's range, and says so


def test_a_shared_control_moves_every_column(nb: NotebookPage) -> None:
    show_at(nb, 1400, 900)
    look_at(nb, 0)
    bar = comparison(nb).locator(":scope > .rnnwidget-controls")
    assert bar.locator("[data-trait='cell']").count() == 0  # the compared setting is each column's
    expect(bar.get_by_role("slider", name="W_hh scale (elman only)")).to_be_visible()
    before = [columns(nb).nth(i).get_attribute("data-revision") for i in range(3)]
    press(nb.page, bar.get_by_role("slider", name="Sequence length"), "ArrowLeft", 5)
    nb.wait_for_python_value("[w.seq_len for w in c] + [c.seq_len]", [195] * 4)
    revisions = nb.python_value("[w._frame['revision'] for w in c]")
    for i, revision in enumerate(revisions):
        expect(columns(nb).nth(i)).to_have_attribute("data-revision", str(revision))
        assert str(revision) != before[i], f"column {i} did not redraw"
    # Each column's words are the kernel's, for the new length.
    summaries = nb.page.locator(".rnnwidget-comparison-summary")
    for i in range(3):
        expect(summaries.nth(i)).to_contain_text("t=195")
    # The other comparison on the page keeps its own settings.
    assert nb.python_value("[w.seq_len for w in d]") == [100] * 3
    # Reset, from the keyboard: every column back to the length it was created with.
    actions = comparison(nb).locator(":scope > .rnnwidget-actions")
    actions.get_by_role("button", name="Reset").focus()
    nb.page.keyboard.press("Enter")
    nb.wait_for_python_value("[w.seq_len for w in c] + [c.seq_len]", [200] * 4)
    expect(bar.locator("input[data-typed='seq_len']")).to_have_value("200")
    assert nb.console_errors == []


def test_every_control_is_labelled_and_every_id_is_the_pages_only_one(nb: NotebookPage) -> None:
    unlabelled = nb.page.evaluate(UNLABELLED_JS)
    assert unlabelled == []
    ids = nb.page.evaluate("() => [...document.querySelectorAll('[id]')].map((el) => el.id)")
    assert len(ids) == len(set(ids))
    # The comparison's words are the kernel's.
    words = nb.python_value("c._words")
    expect(comparison(nb).locator(".rnnwidget-title")).to_have_text(words["title"])
    shared = comparison(nb).get_by_role("group", name=words["controls"])
    expect(shared.get_by_role("slider", name="Sequence length")).to_have_count(1)
    # Each column is a region named by its label, for a screen reader's list of landmarks.
    for index, labels in (
        (0, ["cell = 'elman'", "cell = 'gru'", "cell = 'lstm'"]),
        (1, ["w_hh_scale = 0.5", "w_hh_scale = 1.0", "w_hh_scale = 1.5"]),
    ):
        for label in labels:
            expect(comparison(nb, index).get_by_role("region", name=label)).to_have_count(1)
        expect(comparison(nb, index).locator(".rnnwidget-comparison-label")).to_have_text(labels)
