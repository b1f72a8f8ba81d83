"""What the explorer's picture is made of: its panels, their titles, labels, heights, colour
scales and ticks. One source for the live view (the kernel sends :func:`view_layout` with each
frame) and for the headless renderer (:mod:`.figure_layout`, :mod:`.drawing`), so the two
cannot drift apart.

Every title comes with shorter forms for narrow views (a column of ``compare()``): the view
draws the longest that fits, so a title is never cut; the headless figure, always wide, draws
the full one. Explorers side by side line their panels up in shared :class:`Row` s
(:func:`shared_rows`): a panel sits at the same height in every column, and a column without
it keeps its place empty, saying why.

The panels' heights are the geometry's (:mod:`rnnwidget.geometry`), in CSS pixels at text
scale 1; the browser scales text and strokes itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .._axes import decade_labels, decade_ticks, log_range, row_ticks, time_ticks
from ..formatting import fill, format_decade, format_tick
from ..geometry import GEOMETRY
from .frame import MEMORY_GATES, Frame
from .words import absent_panel

__all__ = [
    "CHART_HEIGHT",
    "CHART_TITLE",
    "HIDDEN_TICKS",
    "INPUT_HEIGHT",
    "ORDER_HEIGHT",
    "ORDER_TITLE",
    "PANEL_ORDER",
    "ZERO_WORDS",
    "Chart",
    "Heatmap",
    "Row",
    "Series",
    "StepNumber",
    "ZeroSteps",
    "chart",
    "chart_range",
    "heatmaps",
    "shared_rows",
    "step_numbers",
    "view_layout",
    "zero_steps",
]

INPUT_HEIGHT: int = GEOMETRY.heights.input
SINGLE_HEIGHT: int = GEOMETRY.heights.single  # a hidden-state or gradient panel with one layer
STACKED_HEIGHT: int = GEOMETRY.heights.stacked  # ... and with two stacked layers
CHART_HEIGHT: int = GEOMETRY.heights.chart
CHART_TITLE = "Gradient norm ‖dL/dh_t‖ reaching each step (log scale)"
CHART_SHORT_TITLES = ("‖dL/dh_t‖ reaching each step (log)", "‖dL/dh_t‖ per step (log)")
CHART_AXIS = "‖dL/dh_t‖"
CHART_TITLE_LSTM = "Gradient norms ‖dL/dh_t‖ and ‖dL/dc_t‖ reaching each step (log scale)"
CHART_SHORT_TITLES_LSTM = ("‖dL/dh_t‖ and ‖dL/dc_t‖ per step (log)", "‖dL/dh_t‖, ‖dL/dc_t‖ (log)")
CHART_AXIS_LSTM = "gradient norm"
ORDER_HEIGHT: int = GEOMETRY.heights.order
ORDER_TITLE = "Why order matters: the same words in another order"
#: The two models "Why order matters" compares: the RNN's state after the sentence, and an
#: order-blind dense layer on the mean word vector.
ORDER_GROUPS = ("RNN, state after the last word", "Dense on the mean word vector")
HIDDEN_TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)
#: Every heatmap a view can show, in view order: explorers side by side line up by it.
PANEL_ORDER = (
    "input", "hidden", "hidden2", "cell_state", "memory_gate", "gradient", "gradient2",
    "gradient_c",
)  # fmt: skip


@dataclass(frozen=True)
class Heatmap:
    """One heatmap panel: rows against timesteps, with a colour bar.

    Attributes:
        name: the panel's name (the browser's ``data-panel``): ``"input"``, ``"hidden"``,
            ``"gradient"``, with two layers ``"hidden2"``, ``"gradient2"``; for the gated cells
            ``"memory_gate"``, and for the LSTM ``"cell_state"`` and ``"gradient_c"``.
        kind: ``"input"``, ``"hidden"``, ``"cell_state"``, ``"memory_gate"`` or
            ``"gradient"`` (dL/dh and dL/dc alike).
        layer: the layer it shows (0-based; 0 for the input).
        array: the array it draws: ``"x"`` (the input) or the name of one of its layer's
            arrays (:meth:`.frame.Layer.arrays`).
        title, row_label, colour_label: its words.
        short_titles: shorter forms of the title, longest first, for narrow views.
        height: the whole panel's height.
        scale: the values its colours span, ``(low, high)``.
        role: the colour table, ``"diverging"`` (signed values) or ``"sequential"``.
        colour_ticks: the colour bar's labels, ``(value, text)``.
        readout: what the hover read-out calls its value (``"h"``, ``"c"``, ``"f"``,
            ``"|dL/dc|"``).
        log: whether its values are base-10 logarithms of magnitudes (the read-out shows
            ``10**value``).
        backward: whether BPTT computes it (play-through-time reveals it from the last step
            back) rather than the forward pass.
    """

    name: str
    kind: str
    layer: int
    title: str
    row_label: str
    colour_label: str
    height: int
    scale: tuple[float, float]
    role: str
    colour_ticks: tuple[tuple[float, str], ...]
    array: str = "x"
    readout: str = "x"
    log: bool = False
    backward: bool = False
    short_titles: tuple[str, ...] = ()

    @property
    def titles(self) -> tuple[str, ...]:
        """The title and its shorter forms, longest first: a view draws the first that fits."""
        return (self.title, *self.short_titles)

    def values(self, frame: Frame) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The panel's values, time-major: ``(timesteps, rows)``."""
        if self.array == "x":
            return frame.x
        return frame.layers[self.layer].arrays()[self.array]

    def path(self) -> list[str | int]:
        """Where the browser finds the panel's array in a frame's ``arrays``."""
        return ["x"] if self.array == "x" else ["layers", self.layer, self.array]


@dataclass(frozen=True)
class Series:
    """One curve of the gradient-norm chart: its legend label, the layer array it draws and
    how the chart's words name it (``"‖dL/dh_t‖"``, ``"‖dL/dh2_t‖"``, ``"‖dL/dc_t‖"``)."""

    label: str
    layer: int
    array: str
    symbol: str

    def values(self, frame: Frame) -> np.ndarray[Any, np.dtype[np.float64]]:
        return frame.layers[self.layer].arrays()[self.array]


@dataclass(frozen=True)
class StepNumber:
    """One number of a step that the view writes out (the unrolled loop's caption, the chart's
    read-out): ``label`` (``{t}`` stands for the step), the layer array it reads and its
    ``format``: ``"fixed3"`` (three decimals) or ``"pow10"`` (a base-10 logarithm, written as
    the power of ten it stands for)."""

    label: str
    array: str
    format: str

    def spec(self) -> dict[str, str]:
        return {"label": self.label, "array": self.array, "format": self.format}


@dataclass(frozen=True)
class ZeroSteps:
    """Steps ``first`` to ``last`` (1-based, inclusive) where some curves of the gradient-norm
    chart are exactly 0: their logarithm is -inf, below any log axis. The chart shades those
    steps, writes ``note`` there, and the curves fall off its bottom edge."""

    first: int
    last: int
    note: str


@dataclass(frozen=True)
class Chart:
    """The chart of the gradient's norm against t: ``log10 ||dL/dh_t||`` per layer, and for the
    LSTM ``log10 ||dL/dc_t||`` too.

    Attributes:
        short_titles: shorter forms of the title, longest first, for narrow views.
        range: its vertical range in decades, ``(low, high)``, whole numbers.
        ticks: ``(decade, text)`` for the labelled grid lines.
        labels: each curve's legend label (none is drawn for one curve).
        series: the curves, in drawing order (``labels`` are theirs).
        readout: what hovering a step reads out, the first layer's numbers.
        zeros: where curves are exactly 0, in order of time (:func:`zero_steps`).
    """

    title: str
    axis_label: str
    height: int
    range: tuple[int, int]
    ticks: tuple[tuple[int, str], ...]
    labels: tuple[str, ...]
    series: tuple[Series, ...] = ()
    readout: tuple[StepNumber, ...] = ()
    zeros: tuple[ZeroSteps, ...] = ()
    short_titles: tuple[str, ...] = ()

    @property
    def titles(self) -> tuple[str, ...]:
        """The title and its shorter forms, longest first."""
        return (self.title, *self.short_titles)


@dataclass(frozen=True)
class Row:
    """One row of heatmaps of explorers side by side: the panel's name, and its height in every
    column."""

    name: str
    height: int


#: The memory gate's panel per gated cell: its name in the title, and its letter.
_GATES = {"lstm": ("Forget gate", "f"), "gru": ("Update gate", "z")}
GATE_TICKS = (0.0, 0.5, 1.0)


def heatmaps(frame: Frame, gradient_range: tuple[float, float] | None = None) -> list[Heatmap]:
    """The heatmaps in view order: the input, every layer's hidden state, every layer's
    gradient (all layers' gradients on one colour scale: ``gradient_range``, or the frame's).

    A gated cell shows, after the input: its hidden state h_t, the LSTM's cell state c_t, the
    memory gate (f_t or z_t, on [0, 1]), the gradient ``|dL/dh_t|`` and the LSTM's
    ``|dL/dc_t|``, both gradients on the one colour scale.

    The Elman cell's h_t is drawn on tanh's range ±1, a gated cell's on ±its own largest
    ``|h|`` (:attr:`.frame.Frame.colour_scales`); each title says which."""
    if frame.params.gated:
        return _gated_heatmaps(frame, gradient_range)
    n = len(frame.layers)
    height = SINGLE_HEIGHT if n == 1 else STACKED_HEIGHT
    g_lo, g_hi = gradient_range or frame.colour_scales["log10_abs_grad"]
    gradient_ticks = tuple((float(d), format_decade(d)) for d in decade_ticks(g_lo, g_hi))
    panels = [_input_panel(frame)]
    for kind in ("hidden", "gradient"):
        for i in range(n):
            sub, layer = ("", "") if n == 1 else (str(i + 1), f"Layer {i + 1}")
            name = kind if i == 0 else f"{kind}{i + 1}"
            if kind == "hidden":
                title, short = _titles("Hidden state", f"h{sub}_t", _TANH_RANGE, layer)
                panel = Heatmap(
                    name, "hidden", i, title, "unit", "h", height, frame.colour_scales["h"],
                    "diverging", tuple((v, format_tick(v)) for v in HIDDEN_TICKS), array="h",
                    readout="h", short_titles=short,
                )  # fmt: skip
            else:
                title, short = _titles("Gradient", f"|dL/dh{sub}_t|", _LOG_SCALE, layer)
                panel = Heatmap(
                    name, "gradient", i, title, "unit", "|dL/dh|", height, (g_lo, g_hi),
                    "sequential", gradient_ticks, array="log10_abs_grad", readout="|dL/dh|",
                    log=True, backward=True, short_titles=short,
                )  # fmt: skip
            panels.append(panel)
    return panels


#: How a title says what its colours or its axis span, in full and in short: the Elman cell's
#: h_t on tanh's range, a gated cell's h_t and c_t on their own largest magnitude, gradients on
#: a log scale.
_TANH_RANGE = ("(colours ±1: tanh's range)", "(±1: tanh)")
_OWN_RANGE_H = ("(colours ±max |h|: its own scale)", "(±max |h|)")
_OWN_RANGE_C = ("(the LSTM's memory; colours ±max |c|)", "(±max |c|)")
_LOG_SCALE = ("(log scale)", "(log)")


def _titles(
    name: str, symbol: str, detail: tuple[str, str], layer: str = ""
) -> tuple[str, tuple[str, str]]:
    """A panel's title and two shorter forms for narrow views, from its name, its symbol and
    its detail (in full, in short): ``"Hidden state h_t (colours ±1: tanh's range)"``, then
    ``"Hidden state h_t (±1: tanh)"`` and ``"h_t (±1: tanh)"``; in a stack of layers
    ``"Layer 2: hidden state h2_t (colours ...)"``, ``"Layer 2: h2_t (±1: tanh)"``,
    ``"h2_t (±1: tanh)"``."""
    full, short = detail
    if layer:
        return (
            f"{layer}: {name.lower()} {symbol} {full}",
            (f"{layer}: {symbol} {short}", f"{symbol} {short}"),
        )
    return f"{name} {symbol} {full}", (f"{name} {symbol} {short}", f"{symbol} {short}")


def _input_panel(frame: Frame) -> Heatmap:
    x_lo, x_hi = frame.colour_scales["x"]
    return Heatmap(
        "input", "input", 0, "Input x_t", "feature", "x", INPUT_HEIGHT, (x_lo, x_hi),
        "diverging", tuple((v, format_tick(v)) for v in (x_lo, 0.0, x_hi)),
    )  # fmt: skip


def _gated_heatmaps(
    frame: Frame, gradient_range: tuple[float, float] | None = None
) -> list[Heatmap]:
    """The panels of one LSTM or GRU layer (see :func:`heatmaps`)."""
    lstm = frame.cell == "lstm"
    height = STACKED_HEIGHT  # five or six panels: each as tall as a stacked layer's
    g_lo, g_hi = gradient_range or frame.colour_scales["log10_abs_grad"]
    gradient_ticks = tuple((float(d), format_decade(d)) for d in decade_ticks(g_lo, g_hi))
    gate_name, letter = _GATES[frame.cell]
    h_lo, h_hi = frame.colour_scales["h"]
    title, short = _titles("Hidden state", "h_t", _OWN_RANGE_H)
    panels = [
        _input_panel(frame),
        Heatmap(
            "hidden", "hidden", 0, title, "unit", "h", height, (h_lo, h_hi), "diverging",
            tuple((v, format_tick(v)) for v in (h_lo, 0.0, h_hi)), array="h", readout="h",
            short_titles=short,
        ),
    ]  # fmt: skip
    if lstm:
        c_lo, c_hi = frame.colour_scales["c"]
        title, short = _titles("Cell state", "c_t", _OWN_RANGE_C)
        panels.append(
            Heatmap(
                "cell_state", "cell_state", 0, title, "unit", "c", height, (c_lo, c_hi),
                "diverging", tuple((v, format_tick(v)) for v in (c_lo, 0.0, c_hi)), array="c",
                readout="c", short_titles=short,
            )
        )  # fmt: skip
    title, short = _titles(gate_name, f"{letter}_t", ("(memory kept per step)", "(memory kept)"))
    panels.append(
        Heatmap(
            "memory_gate", "memory_gate", 0, title, "unit", letter, height, (0.0, 1.0),
            "sequential", tuple((v, format_tick(v)) for v in GATE_TICKS), array="gate",
            readout=letter, short_titles=short,
        )
    )  # fmt: skip
    title, short = _titles("Gradient", "|dL/dh_t|", _LOG_SCALE)
    panels.append(
        Heatmap(
            "gradient", "gradient", 0, title, "unit", "|dL/dh|", height, (g_lo, g_hi),
            "sequential", gradient_ticks, array="log10_abs_grad", readout="|dL/dh|", log=True,
            backward=True, short_titles=short,
        )
    )  # fmt: skip
    if lstm:
        along_c = ("along the cell state (log scale)", "(log)")
        title, short = _titles("Gradient", "|dL/dc_t|", along_c)
        panels.append(
            Heatmap(
                "gradient_c", "gradient", 0, title, "unit", "|dL/dc|", height, (g_lo, g_hi),
                "sequential", gradient_ticks, array="log10_abs_grad_c", readout="|dL/dc|",
                log=True, backward=True, short_titles=short,
            )
        )  # fmt: skip
    return panels


def shared_rows(frames: Sequence[Frame]) -> tuple[Row, ...]:
    """The rows of heatmaps of explorers side by side (``compare()``): every panel any of them
    shows, in :data:`PANEL_ORDER`, each row as tall as its shortest panel, so that a panel
    starts at the same height in every column and a column without it keeps its place."""
    heights: dict[str, int] = {}
    for frame in frames:
        for panel in heatmaps(frame):
            heights[panel.name] = min(panel.height, heights.get(panel.name, panel.height))
    return tuple(Row(name, heights[name]) for name in PANEL_ORDER if name in heights)


def step_numbers(frame: Frame) -> tuple[StepNumber, ...]:
    """The numbers the unrolled loop's caption gives for each step of each layer, by cell."""
    if not frame.params.gated:
        return (
            StepNumber("‖h_{t}‖", "h_norm", "fixed3"),
            StepNumber("‖dL/dh_{t}‖", "log10_grad_norm", "pow10"),
            StepNumber("mean tanh'(a_{t})", "tanh_slope", "fixed3"),
        )
    letter = MEMORY_GATES[frame.cell]
    numbers = [StepNumber("‖h_{t}‖", "h_norm", "fixed3")]
    if frame.cell == "lstm":
        numbers.append(StepNumber("‖c_{t}‖", "c_norm", "fixed3"))
    numbers.append(StepNumber("‖dL/dh_{t}‖", "log10_grad_norm", "pow10"))
    if frame.cell == "lstm":
        numbers.append(StepNumber("‖dL/dc_{t}‖", "log10_grad_norm_c", "pow10"))
    numbers.append(StepNumber(f"mean {letter}_{{t}}", "gate_mean", "fixed3"))
    return tuple(numbers)


def chart_readout(frame: Frame) -> tuple[StepNumber, ...]:
    """What hovering the chart reads out for a step t: the first layer's gradient norms first,
    then its other numbers (as in the caption, with ``t`` for the step)."""
    if not frame.params.gated:
        return (
            StepNumber("‖dL/dh_t‖", "log10_grad_norm", "pow10"),
            StepNumber("‖h_t‖", "h_norm", "fixed3"),
            StepNumber("mean tanh'", "tanh_slope", "fixed3"),
        )
    numbers = [n for n in step_numbers(frame) if n.format == "pow10"]
    numbers += [n for n in step_numbers(frame) if n.format != "pow10"]
    return tuple(StepNumber(n.label.replace("{t}", "t"), n.array, n.format) for n in numbers)


#: The labels of the recurrent arrow in the unrolled loop, by cell: what carries the memory. The
#: first is drawn above the arrow, a second (the gated cells' memory path) below it, so each
#: fits the arrow's length.
RECURRENT_LABELS = {"elman": ("W_hh",), "lstm": ("W_hh", "f⊙c"), "gru": ("W_hh", "z⊙h")}


def chart(frame: Frame, norm_range: tuple[int, int] | None = None) -> Chart:
    """The gradient-norm chart: its range spans every curve's finite values, 0 (the last
    step's level) and a margin of at least one decade, unless ``norm_range`` fixes it."""
    lo, hi = norm_range or chart_range(frame)
    n = len(frame.layers)
    series: tuple[Series, ...]
    if frame.cell == "lstm":
        series = (
            Series("dL/dh", 0, "log10_grad_norm", "‖dL/dh_t‖"),
            Series("dL/dc", 0, "log10_grad_norm_c", "‖dL/dc_t‖"),
        )
        title, short, axis = CHART_TITLE_LSTM, CHART_SHORT_TITLES_LSTM, CHART_AXIS_LSTM
    else:
        sub = ["" if n == 1 else str(i + 1) for i in range(n)]
        series = tuple(
            Series(f"layer {i + 1}", i, "log10_grad_norm", f"‖dL/dh{sub[i]}_t‖") for i in range(n)
        )
        title, short, axis = CHART_TITLE, CHART_SHORT_TITLES, CHART_AXIS
    return Chart(
        title=title,
        short_titles=short,
        axis_label=axis,
        height=CHART_HEIGHT,
        range=(lo, hi),
        ticks=tuple(decade_labels(lo, hi)),
        labels=tuple(s.label for s in series),
        series=series,
        readout=chart_readout(frame),
        zeros=zero_steps([(s.symbol, s.values(frame)) for s in series]),
    )


#: How the chart words a run of steps where curves are exactly 0: ``note`` joins the curves'
#: symbols (with ``and``) and the steps, written as ``every`` (all of them), ``one`` (one step),
#: ``before``, ``after`` or ``between``. The view is sent these templates with each layout and
#: fills them as :func:`zero_steps` does (js/twin/layout.js), for frames the browser computes.
ZERO_WORDS = {
    "note": "{names} = 0 exactly for {steps}",
    "and": " and ",
    "every": "every t",
    "one": "t = {first}",
    "before": "t < {next}",
    "after": "t > {previous}",
    "between": "{first} ≤ t ≤ {last}",
}


def zero_steps(
    curves: list[tuple[str, np.ndarray[Any, np.dtype[np.float64]]]],
) -> tuple[ZeroSteps, ...]:
    """The runs of steps where the same curves are exactly 0 (log10 = -inf), each with its note
    (:data:`ZERO_WORDS`): ``"‖dL/dh_t‖ = 0 exactly for t < 1000"`` (W_hh = 0 passes nothing
    back), or with two layers ``"‖dL/dh1_t‖ and ‖dL/dh2_t‖ = 0 exactly for t < 1000"``.
    ``curves`` are ``(symbol, log10 values for t = 1 ... T)``."""
    zero = np.stack([np.isneginf(logs) for _, logs in curves])  # (curves, T)
    if not zero.any():
        return ()
    T = zero.shape[1]
    code = (zero * (1 << np.arange(len(curves)))[:, np.newaxis]).sum(axis=0)  # which are 0, per t
    starts = np.concatenate([[0], np.flatnonzero(np.diff(code)) + 1])
    ends = np.concatenate([starts[1:], [T]])  # exclusive
    runs: list[ZeroSteps] = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if code[start]:
            zeroed = [s for (s, _), z in zip(curves, zero[:, start], strict=True) if z]
            names = ZERO_WORDS["and"].join(zeroed)
            note = fill(ZERO_WORDS["note"], {"names": names, "steps": _steps(start + 1, end, T)})
            runs.append(ZeroSteps(start + 1, end, note))
    return tuple(runs)


def _steps(first: int, last: int, T: int) -> str:
    """Steps first ... last of 1 ... T in words: "t < 1000", "t > 3", "t = 5", "4 ≤ t ≤ 9",
    "every t"."""
    if first == 1 and last == T:
        words = "every"
    elif first == last:
        words = "one"
    elif first == 1:
        words = "before"
    elif last == T:
        words = "after"
    else:
        words = "between"
    return fill(
        ZERO_WORDS[words], {"first": first, "last": last, "next": last + 1, "previous": first - 1}
    )


def chart_range(frame: Frame) -> tuple[int, int]:
    """Whole decades that hold every curve's finite values (every layer's ``log10
    ||dL/dh_t||``, the LSTM's ``log10 ||dL/dc_t||``), 0 and a margin."""
    curves = [
        logs
        for layer in frame.layers
        for logs in (layer.log10_grad_norm, layer.log10_grad_norm_c)
        if logs is not None
    ]
    return log_range(np.concatenate(curves))


def view_layout(
    frame: Frame,
    *,
    gradient_range: tuple[float, float] | None = None,
    norm_range: tuple[int, int] | None = None,
    rows: Sequence[Row] | None = None,
) -> dict[str, Any]:
    """The layout as the browser receives it with a frame (JSON): the heatmaps (each naming the
    array it draws, as a path into the frame's arrays), the figure's rows, the chart (its
    curves likewise, each with its symbol, and :data:`ZERO_WORDS`), the unrolled loop's words
    and the time axis's ticks. For a frame the browser computes itself (js/twin), it keeps
    this layout's words and heights and recomputes the rest (js/twin/layout.js).

    ``rows`` lines the view up with others side by side (:func:`shared_rows`): its heatmaps
    take the rows' heights and order, and a row this frame has no panel for is sent as
    ``{"absent": why, "height": ...}``. Without, the rows are the heatmaps, in view order."""
    T = frame.x.shape[0]
    norm = chart(frame, norm_range)
    panels = heatmaps(frame, gradient_range)
    figure: list[dict[str, Any]] = [{"panel": panel.name} for panel in panels]
    if rows is not None:
        own = {panel.name: panel for panel in panels}
        panels = [replace(own[row.name], height=row.height) for row in rows if row.name in own]
        figure = [
            {"panel": row.name}
            if row.name in own
            else {"absent": absent_panel(row.name, frame), "height": row.height, "name": row.name}
            for row in rows
        ]
    return {
        "heatmaps": [
            {
                "name": panel.name,
                "kind": panel.kind,
                "layer": panel.layer,
                "array": panel.path(),
                "title": panel.title,
                "titles": list(panel.titles),
                "row_label": panel.row_label,
                "colour_label": panel.colour_label,
                "height": panel.height,
                "scale": list(panel.scale),
                "role": panel.role,
                "colour_ticks": [list(tick) for tick in panel.colour_ticks],
                "row_ticks": row_ticks(int(panel.values(frame).shape[1])),
                "readout": panel.readout,
                "log": panel.log,
                "pass": "backward" if panel.backward else "forward",
            }
            for panel in panels
        ],
        "rows": figure,
        "chart": {
            "title": norm.title,
            "titles": list(norm.titles),
            "axis_label": norm.axis_label,
            "height": norm.height,
            "range": list(norm.range),
            "ticks": [list(tick) for tick in norm.ticks],
            "labels": list(norm.labels),
            "series": [
                {"label": s.label, "array": ["layers", s.layer, s.array], "symbol": s.symbol}
                for s in norm.series
            ],
            "readout": [number.spec() for number in norm.readout],
            "zeros": [
                {"first": run.first, "last": run.last, "note": run.note} for run in norm.zeros
            ],
            "zero_words": ZERO_WORDS,
        },
        "unrolled": {
            "numbers": [number.spec() for number in step_numbers(frame)],
            "recurrent_labels": list(RECURRENT_LABELS[frame.cell]),
        },
        "order": {"title": ORDER_TITLE, "height": ORDER_HEIGHT, "groups": list(ORDER_GROUPS)},
        "time_ticks": time_ticks(T),
        # The steps that matter to a trained network's task, marked on every panel.
        "marks": [
            {"t": mark.t, "label": mark.label}
            for mark in (frame.network.marks if frame.network is not None else ())
        ],
    }
