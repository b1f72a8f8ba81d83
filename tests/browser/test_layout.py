"""Legible in front of a class, at every width: in a real JupyterLab, the explorer's labels,
values and controls never overlap or spill past the view, at four view widths with presentation
mode off and on, and in presentation mode every text the canvases write is at least 18 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .jupyter import JupyterServer, NotebookPage, OpenNotebook
from .test_explorer import explorer
from .test_harness import write_notebook
from .waits import wait_for, wait_until_drawn_at_width

pytestmark = pytest.mark.browser

SOURCE = (
    "from rnnwidget import RNNExplorer\n\n"
    "w = RNNExplorer(seq_len=120, units=32, input_kind='sentence')\nw"
)

# The view's width is set on its cell's output, so each is exact whatever JupyterLab's own
# layout (file browser open or not) would leave.
WIDTHS = [480, 720, 1400, 1920]

# Every visible label, value and control, with its box; pairs whose boxes intersect.
OVERLAPS_JS = """(root) => {
  const boxes = [...root.querySelectorAll(
    "label, output, input, select, button, .rnnwidget-title, .rnnwidget-summary, h4")]
    .filter((el) => el.getClientRects().length > 0 && !el.closest("[hidden]"))
    .map((el) => ({ el, box: el.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 0 && box.height > 0);
  const name = (el) =>
    `${el.tagName.toLowerCase()}[${el.dataset.trait ?? el.textContent.trim().slice(0, 20)}]`;
  const inside = (a, b) => a.contains(b) || b.contains(a);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (inside(a.el, b.el)) continue;
      const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (x > 0.5 && y > 0.5) overlaps.push(`${name(a.el)} / ${name(b.el)}`);
    }
  }
  const right = root.getBoundingClientRect().right;
  const spills = [...root.querySelectorAll("*")]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => el.getBoundingClientRect().right > right + 0.5)
    .map((el) => name(el));
  return { overlaps, spills, scroll: root.scrollWidth - root.clientWidth };
}"""

# Records the size of every text a canvas writes from now on.
RECORD_CANVAS_TEXT_JS = """() => {
  window.__canvasText = [];
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    const size = Number((this.font.match(/([\\d.]+)px/) ?? [])[1]);
    window.__canvasText.push({ text: String(text), size });
    return fillText.call(this, text, ...rest);
  };
}"""


def set_view_width(nb: NotebookPage, width: int) -> None:
    nb.page.set_viewport_size({"width": width + 400, "height": 1000})
    output = explorer(nb).locator("xpath=..")
    output.evaluate(f"(el) => {{ el.style.width = '{width}px'; el.style.maxWidth = 'none'; }}")
    wait_until_drawn_at_width(explorer(nb))


@pytest.fixture
def nb(lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path) -> NotebookPage:
    return open_notebook(lab_server, write_notebook(tmp_path / "layout.ipynb", SOURCE))


@pytest.mark.parametrize("presentation", [False, True])
def test_nothing_overlaps_or_spills_at_any_width(nb: NotebookPage, presentation: bool) -> None:
    nb.run_code(f"w.presentation = {presentation}")
    root = explorer(nb)
    mode = re.compile(r"\brnnwidget-presentation\b")
    (expect(root).to_have_class if presentation else expect(root).not_to_have_class)(mode)
    for width in WIDTHS:
        set_view_width(nb, width)
        assert abs(root.evaluate("(el) => el.getBoundingClientRect().width") - width) < 2
        found = root.evaluate(OVERLAPS_JS)
        assert found["overlaps"] == [], f"at {width} px: {found['overlaps']}"
        assert found["spills"] == [], f"at {width} px: {found['spills']}"
        assert found["scroll"] <= 0, f"at {width} px the view scrolls sideways"
    assert nb.console_errors == []


def test_presentation_mode_writes_canvas_text_of_at_least_18_px(nb: NotebookPage) -> None:
    root = explorer(nb)
    set_view_width(nb, 720)
    nb.page.evaluate(RECORD_CANVAS_TEXT_JS)
    nb.run_code("w.presentation = True")
    expect(root).to_have_class(re.compile(r"\brnnwidget-presentation\b"))
    labels = ["Input x_t", "timestep t", "‖dL/dh_t‖"]  # a heatmap's, an axis', the chart's
    wait_for(
        nb.page,
        "(labels) => labels.every((label) => window.__canvasText.some((t) => t.text === label))",
        labels,
        what="the panels redrawn in presentation mode",
    )
    texts = nb.page.evaluate("() => window.__canvasText")
    small = sorted({(t["text"], t["size"]) for t in texts if t["size"] < 18})
    assert small == [], small
    # The unrolled loop's text, drawn in SVG, is as large.
    sizes = root.locator(".rnnwidget-unrolled svg text").evaluate_all(
        "(all) => all.map((t) => t.getBoundingClientRect().height)"
    )
    assert sizes
    assert min(sizes) >= 18
