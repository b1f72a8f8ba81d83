"""A classroom view: which of the explorer's controls a view shows.

``RNNExplorer(controls=["w_hh_scale"])`` hands students a view with that one knob; every other
setting keeps its value, hidden. The view also hides each preset that would change a hidden
knob (``js/common/controls.js``), so a student cannot move one by the back door.
"""

from __future__ import annotations

import difflib
from typing import Any

import traitlets

from .._traits import _describe

__all__ = ["ControlNames"]


class ControlNames(traitlets.TraitType[list[str] | None, Any]):
    """``None`` (show every control) or a list of names from a fixed set, such as
    ``["w_hh_scale", "seq_len"]``; a tuple is taken as a list and repeats are dropped."""

    def __init__(self, names: tuple[str, ...], **kwargs: Any) -> None:
        self.names = names
        super().__init__(None, allow_none=True, **kwargs)

    def validate(self, obj: Any, value: Any) -> list[str] | None:
        if value is None:
            return None
        if not isinstance(value, list | tuple):
            raise traitlets.TraitError(
                f"{self.name} must be a list of control names such as ['w_hh_scale'], or None "
                f"for all of them; got {_describe(value)}"
            )
        for name in value:
            if not isinstance(name, str) or name not in self.names:
                close = (
                    difflib.get_close_matches(name, self.names, n=1)
                    if isinstance(name, str)
                    else []
                )
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise traitlets.TraitError(
                    f"{self.name} got an unknown control {_describe(name)}{hint}; "
                    f"the controls are {', '.join(map(repr, self.names))}"
                )
        return list(dict.fromkeys(value))

    def info(self) -> str:
        return f"None or a list of control names from {', '.join(map(repr, self.names))}"
