"""What the explorer's picture is made of: its panels, their titles, labels, heights, colour
scales and ticks. One source for the live view (the kernel sends :func:`view_layout` with each
frame) and for the headless renderer (:mod:`.figure_layout`, :mod:`.drawing`), so the two
cannot drift apart.

The panels' heights are the geometry's (:mod:`rnnwidget.geometry`), in CSS pixels at text
scale 1; the browser scales text and strokes itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._axes import decade_labels, decade_ticks, log_range, row_ticks, time_ticks
from ..formatting import format_decade, format_tick
from ..geometry import GEOMETRY
from .frame import MEMORY_GATES, Frame

__all__ = [
    "CHART_HEIGHT",
    "CHART_TITLE",
    "HIDDEN_TICKS",
    "INPUT_HEIGHT",
    "ORDER_HEIGHT",
    "ORDER_TITLE",
    "Chart",
    "Heatmap",
    "Series",
    "StepNumber",
    "ZeroSteps",
    "chart",
    "chart_range",
    "heatmaps",
    "step_numbers",
    "view_layout",
    "zero_steps",
]

INPUT_HEIGHT: int = GEOMETRY.heights.input
SINGLE_HEIGHT: int = GEOMETRY.heights.single  # a hidden-state or gradient panel with one layer
STACKED_HEIGHT: int = GEOMETRY.heights.stacked  # ... and with two stacked layers
CHART_HEIGHT: int = GEOMETRY.heights.chart
CHART_TITLE = "Gradient norm ‖dL/dh_t‖ reaching each step (log scale)"
CHART_AXIS = "‖dL/dh_t‖"
CHART_TITLE_LSTM = "Gradient norms ‖dL/dh_t‖ and ‖dL/dc_t‖ reaching each step (log scale)"
CHART_AXIS_LSTM = "gradient norm"
ORDER_HEIGHT: int = GEOMETRY.heights.order
ORDER_TITLE = "Why order matters: the same words in another order"
#: The two models "Why order matters" compares: the RNN's state after the sentence, and an
#: order-blind dense layer on the mean word vector.
ORDER_GROUPS = ("RNN, state after the last word", "Dense on the mean word vector")
HIDDEN_TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)


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


#: The memory gate's panel per gated cell: name in the title, its letter, what it does.
_GATES = {
    "lstm": ("Forget gate f_t", "f", "memory kept per step"),
    "gru": ("Update gate z_t", "z", "memory kept per step"),
}
GATE_TICKS = (0.0, 0.5, 1.0)


def heatmaps(frame: Frame, gradient_range: tuple[float, float] | None = None) -> list[Heatmap]:
    """The heatmaps in view order: the input, every layer's hidden state, every layer's
    gradient (all layers' gradients on one colour scale: ``gradient_range``, or the frame's).

    A gated cell shows, after the input: its hidden state h_t, the LSTM's cell state c_t, the
    memory gate (f_t or z_t, on [0, 1]), the gradient ``|dL/dh_t|`` and the LSTM's
    ``|dL/dc_t|``, both gradients on the one colour scale."""
    if frame.params.gated:
        return _gated_heatmaps(frame, gradient_range)
    n = len(frame.layers)
    height = SINGLE_HEIGHT if n == 1 else STACKED_HEIGHT
    g_lo, g_hi = gradient_range or frame.colour_scales["log10_abs_grad"]
    gradient_ticks = tuple((float(d), format_decade(d)) for d in decade_ticks(g_lo, g_hi))

    def name(kind: str, i: int) -> str:
        return kind if i == 0 else f"{kind}{i + 1}"

    def title(text: str, i: int) -> str:  # "Hidden state h_t", "Layer 2: hidden state h2_t"
        return text[0].upper() + text[1:] if n == 1 else f"Layer {i + 1}: {text}"

    sub = ["" if n == 1 else str(i + 1) for i in range(n)]
    panels = [_input_panel(frame)]
    panels += [
        Heatmap(
            name("hidden", i), "hidden", i, title(f"hidden state h{sub[i]}_t", i), "unit", "h",
            height, (-1.0, 1.0), "diverging", tuple((v, format_tick(v)) for v in HIDDEN_TICKS),
            array="h", readout="h",
        )
        for i in range(n)
    ]  # fmt: skip
    panels += [
        Heatmap(
            name("gradient", i), "gradient", i, title(f"gradient |dL/dh{sub[i]}_t| (log scale)", i),
            "unit", "|dL/dh|", height, (g_lo, g_hi), "sequential", gradient_ticks,
            array="log10_abs_grad", readout="|dL/dh|", log=True, backward=True,
        )
        for i in range(n)
    ]  # fmt: skip
    return panels


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
    gate_title, letter, role = _GATES[frame.cell]
    panels = [
        _input_panel(frame),
        Heatmap(
            "hidden", "hidden", 0, "Hidden state h_t", "unit", "h", height, (-1.0, 1.0),
            "diverging", tuple((v, format_tick(v)) for v in HIDDEN_TICKS), array="h", readout="h",
        ),
    ]  # fmt: skip
    if lstm:
        c_lo, c_hi = frame.colour_scales["c"]
        panels.append(
            Heatmap(
                "cell_state", "cell_state", 0, "Cell state c_t (the LSTM's memory)", "unit", "c",
                height, (c_lo, c_hi), "diverging",
                tuple((v, format_tick(v)) for v in (c_lo, 0.0, c_hi)), array="c", readout="c",
            )
        )  # fmt: skip
    panels.append(
        Heatmap(
            "memory_gate", "memory_gate", 0, f"{gate_title} ({role})", "unit", letter, height,
            (0.0, 1.0), "sequential", tuple((v, format_tick(v)) for v in GATE_TICKS),
            array="gate", readout=letter,
        )
    )  # fmt: skip
    panels.append(
        Heatmap(
            "gradient", "gradient", 0, "Gradient |dL/dh_t| (log scale)", "unit", "|dL/dh|",
            height, (g_lo, g_hi), "sequential", gradient_ticks, array="log10_abs_grad",
            readout="|dL/dh|", log=True, backward=True,
        )
    )  # fmt: skip
    if lstm:
        panels.append(
            Heatmap(
                "gradient_c", "gradient", 0, "Gradient |dL/dc_t| along the cell state (log scale)",
                "unit", "|dL/dc|", height, (g_lo, g_hi), "sequential", gradient_ticks,
                array="log10_abs_grad_c", readout="|dL/dc|", log=True, backward=True,
            )
        )  # fmt: skip
    return panels


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
        title, axis = CHART_TITLE_LSTM, CHART_AXIS_LSTM
    else:
        sub = ["" if n == 1 else str(i + 1) for i in range(n)]
        series = tuple(
            Series(f"layer {i + 1}", i, "log10_grad_norm", f"‖dL/dh{sub[i]}_t‖") for i in range(n)
        )
        title, axis = CHART_TITLE, CHART_AXIS
    return Chart(
        title=title,
        axis_label=axis,
        height=CHART_HEIGHT,
        range=(lo, hi),
        ticks=tuple(decade_labels(lo, hi)),
        labels=tuple(s.label for s in series),
        series=series,
        readout=chart_readout(frame),
        zeros=zero_steps([(s.symbol, s.values(frame)) for s in series]),
    )


def zero_steps(
    curves: list[tuple[str, np.ndarray[Any, np.dtype[np.float64]]]],
) -> tuple[ZeroSteps, ...]:
    """The runs of steps where the same curves are exactly 0 (log10 = -inf), each with its note:
    ``"‖dL/dh_t‖ = 0 exactly for t < 1000"`` (W_hh = 0 passes nothing back), or with two layers
    ``"‖dL/dh1_t‖ and ‖dL/dh2_t‖ = 0 exactly for t < 1000"``. ``curves`` are ``(symbol,
    log10 values for t = 1 ... T)``."""
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
            names = " and ".join(s for (s, _), z in zip(curves, zero[:, start], strict=True) if z)
            steps = _steps(start + 1, end, T)
            runs.append(ZeroSteps(start + 1, end, f"{names} = 0 exactly for {steps}"))
    return tuple(runs)


def _steps(first: int, last: int, T: int) -> str:
    """Steps first ... last of 1 ... T in words: "t < 1000", "t > 3", "t = 5", "4 ≤ t ≤ 9",
    "every t"."""
    if first == 1 and last == T:
        return "every t"
    if first == last:
        return f"t = {first}"
    if first == 1:
        return f"t < {last + 1}"
    if last == T:
        return f"t > {first - 1}"
    return f"{first} ≤ t ≤ {last}"


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
) -> dict[str, Any]:
    """The layout as the browser receives it with a frame (JSON): the heatmaps (each naming the
    array it draws, as a path into the frame's arrays), the chart (its curves likewise), the
    unrolled loop's words and the time axis's ticks."""
    T = frame.x.shape[0]
    norm = chart(frame, norm_range)
    return {
        "heatmaps": [
            {
                "name": panel.name,
                "kind": panel.kind,
                "layer": panel.layer,
                "array": panel.path(),
                "title": panel.title,
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
            for panel in heatmaps(frame, gradient_range)
        ],
        "chart": {
            "title": norm.title,
            "axis_label": norm.axis_label,
            "height": norm.height,
            "range": list(norm.range),
            "ticks": [list(tick) for tick in norm.ticks],
            "labels": list(norm.labels),
            "series": [
                {"label": s.label, "array": ["layers", s.layer, s.array]} for s in norm.series
            ],
            "readout": [number.spec() for number in norm.readout],
            "zeros": [
                {"first": run.first, "last": run.last, "note": run.note} for run in norm.zeros
            ],
        },
        "unrolled": {
            "numbers": [number.spec() for number in step_numbers(frame)],
            "recurrent_labels": list(RECURRENT_LABELS[frame.cell]),
        },
        "order": {"title": ORDER_TITLE, "height": ORDER_HEIGHT, "groups": list(ORDER_GROUPS)},
        "time_ticks": time_ticks(T),
    }
