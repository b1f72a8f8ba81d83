"""What the explorer's picture is made of: its panels, their titles, labels, heights, colour
scales and ticks. One source for the live view (the kernel sends :func:`view_layout` with each
frame) and for the headless renderer (:mod:`.figure_layout`, :mod:`.drawing`), so the two
cannot drift apart.

Sizes are CSS pixels at presentation scale 1; the browser scales text and strokes itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._axes import decade_labels, decade_ticks, log_range, row_ticks, time_ticks
from ..formatting import format_decade, format_tick
from .frame import Frame

__all__ = [
    "CHART_HEIGHT",
    "CHART_TITLE",
    "HIDDEN_TICKS",
    "INPUT_HEIGHT",
    "ORDER_HEIGHT",
    "ORDER_TITLE",
    "Chart",
    "Heatmap",
    "chart",
    "heatmaps",
    "view_layout",
]

INPUT_HEIGHT = 110
SINGLE_HEIGHT = 230  # a hidden-state or gradient panel with one layer
STACKED_HEIGHT = 160  # ... and with two stacked layers
CHART_HEIGHT = 190
CHART_TITLE = "Gradient norm ‖dL/dh_t‖ reaching each step (log scale)"
CHART_AXIS = "‖dL/dh_t‖"
ORDER_HEIGHT = 150
ORDER_TITLE = "Why order matters: the same words in another order"
HIDDEN_TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)


@dataclass(frozen=True)
class Heatmap:
    """One heatmap panel: rows against timesteps, with a colour bar.

    Attributes:
        name: the panel's name (the browser's ``data-panel``): ``"input"``, ``"hidden"``,
            ``"gradient"``, and with two layers ``"hidden2"``, ``"gradient2"``.
        kind: ``"input"``, ``"hidden"`` or ``"gradient"``.
        layer: the layer it shows (0-based; 0 for the input).
        title, row_label, colour_label: its words.
        height: the whole panel's height.
        scale: the values its colours span, ``(low, high)``.
        role: the colour table, ``"diverging"`` (signed values) or ``"sequential"``.
        colour_ticks: the colour bar's labels, ``(value, text)``.
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

    def values(self, frame: Frame) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The panel's values, time-major: ``(timesteps, rows)``."""
        if self.kind == "input":
            return frame.x
        layer = frame.layers[self.layer]
        return layer.h if self.kind == "hidden" else layer.log10_abs_grad


@dataclass(frozen=True)
class Chart:
    """The chart of ``log10 ||dL/dh_t||`` against t, a curve per layer.

    Attributes:
        range: its vertical range in decades, ``(low, high)``, whole numbers.
        ticks: ``(decade, text)`` for the labelled grid lines.
        labels: each curve's legend label (none is drawn for one layer).
    """

    title: str
    axis_label: str
    height: int
    range: tuple[int, int]
    ticks: tuple[tuple[int, str], ...]
    labels: tuple[str, ...]


def heatmaps(frame: Frame, gradient_range: tuple[float, float] | None = None) -> list[Heatmap]:
    """The heatmaps in view order: the input, every layer's hidden state, every layer's
    gradient (all layers' gradients on one colour scale: ``gradient_range``, or the frame's)."""
    n = len(frame.layers)
    height = SINGLE_HEIGHT if n == 1 else STACKED_HEIGHT
    x_lo, x_hi = frame.colour_scales["x"]
    g_lo, g_hi = gradient_range or frame.colour_scales["log10_abs_grad"]
    gradient_ticks = tuple((float(d), format_decade(d)) for d in decade_ticks(g_lo, g_hi))

    def name(kind: str, i: int) -> str:
        return kind if i == 0 else f"{kind}{i + 1}"

    def title(text: str, i: int) -> str:  # "Hidden state h_t", "Layer 2: hidden state h2_t"
        return text[0].upper() + text[1:] if n == 1 else f"Layer {i + 1}: {text}"

    sub = ["" if n == 1 else str(i + 1) for i in range(n)]
    panels = [
        Heatmap(
            "input", "input", 0, "Input x_t", "feature", "x", INPUT_HEIGHT, (x_lo, x_hi),
            "diverging", tuple((v, format_tick(v)) for v in (x_lo, 0.0, x_hi)),
        )
    ]  # fmt: skip
    panels += [
        Heatmap(
            name("hidden", i), "hidden", i, title(f"hidden state h{sub[i]}_t", i), "unit", "h",
            height, (-1.0, 1.0), "diverging", tuple((v, format_tick(v)) for v in HIDDEN_TICKS),
        )
        for i in range(n)
    ]  # fmt: skip
    panels += [
        Heatmap(
            name("gradient", i), "gradient", i, title(f"gradient |dL/dh{sub[i]}_t| (log scale)", i),
            "unit", "|dL/dh|", height, (g_lo, g_hi), "sequential", gradient_ticks,
        )
        for i in range(n)
    ]  # fmt: skip
    return panels


def chart(frame: Frame, norm_range: tuple[int, int] | None = None) -> Chart:
    """The gradient-norm chart: its range spans every layer's finite values, 0 (the last
    step's level) and a margin of at least one decade, unless ``norm_range`` fixes it."""
    lo, hi = norm_range or chart_range(frame)
    n = len(frame.layers)
    return Chart(
        title=CHART_TITLE,
        axis_label=CHART_AXIS,
        height=CHART_HEIGHT,
        range=(lo, hi),
        ticks=tuple(decade_labels(lo, hi)),
        labels=tuple(f"layer {i + 1}" for i in range(n)),
    )


def chart_range(frame: Frame) -> tuple[int, int]:
    """Whole decades that hold every layer's finite ``log10 ||dL/dh_t||``, 0 and a margin."""
    return log_range(np.concatenate([layer.log10_grad_norm for layer in frame.layers]))


def view_layout(
    frame: Frame,
    *,
    gradient_range: tuple[float, float] | None = None,
    norm_range: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The layout as the browser receives it with a frame (JSON): the heatmaps, the chart and
    the time axis's ticks."""
    T = frame.x.shape[0]
    norm = chart(frame, norm_range)
    return {
        "heatmaps": [
            {
                "name": panel.name,
                "kind": panel.kind,
                "layer": panel.layer,
                "title": panel.title,
                "row_label": panel.row_label,
                "colour_label": panel.colour_label,
                "height": panel.height,
                "scale": list(panel.scale),
                "role": panel.role,
                "colour_ticks": [list(tick) for tick in panel.colour_ticks],
                "row_ticks": row_ticks(int(panel.values(frame).shape[1])),
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
        },
        "order": {"title": ORDER_TITLE, "height": ORDER_HEIGHT},
        "time_ticks": time_ticks(T),
    }
