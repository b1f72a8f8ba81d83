"""The explorer's presets: the lecture's regimes, found for the input in use.

Where a regime sits depends on the input. Under a driving input tanh' < 1 on most steps, so the
W_hh scale at which the gradient keeps its size on the way back (the edge of chaos) is near 1
for an impulse but well above 1 for white noise (about 1.6 at T = 100). A preset with a fixed
scale contradicts its name on some input, so each preset here *finds* its settings for the
current input, sequence length, units, seed and layers, by bisection on the gradient ratio
``log10(||dL/dh_1|| / ||dL/dh_T||)`` (:func:`~rnnwidget.explorer.frame.measure`, about a
millisecond an evaluation at T = 100). Each preset sets the W_hh scale, the tanh gain g and the
bias, and nothing else:

- **vanishing**: g = 1, no bias, W_hh scale 0.5. Each step back multiplies the gradient by at
  most ``||W_hh|| g max tanh' = 0.5``, so over T - 1 steps by at most ``0.5**(T-1)``, whatever
  the input; a sequence too short for that to reach 1e-4 gets the scale that does.
- **edge_of_chaos**: g = 1, no bias, the scale where the ratio first crosses 0 (to 0.01, or
  0.001 where the ratio is steep).
- **exploding**: g = 1, no bias, a scale above the edge where the ratio is at least
  :data:`EXPLODING_DECADES` (at most 3, the knob's end).

The ratio need not rise monotonically with the scale (a layer of a few units saturates at large
scales, and its gradient falls again), so both searches scan the range in steps of 0.1 first
and bisect the first step that crosses their target. Where no scale in [0, 3] reaches it (a
layer of 4 or 8 units often has no chaos to find), a preset takes the scale that comes closest
and its note says so.

- **saturated**: the edge's scale and g = 1, plus the smallest bias (in steps of 0.1) that pins
  :data:`PINNED` of the cells at ±1: tanh' ≈ 0 there, and the gradient dies at the very scale
  where, without the drive, it kept its size.
- **high_gain**: g = 4 at scale 1, no bias: chaos. The states stay in (-1, 1) and about half of
  the cells sit at ±1 (45-55% on the four inputs at T = 100 and 200, 32 units), yet the
  gradient explodes: the units that are not pinned, times the gain, carry it. A large gain
  alone does not make a vanishing gradient; a pinning drive does.

Searches are cached per (input, seq_len, units, seed, layers, gain, bias) of the searched
settings; a preset sets the gain and the bias itself, so the current W_hh scale, gain and bias
do not enter the key.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..cells.inputs import THE_CAT_SAT
from .frame import Measurement, Params, measure

__all__ = [
    "BIAS_RANGE", "EXPLODING_DECADES", "HIGH_GAIN", "PINNED", "SCALE_RANGE", "VANISHING_DECADES",
    "Regime", "find",
]  # fmt: skip

#: The ranges and targets, in the one file the browser's searches read too (js/twin/presets.js).
_CONSTANTS = json.loads(Path(__file__).with_name("presets.json").read_text("utf-8"))
#: The W_hh scale knob's range, which every search stays within.
SCALE_RANGE: tuple[float, float] = tuple(_CONSTANTS["scale_range"])
#: The bias knob's range.
BIAS_RANGE: tuple[float, float] = tuple(_CONSTANTS["bias_range"])
#: How many decades the exploding preset makes the gradient grow (unless the scale hits 3).
EXPLODING_DECADES: float = _CONSTANTS["exploding_decades"]
#: The vanishing preset's bound on the gradient's trip, in decades, for short sequences.
VANISHING_DECADES: float = _CONSTANTS["vanishing_decades"]
#: The vanishing preset's W_hh scale, where the sequence is long enough.
VANISHING_SCALE: float = _CONSTANTS["vanishing_scale"]
#: The fraction of (step, unit) cells the saturated preset's bias pins at ±1 (``|h| > 0.99``).
PINNED: float = _CONSTANTS["pinned"]
#: The high-gain preset's tanh gain, at W_hh scale 1.
HIGH_GAIN: float = _CONSTANTS["high_gain"]

_NAMES = ("vanishing", "edge_of_chaos", "exploding", "saturated", "high_gain")


@dataclass(frozen=True)
class Regime:
    """What a preset chose for an input, and what it measured there.

    Attributes:
        name: the preset.
        w_hh_scale, saturation, bias: the settings it sets.
        measured: the frame's numbers at those settings.
        edge: the edge-of-chaos scale for this input (gain 1, no bias), for the presets that
            start from it (edge of chaos, exploding, saturated); else None.
        capped: no setting in the knob's range reaches the preset's target (an edge, a
            10^4-fold growth, a pinning bias) for this input: it chose the closest.
    """

    name: str
    w_hh_scale: float
    saturation: float
    bias: float
    measured: Measurement
    edge: float | None
    capped: bool = False

    @property
    def values(self) -> dict[str, Any]:
        """The settings, ``{trait: value}``."""
        return {"w_hh_scale": self.w_hh_scale, "saturation": self.saturation, "bias": self.bias}


def find(name: str, params: Params) -> Regime:
    """Preset ``name``'s settings for the input and sizes of ``params`` (its W_hh scale, gain
    and bias are ignored, and so are its cell and gate_init: the presets are the Elman
    cell's)."""
    if name not in _NAMES:
        raise ValueError(f"preset must be one of {', '.join(map(repr, _NAMES))}; got {name!r}")
    return _find(name, _key(params))


def _key(params: Params) -> Params:
    """``params`` with what no preset search depends on put to fixed values."""
    sentence = params.sentence if params.input_kind == "sentence" else THE_CAT_SAT
    return replace(
        params,
        w_hh_scale=1.0,
        saturation=1.0,
        bias=0.0,
        sentence=sentence,
        cell="elman",
        gate_init="chrono",
    )


@lru_cache(maxsize=128)
def _find(name: str, key: Params) -> Regime:
    scale, gain, bias, capped = 1.0, 1.0, 0.0, False
    edge: float | None = None  # vanishing and high gain need none: they skip its scan
    if name == "vanishing":
        scale = _vanishing_scale(key.seq_len)
    elif name == "high_gain":
        gain = HIGH_GAIN
    else:
        edge, no_edge = _edge(key)
        if name == "edge_of_chaos":
            scale, capped = edge, no_edge
        elif name == "exploding":
            scale, capped = _exploding_scale(key, edge)
        else:  # saturated
            scale = edge
            bias, capped = _pinning_bias(replace(key, w_hh_scale=scale))
    at = replace(key, w_hh_scale=scale, saturation=gain, bias=bias)
    return Regime(name, scale, gain, bias, measure(at), edge, capped)


def _vanishing_scale(seq_len: int) -> float:
    """0.5, or less where T - 1 steps of at most ``scale`` each cannot reach 1e-4: the largest
    hundredth with ``(T - 1) log10(scale) <= -4``."""
    if seq_len < 2:
        return VANISHING_SCALE
    bound: float = 10.0 ** (VANISHING_DECADES / (seq_len - 1))
    return min(VANISHING_SCALE, math.floor(100 * bound) / 100)


def edge_of_chaos(key: Params) -> float:
    """The W_hh scale (gain and bias as in ``key``) in [0, 3] where the gradient ratio first
    crosses 0 (see :func:`_edge`)."""
    return _edge(key)[0]


@lru_cache(maxsize=128)
def _edge(key: Params) -> tuple[float, bool]:
    """The edge of chaos and whether there is none in [0, 3].

    The ratio is scanned in steps of 0.1 (it need not rise monotonically: a small layer
    saturates at large scales and its gradient falls again), the first step across 0 is
    bisected to a hundredth, and to a thousandth where the ratio changes by more than a decade
    between two hundredths. Where the ratio stays below 0 over the whole range, the scale where
    it comes closest, and True. 1 for a one-step sequence (there is no trip to measure)."""
    if key.seq_len < 2:
        return 1.0, False
    ratio = _ratio_of_scale(key)
    scan = _scan(ratio)
    below = [k for k in range(len(scan) - 1) if scan[k] < 0.0 <= scan[k + 1]]
    if not below:
        return max(range(len(scan)), key=lambda k: scan[k]) / _SCAN, True
    i, j = _bisect(ratio, 0.0, below[0] * 10, below[0] * 10 + 10, 100)
    best = min((i, j), key=lambda k: abs(ratio(k / 100)))
    if abs(ratio(best / 100)) <= 0.5:
        return best / 100, False
    i, j = _bisect(ratio, 0.0, 10 * i, 10 * j, 1000)
    finer: int = min((i, j), key=lambda k: abs(ratio(k / 1000)))
    return finer / 1000, False


def _exploding_scale(key: Params, edge: float) -> tuple[float, bool]:
    """A hundredth in [edge, 3] where the ratio is at least :data:`EXPLODING_DECADES`: the
    first step of 0.1 that gets there, bisected from the step before. Where none does, the
    scale with the largest ratio, and True."""
    if key.seq_len < 2:
        return 1.5, True
    ratio = _ratio_of_scale(key)
    scan = _scan(ratio)
    start = math.ceil(edge * _SCAN)
    above = [k for k in range(start, len(scan)) if scan[k] >= EXPLODING_DECADES]
    if not above:
        candidates = [edge] + [k / _SCAN for k in range(start, len(scan))]
        return max(candidates, key=ratio), True
    low = (above[0] - 1) * 10 if above[0] > start else math.floor(100 * edge)
    _, j = _bisect(ratio, EXPLODING_DECADES, low, above[0] * 10, 100)
    return j / 100, False


def _pinning_bias(key: Params) -> tuple[float, bool]:
    """The smallest tenth in [0, 10] whose bias pins :data:`PINNED` of the cells at ±1, and
    whether it was capped at 10 (not even that bias does)."""

    def pinned(bias: float) -> float:
        return measure(replace(key, bias=bias)).saturated_fraction

    top = round(10 * BIAS_RANGE[1])
    if pinned(top / 10) < PINNED:
        return top / 10, True
    _, j = _bisect(pinned, PINNED, 0, top, 10)
    return j / 10, False


_SCAN = 10  #: scan points per unit of W_hh scale


def _scan(ratio: Callable[[float], float]) -> list[float]:
    """The ratio at W_hh scales 0, 0.1, ..., 3."""
    return [ratio(k / _SCAN) for k in range(round(SCALE_RANGE[1] * _SCAN) + 1)]


def _ratio_of_scale(key: Params) -> Callable[[float], float]:
    """The gradient ratio as a function of the W_hh scale, other settings as in ``key``."""

    def ratio(scale: float) -> float:
        return _ratio(key, scale)

    return ratio


@lru_cache(maxsize=4096)
def _ratio(key: Params, scale: float) -> float:
    return measure(replace(key, w_hh_scale=scale)).gradient_ratio_log10


def _bisect(
    f: Callable[[float], float], target: float, i: int, j: int, per: int
) -> tuple[int, int]:
    """Grid points ``i <= j`` (in units of ``1 / per``) around a crossing of ``target``: ``f(i /
    per) < target <= f(j / per)`` with ``j = i + 1``. Where ``f`` is already at least ``target``
    at ``i``, or below it at ``j``, that end, twice. ``f`` need not be monotonic: the answer is a
    crossing, not necessarily the first."""
    if f(i / per) >= target:
        return i, i
    if f(j / per) < target:
        return j, j
    while j - i > 1:
        middle = (i + j) // 2
        if f(middle / per) < target:
            i = middle
        else:
            j = middle
    return i, j
