"""Trait types for the lecture's knobs: each refuses anything but a value it allows, with a
``TraitError`` that names what is allowed and what arrived, and each describes itself to the
browser as a knob (:meth:`Knob.knob`), so a range, a label or a help text is written once.

Stricter than traitlets' own ``Float``/``Int``: ``True`` is not 1, NaN and infinity are not
numbers in any range, and a float is not an int (a front end that sends ``200.5`` for a step
count is wrong, not rounded).

A knob's words come from the trait: its ``help``, and metadata given with ``.tag()``:
``label`` (what the view calls it), ``group`` (``"view"`` for how the view looks rather than
what it computes: a classroom view hides those), ``view=False`` (no control in the view), and
for numbers ``step`` (the slider's step, in log10 units for ``scale="log"``), ``digits``
(decimals the view shows) and ``entry`` (``"number"``: a number box instead of a slider, for a
seed; ``"choice"``: a select); for a :class:`Choice` (or ``entry="choice"``), ``labels`` (the
text of each option).
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


class Knob:
    """A trait the view shows as a control: :meth:`knob` is the spec the browser builds it from."""

    def knob(self) -> dict[str, Any]:
        """``{"name", "label", "help", "kind", ...}``: everything the browser needs to draw and
        label this control; the kind's own fields come from :meth:`knob_fields`."""
        trait: Any = self  # a TraitType too: its name, help and metadata
        return {
            "name": trait.name,
            "label": trait.metadata.get("label", trait.name),
            "help": trait.help,
            "group": trait.metadata.get("group", "setting"),
            **self.knob_fields(),
        }

    def knob_fields(self) -> dict[str, Any]:
        raise NotImplementedError


class _Number(Knob):
    def knob_fields(self) -> dict[str, Any]:
        trait: Any = self
        meta = trait.metadata
        kind = meta.get("entry", "slider")
        if kind == "choice":  # a few whole numbers, each with its words
            labels = meta.get("labels", {})
            values = range(int(trait.low), int(trait.high) + 1)
            return {"kind": "choice", "options": [[v, labels.get(v, str(v))] for v in values]}
        return {
            "kind": kind,
            "min": trait.low,
            "max": trait.high,
            "step": meta.get("step", 1),
            "scale": meta.get("scale", "linear"),
            "digits": meta.get("digits", 0),
            "integer": isinstance(self, BoundedInt),
        }


class BoundedFloat(_Number, traitlets.Float[float, float]):
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


class BoundedInt(_Number, traitlets.Int[int, int]):
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


class Choice(Knob, traitlets.Unicode[str, str | bytes]):
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

    def knob_fields(self) -> dict[str, Any]:
        labels = self.metadata.get("labels", {})
        return {"kind": "choice", "options": [[c, labels.get(c, c)] for c in self.choices]}


class Toggle(Knob, traitlets.Bool[bool, bool | int]):
    """On or off, shown as a checkbox. Only ``True`` and ``False``: 1 and "yes" are refused."""

    def validate(self, obj: Any, value: Any) -> bool:
        if not isinstance(value, bool):
            raise traitlets.TraitError(f"{self.name} must be True or False; got {_describe(value)}")
        return value

    def knob_fields(self) -> dict[str, Any]:
        return {"kind": "toggle"}


class Text(Knob, traitlets.Unicode[str, str | bytes]):
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

    def knob_fields(self) -> dict[str, Any]:
        return {"kind": "text", "max_length": self.max_length}
