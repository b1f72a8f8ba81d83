"""Explorers side by side: one parameter varies, every other control is linked, and the
gradient heatmaps share one colour scale, so the same colour means the same size everywhere.

>>> compare(w_hh_scale=[0.8, 1.0, 1.2], seq_len=200)   # display it in a notebook cell
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import ipywidgets
import traitlets

from .widget import PARAMETERS, RNNExplorer

__all__ = ["Comparison", "compare"]

#: Linked across the explorers of a comparison (all but the compared parameter).
_LINKABLE = (*PARAMETERS, "palette", "presentation")


class Comparison(ipywidgets.GridBox):  # type: ignore[misc]
    """Explorers in a row, differing in one parameter. ``.explorers`` holds them, in order."""

    def __init__(self, explorers: Sequence[RNNExplorer], varied: str) -> None:
        self.explorers = list(explorers)
        self.varied = varied
        columns = [
            ipywidgets.VBox([ipywidgets.Label(f"{varied} = {getattr(w, varied)!r}"), w])
            for w in self.explorers
        ]
        super().__init__(
            columns,
            layout=ipywidgets.Layout(
                grid_template_columns=f"repeat({len(columns)}, minmax(340px, 1fr))",
                grid_gap="12px",
                width="100%",
            ),
        )
        first, *others = self.explorers
        self._links = [
            traitlets.link((first, name), (other, name))
            for name in _LINKABLE
            if name != varied
            for other in others
        ]
        for w in self.explorers:
            w.observe(self._share_gradient_scale, names=["_frame"])
        self._share_gradient_scale()

    def __getitem__(self, index: int) -> RNNExplorer:
        return self.explorers[index]

    def __len__(self) -> int:
        return len(self.explorers)

    def _share_gradient_scale(self, change: Any = None) -> None:
        """One log range for every gradient heatmap: from the lowest to the highest of the
        explorers' own ranges."""
        ranges = [w.frame.colour_scales["log10_abs_grad"] for w in self.explorers]
        shared = (min(lo for lo, _ in ranges), max(hi for _, hi in ranges))
        if all(math.isfinite(v) for v in shared):
            for w in self.explorers:
                w.gradient_range = shared

    def close(self) -> None:
        """Unlink and close every explorer."""
        for link in self._links:
            link.unlink()
        for w in self.explorers:
            w.close()
        super().close()


def compare(**settings: Any) -> Comparison:
    """Explorers side by side, one per value of the single setting given as a list.

    ``compare(w_hh_scale=[0.8, 1.0, 1.2], seq_len=200)`` shows three explorers at scales 0.8,
    1.0 and 1.2, all with ``seq_len=200``; moving any other control in one moves it in all.
    """
    varied = [name for name, value in settings.items() if isinstance(value, list | tuple)]
    if len(varied) != 1:
        raise TypeError(
            "compare() takes exactly one setting as a list of values to compare, e.g. "
            f"compare(w_hh_scale=[0.8, 1.0, 1.2]); got lists for {varied or 'none'}"
        )
    name = varied[0]
    if name not in _LINKABLE:
        raise TypeError(f"cannot compare {name!r}: choose one of {', '.join(_LINKABLE)}")
    values = list(settings.pop(name))
    if not 2 <= len(values) <= 6:
        raise ValueError(f"compare() shows 2 to 6 explorers; got {len(values)} values of {name}")
    return Comparison([RNNExplorer(**settings, **{name: value}) for value in values], name)
