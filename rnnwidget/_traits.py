"""Trait types for the lecture's knobs: each refuses anything but a number in its range, with a
``TraitError`` that names the range and what arrived.

Stricter than traitlets' own ``Float``/``Int``: ``True`` is not 1, NaN and infinity are not
numbers in any range, and a float is not an int (a front end that sends ``200.5`` for a step
count is wrong, not rounded).
"""

from __future__ import annotations

import math
from typing import Any

import traitlets


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


class BoundedFloat(traitlets.Float[float, float]):
    """A float in ``[low, high]``; ints are accepted and converted."""

    def __init__(self, default_value: float, low: float, high: float, **kwargs: Any) -> None:
        self.low, self.high = low, high
        super().__init__(default_value, **kwargs)

    def validate(self, obj: Any, value: Any) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not self.low <= value <= self.high
        ):
            raise traitlets.TraitError(
                f"{self.name} must be a number from {self.low:g} to {self.high:g}; "
                f"got {_describe(value)}"
            )
        return float(value)

    def info(self) -> str:
        return f"a number from {self.low:g} to {self.high:g}"


class BoundedInt(traitlets.Int[int, int]):
    """A whole number in ``[low, high]``."""

    def __init__(self, default_value: int, low: int, high: int, **kwargs: Any) -> None:
        self.low, self.high = low, high
        super().__init__(default_value, **kwargs)

    def validate(self, obj: Any, value: Any) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not self.low <= value <= self.high
        ):
            raise traitlets.TraitError(
                f"{self.name} must be a whole number from {self.low} to {self.high}; "
                f"got {_describe(value)}"
            )
        return int(value)

    def info(self) -> str:
        return f"a whole number from {self.low} to {self.high}"


class Choice(traitlets.Unicode[str, str | bytes]):
    """One of a fixed set of strings."""

    def __init__(self, choices: tuple[str, ...], default_value: str, **kwargs: Any) -> None:
        self.choices = choices
        super().__init__(default_value, **kwargs)

    def validate(self, obj: Any, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise traitlets.TraitError(
                f"{self.name} must be one of {', '.join(map(repr, self.choices))}; "
                f"got {_describe(value)}"
            )
        return value

    def info(self) -> str:
        return f"one of {', '.join(map(repr, self.choices))}"


class Text(traitlets.Unicode[str, str | bytes]):
    """A string of at most ``max_length`` characters."""

    def __init__(self, default_value: str, max_length: int, **kwargs: Any) -> None:
        self.max_length = max_length
        super().__init__(default_value, **kwargs)

    def validate(self, obj: Any, value: Any) -> str:
        if not isinstance(value, str) or len(value) > self.max_length:
            raise traitlets.TraitError(
                f"{self.name} must be text of at most {self.max_length} characters; "
                f"got {_describe(value)}"
            )
        return value
