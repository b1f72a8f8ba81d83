"""Explorers side by side: one setting varies, every other is shared, and the panels line up.

>>> c = compare(cell=["elman", "gru", "lstm"], seq_len=200, input_kind="noise")
>>> c.seq_len = 100                # every column follows, as the shared controls do
>>> c[0].w_hh_scale                # each column is an RNNExplorer
1.0

The comparison is an anywidget of its own. Its view shows the shared controls once, above the
columns; each column shows its label, its summary and its explorer's panels (the explorer's own
view, rendered through anywidget's ``host.getWidget``, without its controls). The columns share
one layout: every panel any column has gets a row (:func:`.layout.shared_rows`), so a panel
starts at the same height in every column, and a column without it (the Elman cell has no cell
state) leaves the place empty and says why. The gradient heatmaps share one colour scale and
the gradient-norm charts one axis; each hidden state keeps the scale where its structure shows
(the Elman cell's tanh range ±1, a gated cell's own largest ``|h|``).

It shows wherever anywidgets do: JupyterLab, Notebook 7, Voila, marimo
(``mo.ui.anywidget(compare(...))``).
"""

from __future__ import annotations

import contextlib
import copy
import math
from collections.abc import Sequence
from typing import Any, TypeVar

import traitlets

from .._widget import STATIC, BaseWidget
from . import words
from .layout import chart_range, shared_rows
from .widget import RNNExplorer, check_sentence

__all__ = ["SHARED", "Comparison", "compare"]

#: The settings a comparison shares across its explorers (all but the compared one), in the
#: order its controls list them: every setting of the explorer but "Hold the scales", which
#: a comparison does itself.
SHARED = tuple(name for name in RNNExplorer.SETTINGS if name != "hold_scales")

_Trait = TypeVar("_Trait", bound=traitlets.TraitType[Any, Any])


def _twin(trait: _Trait) -> _Trait:
    """A copy of one of :class:`RNNExplorer`'s setting traits (its kind, default, range, help
    and tags), so that the shared controls refuse what an explorer refuses, in the same words."""
    twin = copy.copy(trait)
    twin.metadata = dict(trait.metadata)
    return twin


def _widget_refs(explorers: list[RNNExplorer], _: Any) -> list[str]:
    """Each explorer as anywidget's reference to a widget: ``"anywidget:<model id>"``."""
    return [f"anywidget:{w.model_id}" for w in explorers]


class Comparison(BaseWidget):
    """Explorers in a row, differing in one setting (:attr:`varied`). ``.explorers`` holds them,
    in order; ``comparison[0]`` is the first.

    Every other setting is the comparison's too (``comparison.seq_len = 100``, or the shared
    controls of its view): setting it sets it in every explorer, and setting it in one explorer
    sets it in all. The compared setting is each explorer's own (``comparison[1].w_hh_scale``).
    ``presentation`` is the comparison's, and every explorer follows it.
    """

    _esm = STATIC / "comparison.js"
    _css = STATIC / "comparison.css"

    SETTINGS = SHARED
    CONFIG = SHARED

    # -- the shared settings: the explorer's own traits --------------------------------------
    cell = _twin(RNNExplorer.cell)
    w_hh_scale = _twin(RNNExplorer.w_hh_scale)
    seq_len = _twin(RNNExplorer.seq_len)
    saturation = _twin(RNNExplorer.saturation)
    bias = _twin(RNNExplorer.bias)
    gate_init = _twin(RNNExplorer.gate_init)
    units = _twin(RNNExplorer.units)
    input_kind = _twin(RNNExplorer.input_kind)
    seed = _twin(RNNExplorer.seed)
    sentence = _twin(RNNExplorer.sentence)
    layers = _twin(RNNExplorer.layers)
    palette = _twin(RNNExplorer.palette)

    # -- the wire (the kernel's words; read-only for the browser) -----------------------------
    _explorers = traitlets.List(traitlets.Instance(RNNExplorer), read_only=True).tag(
        sync=True, to_json=_widget_refs
    )
    #: The view's fixed words: its ``title``, the shared controls' name for screen readers
    #: (``controls``) and what it says when the kernel is gone (``disconnected``).
    _words = traitlets.Dict(read_only=True).tag(sync=True)
    _summary = traitlets.Unicode(read_only=True).tag(sync=True)
    #: Per column: its ``label`` (the compared value), the explorer's ``summary`` and ``shapes``.
    _columns = traitlets.List(traitlets.Dict(), read_only=True).tag(sync=True)

    def __init__(self, explorers: Sequence[RNNExplorer], varied: str) -> None:
        if varied not in SHARED:
            raise TypeError(f"cannot compare {varied!r}: choose one of {', '.join(SHARED)}")
        if len(explorers) < 2:
            raise ValueError(f"a comparison needs 2 explorers or more; got {len(explorers)}")
        self.explorers = list(explorers)
        #: The compared setting: each explorer's own.
        self.varied = varied
        self._linked = tuple(name for name in SHARED if name != varied)
        self._pushing = False  # the comparison is setting its explorers
        self._lining_up = False  # ... or lining their views up
        super().__init__()
        first = self.explorers[0]
        for name in self._linked:  # before _ready: no explorer moves yet
            setattr(self, name, getattr(first, name))
        self._constructed = self._settings_now()
        self.set_trait("_explorers", self.explorers)
        self.set_trait("_words", words.comparison_words(varied))
        self.set_trait("_knobs", self._shared_knobs())
        # The columns present with the comparison (compare(presentation=True) sets the first).
        self.presentation = first.presentation
        self._links = [traitlets.link((self, "presentation"), (w, "presentation"))
                       for w in self.explorers]  # fmt: skip
        for w in self.explorers:
            w.observe(self._follow, names=list(self._linked))
            w.observe(self._on_frame, names=["_frame"])
        self._ready = True
        self._push({name: getattr(self, name) for name in self._linked})

    def __getitem__(self, index: int) -> RNNExplorer:
        return self.explorers[index]

    def __len__(self) -> int:
        return len(self.explorers)

    @traitlets.validate(*SHARED)
    def _validate_shared(self, proposal: dict[str, Any]) -> Any:
        name = proposal["trait"].name
        if self._ready and name == self.varied:
            raise traitlets.TraitError(
                f"{name} is what this comparison compares, each explorer's own: set it on one "
                f"of them, e.g. comparison[0].{name} = ..."
            )
        return check_sentence(proposal["value"]) if name == "sentence" else proposal["value"]

    def _shared_knobs(self) -> list[dict[str, Any]]:
        """The explorer's knob specs for the shared controls: the compared setting left out,
        and a control that moves only some columns (the W_hh scale beside gated cells) saying
        which."""
        values = [getattr(w, self.varied) for w in self.explorers]
        specs = []
        for spec in self._knobs:
            if spec["name"] == self.varied:
                continue
            moves = [v for w, v in zip(self.explorers, values) if spec["name"] not in w._inactive]
            if 0 < len(moves) < len(values):
                spec = {**spec, "label": f"{spec['label']} {words.knob_scope(moves)}"}
            specs.append(spec)
        return specs

    def _inactive_knobs(self) -> list[str]:
        """The shared controls that move no column under the current settings."""
        inactive = set.intersection(*(set(w._inactive) for w in self.explorers))
        return [name for name in self._linked if name in inactive]

    def reset(self) -> None:
        """Every explorer back to the settings it was constructed with (its compared value
        too), as the shared controls' Reset button does: each explorer recomputes once."""
        with self._sync_lock, contextlib.ExitStack() as held:
            for w in self.explorers:
                held.enter_context(w.hold_sync())
            self._pushing = True  # the explorers' changes are the comparison's own
            try:
                for w in self.explorers:
                    w.reset()
            finally:
                self._pushing = False
            linked = {name: self._constructed[name] for name in self._linked}
            self._set_settings(linked)  # the shared controls show them again
            self._line_up()

    # -- keeping the explorers together ------------------------------------------------------
    def _settings_changed(self, names: Sequence[str]) -> None:
        self._push({name: getattr(self, name) for name in names if name in self._linked})

    def _push(self, values: dict[str, Any]) -> None:
        """Set ``values`` in every explorer, each as one change, then line the views up: each
        explorer recomputes once and its view gets one message."""
        with contextlib.ExitStack() as held:
            for w in self.explorers:
                held.enter_context(w.hold_sync())
            self._pushing = True
            try:
                for w in self.explorers:
                    w._set_settings(values)
            finally:
                self._pushing = False
            self._line_up()
        self._inactive = self._inactive_knobs()

    def _follow(self, change: dict[str, Any]) -> None:
        """A shared setting changed in one explorer (``comparison[0].seq_len = 50``): the
        comparison takes it, and so sets it in all."""
        if not self._pushing:
            setattr(self, change["name"], change["new"])

    def _on_frame(self, change: Any) -> None:
        """An explorer has a new frame of its own (its compared setting moved): line up."""
        if not (self._pushing or self._lining_up):
            self._line_up()

    def _line_up(self) -> None:
        """One layout for every column: the shared rows of heatmaps, one colour scale for every
        gradient heatmap and one axis for every gradient-norm chart (from the lowest to the
        highest of the explorers' own), and each column's words."""
        frames = [w._current for w in self.explorers]
        if any(frame is None for frame in frames):
            return  # closed
        shown = [frame for frame in frames if frame is not None]
        colours = [frame.colour_scales["log10_abs_grad"] for frame in shown]
        charts = [chart_range(frame) for frame in shown]
        gradient = (min(lo for lo, _ in colours), max(hi for _, hi in colours))
        norm = (min(lo for lo, _ in charts), max(hi for _, hi in charts))
        shared = all(math.isfinite(v) for v in gradient)
        rows = shared_rows(shown)
        self._lining_up = True
        try:
            for w in self.explorers:
                w._line_up(rows, gradient if shared else None, norm if shared else None)
        finally:
            self._lining_up = False
        applies = any(self.varied not in w._inactive for w in self.explorers)
        with self.hold_sync():
            self.set_trait("_summary", words.comparison_summary(self.varied, shown, applies))
            self.set_trait(
                "_columns",
                [
                    {
                        "label": words.column_label(self.varied, getattr(w, self.varied)),
                        "summary": words.summary(frame),
                        "shapes": words.shapes(frame),
                    }
                    for w, frame in zip(self.explorers, shown)
                ],
            )

    def close(self) -> None:
        """Stop following and close every explorer."""
        if self.comm is None:
            return  # closed already
        self._ready = False
        for w in self.explorers:
            w.unobserve(self._follow, names=list(self._linked))
            w.unobserve(self._on_frame, names=["_frame"])
            w.close()
        for link in self._links:
            link.unlink()
        super().close()


def compare(**settings: Any) -> Comparison:
    """Explorers side by side, one per value of the single setting given as a list.

    ``compare(w_hh_scale=[0.8, 1.0, 1.2], seq_len=200)`` shows three explorers at scales 0.8,
    1.0 and 1.2, all with ``seq_len=200``; the shared controls above them, or
    ``comparison.seq_len = 100``, move every column.
    """
    varied = [name for name, value in settings.items() if isinstance(value, list | tuple)]
    if len(varied) != 1:
        raise TypeError(
            "compare() takes exactly one setting as a list of values to compare, e.g. "
            f"compare(w_hh_scale=[0.8, 1.0, 1.2]); got lists for {varied or 'none'}"
        )
    name = varied[0]
    if name not in SHARED:
        raise TypeError(f"cannot compare {name!r}: choose one of {', '.join(SHARED)}")
    values = list(settings.pop(name))
    if not 2 <= len(values) <= 6:
        raise ValueError(f"compare() shows 2 to 6 explorers; got {len(values)} values of {name}")
    return Comparison([RNNExplorer(**settings, **{name: value}) for value in values], name)
