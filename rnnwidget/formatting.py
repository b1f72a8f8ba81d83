"""Numbers for people: the Python twin of ``js/format.js``.

Gradients are handled as base-10 logarithms because they can lie far outside any float type
(1e-500, 1e+476), and they are formatted from the logarithm, so the text is true. Every
function here gives the same string as its JavaScript namesake for the same input, so a figure
exported from Python (:mod:`.explorer.render`) reads exactly like the live view; the tests run
both on a table of inputs with Node to prove it.

To be faithful, the JavaScript number primitives the browser relies on are ported too:
:func:`js_number` (``String(x)``), :func:`to_fixed` (``x.toFixed(d)``) and
:func:`to_precision_value` (``Number(x.toPrecision(p))``). They follow the ECMAScript
specification: the shortest round-trip digits, and ties rounded away from zero on the exact
binary value (Python's own formatting rounds ties to even, so ``f"{0.125:.2f}"`` is ``0.12``
where JavaScript says ``0.13``).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

__all__ = [
    "FLOAT64_MAX_LOG10",
    "FLOAT64_MIN_LOG10",
    "format_decade",
    "format_pow10",
    "format_tick",
    "gradient_summary",
    "js_number",
    "range_note",
    "to_fixed",
    "to_precision_value",
]

#: log10 of the largest float64, 308.25 (``Math.log10(Number.MAX_VALUE)``).
FLOAT64_MAX_LOG10 = math.log10(sys.float_info.max)
#: log10 of the smallest normal float64, -307.65.
FLOAT64_MIN_LOG10 = math.log10(sys.float_info.min)

# Enough digits for the exact decimal value of any float64 scaled by 10**100.
_EXACT = Context(prec=1200)


# -- JavaScript's number formatting -----------------------------------------------------------


def js_number(x: float) -> str:
    """``String(x)`` in JavaScript: ``1`` for 1.0, ``0.5``, ``1e-7``, ``1e+21``, ``-0`` as ``0``."""
    x = float(x)  # numpy floats too
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + js_number(-x)
    # repr gives the shortest digits that round-trip, the same digits JavaScript chooses.
    _sign, digit_tuple, exp = Decimal(repr(x)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exp, int)
    k = len(digits)
    n = exp + len(digit_tuple)  # the decimal point sits after n digits
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    e_text = f"e{'+' if e >= 0 else '-'}{abs(e)}"
    return digits + e_text if k == 1 else f"{digits[0]}.{digits[1:]}{e_text}"


def to_fixed(x: float, digits: int) -> str:
    """``x.toFixed(digits)`` in JavaScript: ``digits`` decimals, ties away from zero."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if abs(x) >= 1e21:
        return js_number(x)
    if x == 0:
        x = 0.0  # -0 prints as "0.00"
    with localcontext(_EXACT):
        rounded = Decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{rounded:f}"


def to_precision_value(x: float, precision: int) -> float:
    """``Number(x.toPrecision(precision))``: ``x`` rounded to that many significant digits,
    ties away from zero."""
    x = float(x)
    if not math.isfinite(x) or x == 0:
        return x
    with localcontext(_EXACT):
        exact = Decimal(x)
        quantum = Decimal(1).scaleb(exact.adjusted() - precision + 1)
        return float(exact.quantize(quantum, rounding=ROUND_HALF_UP))


# -- format.js --------------------------------------------------------------------------------


def format_pow10(log10: float, digits: int = 1) -> str:
    """The number whose base-10 logarithm is ``log10``, for people: ``"3.2e-7"`` for -6.49,
    ``"1"`` for 0, ``"0.05"`` for -1.3, ``"0"`` for -inf (an exact zero), ``"?"`` for NaN or
    +inf. Mirrors ``formatPow10`` in ``js/format.js``."""
    if log10 == -math.inf:
        return "0"
    if not math.isfinite(log10):
        return "?"
    exponent = math.floor(log10)
    mantissa = 10.0 ** (log10 - exponent)
    if float(to_fixed(mantissa, digits)) >= 10:
        mantissa /= 10
        exponent += 1
    if -2 <= exponent <= 3:
        return js_number(to_precision_value(10.0**log10, digits + 1))
    sign = "-" if exponent < 0 else "+"
    return f"{to_fixed(mantissa, digits)}e{sign}{abs(exponent)}"


def range_note(log10: float) -> str:
    """A note when a magnitude (as its log10) lies outside what float64 can hold, else ``""``.
    Mirrors ``rangeNote``."""
    if log10 > FLOAT64_MAX_LOG10:
        return "beyond float64 (> 1e308)"
    if log10 < FLOAT64_MIN_LOG10 and log10 != -math.inf:
        return "underflows float64 (< 1e-308)"
    return ""


def format_decade(exponent: int) -> str:
    """Tick label for the decade ``10**exponent``: ``"1e-7"``, ``"1"``, ``"10"``, ``"1e+12"``.
    Mirrors ``formatDecade``."""
    if exponent == 0:
        return "1"
    if exponent == 1:
        return "10"
    return f"1e{'+' if exponent > 0 else ''}{exponent}"


def format_tick(value: float) -> str:
    """A colour-bar label with at most two significant digits: ``"-0.5"``, ``"1"``, ``"2.3"``.
    Mirrors ``formatTick`` in ``js/widget.js``."""
    return js_number(to_precision_value(value, 2))


def gradient_summary(log_norms: Iterable[float], layers: int = 1) -> str:
    """One sentence on the gradient's trip from the last step back to the first, from
    ``log10 ||dL/dh_t||`` for t = 1 ... T of the first of ``layers`` stacked layers. Mirrors
    ``gradientSummary``.

    The browser reads these logarithms as float32; pass ``values.astype(np.float32)`` for the
    very sentence the live view shows.
    """
    logs = [float(v) for v in log_norms]
    count = len(logs)
    if count < 2:
        return "One timestep: nothing to backpropagate through."
    ratio = logs[0] - logs[-1]
    where = "In layer 1, " if layers > 1 else ""
    if ratio == -math.inf:
        no = f"{where}no" if where else "No"
        return f"{no} gradient reaches t=1 from t={count}: it vanishes exactly."
    size = format_pow10(ratio)
    note = range_note(logs[0])
    verdict = (
        "it vanishes" if ratio < -2 else "it explodes" if ratio > 2 else "it survives the trip"
    )
    return (
        f"{where + 'the' if where else 'The'} gradient reaching t=1 is {size} of the one at "
        f"t={count}: {verdict}" + (f" ({note})" if note else "") + "."
    )
