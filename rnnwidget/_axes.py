"""Where ticks go: round numbers for an axis, whole decades for a log axis, timesteps for the
time axis. The kernel places every tick the widgets draw (the browser draws them where told), so
the live view and the headless picture share one rule."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .formatting import format_decade

__all__ = ["decade_labels", "decade_ticks", "log_range", "nice_ticks", "row_ticks", "time_ticks"]


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About ``count`` round numbers covering [lo, hi], 1, 2 or 5 times a power of ten apart."""
    if not hi > lo:
        return [float(lo)]
    raw = (hi - lo) / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next((m * power for m in (1, 2, 5, 10) if m * power >= raw), 10 * power)
    first = math.ceil(lo / step)
    last = math.floor(hi / step + 1e-9)
    return [float(f"{k * step:.12g}") for k in range(first, last + 1)]


def decade_ticks(lo: float, hi: float) -> list[int]:
    """About five whole decades inside [lo, hi] (a colour bar's)."""
    step = max(1, math.ceil((hi - lo) / 5))
    return list(range(math.ceil(lo / step) * step, math.floor(hi) + 1, step))


def time_ticks(T: int, count: int = 8) -> list[int]:
    """Timestep ticks for t = 1 ... T at whole steps, starting from t = 1 where it fits."""
    ticks = [int(t) for t in nice_ticks(1, T, count) if float(t).is_integer() and 1 <= t <= T]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else T
    if ticks and ticks[0] != 1 and ticks[0] - 1 >= step / 2:
        ticks.insert(0, 1)
    return ticks


def row_ticks(rows: int) -> list[int]:
    """Row ticks (feature or unit numbers, 0-based) for a heatmap of ``rows`` rows."""
    return [int(r) for r in nice_ticks(0, rows - 1, min(6, rows)) if float(r).is_integer()]


def log_range(logs: NDArray[np.float64]) -> tuple[int, int]:
    """Whole decades for a chart of base-10 logarithms: every finite value, 0 (a gradient's
    reference level, the last step's) and a margin of at least one decade."""
    finite = logs[np.isfinite(logs)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = max(1.0, (hi - lo) * 0.08)
    return math.floor(lo - pad), math.ceil(hi + pad)


def decade_labels(lo: int, hi: int) -> list[tuple[int, str]]:
    """About five labelled decades for a log axis from ``lo`` to ``hi``: ``(-6, "1e-6")``."""
    decades = [int(d) for d in nice_ticks(lo, hi, 5) if float(d).is_integer()]
    return [(d, format_decade(d)) for d in decades]
