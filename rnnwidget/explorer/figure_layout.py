"""Where everything in the headless figure goes: the panels' plot areas, the "Why order
matters" strips and every line of text, in CSS pixels (top-left origin) like the browser, from
the geometry both read (:mod:`rnnwidget.geometry`); a ``scale`` turns them into image pixels.
No drawing happens here.

:func:`panel_boxes` says where each panel's cells lie in the PNG that :func:`.drawing.render_png`
gives. The panels' names, titles, heights and scales come from :mod:`.layout`, the sentences from
:mod:`~rnnwidget.explorer.words`. Long lines wrap and long labels are cut to their width as measured
with the font's own metrics, which come from matplotlib's font machinery, imported only when text is
measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from ..geometry import GEOMETRY
from . import layout as panels
from .figure_inputs import as_frame, check_scale, require_matplotlib
from .frame import Frame, Params
from .words import caption, summary

__all__ = ["PanelBox", "panel_boxes"]

# The layout, in CSS pixels like the browser's; scale multiplies it.
MARGIN = GEOMETRY.panel.margin
TEXT = GEOMETRY.text
FIGURE = GEOMETRY.figure
ORDER = GEOMETRY.order
WIDTH: int = FIGURE.width
ORDER_GROUPS = (  # panel_boxes name, title, whether the two rows differ (the text's colour)
    ("order_rnn", panels.ORDER_GROUPS[0], True),
    ("order_dense", panels.ORDER_GROUPS[1], False),
)
CSS_DPI = 100  # a CSS pixel is 1/100 inch here: 100 dpi at scale 1
PX_TO_PT = 72 / CSS_DPI  # a point is 1/72 inch
FONT = "DejaVu Sans"  # ships with matplotlib, so every machine draws the same glyphs


@dataclass(frozen=True)
class PanelBox:
    """Where a panel's plot area lies in a rendered PNG, in image pixels from the top-left
    corner (``right`` and ``bottom`` exclusive), and the grid of cells it shows: ``columns``
    timesteps by ``rows`` units or features (1 row for the gradient-norm chart)."""

    left: int
    top: int
    right: int
    bottom: int
    columns: int
    rows: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def cell_centre(self, t: int, row: int = 0) -> tuple[int, int]:
        """The pixel ``(x, y)`` at the centre of the cell of timestep index ``t`` (0-based:
        the lecture's t = ``t + 1``) and ``row`` (unit or feature, 0 at the top)."""
        if not (0 <= t < self.columns and 0 <= row < self.rows):
            raise IndexError(
                f"cell (t={t}, row={row}) is outside the {self.columns} x {self.rows} grid"
            )
        x = self.left + (t + 0.5) * self.width / self.columns
        y = self.top + (row + 0.5) * self.height / self.rows
        return math.floor(x), math.floor(y)


def panel_boxes(frame: Frame | Params, *, scale: float = 2.0) -> dict[str, PanelBox]:
    """Where each panel's plot area lies in the PNG that ``render_png(frame, scale=scale)``
    gives, by the browser's ``data-panel`` names: ``"input"``, then per layer ``"hidden"``
    and ``"gradient"`` (layer 2's: ``"hidden2"``, ``"gradient2"``), T columns by the
    features or units (see :meth:`PanelBox.cell_centre`), and ``"norms"`` (the chart; one row
    of T steps). For the sentence input, the strips of the "Why order matters" panel
    (``data-panel="order"``): ``"order_rnn"`` (the RNN's final states) and ``"order_dense"``
    (the order-blind dense model's outputs), each ``units`` columns by 2 rows, row 0 the
    sentence and row 1 its shuffled words (a gap of the geometry's ``order.strip_gap`` lies
    between the rows, never at a cell's centre)."""
    frame = as_frame(frame)
    check_scale(scale)
    require_matplotlib()
    layout = layout_of(frame)
    T = frame.x.shape[0]
    grids = {panel.name: (T, panel.values(frame).shape[1]) for panel in panels.heatmaps(frame)}
    units = frame.layers[-1].h.shape[1]
    grids |= {"norms": (T, 1), "order_rnn": (units, 2), "order_dense": (units, 2)}
    boxes = {}
    for name, rect in layout.rects.items():
        left, top, right, bottom = pixel_edges(rect, scale)
        boxes[name] = PanelBox(left, top, right, bottom, *grids[name])
    return boxes


# -- the layout, for the drawing modules --------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    """A plot area in CSS pixels, top-left origin."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Layout:
    """Where everything in one frame's figure goes, in CSS pixels."""

    height: int  # CSS pixels; the width is WIDTH
    title_baseline: float
    summary: tuple[tuple[float, float, str], ...]  # (x, baseline, text) of each line
    shapes_baseline: float
    rects: dict[str, Rect]  # the plot areas by panel_boxes name, in drawing order
    order_top: float | None  # the top of the "Why order matters" panel, if any
    stats_top: float
    caption_lines: tuple[str, ...]
    caption_top: float


def layout_of(frame: Frame) -> Layout:
    """Where everything goes, in CSS pixels: the browser's panel heights and margins, with the
    title line and the shapes line on top and the statistics and caption below. Long summaries
    and captions wrap."""
    pad: float = FIGURE.pad
    inner = WIDTH - 2 * pad
    summary_text = summary(frame)
    title_width = text_width("RNN explorer", TEXT.figure_title, bold=True)
    baseline = pad + FIGURE.title_baseline
    gap = FIGURE.summary_gap
    summary_lines: tuple[tuple[float, float, str], ...]
    if title_width + gap + text_width(summary_text, TEXT.figure_summary) <= inner:
        summary_lines = ((pad + title_width + gap, baseline, summary_text),)
    else:  # the summary on lines of its own, as the browser's flexbox wraps it
        wrapped = _wrap(summary_text, TEXT.figure_summary, inner)
        line = FIGURE.summary_line
        summary_lines = tuple((pad, baseline + line * (i + 1), s) for i, s in enumerate(wrapped))
    shapes_baseline = summary_lines[-1][1] + FIGURE.shapes_line
    top = shapes_baseline + FIGURE.panels_top
    rects = {}
    for panel in panels.heatmaps(frame):
        rects[panel.name] = _plot_rect(top, panel.height)
        top += panel.height
    rects["norms"] = _plot_rect(top, panels.CHART_HEIGHT)
    top += panels.CHART_HEIGHT
    order_top = None
    if frame.order is not None:
        order_top = top
        rects |= _order_rects(top)
        top += panels.ORDER_HEIGHT
    stats_top = top + FIGURE.stats_top
    caption_top = stats_top + FIGURE.caption_top
    caption_lines = _wrap(caption(frame.params, frame.network), TEXT.figure_caption, inner)
    height = math.ceil(caption_top + FIGURE.caption_line * len(caption_lines) + pad)
    return Layout(
        height=height,
        title_baseline=baseline,
        summary=summary_lines,
        shapes_baseline=shapes_baseline,
        rects=rects,
        order_top=order_top,
        stats_top=stats_top,
        caption_lines=caption_lines,
        caption_top=caption_top,
    )


def _order_rects(top: float) -> dict[str, Rect]:
    """The strips of the "Why order matters" panel whose top is ``top``, as ``OrderPanel.draw``
    places them: per group, a title line, then two rows (a strip and a gap), then a gap; from
    ``order.labels`` right of the plots' left edge to their right edge."""
    left = MARGIN.left + ORDER.labels
    width = WIDTH - MARGIN.right - left
    rects = {}
    y = top + ORDER.top
    for name, _title, _differ in ORDER_GROUPS:
        y += ORDER.group_title
        rects[name] = Rect(left, y, width, 2 * ORDER.row - ORDER.strip_gap)
        y += 2 * ORDER.row + ORDER.gap
    return rects


def _plot_rect(top: float, height: float) -> Rect:
    return Rect(
        MARGIN.left,
        top + MARGIN.top,
        WIDTH - MARGIN.left - MARGIN.right,
        height - MARGIN.top - MARGIN.bottom,
    )


def pixel_edges(rect: Rect, scale: float) -> tuple[int, int, int, int]:
    """A plot area's edges in image pixels (left, top, right, bottom), on whole pixels."""
    return (
        round(rect.x * scale),
        round(rect.y * scale),
        round((rect.x + rect.width) * scale),
        round((rect.y + rect.height) * scale),
    )


# -- text metrics ---------------------------------------------------------------------------


def fit(text: str, size_px: float, width: float) -> str:
    """``text``, cut with an ellipsis to fit ``width`` CSS pixels (``fitText`` in
    js/common/axes.js)."""
    if text_width(text, size_px) <= width:
        return text
    cut = text
    while len(cut) > 1 and text_width(f"{cut}…", size_px) > width:
        cut = cut[:-1]
    return f"{cut}…"


@lru_cache(maxsize=4096)  # tick labels and words come back in every panel and every frame
def text_width(text: str, size_px: float, *, bold: bool = False) -> float:
    """The width of one line of text in CSS pixels, from the font's metrics."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family=FONT, size=size_px * PX_TO_PT, weight="bold" if bold else 400)
    width_pt: float = text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0]
    return width_pt / PX_TO_PT


def _wrap(text: str, size_px: float, width: float) -> tuple[str, ...]:
    """``text`` in lines no wider than ``width`` CSS pixels, broken at spaces (greedy)."""
    if text_width(text, size_px) <= width:
        return (text,)
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and word and text_width(candidate, size_px) > width:
            lines.append(line.rstrip(" "))
            line = word
        else:
            line = candidate
    lines.append(line.rstrip(" "))
    return tuple(lines)
