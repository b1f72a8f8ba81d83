"""The headless renderer: the explorer's picture as a PNG or an SVG, with no browser.

Lecturers regenerate slide figures from a script, a CI job or ``jupyter nbconvert --execute``::

    from rnnwidget.explorer.frame import Params, compute_frame
    from rnnwidget.explorer.render import save

    save(compute_frame(Params(w_hh_scale=1.2, seq_len=200, units=64)), "exploding.png")

The figure is the live view's, panel for panel (``js/widget.js``): a title line with the
widget's one-sentence summary and the shapes line ("Shapes: (1, 50, 4) → (1, 32)"); the
heatmaps "Input x_t", "Hidden state h_t" and "Gradient |dL/dh_t| (log scale)" (rows against
timesteps t = 1 ... T, row 0 at the top), each with its colour bar, or with two stacked layers
"Layer 1: hidden state h1_t", "Layer 2: hidden state h2_t", then both layers' gradients on one
colour scale; the chart of ``log10 ||dL/dh_t||``, a curve per layer (with a legend for two);
for the sentence input, "Why order matters" (``js/order.js``); the widget's statistics line;
and a caption naming every parameter and the version (:func:`caption`), which also goes into
the file's metadata. It is always drawn on white, whatever the notebook's theme. What only the
live view has (the controls, play-through-time, the unrolled loop, hover read-outs) is not
drawn.

Every heatmap cell has EXACTLY the colour the browser gives it: values are mapped through the
shared tables with :func:`rnnwidget.colormaps.colourize`, from the float32 values the widget
sends, and the RGB image is scaled with nearest-neighbour sampling, never through a matplotlib
colormap. :func:`panel_boxes` says where each panel's cells lie in the PNG.

matplotlib (the ``export`` extra) is imported only when a figure is drawn, so ``import
rnnwidget`` never needs it. The renderer uses matplotlib's object-oriented API on a fresh
:class:`~matplotlib.figure.Figure` per call (never pyplot: no global figure, no GUI backend).
For speed it creates no Axes at all (each costs about 2 ms to set up, and this figure would
need seven to twelve) and no layout engine runs: images, lines and texts sit directly on the
figure at a fixed layout in CSS pixels, the browser's own units.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._axes import row_ticks, time_ticks
from .._files import write_atomically
from .._version import __version__
from ..colormaps import colourize, table
from ..formatting import FLOAT64_MAX_LOG10, FLOAT64_MIN_LOG10
from . import layout as panels
from .frame import Frame, OrderDemo, Params, compute_frame
from .words import caption, order_distance, shapes, stats, summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

__all__ = ["SUFFIXES", "PanelBox", "panel_boxes", "render_png", "render_svg", "save"]

#: The file types :func:`save` writes, by suffix.
SUFFIXES = (".png", ".svg")

_EXPORT_HINT = "pip install 'rnnwidget[export]'"

# -- the look: the live view's light theme (js/theme.js fallbacks), opaque on white ----------
_BACKGROUND = "#ffffff"
_PANEL = "#eeeeee"  # the band beyond float64's range
_TEXT = "#212121"  # rgba(0, 0, 0, 0.87) on white
_MUTED = "#757575"  # rgba(0, 0, 0, 0.54) on white
_GRID = "#e0e0e0"
_LINE = "#1976d2"
_WARN = "#e65100"
_FONT = "DejaVu Sans"  # ships with matplotlib, so every machine draws the same glyphs
_MONO_FONT = "DejaVu Sans Mono"  # the shapes line, in the browser's code font
_CURVE_COLOURS = (_LINE, _WARN)  # the norm chart's curves, layer 1 first (js/linechart.js)

# -- the layout, in CSS pixels like the browser (js/axes.js); scale multiplies it ------------
_WIDTH = 880
_PAD = 8
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 64, 84, 22, 34
# "Why order matters" (js/order.js): the panel's height, where its strips start (170 CSS px
# right of the plots' left edge), the height of a row (a strip and a 2 px gap), the gap
# between its two groups
_ORDER_LABELS = 170
_ORDER_ROW = 16
_ORDER_GAP = 6
_ORDER_GROUPS = (  # panel_boxes name, title, whether the two rows differ (the text's colour)
    ("order_rnn", "RNN, final state h_T", True),
    ("order_dense", "Dense on the mean word vector", False),
)
_PX_TO_PT = 0.72  # a CSS pixel is 1/100 inch here: 100 dpi at scale 1
_CSS_DPI = 100
_MAX_SCALE = 10.0

# The SVG's heatmaps are embedded as images at this many pixels per CSS pixel.
_SVG_IMAGE_SCALE = 2.0

# zlib level of the PNG: 1 is fast and the file only ~10% larger than at 6 (flat panels).
_PNG_COMPRESS_LEVEL = 1

# rcParams matter only to the SVG writer, which reads them while it draws (fonttype, ids).
_RC_LOCK = threading.Lock()
_RENDERERS = threading.local()  # see _agg_renderer


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


# -- public API ---------------------------------------------------------------------------------


def render_png(frame: Frame | Params, *, palette: str = "standard", scale: float = 2.0) -> bytes:
    """The explorer's picture of ``frame`` as PNG bytes: the title line with the gradient
    summary, the shapes line, the input, hidden-state and gradient heatmaps (per layer) with
    their colour bars, the gradient-norm chart, "Why order matters" for the sentence input,
    the statistics line and the caption, on white.

    The image is ``scale`` times the layout's CSS size (880 pixels wide): 2 (the default) is
    sharp on a projector, 1 is quicker. The caption is also in the PNG's ``Description`` text,
    beside ``Title`` (the summary) and ``Software``. ``palette`` is ``"standard"`` or
    ``"colorblind"``. A :class:`~rnnwidget.explorer.frame.Params` is computed first.
    """
    frame = _as_frame(frame)
    _check_scale(scale)
    mpl = _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image, PngImagePlugin

    figure = _build_figure(frame, palette, scale)
    FigureCanvasAgg(figure)  # the figure's canvas, for any artist that asks
    width, height = round(_WIDTH * scale), round(figure.get_figheight() * figure.dpi)
    renderer = _agg_renderer(width, height, figure.dpi)
    figure.draw(renderer)
    pixels = renderer.buffer_rgba()
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    info = PngImagePlugin.PngInfo()
    for key, value in _metadata(frame, mpl.__version__).items():
        info.add_text(key, value)
    dpi = _CSS_DPI * scale
    out = BytesIO()
    image.convert("RGB").save(
        out, format="png", pnginfo=info, dpi=(dpi, dpi), compress_level=_PNG_COMPRESS_LEVEL
    )
    return out.getvalue()


def render_svg(frame: Frame | Params, *, palette: str = "standard") -> str:
    """The same picture as :func:`render_png`, as SVG text: the texts are real ``<text>``
    elements (the caption among them, so it can be searched and copied), the heatmaps embedded
    bitmaps at twice the layout's resolution with every cell in its exact table colour. Its
    metadata holds the caption as the description and the summary as the title."""
    frame = _as_frame(frame)
    mpl = _matplotlib()
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    figure = _build_figure(frame, palette, _SVG_IMAGE_SCALE)
    canvas: Any = FigureCanvasSVG(figure)  # print_svg is untyped
    meta = _metadata(frame, mpl.__version__)
    out = BytesIO()
    with _svg_settings(mpl):
        canvas.print_svg(
            out,
            metadata={
                "Title": meta["Title"],
                "Description": meta["Description"],
                "Creator": meta["Software"],
                "Date": None,  # the same figure gives the same file
            },
        )
    svg = out.getvalue().decode("utf-8")
    # Keep the caption's double spaces visible: SVG collapses runs of spaces by default.
    return svg.replace("<svg ", '<svg xml:space="preserve" ', 1)


def save(
    frame: Frame | Params,
    path: str | os.PathLike[str],
    *,
    palette: str = "standard",
    scale: float = 2.0,
) -> Path:
    """Draw ``frame`` and write it to ``path``, a ``.png`` (:func:`render_png`, at ``scale``)
    or an ``.svg`` (:func:`render_svg`; ``scale`` does not apply); returns the path.

    The figure is drawn in memory first and written to a temporary file in the same folder,
    which then replaces ``path`` in one step: ``path`` is either the whole new figure or
    untouched, never half-written, and no temporary file is left behind. An unknown suffix is
    a ``ValueError``, a missing folder a ``FileNotFoundError``, an unwritable place a
    ``PermissionError`` (or another ``OSError``, e.g. ``IsADirectoryError`` when ``path`` is a
    folder), each naming the path.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"cannot save the figure to {str(target)!r}: the file name must end in "
            f"{' or '.join(SUFFIXES)} (got {target.suffix or 'no suffix'!r})"
        )
    if suffix == ".png":
        data = render_png(frame, palette=palette, scale=scale)
    else:
        _check_scale(scale)
        data = render_svg(frame, palette=palette).encode("utf-8")
    return write_atomically(target, data, what="figure")


def panel_boxes(frame: Frame | Params, *, scale: float = 2.0) -> dict[str, PanelBox]:
    """Where each panel's plot area lies in the PNG that ``render_png(frame, scale=scale)``
    gives, by the browser's ``data-panel`` names: ``"input"``, then per layer ``"hidden"``
    and ``"gradient"`` (layer 2's: ``"hidden2"``, ``"gradient2"``), T columns by the
    features or units (see :meth:`PanelBox.cell_centre`), and ``"norms"`` (the chart; one row
    of T steps). For the sentence input, the strips of the "Why order matters" panel
    (``data-panel="order"``): ``"order_rnn"`` (the RNN's final states) and ``"order_dense"``
    (the order-blind dense model's outputs), each ``units`` columns by 2 rows, row 0 the
    sentence and row 1 its shuffled words (a 2 px gap lies between the rows, never at a
    cell's centre)."""
    frame = _as_frame(frame)
    _check_scale(scale)
    _matplotlib()
    layout = _layout(frame)
    T = frame.x.shape[0]
    grids = {panel.name: (T, panel.values(frame).shape[1]) for panel in panels.heatmaps(frame)}
    units = frame.layers[-1].h.shape[1]
    grids |= {"norms": (T, 1), "order_rnn": (units, 2), "order_dense": (units, 2)}
    boxes = {}
    for name, rect in layout.rects.items():
        left, top, right, bottom = _pixel_edges(rect, scale)
        boxes[name] = PanelBox(left, top, right, bottom, *grids[name])
    return boxes


# -- layout ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rect:
    """A plot area in CSS pixels, top-left origin."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class _Layout:
    height: int  # CSS pixels; the width is _WIDTH
    title_baseline: float
    summary: tuple[tuple[float, float, str], ...]  # (x, baseline, text) of each line
    shapes_baseline: float
    rects: dict[str, _Rect]  # the plot areas by panel_boxes name, in drawing order
    order_top: float | None  # the top of the "Why order matters" panel, if any
    stats_top: float
    caption_lines: tuple[str, ...]
    caption_top: float


_TITLE_SIZE, _SUMMARY_SIZE, _PANEL_TITLE_SIZE, _TICK_SIZE, _SMALL_SIZE = 15, 13, 12, 11, 10
_STATS_SIZE, _CAPTION_SIZE, _LEGEND_SIZE, _ORDER_SIZE = 13, 11, 11, 11


def _layout(frame: Frame) -> _Layout:
    """Where everything goes, in CSS pixels: the browser's panel heights and margins, with the
    title line and the shapes line on top and the statistics and caption below. Long summaries
    and captions wrap."""
    inner = _WIDTH - 2 * _PAD
    summary_text = summary(frame)
    title_width = _text_width("RNN explorer", _TITLE_SIZE, bold=True)
    baseline = _PAD + 15
    gap = 16
    summary_lines: tuple[tuple[float, float, str], ...]
    if title_width + gap + _text_width(summary_text, _SUMMARY_SIZE) <= inner:
        summary_lines = ((_PAD + title_width + gap, baseline, summary_text),)
    else:  # the summary on lines of its own, as the browser's flexbox wraps it
        wrapped = _wrap(summary_text, _SUMMARY_SIZE, inner)
        summary_lines = tuple((_PAD, baseline + 19 * (i + 1), s) for i, s in enumerate(wrapped))
    shapes_baseline = summary_lines[-1][1] + 21
    top = shapes_baseline + 9
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
    stats_top = top + 4
    caption_top = stats_top + 24
    caption_lines = _wrap(caption(frame.params), _CAPTION_SIZE, inner)
    height = math.ceil(caption_top + 15 * len(caption_lines) + _PAD)
    return _Layout(
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


def _order_rects(top: float) -> dict[str, _Rect]:
    """The strips of the "Why order matters" panel whose top is ``top``, as ``OrderPanel.draw``
    places them: per group, a title line of 14 px, then two rows of 16 px (a 14 px strip and a
    2 px gap), then 6 px; from 170 px right of the plots' left edge to their right edge."""
    left = _MARGIN_LEFT + _ORDER_LABELS
    width = _WIDTH - _MARGIN_RIGHT - left
    rects = {}
    y = top + 24
    for name, _title, _differ in _ORDER_GROUPS:
        y += 14
        rects[name] = _Rect(left, y, width, 2 * _ORDER_ROW - 2)
        y += 2 * _ORDER_ROW + _ORDER_GAP
    return rects


def _plot_rect(top: float, height: float) -> _Rect:
    return _Rect(
        _MARGIN_LEFT,
        top + _MARGIN_TOP,
        _WIDTH - _MARGIN_LEFT - _MARGIN_RIGHT,
        height - _MARGIN_TOP - _MARGIN_BOTTOM,
    )


def _pixel_edges(rect: _Rect, scale: float) -> tuple[int, int, int, int]:
    """A plot area's edges in image pixels (left, top, right, bottom), on whole pixels."""
    return (
        round(rect.x * scale),
        round(rect.y * scale),
        round((rect.x + rect.width) * scale),
        round((rect.y + rect.height) * scale),
    )


def _text_width(text: str, size_px: float, *, bold: bool = False) -> float:
    """The width of one line of text in CSS pixels, from the font's metrics."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family=_FONT, size=size_px * _PX_TO_PT, weight="bold" if bold else 400)
    width_pt: float = text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0]
    return width_pt / _PX_TO_PT


def _wrap(text: str, size_px: float, width: float) -> tuple[str, ...]:
    """``text`` in lines no wider than ``width`` CSS pixels, broken at spaces (greedy)."""
    if _text_width(text, size_px) <= width:
        return (text,)
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and word and _text_width(candidate, size_px) > width:
            lines.append(line.rstrip(" "))
            line = word
        else:
            line = candidate
    lines.append(line.rstrip(" "))
    return tuple(lines)


# -- drawing ---------------------------------------------------------------------------------------


class _Canvas:
    """Draws on a figure in CSS pixels (top-left origin), the browser's coordinates."""

    def __init__(self, figure: Figure, height_css: float, scale: float) -> None:
        from matplotlib.transforms import Affine2D

        self.figure = figure
        self.height_css = height_css
        self.scale = scale
        self.css: Transform = (
            Affine2D().scale(1 / _CSS_DPI, -1 / _CSS_DPI).translate(0, height_css / _CSS_DPI)
            + figure.dpi_scale_trans
        )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float,
        colour: str = _TEXT,
        bold: bool = False,
        ha: str = "left",
        va: str = "baseline",
        rotation: float = 0.0,
        family: str = _FONT,
    ) -> None:
        self.figure.text(
            x,
            y,
            text,
            transform=self.css,
            fontsize=size * _PX_TO_PT,
            fontfamily=family,
            fontweight="bold" if bold else "normal",
            color=colour,
            ha=ha,
            va=va,
            rotation=rotation,
            rotation_mode="anchor",
            parse_math=False,  # a "$" in a sentence is a dollar sign
        )

    def segments(self, segments: list[list[tuple[float, float]]], colour: str) -> None:
        """One-pixel lines (tick marks, grid lines), snapped to whole pixels."""
        from matplotlib.collections import LineCollection

        if segments:
            lines = LineCollection(
                segments,
                colors=colour,
                linewidths=1 * _PX_TO_PT,
                transform=self.css,
                snap=True,
                zorder=2,
            )
            self.figure.add_artist(lines)

    def image(self, rgb: NDArray[np.uint8], rect: _Rect) -> None:
        """An RGB image filling ``rect`` (snapped to whole image pixels), first row at the
        top, each of its pixels a block of one colour: nearest-neighbour, no colormap."""
        from matplotlib.image import BboxImage
        from matplotlib.transforms import Bbox, TransformedBbox

        left, top, right, bottom = _pixel_edges(rect, self.scale)
        inches = Bbox.from_extents(
            left / self.scale / _CSS_DPI,
            (self.height_css - bottom / self.scale) / _CSS_DPI,
            right / self.scale / _CSS_DPI,
            (self.height_css - top / self.scale) / _CSS_DPI,
        )
        image = BboxImage(
            TransformedBbox(inches, self.figure.dpi_scale_trans),
            interpolation="nearest",
            origin="upper",
            resample=False,
            zorder=0,
        )
        image.set_data(rgb)
        self.figure.add_artist(image)

    def clip_box(self, rect: _Rect) -> Any:
        """``rect`` as a clip box for an artist (a TransformedBbox in display space)."""
        from matplotlib.transforms import Bbox, TransformedBbox

        return TransformedBbox(
            Bbox.from_extents(rect.x, rect.y, rect.x + rect.width, rect.y + rect.height),
            self.css,
        )


def _build_figure(frame: Frame, palette: str, scale: float) -> Figure:
    """The whole picture on a new Figure, ``scale`` image pixels per CSS pixel."""
    from matplotlib.figure import Figure

    table(palette, "diverging")  # an unknown palette fails here, before any drawing
    layout = _layout(frame)
    dpi = _CSS_DPI * scale
    width_px, height_px = round(_WIDTH * scale), round(layout.height * scale)
    figure = Figure(figsize=(_inches(width_px, dpi), _inches(height_px, dpi)), dpi=dpi)
    figure.patch.set_facecolor(_BACKGROUND)
    figure.suppressComposite = True  # each heatmap its own image in the SVG too
    canvas = _Canvas(figure, height_px / scale, scale)

    canvas.text(_PAD, layout.title_baseline, "RNN explorer", size=_TITLE_SIZE, bold=True)
    for x, y, line in layout.summary:
        canvas.text(x, y, line, size=_SUMMARY_SIZE)
    canvas.text(
        _PAD,
        layout.shapes_baseline,
        shapes(frame),
        size=_SUMMARY_SIZE,
        colour=_MUTED,
        family=_MONO_FONT,
    )

    _draw_heatmaps(canvas, frame, palette, layout)
    _draw_chart(canvas, frame, layout.rects["norms"])
    if frame.order is not None and layout.order_top is not None:
        _draw_order(canvas, frame.order, palette, layout.order_top, layout.rects)

    canvas.text(_PAD, layout.stats_top, stats(frame), size=_STATS_SIZE, colour=_MUTED, va="top")
    for i, line in enumerate(layout.caption_lines):
        y = layout.caption_top + 15 * i
        canvas.text(_PAD, y, line, size=_CAPTION_SIZE, colour=_MUTED, va="top")
    return figure


def _inches(pixels: int, dpi: float) -> float:
    """A size in inches that is at least ``pixels`` at ``dpi`` (Agg truncates to whole pixels)."""
    inches = pixels / dpi
    while inches * dpi < pixels:
        inches = math.nextafter(inches, math.inf)
    return inches


def _draw_heatmaps(canvas: _Canvas, frame: Frame, palette: str, layout: _Layout) -> None:
    """The heatmaps with their axes and colour bars (:func:`.layout.heatmaps`)."""
    ticks: list[list[tuple[float, float]]] = []
    for panel in panels.heatmaps(frame):
        rect = layout.rects[panel.name]
        vmin, vmax = panel.scale
        values = panel.values(frame)
        T, rows = values.shape
        # The browser colours the float32 values it receives; so do we, cell for cell.
        cells = colourize(values.astype(np.float32).T, vmin, vmax, palette=palette, role=panel.role)
        canvas.image(cells, rect)
        canvas.text(rect.x, rect.y - 7, panel.title, size=_PANEL_TITLE_SIZE, bold=True)
        ticks += _time_axis(canvas, rect, T, frame.tokens)
        ticks += _left_axis(
            canvas,
            rect,
            [(rect.y + (r + 0.5) / rows * rect.height, str(r)) for r in row_ticks(rows)],
            panel.row_label,
        )
        # The colour bar: the whole table, highest value on top, with its ticks and label.
        bar = _Rect(rect.x + rect.width + 12, rect.y, 10, rect.height)
        canvas.image(table(palette, panel.role)[::-1, np.newaxis, :], bar)
        span = vmax - vmin or 1.0
        for value, text in panel.colour_ticks:
            y = rect.y + rect.height * (1 - (value - vmin) / span)
            canvas.text(bar.x + bar.width + 4, y, text, size=_SMALL_SIZE, va="center")
        canvas.text(bar.x - 2, rect.y - 7, panel.colour_label, size=_SMALL_SIZE, colour=_MUTED)
    canvas.segments(ticks, _MUTED)


def _draw_chart(canvas: _Canvas, frame: Frame, rect: _Rect) -> None:
    """The chart of log10 ||dL/dh_t|| against t, as ``NormChart.draw`` does: decade grid,
    shaded bands where the values pass float64's range, one curve per layer (broken at
    -inf), and with two layers a legend."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    # The browser draws the float32 logarithms it receives; so do we.
    series = [layer.log10_grad_norm.astype(np.float32).astype(np.float64) for layer in frame.layers]
    T = len(series[0])
    norm = panels.chart(frame)
    lo, hi = norm.range

    def y(value: float) -> float:
        return rect.y + rect.height * (1 - (value - lo) / (hi - lo))

    canvas.text(rect.x, rect.y - 7, norm.title, size=_PANEL_TITLE_SIZE, bold=True)
    for edge, beyond, label in (
        (FLOAT64_MAX_LOG10, hi, "beyond float64 (> 1e308)"),
        (FLOAT64_MIN_LOG10, lo, "underflows float64 (< 1e-308)"),
    ):
        outside = hi > edge if edge > 0 else lo < edge
        if not outside:
            continue
        y_edge, y_far = y(max(lo, min(hi, edge))), y(beyond)
        band_top = min(y_edge, y_far)
        canvas.figure.add_artist(
            Rectangle(
                (rect.x, band_top),
                rect.width,
                abs(y_far - y_edge),
                transform=canvas.css,
                facecolor=_PANEL,
                edgecolor="none",
                linewidth=0,
                zorder=1,
            )
        )
        canvas.text(
            rect.x + rect.width - 4,
            band_top + 3,
            label,
            size=_SMALL_SIZE,
            colour=_WARN,
            ha="right",
            va="top",
        )
    canvas.segments([[(rect.x, y(d)), (rect.x + rect.width, y(d))] for d, _ in norm.ticks], _GRID)
    ticks = _left_axis(canvas, rect, [(y(d), text) for d, text in norm.ticks], norm.axis_label)
    ticks += _time_axis(canvas, rect, T, ())
    canvas.segments(ticks, _MUTED)

    xs = rect.x + (np.arange(T) + 0.5) / T * rect.width
    for i, logs in enumerate(series):
        colour = _CURVE_COLOURS[i % len(_CURVE_COLOURS)]
        with np.errstate(invalid="ignore"):
            ys = rect.y + rect.height * (1 - (logs - lo) / (hi - lo))
        ys[~np.isfinite(logs)] = np.nan  # an exact zero (-inf) breaks the curve
        curve = Line2D(
            xs,
            ys,
            transform=canvas.css,
            color=colour,
            linewidth=2 * _PX_TO_PT,
            solid_joinstyle="round",
            solid_capstyle="butt",
            zorder=3,
        )
        if T == 1:  # a dot of radius 3 px
            curve.set(marker="o", markersize=6 * _PX_TO_PT, markerfacecolor=colour)
            curve.set_markeredgewidth(0)
        curve.set_clip_box(canvas.clip_box(rect))
        canvas.figure.add_artist(curve)

    if len(series) > 1:  # the legend, right of the plot (drawLegend)
        x = rect.x + rect.width + 10
        for i in range(len(series)):
            colour = _CURVE_COLOURS[i % len(_CURVE_COLOURS)]
            y_mid = rect.y + 8 + i * 16
            canvas.figure.add_artist(
                Rectangle(
                    (x, y_mid - 1.5),
                    14,
                    3,
                    transform=canvas.css,
                    facecolor=colour,
                    edgecolor="none",
                    linewidth=0,
                    zorder=3,
                )
            )
            canvas.text(x + 18, y_mid, norm.labels[i], size=_LEGEND_SIZE, va="center")


def _draw_order(
    canvas: _Canvas, order: OrderDemo, palette: str, top: float, rects: dict[str, _Rect]
) -> None:
    """Why order matters, as ``OrderPanel.draw`` does: per model (the RNN's final state, the
    dense model on the mean word vector) a title, the distance between its two outputs, and a
    strip of units coloured on [-1, 1] for the sentence and for its shuffled words."""
    canvas.text(_MARGIN_LEFT, top + 15, panels.ORDER_TITLE, size=12, bold=True)
    label_width = _ORDER_LABELS - 8
    sentences = [
        _fit(" ".join(words), _SMALL_SIZE, label_width) for words in (order.words, order.shuffled)
    ]
    for (name, title, differ), values in zip(_ORDER_GROUPS, (order.rnn_final, order.dense_output)):
        rect = rects[name]
        # The browser receives float32 values; it colours them and measures their distance.
        values32 = values.astype(np.float32)
        title_y = rect.y - 3
        canvas.text(_MARGIN_LEFT, title_y, title, size=_ORDER_SIZE, bold=True)
        canvas.text(
            _WIDTH - 8,
            title_y,
            order_distance(values),
            size=_ORDER_SIZE,
            colour=_TEXT if differ else _MUTED,
            ha="right",
        )
        cells = colourize(values32, -1.0, 1.0, palette=palette, role="diverging")
        for i, sentence in enumerate(sentences):
            row_top = rect.y + i * _ORDER_ROW
            canvas.text(
                _MARGIN_LEFT, row_top + _ORDER_ROW - 4, sentence, size=_SMALL_SIZE, colour=_MUTED
            )
            strip = _Rect(rect.x, row_top, rect.width, _ORDER_ROW - 2)
            canvas.image(cells[i][np.newaxis], strip)


def _fit(text: str, size_px: float, width: float) -> str:
    """``text``, cut with an ellipsis to fit ``width`` CSS pixels (``fit`` in js/order.js)."""
    if _text_width(text, size_px) <= width:
        return text
    cut = text
    while len(cut) > 1 and _text_width(f"{cut}…", size_px) > width:
        cut = cut[:-1]
    return f"{cut}…"


def _time_axis(
    canvas: _Canvas, rect: _Rect, T: int, tokens: tuple[str, ...]
) -> list[list[tuple[float, float]]]:
    """Ticks at t = 1 ... T under a plot (centres of the columns) and the axis label, as
    ``drawTimeAxis``; a sentence's words replace the numbers while columns are >= 28 px wide.
    Returns the tick marks."""
    bottom = rect.y + rect.height
    use_tokens = bool(tokens) and rect.width / T >= 28
    ticks = list(range(1, len(tokens) + 1)) if use_tokens else time_ticks(T)
    marks = []
    for t in ticks:
        x = rect.x + (t - 0.5) / T * rect.width
        marks.append([(x, bottom), (x, bottom + 4)])
        label = tokens[t - 1] if use_tokens else str(t)
        canvas.text(x, bottom + 6, label, size=_TICK_SIZE, ha="center", va="top")
    axis_label = "word (timestep t)" if use_tokens else "timestep t"
    canvas.text(
        rect.x + rect.width,
        bottom + 19,
        axis_label,
        size=_TICK_SIZE,
        colour=_MUTED,
        ha="right",
        va="top",
    )
    return marks


def _left_axis(
    canvas: _Canvas, rect: _Rect, ticks: list[tuple[float, str]], label: str
) -> list[list[tuple[float, float]]]:
    """Labelled ticks on the left of a plot and the rotated axis label, as ``drawLeftAxis``.
    Returns the tick marks."""
    marks = []
    for y, text in ticks:
        marks.append([(rect.x - 4, y), (rect.x, y)])
        canvas.text(rect.x - 6, y, text, size=_TICK_SIZE, ha="right", va="center")
    canvas.text(
        12,
        rect.y + rect.height / 2,
        label,
        size=_TICK_SIZE,
        colour=_MUTED,
        ha="center",
        va="center",
        rotation=90,
    )
    return marks


def _metadata(frame: Frame, matplotlib_version: str) -> dict[str, str]:
    return {
        "Title": f"RNN explorer: {summary(frame)}",
        "Description": caption(frame.params),
        "Software": f"rnnwidget {__version__} (matplotlib {matplotlib_version})",
    }


# -- plumbing ----------------------------------------------------------------------------------


def _as_frame(frame: Frame | Params) -> Frame:
    if isinstance(frame, Params):
        return compute_frame(frame)
    if not isinstance(frame, Frame):
        raise TypeError(f"expected a Frame (compute_frame) or Params; got {type(frame)!r}")
    return frame


def _check_scale(scale: float) -> None:
    if not (isinstance(scale, (int, float)) and 0 < scale <= _MAX_SCALE):
        raise ValueError(f"scale must be a number in (0, {_MAX_SCALE:g}]; got {scale!r}")


def _matplotlib() -> Any:
    """matplotlib, imported on first use, or an ImportError that says how to install it."""
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError(
            f"rnnwidget.explorer.render draws figures with matplotlib, which is not installed: "
            f"{_EXPORT_HINT}"
        ) from error
    return matplotlib


def _agg_renderer(width: int, height: int, dpi: float) -> Any:
    """A cleared Agg renderer of that size, this thread's last one when the size is the same.

    Reusing it keeps matplotlib's text-metrics cache (keyed by renderer) warm from one figure
    to the next, which saves about a tenth of the drawing time; one per thread keeps
    concurrent renders apart.
    """
    from matplotlib.backends import backend_agg

    key = (width, height, dpi)
    if getattr(_RENDERERS, "key", None) != key:
        agg: Any = backend_agg  # parts of matplotlib's Agg backend are untyped
        _RENDERERS.renderer = agg.RendererAgg(width, height, dpi)
        _RENDERERS.key = key
    renderer: Any = _RENDERERS.renderer
    renderer.clear()
    return renderer


@contextmanager
def _svg_settings(mpl: Any) -> Iterator[None]:
    """Real ``<text>`` elements and reproducible ids in the SVG. The SVG writer reads these
    from rcParams while it draws, so they are set only for that time, under a lock."""
    with _RC_LOCK, mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "rnnwidget"}):
        yield
