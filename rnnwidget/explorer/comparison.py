"""Explorers side by side: one setting varies, every other control is linked, and the gradient
heatmaps and the gradient-norm charts share one scale, so the same colour and the same height
mean the same size everywhere.

>>> compare(w_hh_scale=[0.8, 1.0, 1.2], seq_len=200)   # display it in a notebook cell

The comparison is an anywidget of its own that lays out its explorers' views (anywidget's
``host.getWidget``), so it shows wherever anywidgets do: JupyterLab, Notebook 7, Voila, marimo
(``mo.ui.anywidget(compare(...))``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import traitlets

from .._widget import STATIC, BaseWidget
from .layout import chart_range
from .widget import PARAMETERS, RNNExplorer

__all__ = ["Comparison", "compare"]

#: Linked across the explorers of a comparison (all but the compared parameter).
_LINKABLE = (*PARAMETERS, "palette", "presentation")


def _widget_refs(explorers: list[RNNExplorer], _: Any) -> list[str]:
    """Each explorer as anywidget's reference to a widget: ``"anywidget:<model id>"``."""
    return [f"anywidget:{w.model_id}" for w in explorers]


class Comparison(BaseWidget):
    """Explorers in a row, differing in one setting. ``.explorers`` holds them, in order;
    ``comparison[0]`` is the first. ``presentation`` is linked to the explorers' own."""

    _esm = STATIC / "comparison.js"
    _css = STATIC / "comparison.css"

    _explorers = traitlets.List(traitlets.Instance(RNNExplorer), read_only=True).tag(
        sync=True, to_json=_widget_refs
    )
    _labels = traitlets.List(traitlets.Unicode(), read_only=True).tag(sync=True)
    _heading = traitlets.Unicode(read_only=True).tag(sync=True)

    def __init__(self, explorers: Sequence[RNNExplorer], varied: str) -> None:
        self.explorers = list(explorers)
        self.varied = varied
        super().__init__()
        self.set_trait("_explorers", self.explorers)
        self.set_trait("_labels", [f"{varied} = {getattr(w, varied)!r}" for w in self.explorers])
        others = "every other control is linked, and the gradients share one scale"
        self.set_trait("_heading", f"Comparing {varied}: {others}.")
        first, *rest = self.explorers
        self._links = [
            traitlets.link((first, name), (other, name))
            for name in _LINKABLE
            if name != varied
            for other in rest
        ]
        if varied != "presentation":  # the heading and the labels present with the explorers
            self._links.append(traitlets.link((first, "presentation"), (self, "presentation")))
        for w in self.explorers:
            w.observe(self._share_scales, names=["_frame"])
        self._ready = True
        self._share_scales()

    def __getitem__(self, index: int) -> RNNExplorer:
        return self.explorers[index]

    def __len__(self) -> int:
        return len(self.explorers)

    def _share_scales(self, change: Any = None) -> None:
        """One colour scale for every gradient heatmap and one axis for every gradient-norm
        chart: from the lowest to the highest of the explorers' own."""
        frames = [w._current for w in self.explorers]
        if any(frame is None for frame in frames):
            return  # closed
        colours = [frame.colour_scales["log10_abs_grad"] for frame in frames if frame]
        charts = [chart_range(frame) for frame in frames if frame]
        gradient = (min(lo for lo, _ in colours), max(hi for _, hi in colours))
        norm = (min(lo for lo, _ in charts), max(hi for _, hi in charts))
        if all(math.isfinite(v) for v in gradient):
            for w in self.explorers:
                with w.hold_sync():
                    w.gradient_range = gradient
                    w.norm_range = norm

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
