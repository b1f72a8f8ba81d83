"""Misspelt constructor keywords are refused (``RNNTrainer(w_hh_scal=2)``), not ignored."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def check_keywords(widget: str, keywords: Iterable[str], allowed: tuple[str, ...]) -> None:
    """Raise a ``TypeError`` for the first keyword not in ``allowed`` (``layout``, ipywidgets'
    own, is always allowed), suggesting the closest allowed name."""
    for key in keywords:
        if key not in allowed and key != "layout":
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TypeError(
                f"{widget}() got an unexpected keyword argument {key!r}{hint} "
                f"(settings: {', '.join(allowed)})"
            )
