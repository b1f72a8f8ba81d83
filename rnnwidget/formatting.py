"""Numbers for people: every sentence, label and tick the widgets show, and :func:`fill`, which
writes a sentence template's numbers (``rnnwidget/explorer/sentences.json``).

Gradients are handled as base-10 logarithms because they can lie far outside any float type
(1e-500, 1e+476); they are formatted from the logarithm, so the text is true at any size.
``js/common/format.js`` is the browser's twin of :func:`format_pow10`, :func:`range_note`,
:func:`decimals`, :func:`significant` and :func:`fill`, for what the browser words itself (a
page without a kernel, hover read-outs); ``tests/test_sentences.py`` holds the two equal.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "FLOAT64_MAX_LOG10",
    "FLOAT64_MIN_LOG10",
    "decimals",
    "fill",
    "format_decade",
    "format_pow10",
    "format_tick",
    "range_note",
    "significant",
]

#: log10 of the largest float64, 308.25.
FLOAT64_MAX_LOG10 = math.log10(sys.float_info.max)
#: log10 of the smallest normal float64, -307.65.
FLOAT64_MIN_LOG10 = math.log10(sys.float_info.min)


def significant(value: float, digits: int) -> str:
    """``value`` rounded to ``digits`` significant digits, written without an exponent and
    without trailing zeros: ``1200``, ``0.05``, ``2.3``, ``-0.5``, ``0``."""
    rounded = float(f"{value:.{digits}g}")
    return np.format_float_positional(rounded, trim="-") if rounded else "0"


def format_pow10(log10: float, digits: int = 1) -> str:
    """The number whose base-10 logarithm is ``log10``, for people: ``"3.2e-7"`` for -6.49,
    ``"1"`` for 0, ``"0.05"`` for -1.3, ``"0"`` for -inf (an exact zero), ``"?"`` for NaN or
    +inf. Plain digits from 0.01 to 9999, scientific notation beyond."""
    if log10 == -math.inf:
        return "0"
    if not math.isfinite(log10):
        return "?"
    exponent = math.floor(log10)
    mantissa = 10.0 ** (log10 - exponent)
    if round(mantissa, digits) >= 10:
        mantissa /= 10
        exponent += 1
    if -2 <= exponent <= 3:
        return significant(10.0**log10, digits + 1)
    sign = "-" if exponent < 0 else "+"
    return f"{mantissa:.{digits}f}e{sign}{abs(exponent)}"


def range_note(log10: float) -> str:
    """A note when a magnitude (as its log10) lies outside what float64 can hold, else ``""``."""
    if log10 > FLOAT64_MAX_LOG10:
        return "beyond float64 (> 1e308)"
    if log10 < FLOAT64_MIN_LOG10 and log10 != -math.inf:
        return "underflows float64 (< 1e-308)"
    return ""


def format_decade(exponent: int) -> str:
    """Tick label for the decade ``10**exponent``: ``"1e-7"``, ``"1"``, ``"10"``, ``"1e+12"``."""
    if exponent == 0:
        return "1"
    if exponent == 1:
        return "10"
    return f"1e{'+' if exponent > 0 else ''}{exponent}"


def format_tick(value: float) -> str:
    """A colour-bar label with at most two significant digits: ``"-0.5"``, ``"1"``, ``"2.3"``."""
    return significant(value, 2)


def decimals(value: float, places: int) -> str:
    """``value`` with ``places`` decimals, or the fewest more that give it back exactly:
    ``decimals(1.2, 2) == "1.20"``, ``decimals(2.25, 1) == "2.25"``."""
    text = f"{value:.{places}f}"
    if float(text) == value:
        return text
    text = np.format_float_positional(value, unique=True, trim="-")
    return text if len(text.partition(".")[2]) >= places else f"{value:.{places}f}"


#: A template's field: ``{name}`` or ``{name:spec}``.
_FIELD = re.compile(r"\{(\w+)(?::([^{}]*))?\}")
#: The project's own specs beside Python's: ``exact.2f`` is :func:`decimals` with 2 places.
_EXACT = re.compile(r"exact\.(\d+)f")


def fill(template: str, fields: Mapping[str, Any]) -> str:
    """``template`` with each ``{name}`` or ``{name:spec}`` replaced by ``fields[name]`` written
    with its spec: a Python format spec (``.2f``, ``g``, ``.1%``; none for a string or an
    integer), or ``pow10`` (a base-10 logarithm, :func:`format_pow10`), ``exact.2f``
    (:func:`decimals`), ``json`` (JSON text). The browser fills the same templates
    (``js/common/format.js``), so a template may use only these."""

    def field(match: re.Match[str]) -> str:
        name, spec = match.group(1), match.group(2) or ""
        if name not in fields:
            raise KeyError(f"template field {name!r} has no value: {template!r}")
        value = fields[name]
        if spec == "pow10":
            return format_pow10(value)
        if spec == "json":
            return json.dumps(value, ensure_ascii=False)
        if exact := _EXACT.fullmatch(spec):
            return decimals(value, int(exact.group(1)))
        if isinstance(value, float) and spec in ("", "d"):
            raise TypeError(f"template field {name!r} is a float: give it a spec ({template!r})")
        return format(value, spec)

    return _FIELD.sub(field, template)
