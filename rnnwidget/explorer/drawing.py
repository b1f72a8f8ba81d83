"""The headless drawing of the explorer's picture: :func:`render_png` and :func:`render_svg`
give it as bytes or text, with no browser.

The figure is the live view's, panel for panel (``js/widget.js``): a title line with the
widget's one-sentence summary and the shapes line ("Shapes: (1, 50, 4) → (1, 32)"); the
heatmaps "Input x_t", "Hidden state h_t" and "Gradient ``|dL/dh_t|`` (log scale)" (rows against
timesteps t = 1 ... T, row 0 at the top), each with its colour bar, or with two stacked layers
"Layer 1: hidden state h1_t", "Layer 2: hidden state h2_t", then both layers' gradients on one
colour scale; the chart of ``log10 ||dL/dh_t||``, a curve per layer (with a legend for two);
for the sentence input, "Why order matters" (``js/order.js``); the widget's statistics line;
and a caption naming every parameter and the version (:func:`.words.caption`), which also goes
into the file's metadata. It is always drawn on white, whatever the notebook's theme. What only
the live view has (the controls, play-through-time, the unrolled loop, hover read-outs) is not
drawn. Where everything goes is :mod:`.figure_layout`'s; files are written by :mod:`.export`.

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
from . import layout as panels
from .canvas import BACKGROUND, GRID, LINE, MONO_FONT, MUTED, PANEL, TEXT, WARN, Canvas
from .figure_inputs import as_frame, check_scale, require_matplotlib
from .figure_layout import (
    CAPTION_SIZE,
    CSS_DPI,
    LEGEND_SIZE,
    MARGIN_LEFT,
    ORDER_GROUPS,
    ORDER_LABELS,
    ORDER_ROW,
    ORDER_SIZE,
    PAD,
    PANEL_TITLE_SIZE,
    PX_TO_PT,
    SMALL_SIZE,
    STATS_SIZE,
    SUMMARY_SIZE,
    TICK_SIZE,
    TITLE_SIZE,
    WIDTH,
    Layout,
    Rect,
    fit,
    layout_of,
)
from .frame import Frame, OrderDemo, Params
from .words import caption, order_distance, shapes, stats, summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["render_png", "render_svg"]

_CURVE_COLOURS = (LINE, WARN)  # the norm chart's curves, layer 1 first (js/linechart.js)

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

    The image is ``scale`` times the layout's CSS size (880 pixels wide): 2 (the default) is
    sharp on a projector, 1 is quicker. The caption is also in the PNG's ``Description`` text,
    beside ``Title`` (the summary) and ``Software``. ``palette`` is ``"standard"`` or
    ``"colorblind"``. A :class:`~rnnwidget.explorer.frame.Params` is computed first.
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

    canvas.text(PAD, layout.title_baseline, "RNN explorer", size=TITLE_SIZE, bold=True)
    for x, y, line in layout.summary:
        canvas.text(x, y, line, size=SUMMARY_SIZE)
    canvas.text(
        PAD,
        layout.shapes_baseline,
        shapes(frame),
        size=SUMMARY_SIZE,
        colour=MUTED,
        family=MONO_FONT,
    )

    _draw_heatmaps(canvas, frame, palette, layout)
    _draw_chart(canvas, frame, layout.rects["norms"])
    if frame.order is not None and layout.order_top is not None:
        _draw_order(canvas, frame.order, palette, layout.order_top, layout.rects)

    canvas.text(PAD, layout.stats_top, stats(frame), size=STATS_SIZE, colour=MUTED, va="top")
    for i, line in enumerate(layout.caption_lines):
        y = layout.caption_top + 15 * i
        canvas.text(PAD, y, line, size=CAPTION_SIZE, colour=MUTED, va="top")
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
        canvas.text(rect.x, rect.y - 7, panel.title, size=PANEL_TITLE_SIZE, bold=True)
        ticks += _time_axis(canvas, rect, T, frame.tokens)
        ticks += _left_axis(
            canvas,
            rect,
            [(rect.y + (r + 0.5) / rows * rect.height, str(r)) for r in row_ticks(rows)],
            panel.row_label,
        )
        # The colour bar: the whole table, highest value on top, with its ticks and label.
        bar = Rect(rect.x + rect.width + 12, rect.y, 10, rect.height)
        canvas.image(table(palette, panel.role)[::-1, np.newaxis, :], bar)
        span = vmax - vmin or 1.0
        for value, text in panel.colour_ticks:
            y = rect.y + rect.height * (1 - (value - vmin) / span)
            canvas.text(bar.x + bar.width + 4, y, text, size=SMALL_SIZE, va="center")
        canvas.text(bar.x - 2, rect.y - 7, panel.colour_label, size=SMALL_SIZE, colour=MUTED)
    canvas.segments(ticks, MUTED)


def _draw_chart(canvas: Canvas, frame: Frame, rect: Rect) -> None:
    """The chart of log10 ||dL/dh_t|| against t, as ``NormChart.draw`` does: decade grid,
    shaded bands where the values pass float64's range, the layout's curves (one per layer,
    or the LSTM's dL/dh and dL/dc; broken at -inf), and with two curves a legend."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    # The browser draws the float32 logarithms it receives; so do we.
    norm = panels.chart(frame)
    series = [s.values(frame).astype(np.float32).astype(np.float64) for s in norm.series]
    T = len(series[0])
    lo, hi = norm.range

    def y(value: float) -> float:
        return rect.y + rect.height * (1 - (value - lo) / (hi - lo))

    canvas.text(rect.x, rect.y - 7, norm.title, size=PANEL_TITLE_SIZE, bold=True)
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
            rect.x + rect.width - 4,
            band_top + 3,
            label,
            size=SMALL_SIZE,
            colour=WARN,
            ha="right",
            va="top",
        )
    canvas.segments([[(rect.x, y(d)), (rect.x + rect.width, y(d))] for d, _ in norm.ticks], GRID)
    ticks = _left_axis(canvas, rect, [(y(d), text) for d, text in norm.ticks], norm.axis_label)
    ticks += _time_axis(canvas, rect, T, ())
    canvas.segments(ticks, MUTED)

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
            linewidth=2 * PX_TO_PT,
            solid_joinstyle="round",
            solid_capstyle="butt",
            zorder=3,
        )
        if T == 1:  # a dot of radius 3 px
            curve.set(marker="o", markersize=6 * PX_TO_PT, markerfacecolor=colour)
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
            canvas.text(x + 18, y_mid, norm.labels[i], size=LEGEND_SIZE, va="center")


def _draw_order(
    canvas: Canvas, order: OrderDemo, palette: str, top: float, rects: dict[str, Rect]
) -> None:
    """Why order matters, as ``OrderPanel.draw`` does: per model (the RNN's final state, the
    dense model on the mean word vector) a title, the distance between its two outputs, and a
    strip of units coloured on [-1, 1] for the sentence and for its shuffled words."""
    canvas.text(MARGIN_LEFT, top + 15, panels.ORDER_TITLE, size=12, bold=True)
    label_width = ORDER_LABELS - 8
    sentences = [
        fit(" ".join(words), SMALL_SIZE, label_width) for words in (order.words, order.shuffled)
    ]
    for (name, title, differ), values in zip(ORDER_GROUPS, (order.rnn_final, order.dense_output)):
        rect = rects[name]
        # The browser receives float32 values; it colours them and measures their distance.
        values32 = values.astype(np.float32)
        title_y = rect.y - 3
        canvas.text(MARGIN_LEFT, title_y, title, size=ORDER_SIZE, bold=True)
        canvas.text(
            WIDTH - 8,
            title_y,
            order_distance(values),
            size=ORDER_SIZE,
            colour=TEXT if differ else MUTED,
            ha="right",
        )
        cells = colourize(values32, -1.0, 1.0, palette=palette, role="diverging")
        for i, sentence in enumerate(sentences):
            row_top = rect.y + i * ORDER_ROW
            canvas.text(
                MARGIN_LEFT, row_top + ORDER_ROW - 4, sentence, size=SMALL_SIZE, colour=MUTED
            )
            strip = Rect(rect.x, row_top, rect.width, ORDER_ROW - 2)
            canvas.image(cells[i][np.newaxis], strip)


def _time_axis(
    canvas: Canvas, rect: Rect, T: int, tokens: tuple[str, ...]
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
        canvas.text(x, bottom + 5, label, size=TICK_SIZE, ha="center", va="top")
    axis_label = "word (timestep t)" if use_tokens else "timestep t"
    canvas.text(
        rect.x + rect.width,
        bottom + 19,
        axis_label,
        size=TICK_SIZE,
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
    for y, text in ticks:
        marks.append([(rect.x - 4, y), (rect.x, y)])
        canvas.text(rect.x - 6, y, text, size=TICK_SIZE, ha="right", va="center")
    canvas.text(
        12,
        rect.y + rect.height / 2,
        label,
        size=TICK_SIZE,
        colour=MUTED,
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
