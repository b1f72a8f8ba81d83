"""The headless drawing of the explorer's picture: :func:`render_png` and :func:`render_svg`
give it as bytes or text, with no browser.

The figure is the live view's, panel for panel (``js/explorer/widget.js``): a title line with
the widget's one-sentence summary and the shapes line ("Shapes: (1, 50, 4) → (1, 32)"); the
heatmaps "Input x_t", "Hidden state h_t" and "Gradient ``|dL/dh_t|`` (log scale)" (rows against
timesteps t = 1 ... T, row 0 at the top), each with its colour bar, or with two stacked layers
"Layer 1: hidden state h1_t", "Layer 2: hidden state h2_t", then both layers' gradients on one
colour scale; the chart of ``log10 ||dL/dh_t||``, a curve per layer (with a legend for two);
for the sentence input, "Why order matters" (``js/explorer/order.js``); the widget's statistics
line; and a caption naming every parameter and the version (:func:`.words.caption`), which also
goes into the file's metadata. It is always drawn on white, whatever the notebook's theme. What only
the live view has (the controls, play-through-time, the unrolled loop, hover read-outs) is not
drawn. Where everything goes is :mod:`.figure_layout`'s, from the geometry the browser reads
too (:mod:`rnnwidget.geometry`); files are written by :mod:`.export`.

Every heatmap cell has EXACTLY the colour the browser gives it: values are mapped through the
shared tables with :func:`rnnwidget.colormaps.colourize`, from the float32 values the widget
sends, and the RGB image is scaled with nearest-neighbour sampling, never through a matplotlib
colormap. :func:`.figure_layout.panel_boxes` says where each panel's cells lie in the PNG.

matplotlib (the ``export`` extra) and Pillow are imported only when a figure is drawn, so
``import rnnwidget`` never needs them. The drawing uses matplotlib's object-oriented API on a
fresh :class:`~matplotlib.figure.Figure` per call (never pyplot: no global figure, no GUI
backend). For speed it creates no Axes at all (setting one up costs more than drawing this
figure's panels, and it would need seven to twelve) and no layout engine runs: images, lines
and texts sit directly on the figure (:class:`.canvas.Canvas`) at a fixed layout in CSS
pixels, the browser's own units.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import TYPE_CHECKING, Any

import numpy as np

from .._axes import row_ticks, time_ticks
from .._version import __version__
from ..colormaps import colourize, table
from ..formatting import FLOAT64_MAX_LOG10, FLOAT64_MIN_LOG10
from ..geometry import COLOURS, GEOMETRY
from . import layout as panels
from .canvas import BACKGROUND, GRID, MONO_FONT, MUTED, PANEL, TEXT, Canvas
from .figure_inputs import as_frame, check_scale, require_matplotlib
from .figure_layout import (
    CSS_DPI,
    ORDER_GROUPS,
    PX_TO_PT,
    WIDTH,
    Layout,
    Rect,
    fit,
    layout_of,
    text_width,
)
from .frame import Frame, OrderDemo, Params
from .words import caption, order_distance, shapes, stats, summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["render_png", "render_svg"]

# The geometry both drawings read, by section (lengths and text sizes in CSS pixels).
SIZE = GEOMETRY.text
FIGURE = GEOMETRY.figure
PANEL_GEOMETRY = GEOMETRY.panel
AXIS = GEOMETRY.axis
BAR = GEOMETRY.colour_bar
CHART = GEOMETRY.chart
LEGEND = GEOMETRY.legend
MARKS = GEOMETRY.marks
ORDER = GEOMETRY.order
MARGIN = PANEL_GEOMETRY.margin

# The norm chart's curves, layer 1 first, in the theme colours NormChart draws them in.
_CURVE_COLOURS = tuple(COLOURS[role] for role in CHART.series)

# The SVG's heatmaps are embedded as images at this many pixels per CSS pixel.
_SVG_IMAGE_SCALE = 2.0

# zlib level of the PNG: 1 is fast and the file only ~10% larger than at 6 (flat panels).
_PNG_COMPRESS_LEVEL = 1

# rcParams matter only to the SVG writer, which reads them while it draws (fonttype, ids).
_RC_LOCK = threading.Lock()
_RENDERERS = threading.local()  # see _agg_renderer


def render_png(frame: Frame | Params, *, palette: str = "standard", scale: float = 2.0) -> bytes:
    """The explorer's picture of ``frame`` as PNG bytes: the title line with the gradient
    summary, the shapes line, the input, hidden-state and gradient heatmaps (per layer) with
    their colour bars, the gradient-norm chart, "Why order matters" for the sentence input,
    the statistics line and the caption, on white.

    The image is ``scale`` times the layout's CSS size (as wide as the geometry's
    ``figure.width``): 2 (the default) is sharp on a projector, 1 is quicker. The caption is
    also in the PNG's ``Description`` text, beside ``Title`` (the summary) and ``Software``.
    ``palette`` is ``"standard"`` or ``"colorblind"``. A
    :class:`~rnnwidget.explorer.frame.Params` is computed first.
    """
    frame = as_frame(frame)
    check_scale(scale)
    mpl = require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image, PngImagePlugin

    figure = build_figure(frame, palette, scale)
    FigureCanvasAgg(figure)  # the figure's canvas, for any artist that asks
    width, height = round(WIDTH * scale), round(figure.get_figheight() * figure.dpi)
    renderer = _agg_renderer(width, height, figure.dpi)
    figure.draw(renderer)
    pixels = renderer.buffer_rgba()
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    info = PngImagePlugin.PngInfo()
    for key, value in _metadata(frame, mpl.__version__).items():
        info.add_text(key, value)
    dpi = CSS_DPI * scale
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
    frame = as_frame(frame)
    mpl = require_matplotlib()
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    figure = build_figure(frame, palette, _SVG_IMAGE_SCALE)
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


def build_figure(frame: Frame, palette: str, scale: float) -> Figure:
    """The whole picture on a new Figure, ``scale`` image pixels per CSS pixel."""
    from matplotlib.figure import Figure

    table(palette, "diverging")  # an unknown palette fails here, before any drawing
    layout = layout_of(frame)
    dpi = CSS_DPI * scale
    width_px, height_px = round(WIDTH * scale), round(layout.height * scale)
    figure = Figure(figsize=(_inches(width_px, dpi), _inches(height_px, dpi)), dpi=dpi)
    figure.patch.set_facecolor(BACKGROUND)
    figure.suppressComposite = True  # each heatmap its own image in the SVG too
    canvas = Canvas(figure, height_px / scale, scale)

    pad = FIGURE.pad
    canvas.text(pad, layout.title_baseline, "RNN explorer", size=SIZE.figure_title, bold=True)
    for x, y, line in layout.summary:
        canvas.text(x, y, line, size=SIZE.figure_summary)
    canvas.text(
        pad,
        layout.shapes_baseline,
        shapes(frame),
        size=SIZE.figure_summary,
        colour=MUTED,
        family=MONO_FONT,
    )

    _draw_heatmaps(canvas, frame, palette, layout)
    _draw_chart(canvas, frame, layout.rects["norms"])
    if frame.order is not None and layout.order_top is not None:
        _draw_order(canvas, frame.order, palette, layout.order_top, layout.rects)

    canvas.text(pad, layout.stats_top, stats(frame), size=SIZE.figure_stats, colour=MUTED, va="top")
    for i, line in enumerate(layout.caption_lines):
        y = layout.caption_top + FIGURE.caption_line * i
        canvas.text(pad, y, line, size=SIZE.figure_caption, colour=MUTED, va="top")
    return figure


def _inches(pixels: int, dpi: float) -> float:
    """A size in inches that is at least ``pixels`` at ``dpi`` (Agg truncates to whole pixels)."""
    inches = pixels / dpi
    while inches * dpi < pixels:
        inches = math.nextafter(inches, math.inf)
    return inches


def _draw_heatmaps(canvas: Canvas, frame: Frame, palette: str, layout: Layout) -> None:
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
        _draw_marks(canvas, frame, rect, T)
        _title(canvas, rect, panel.title)
        ticks += _time_axis(canvas, rect, T, frame.tokens)
        ticks += _left_axis(
            canvas,
            rect,
            [(rect.y + (r + 0.5) / rows * rect.height, str(r)) for r in row_ticks(rows)],
            panel.row_label,
        )
        # The colour bar: the whole table, highest value on top, with its ticks and label.
        bar = Rect(rect.x + rect.width + BAR.offset, rect.y, BAR.width, rect.height)
        canvas.image(table(palette, panel.role)[::-1, np.newaxis, :], bar)
        span = vmax - vmin or 1.0
        ys = [rect.y + rect.height * (1 - (value - vmin) / span) for value, _ in panel.colour_ticks]
        for y, (_, text), shown in zip(ys, panel.colour_ticks, _room_for(ys), strict=True):
            if shown:
                x = bar.x + bar.width + BAR.text_gap
                canvas.text(x, y, text, size=SIZE.tick, va="center")
        canvas.text(
            bar.x - BAR.label_shift,
            rect.y - PANEL_GEOMETRY.title_offset,
            panel.colour_label,
            size=SIZE.label,
            colour=MUTED,
        )
    canvas.segments(ticks, MUTED)


def _draw_chart(canvas: Canvas, frame: Frame, rect: Rect) -> None:
    """The chart of log10 ||dL/dh_t|| against t, as ``NormChart.draw`` does: decade grid,
    shaded bands where the values pass float64's range and where curves are exactly 0 (with the
    layout's notes), the layout's curves (one per layer, or the LSTM's dL/dh and dL/dc; falling
    off the bottom edge next to an exact zero, a dot where a value has no neighbour to join),
    and with two curves a legend."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    # The browser draws the float32 logarithms it receives; so do we.
    norm = panels.chart(frame)
    series = [s.values(frame).astype(np.float32).astype(np.float64) for s in norm.series]
    T = len(series[0])
    lo, hi = norm.range

    def y(value: float) -> float:
        return rect.y + rect.height * (1 - (value - lo) / (hi - lo))

    _title(canvas, rect, norm.title)
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
                facecolor=PANEL,
                edgecolor="none",
                linewidth=0,
                zorder=1,
            )
        )
        canvas.text(
            rect.x + rect.width - CHART.note_inset,
            band_top + CHART.note_top,
            label,
            size=SIZE.note,
            colour=COLOURS["warn"],
            ha="right",
            va="top",
        )
    for run in norm.zeros:
        left = rect.x + (run.first - 1) / T * rect.width
        right = rect.x + run.last / T * rect.width
        canvas.figure.add_artist(
            Rectangle(
                (left, rect.y),
                right - left,
                rect.height,
                transform=canvas.css,
                facecolor=PANEL,
                edgecolor="none",
                linewidth=0,
                zorder=1,
            )
        )
        x = left + CHART.note_inset
        canvas.text(x, rect.y + CHART.note_top, run.note, size=SIZE.note, colour=MUTED, va="top")
    canvas.segments([[(rect.x, y(d)), (rect.x + rect.width, y(d))] for d, _ in norm.ticks], GRID)
    ticks = _left_axis(canvas, rect, [(y(d), text) for d, text in norm.ticks], norm.axis_label)
    ticks += _time_axis(canvas, rect, T, ())
    canvas.segments(ticks, MUTED)

    _draw_mark_labels(canvas, frame, rect, _draw_marks(canvas, frame, rect, T))
    xs = rect.x + (np.arange(T) + 0.5) / T * rect.width
    floor = rect.y + rect.height + CHART.line_width  # below the plot, clipped away
    for i, logs in enumerate(series):
        colour = _CURVE_COLOURS[i % len(_CURVE_COLOURS)]
        with np.errstate(invalid="ignore"):
            ys = rect.y + rect.height * (1 - (logs - lo) / (hi - lo))
        finite = np.isfinite(logs)
        before = np.concatenate([[False], finite[:-1]])  # the step before is a value
        after = np.concatenate([finite[1:], [False]])
        ys[~finite] = np.nan  # a break, except that next to a value an exact zero (-inf) ...
        ys[np.isneginf(logs) & (before | after)] = floor  # ... is a point below the chart
        curve = Line2D(
            xs,
            ys,
            transform=canvas.css,
            color=colour,
            linewidth=CHART.line_width * PX_TO_PT,
            solid_joinstyle="round",
            solid_capstyle="butt",
            zorder=3,
        )
        alone = np.flatnonzero(finite & ~before & ~after)  # values with none to join: dots
        if alone.size:
            curve.set(
                marker="o",
                markevery=alone.tolist(),
                markersize=2 * CHART.dot_radius * PX_TO_PT,
                markerfacecolor=colour,
            )
            curve.set_markeredgewidth(0)
        curve.set_clip_box(canvas.clip_box(rect))
        canvas.figure.add_artist(curve)

    if len(series) > 1:  # the legend, right of the plot (drawLegend)
        x = rect.x + rect.width + LEGEND.offset
        for i in range(len(series)):
            colour = _CURVE_COLOURS[i % len(_CURVE_COLOURS)]
            y_mid = rect.y + LEGEND.top + i * LEGEND.row
            canvas.figure.add_artist(
                Rectangle(
                    (x, y_mid - LEGEND.swatch_height / 2),
                    LEGEND.swatch_width,
                    LEGEND.swatch_height,
                    transform=canvas.css,
                    facecolor=colour,
                    edgecolor="none",
                    linewidth=0,
                    zorder=3,
                )
            )
            canvas.text(x + LEGEND.text, y_mid, norm.labels[i], size=SIZE.legend, va="center")


def _draw_marks(canvas: Canvas, frame: Frame, rect: Rect, T: int) -> list[float]:
    """The steps a trained network's task marks (``Network.marks``), as ``drawMarks`` draws
    them: a dashed line down the plot at each mark's step. Returns the lines' x."""
    marks = frame.network.marks if frame.network is not None else ()
    xs = [rect.x + (mark.t - 0.5) / T * rect.width for mark in marks]
    lines = [[(x, rect.y), (x, rect.y + rect.height)] for x in xs]
    canvas.segments(lines, MUTED, width=MARKS.line_width, dash=list(MARKS.dash))
    return xs


def _draw_mark_labels(canvas: Canvas, frame: Frame, rect: Rect, xs: list[float]) -> None:
    """Each mark's label at the top of the chart, as ``drawMarkLabels`` places it: right of
    its line, or left of it where the plot ends first; a label that would run into the one
    before it moves a row lower. Each over the curves, on its outline of the background."""
    if frame.network is None:
        return
    marks = frame.network.marks
    ends: list[float] = []  # each row's right end so far
    for i in sorted(range(len(marks)), key=lambda i: xs[i]):
        label = marks[i].label
        width = text_width(label, SIZE.note)
        right = xs[i] + MARKS.label_inset + width <= rect.x + rect.width
        left = (
            xs[i] + MARKS.label_inset if right else max(rect.x, xs[i] - MARKS.label_inset - width)
        )
        row = next((r for r, end in enumerate(ends) if left >= end + MARKS.label_gap), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = left + width
        y = rect.y + MARKS.label_top + row * MARKS.label_row
        canvas.text(
            left, y, label, size=SIZE.note, colour=MUTED, va="top", zorder=5, over_curves=True
        )


def _draw_order(
    canvas: Canvas, order: OrderDemo, palette: str, top: float, rects: dict[str, Rect]
) -> None:
    """Why order matters, as ``OrderPanel.draw`` does: per model (the RNN's final state, the
    dense model on the mean word vector) a title, the distance between its two outputs, and a
    strip of units coloured on [-1, 1] for the sentence and for its shuffled words."""
    left = MARGIN.left
    canvas.text(left, top + ORDER.title_baseline, panels.ORDER_TITLE, size=SIZE.title, bold=True)
    label_width = ORDER.labels - ORDER.label_gap
    sentences = [
        fit(" ".join(words), SIZE.order, label_width) for words in (order.words, order.shuffled)
    ]
    for (name, title, differ), values in zip(ORDER_GROUPS, (order.rnn_final, order.dense_output)):
        rect = rects[name]
        # The browser receives float32 values; it colours them and measures their distance.
        values32 = values.astype(np.float32)
        title_y = rect.y - ORDER.group_title + ORDER.group_baseline
        canvas.text(left, title_y, title, size=SIZE.order, bold=True)
        canvas.text(
            WIDTH - ORDER.right_inset,
            title_y,
            order_distance(values),
            size=SIZE.order,
            colour=TEXT if differ else MUTED,
            ha="right",
        )
        cells = colourize(values32, -1.0, 1.0, palette=palette, role="diverging")
        for i, sentence in enumerate(sentences):
            row_top = rect.y + i * ORDER.row
            baseline = row_top + ORDER.row - ORDER.sentence_baseline
            canvas.text(left, baseline, sentence, size=SIZE.order, colour=MUTED)
            strip = Rect(rect.x, row_top, rect.width, ORDER.row - ORDER.strip_gap)
            canvas.image(cells[i][np.newaxis], strip)


def _time_axis(
    canvas: Canvas, rect: Rect, T: int, tokens: tuple[str, ...]
) -> list[list[tuple[float, float]]]:
    """Ticks at t = 1 ... T under a plot (centres of the columns) and the axis label, as
    ``drawTimeAxis``; a sentence's words replace the numbers while columns are at least
    ``axis.token_width`` wide, and a label that would run into the one before it is left out.
    Returns the tick marks."""
    bottom = rect.y + rect.height
    use_tokens = bool(tokens) and rect.width / T >= AXIS.token_width
    ticks = list(range(1, len(tokens) + 1)) if use_tokens else time_ticks(T)
    marks = []
    end = -math.inf  # the right edge of the last label written
    for t in ticks:
        x = rect.x + (t - 0.5) / T * rect.width
        marks.append([(x, bottom), (x, bottom + AXIS.tick_length)])
        label = tokens[t - 1] if use_tokens else str(t)
        half = text_width(label, SIZE.tick) / 2
        if x - half < end + AXIS.text_gap:
            continue  # it would run into the label before it
        canvas.text(x, bottom + AXIS.bottom_text, label, size=SIZE.tick, ha="center", va="top")
        end = x + half
    axis_label = "word (timestep t)" if use_tokens else "timestep t"
    canvas.text(
        rect.x + rect.width,
        bottom + AXIS.bottom_label,
        axis_label,
        size=SIZE.label,
        colour=MUTED,
        ha="right",
        va="top",
    )
    return marks


def _left_axis(
    canvas: Canvas, rect: Rect, ticks: list[tuple[float, str]], label: str
) -> list[list[tuple[float, float]]]:
    """Labelled ticks on the left of a plot and the rotated axis label, as ``drawLeftAxis``.
    Returns the tick marks."""
    marks = []
    for (y, text), shown in zip(ticks, _room_for([y for y, _ in ticks]), strict=True):
        marks.append([(rect.x - AXIS.tick_length, y), (rect.x, y)])
        if shown:
            x = rect.x - AXIS.left_text
            canvas.text(x, y, text, size=SIZE.tick, ha="right", va="center")
    canvas.text(
        AXIS.left_label,
        rect.y + rect.height / 2,
        label,
        size=SIZE.label,
        colour=MUTED,
        ha="center",
        va="center",
        rotation=90,
    )
    return marks


def _room_for(ys: list[float]) -> list[bool]:
    """Which of the tick labels centred at heights ``ys`` are written: taken bottom up, a label
    that would run into the one below it is left out (a short panel, large text), as the
    browser's axes and colour bars do."""
    shown = [False] * len(ys)
    top = math.inf  # the top of the last label written
    half = SIZE.tick / 2
    for i in sorted(range(len(ys)), key=lambda i: -ys[i]):
        if ys[i] + half <= top:
            shown[i] = True
            top = ys[i] - half
    return shown


def _title(canvas: Canvas, rect: Rect, title: str) -> None:
    """A panel's title, above its plot at the left (``drawTitle``)."""
    y = rect.y - PANEL_GEOMETRY.title_offset
    canvas.text(rect.x, y, title, size=SIZE.title, bold=True)


def _metadata(frame: Frame, matplotlib_version: str) -> dict[str, str]:
    return {
        "Title": f"RNN explorer: {summary(frame)}",
        "Description": caption(frame.params, frame.network),
        "Software": f"rnnwidget {__version__} (matplotlib {matplotlib_version})",
    }


def _agg_renderer(width: int, height: int, dpi: float) -> Any:
    """A cleared Agg renderer of that size, this thread's last one when the size is the same.

    Reusing it keeps matplotlib's text-metrics cache (keyed by renderer) warm from one figure
    to the next (a measurable part of the drawing time); one per thread keeps
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
