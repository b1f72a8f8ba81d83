"""Where ticks go: round numbers for an axis, whole decades for a log axis, timesteps for the
time axis. The kernel places every tick the widgets draw (the browser draws them where told, and
has no rule of its own), so the live views and the headless pictures share one rule:
:func:`nice_ticks`, steps of 1, 2 or 5 times a power of ten."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from .formatting import format_decade

__all__ = [
    "decade_labels", "decade_ticks", "fitted_axis", "log_range", "nice_ticks", "row_ticks",
    "step_ticks", "time_ticks",
]  # fmt: skip


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About ``count`` round numbers covering [lo, hi]: the multiples of a step of 1, 2 or 5
    times a power of ten inside it.

    The step is d3-array's (``ticks``/``tickIncrement``): the power of ten at or below
    ``(hi - lo) / count``, times 10, 5 or 2 where that leaves it at least sqrt(50), sqrt(10) or
    sqrt(2) times too small; so the count lands between about ``count / 1.4`` and
    ``count * 1.4``, never a handful too few."""
    if not hi > lo:
        return [float(lo)]
    raw = (hi - lo) / count
    power = 10.0 ** math.floor(math.log10(raw))
    error = raw / power
    factor = next((f for f, at in _FACTORS if error >= at), 1)
    step = factor * power
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [float(f"{k * step:.12g}") for k in range(first, last + 1)]


#: d3-array's thresholds: how far the power of ten lies below the wanted step before the step
#: becomes 10, 5 or 2 times it.
_FACTORS = ((10, math.sqrt(50)), (5, math.sqrt(10)), (2, math.sqrt(2)))


def decade_ticks(lo: float, hi: float) -> list[int]:
    """About five whole decades inside [lo, hi] (a colour bar's)."""
    step = max(1, math.ceil((hi - lo) / 5))
    return list(range(math.ceil(lo / step) * step, math.floor(hi) + 1, step))


def time_ticks(T: int, count: int = 5) -> list[int]:
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


def step_ticks(steps: int) -> list[tuple[int, str]]:
    """About five round training steps from 0 to ``steps`` (at least 1): ``(1000, "1,000")``."""
    return [(int(s), f"{int(s):,}") for s in nice_ticks(0, max(1, steps), 5) if s.is_integer()]


def fitted_axis(
    values: Iterable[NDArray[np.float64]],
    references: Sequence[float] = (),
    *,
    log: bool = False,
    fixed: tuple[float, float] | None = None,
) -> dict[str, object]:
    """A chart's value axis: ``{"range": [lo, hi], "ticks": [[value, text], ...]}``.

    The range is ``fixed``, or covers every finite value and reference line: for a log chart
    (``values`` are base-10 logarithms) the whole decades around them with 5% to spare, labelled
    with decades; for a linear one 8% to spare (at least 0.05), never below 0, labelled with
    :func:`nice_ticks`."""
    if fixed is not None:
        lo, hi = fixed
    else:
        finite = [v[np.isfinite(v)] for v in values]
        finite.append(np.array([r for r in references if math.isfinite(r)], dtype=np.float64))
        pooled = np.concatenate(finite)
        if pooled.size == 0:
            lo, hi = (-1.0, 1.0) if log else (0.0, 1.0)
        else:
            lo, hi = float(pooled.min()), float(pooled.max())
            if log:
                lo, hi = math.floor(lo - 0.05 * (hi - lo)), math.ceil(hi + 0.05 * (hi - lo))
                hi = max(hi, lo + 1)  # one decade at least
            else:
                pad = max((hi - lo) * 0.08, 0.05)
                lo, hi = max(0.0, lo - pad), hi + pad
    if log:
        ticks: list[list[object]] = [[d, text] for d, text in decade_labels(int(lo), int(hi))]
    else:
        ticks = [[v, f"{v:g}"] for v in nice_ticks(lo, hi, 4)]
    return {"range": [lo, hi], "ticks": ticks}
