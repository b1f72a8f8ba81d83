"""Argument checks shared by the modules: each returns the clean value or raises a ValueError that
names what was expected and what arrived."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def finite_array(name: str, value: ArrayLike, *, copy: bool = True) -> NDArray[np.float64]:
    """``value`` as a float64 array, or a ValueError. A copy unless ``copy=False``, which only a
    caller that never writes to the array (or copies it itself) may ask for."""
    try:
        array = np.array(value, dtype=np.float64, copy=copy or None)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be an array of numbers; got {type(value).__name__}") from err
    if not np.isfinite(array).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(
            f"{name} must hold finite numbers; found {array[where]} at index {where} "
            f"(shape {array.shape})"
        )
    return array


def positive_int(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def finite_float(name: str, value: float, *, low: float, open_low: bool = False) -> float:
    bound = f"> {low:g}" if open_low else f">= {low:g}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number {bound}; got {value!r}") from None
    if (
        isinstance(value, bool)
        or not np.isfinite(number)
        or number < low
        or (open_low and number == low)
    ):
        raise ValueError(f"{name} must be a finite number {bound}; got {value!r}")
    return number
