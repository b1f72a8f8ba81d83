"""RNNExplorer: the live lecture widget. Python computes and validates; the browser draws.

Data flow of one slider move:

1. The browser sets a parameter and the id of its request in one message.
2. :meth:`RNNExplorer.set_state` treats that message as untrusted input: unknown and
   kernel-owned keys are dropped, each value is validated (a ``TraitError`` names the allowed
   range), and a refused change leaves every parameter at its last good value, puts the
   browser's controls back, and shows the message in the view.
3. The parameters that changed are applied together and the frame is recomputed once
   (:func:`rnnwidget.explorer.frame.compute_frame`: forward pass, BPTT, diagnostics).
4. The arrays go out as float32 buffers (:mod:`rnnwidget._wire`) with the diagnostics and the
   request's id, all in one message, so the browser redraws once and knows its change is done.

Setting a parameter from Python (``w.w_hh_scale = 1.3``) takes steps 3 and 4 the same way.

The view does not wait for step 4 while a continuous knob moves (the Elman cell's W_hh scale,
tanh gain and bias, and the sequence length): its browser twin of the numbers (``js/twin``)
draws the new frame at once from the weights and input the kernel sent in ``_twin``
(:func:`rnnwidget.explorer.twin.given`, float64, sent again only when a discrete setting
changes), and the kernel's frame replaces it when it arrives, with the same numbers. An
explorer on a trained network (:meth:`RNNExplorer.from_trainer`) has no twin (its loss is the
task's): its view waits for the kernel.
"""

from __future__ import annotations

import itertools
import math
import os
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets

from .. import _knobs as knobs
from .._files import write_atomically
from .._threads import single_threaded_blas
from .._traits import BoundedFloat, BoundedInt, Choice, Text, Toggle
from .._widget import STATIC, BaseWidget, Companion, Preset
from .._wire import encode_array
from ..cells.elman import Grads, SimpleRNN, Trace
from ..cells.gru import GRU, GRUGrads, GRUTrace
from ..cells.inputs import INPUT_KINDS, THE_CAT_SAT, tokenize
from ..cells.lstm import LSTM, LSTMGrads, LSTMTrace
from ..colormaps import PALETTES
from . import page, presets, preview, twin, words
from .classroom import ControlNames
from .frame import GATE_INITS, Frame, Network, Params, compute_frame
from .layout import Row, chart_range, view_layout

if TYPE_CHECKING:
    from ..training.trainer import Trainer
    from ..training.widget import RNNTrainer

__all__ = [
    "CONFIG", "FIXED_BY_NETWORK", "PARAMETERS", "VIEW_OPTIONS", "RNNExplorer", "check_sentence",
]  # fmt: skip

#: The settings of the explorer: changing one recomputes. (The view lists them in the order
#: of :attr:`RNNExplorer.SETTINGS`, the cell first.)
PARAMETERS = (
    "w_hh_scale", "seq_len", "saturation", "bias", "units", "input_kind", "seed", "sentence",
    "layers", "cell", "gate_init",
)  # fmt: skip

#: The settings only the Elman cell reads (the gated cells ignore them, and the view hides
#: them), and those only the gated cells read.
ELMAN_ONLY = ("w_hh_scale", "saturation", "bias", "layers")
GATED_ONLY = ("gate_init",)

#: Settings of the view itself, beside the parameters, and their defaults: changing one only
#: redraws.
VIEW_OPTIONS: dict[str, Any] = {
    "palette": "standard",
    "presentation": False,  # unless rnnwidget.options.presentation says otherwise
    "gradient_range": None,
    "norm_range": None,
    "hold_scales": False,
    "controls": None,
}

#: Everything that recreates a view, ``RNNExplorer(**w.config)``: its parameters and options.
CONFIG = PARAMETERS + tuple(VIEW_OPTIONS)

#: The parameters a trained network fixes (:meth:`RNNExplorer.from_trainer`): its view hides
#: them and refuses a change. The W_hh scale and the tanh gain stay, as "what if" knobs.
FIXED_BY_NETWORK = (
    "cell", "units", "seed", "seq_len", "input_kind", "sentence", "layers", "gate_init", "bias",
)  # fmt: skip

_DEFAULTS = Params()

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_SNAPSHOT_BYTES = 64 * 2**20  # a 4K screen at 2x is ~10 MB; anything far bigger is junk
_KEPT_SNAPSHOTS = 16  # the newest; older ones are dropped, so memory stays bounded

#: The regimes a lecture walks through, one click each (see :meth:`RNNExplorer.apply_preset`).
#: Each keeps the input and its length and sets the W_hh scale, the tanh gain and the bias,
#: found for the input in use (:mod:`rnnwidget.explorer.presets`): the help texts hold for
#: every input, the view's note says which values a click chose and why. They are the Elman
#: cell's physics: every knob they set means nothing to a gated cell, so the view hides them
#: there (``js/common/controls.js`` hides a preset whose knobs are all inactive).
_SETS = ("w_hh_scale", "saturation", "bias")
PRESETS = (
    Preset("vanishing", "Vanishing", "W_hh scale 0.5 or less, tanh gain 1, no bias: each step "
           "back at least halves the gradient, so memory and gradient fade geometrically", _SETS),
    Preset("edge_of_chaos", "Edge of chaos", "The W_hh scale where, for this input and length, "
           "the gradient reaching t=1 keeps its size (tanh gain 1, no bias); a driving input "
           "puts it above 1", _SETS),
    Preset("exploding", "Exploding", "A W_hh scale above this input's edge of chaos where the "
           "gradient grows 10^4-fold or more on its way back to t=1 (at most 3; tanh gain 1, no "
           "bias)", _SETS),
    Preset("saturated", "Saturated", "At the edge's W_hh scale, a bias that pins 95% of the "
           "cells at ±1: tanh' ≈ 0 there, and the gradient dies", _SETS),
    Preset("high_gain", "High gain", "tanh gain 4 at W_hh scale 1, no bias: in a layer of many "
           "units, chaos. The states stay in (-1, 1), many at ±1, yet the gradient explodes: the "
           "units not pinned, times the gain, carry it", _SETS),
)  # fmt: skip
_LABELS = {preset.name: preset.label for preset in PRESETS}


class RNNExplorer(BaseWidget, Companion):
    """Drag the knobs of a recurrent cell and watch its hidden state and its gradients change.

    >>> w = RNNExplorer(w_hh_scale=0.9, seq_len=200)   # display w in a notebook cell
    >>> w.w_hh_scale = 1.3                             # the view redraws
    >>> w.grads.W_hh.shape                             # the exact BPTT gradients behind it
    (32, 32)
    >>> w.cell = "lstm"                                # or RNNExplorer(cell="lstm")
    >>> w.model
    LSTM(features=4, units=32, init='chrono', return_sequences=False, return_state=False)

    The layer has :data:`~rnnwidget.explorer.frame.FEATURES` input features; the loss reads the
    last state, so the gradient chart shows how much of dL/dh_T reaches each earlier step. The
    Elman cell's knobs (W_hh scale, tanh gain, bias, stacked layers) mean nothing to the LSTM
    and the GRU, and their view hides them; the gated cells have the memory gate's start
    (``gate_init``) instead, and show their cell state (LSTM) and memory gate too.
    """

    _esm = STATIC / "widget.js"
    _css = STATIC / "widget.css"

    SETTINGS = (
        "cell", "w_hh_scale", "seq_len", "saturation", "bias", "gate_init", "units",
        "input_kind", "seed", "sentence", "layers", "palette", "hold_scales",
    )  # fmt: skip
    CONFIG = CONFIG
    PRESETS = PRESETS

    # -- the knobs -----------------------------------------------------------------------------
    cell = knobs.cell(_DEFAULTS.cell)
    gate_init = knobs.gate_init(_DEFAULTS.gate_init)
    w_hh_scale = knobs.w_hh_scale(
        _DEFAULTS.w_hh_scale,
        help="W_hh's spectral radius and every singular value: below 1 memory fades, above 1 "
        "it can blow up.",
    )
    seq_len = BoundedInt(_DEFAULTS.seq_len, 1, 1000, help="Timesteps T in the input sequence.").tag(
        sync=True, label="Sequence length"
    )
    saturation = knobs.saturation(
        _DEFAULTS.saturation,
        help="The tanh gain g in h_t = tanh(g (W_hh h_{t-1} + W_xh x_t + b)): it multiplies "
        "every step's stretch, so a large gain alone makes the dynamics chaotic, the gradient "
        "exploding even while many units sit at ±1.",
    )
    bias = BoundedFloat(
        _DEFAULTS.bias,
        0.0,
        10.0,
        help="The size of the bias b in h_t = tanh(g (W_hh h_{t-1} + W_xh x_t + b)): b = bias · s, "
        "each unit's sign s = ±1 drawn from the seed. A large bias pins the units at ±1, where "
        "tanh' ≈ 0 and gradients die.",
    ).tag(sync=True, label="Bias", step=0.1, digits=1)
    units = knobs.units(_DEFAULTS.units, 256)
    input_kind = Choice(
        INPUT_KINDS,
        _DEFAULTS.input_kind,
        help="The demo input: one kick at t=1, white noise, sine waves, or a sentence.",
    ).tag(
        sync=True,
        label="Input",
        labels={"impulse": "Impulse at t=1", "noise": "White noise", "sine": "Sine waves",
                "sentence": "Sentence"},
    )  # fmt: skip
    seed = knobs.seed(help="Seeds the weights and the noise input.")
    sentence = Text(
        THE_CAT_SAT, max_length=500, help="The words of the sentence input, one per step."
    ).tag(sync=True, label="Sentence")
    layers = BoundedInt(
        _DEFAULTS.layers,
        1,
        2,
        help="Recurrent layers: with 2, layer 1 returns its whole sequence to layer 2 "
        "(return_sequences) and the loss reads layer 2's last state.",
    ).tag(sync=True, label="Layers", entry="choice",
          labels={1: "1 recurrent layer", 2: "2, stacked"})  # fmt: skip

    # -- how it looks --------------------------------------------------------------------------
    palette = Choice(
        PALETTES, "standard", help='Colour tables: "standard", or "colorblind" (PuOr, cividis).'
    ).tag(sync=True, label="Colours", group="view", labels={"standard": "Standard",
                                               "colorblind": "Colour-blind safe"})  # fmt: skip
    gradient_range = traitlets.Tuple(
        traitlets.Float(),
        traitlets.Float(),
        default_value=None,
        allow_none=True,
        help="(low, high) log10 range of the gradient heatmaps' colours, instead of each "
        "frame's own; None fits each frame. rnnwidget.compare() sets one for all its explorers.",
    ).tag(sync=True)
    norm_range = traitlets.Tuple(
        traitlets.Int(),
        traitlets.Int(),
        default_value=None,
        allow_none=True,
        help="(low, high) decades of the gradient-norm chart's axis, instead of each frame's "
        "own; None fits each frame. rnnwidget.compare() sets one for all its explorers.",
    ).tag(sync=True)
    hold_scales = Toggle(
        False,
        help="Keep the gradient's colour scale and chart axis where they are now, so that "
        "presets and slider moves are compared on one scale.",
    ).tag(sync=True, label="Hold the scales", group="view")

    # -- the view ------------------------------------------------------------------------------
    controls = ControlNames(
        PARAMETERS,
        help="The controls the view shows, e.g. ['w_hh_scale']; None (the default) shows all. "
        "Hidden settings keep their values.",
    ).tag(sync=True)

    # -- what the kernel computed (read-only for the browser) ----------------------------------
    spectral_radius = traitlets.Float(
        None, allow_none=True, help="Spectral radius of W_hh (the Elman cell's; else None)."
    ).tag(sync=True)
    memory_gate = traitlets.Float(
        None,
        allow_none=True,
        help="The gated cell's memory gate (LSTM: forget gate f, GRU: update gate z), averaged "
        "over steps and units; None for the Elman cell.",
    ).tag(sync=True)
    saturated_fraction = traitlets.Float(
        help="Fraction of (step, unit) cells with |h| > 0.99."
    ).tag(sync=True)
    gradient_ratio_log10 = traitlets.Float(
        None,
        allow_none=True,
        help="log10(||dL/dh_1|| / ||dL/dh_T||); None when the gradient vanishes exactly.",
    ).tag(sync=True)
    code = traitlets.Unicode(
        read_only=True, help="The line of Python that recreates this view: repr(w)."
    ).tag(sync=True)
    preset_note = traitlets.Unicode(
        "",
        read_only=True,
        help="Which settings the last preset chose for the input in use, and why; empty once "
        "another parameter changes.",
    ).tag(sync=True)

    # -- the wire ------------------------------------------------------------------------------
    _frame = traitlets.Dict().tag(sync=True)  # arrays as float32 buffers, layout, words
    # What the browser's twin computes with: twin_payload(), or None for a trained network and
    # for the sentence input.
    _twin = traitlets.Dict(allow_none=True).tag(sync=True)

    @traitlets.default("_twin")
    def _no_twin(self) -> None:
        return None  # until the first frame (and for good on a trained network)

    def __init__(self, **kwargs: Any) -> None:
        #: The trained network shown instead of the seeded one (:meth:`from_trainer`), or None.
        self._network: Network | None = kwargs.pop("network", None)
        #: PNG bytes of the snapshots taken in the browser, newest last (the last 16 are kept).
        self.snapshots: deque[bytes] = deque(maxlen=_KEPT_SNAPSHOTS)
        self._current: Frame | None = None
        #: The rows of heatmaps this view lines up in, as a column of compare(); None alone.
        self._rows: tuple[Row, ...] | None = None
        self._lining_up = False
        self._revision = itertools.count(1)
        self._applying_preset = False
        super().__init__(**kwargs)
        self.observe(
            self._on_view_option, names=["gradient_range", "norm_range", "controls", "presentation"]
        )
        if self._network is not None:
            self.set_trait("_presets", [])  # the presets search the seeded network's physics
        self._ready = True
        self._recompute()

    @classmethod
    def from_trainer(
        cls, trainer: RNNTrainer | Trainer, step: int | None = None, **settings: Any
    ) -> RNNExplorer:
        """An explorer on a trained network: an :class:`~rnnwidget.RNNTrainer`'s (or a
        :class:`~rnnwidget.training.Trainer`'s) weights as they are now (``step=None``) or as
        its snapshot at ``step`` kept them (``trainer.snapshots.steps``), cast to float64 and
        otherwise unchanged.

        Its input is the trainer's first validation sequence (a trained W_xh fits the task's
        inputs, not the explorer's input kinds) and its loss the task's own, so its panels show
        the very numbers of the trainer's mechanism panels at that step, with the task's
        important steps marked. The cell, units, seed, length and input are the network's:
        the view hides them and a change is refused. What stays is "what if": the W_hh scale
        starts at the trained W_hh's spectral radius, and moving it rescales the trained
        matrix; the tanh gain starts at the trainer's. ``settings`` set those and the view
        options.

        Every move of its knobs waits for the kernel: the browser's twin of the numbers, which
        draws a fresh explorer's frame before the kernel answers, does not compute a task's
        loss.

        Raises ``ValueError`` for a text's language model (no single sequence to show), a step
        without a snapshot, or a trained spectral radius beyond the W_hh scale's range.
        """
        from ..training.mechanism import network_of, params_of
        from ..training.trainer import Trainer
        from ..training.widget import RNNTrainer

        if isinstance(trainer, RNNTrainer):
            network = trainer.network_at(step)
            run = trainer.trainer
        elif isinstance(trainer, Trainer):
            network, run = network_of(trainer, step), trainer
        else:
            raise TypeError(f"from_trainer() takes an RNNTrainer or a Trainer; got {trainer!r}")
        params = params_of(network)
        scale = cls.class_traits()["w_hh_scale"]
        assert isinstance(scale, BoundedFloat)  # the knob's range: its one source
        high = scale.max
        if params.w_hh_scale > high:
            raise ValueError(
                f"the trained W_hh's spectral radius is {params.w_hh_scale:.3g}, beyond the "
                f"explorer's W_hh scale (0 to {high:g})"
            )
        init = getattr(run.rnn, "init", "chrono")
        fixed = {
            "cell": params.cell, "units": params.units, "seq_len": params.seq_len,
            "seed": run.seed, "gate_init": init if init in GATE_INITS else "chrono",
        }  # fmt: skip
        what_if = {"w_hh_scale": params.w_hh_scale, "saturation": params.saturation}
        for name in settings:
            if name in FIXED_BY_NETWORK:
                raise TypeError(f"from_trainer(): {name} is the trained network's")
        return cls(network=network, **fixed, **(what_if | settings))

    @property
    def network(self) -> Network | None:
        """The trained network this explorer shows (:meth:`from_trainer`), or None for the
        network its parameters build from the seed."""
        return self._network

    def train(self, *, task: str = "recall", **settings: Any) -> RNNTrainer:
        """Open :meth:`RNNTrainer.from_explorer <rnnwidget.RNNTrainer.from_explorer>` on this
        network under this view (what its "Train this network" button does), and return it."""
        from ..training.widget import RNNTrainer

        with self._sync_lock:
            trainer = RNNTrainer.from_explorer(self, task=task, **settings)
            self._set_companion(trainer)
            return trainer

    # -- what a notebook user reads ------------------------------------------------------------
    @property
    def params(self) -> Params:
        """The current settings."""
        return Params(**{name: getattr(self, name) for name in PARAMETERS})

    @property
    def config(self) -> dict[str, Any]:
        """Every setting, ``{name: value}``: :data:`PARAMETERS`, then :data:`VIEW_OPTIONS`.
        ``RNNExplorer(**w.config)`` recreates this view, its arrays bit for bit."""
        config = {name: getattr(self, name) for name in CONFIG}
        for name in ("controls", "gradient_range", "norm_range"):  # plain lists, as JSON has
            if config[name] is not None:
                config[name] = list(config[name])
        return config

    @property
    def frame(self) -> Frame:
        """Everything the view shows: arrays, diagnostics, the layer, its trace and gradients."""
        if self._current is None:
            raise RuntimeError("this RNNExplorer is closed; create a new one")
        return self._current

    @property
    def model(self) -> SimpleRNN | LSTM | GRU:
        """The layer the view shows: a SimpleRNN, an LSTM or a GRU, as ``cell`` says."""
        return self.frame.model

    @property
    def trace(self) -> Trace | LSTMTrace | GRUTrace:
        """Its forward pass over the input."""
        return self.frame.trace

    @property
    def grads(self) -> Grads | LSTMGrads | GRUGrads | None:
        """Its exact BPTT gradients, or None where they pass float64's range (the view and
        ``frame.log10_grad_norm`` still show their true size)."""
        return self.frame.grads

    @property
    def summary(self) -> str:
        """The sentence the view shows under its title: how much gradient reaches t = 1."""
        return words.summary(self.frame)

    def close(self) -> None:
        """Remove every view and free the model, its arrays and the snapshots."""
        self._close_companion()
        super().close()
        self._ready = False  # parameter changes no longer recompute
        self._current = None
        self._frame = {}
        self.set_trait("_twin", None)
        self.snapshots.clear()

    # -- validation and recompute --------------------------------------------------------------
    @traitlets.validate("gradient_range", "norm_range")
    def _validate_range(self, proposal: dict[str, Any]) -> tuple[float, float] | None:
        value = proposal["value"]
        if value is not None and not (math.isfinite(value[0]) and value[0] < value[1] < math.inf):
            raise traitlets.TraitError(
                f"{proposal['trait'].name} must be None or (low, high) with finite low < high; "
                f"got {value!r}"
            )
        return value  # type: ignore[no-any-return]

    @traitlets.validate(*FIXED_BY_NETWORK)
    def _validate_fixed(self, proposal: dict[str, Any]) -> Any:
        name, value = proposal["trait"].name, proposal["value"]
        if name == "sentence":
            value = check_sentence(value)
        network = getattr(self, "_network", None)
        if network is not None and self._ready and value != getattr(self, name):
            raise traitlets.TraitError(
                f"{name} is the trained network's ({getattr(self, name)!r}): this explorer "
                f"shows the network of RNNExplorer.from_trainer(); RNNExplorer({name}=...) "
                "explores a fresh one"
            )
        return value

    def _inactive_knobs(self) -> list[str]:
        """The knobs the view hides now: :func:`inactive_knobs`."""
        return inactive_knobs(self.cell, self.input_kind, getattr(self, "_network", None))

    # -- presets -------------------------------------------------------------------------------
    def apply_preset(self, name: str) -> None:
        """Set what preset ``name`` sets, found for the input in use (what the view's button
        does), and say in :attr:`preset_note` which values it chose and why. The presets are
        the Elman cell's: with a gated cell this is a ValueError (its view hides them)."""
        if self.cell != "elman":
            raise ValueError(words.presets_are_elman(self.cell))
        if self._network is not None:
            raise ValueError(
                "the presets set up the seeded network's regimes; this explorer shows a trained "
                "one: move its W_hh scale and tanh gain instead"
            )
        with self._sync_lock, self.hold_sync():
            self._applying_preset = True
            try:
                super().apply_preset(name)
            finally:
                self._applying_preset = False
            note = words.preset_note(presets.find(name, self.params), _LABELS[name], self.params)
            self.set_trait("preset_note", note)

    def _preset_values(self, name: str) -> dict[str, Any]:
        return presets.find(name, self.params).values

    def _settings_changed(self, names: Sequence[str]) -> None:
        if "hold_scales" in names and self._current is not None:
            now = self._current if self.hold_scales else None  # None: each frame's own
            with self.hold_sync():
                self.set_trait(
                    "gradient_range", now.colour_scales["log10_abs_grad"] if now else None
                )
                self.set_trait("norm_range", chart_range(now) if now else None)
        if any(name in PARAMETERS for name in names):
            if not self._applying_preset:
                self.set_trait("preset_note", "")  # it spoke of the settings before this change
            self._recompute()
        else:
            self.set_trait("code", repr(self))

    def _on_view_option(self, change: dict[str, Any]) -> None:
        if not self._ready or self._lining_up:
            return
        with self._sync_lock, self.hold_sync():
            self.set_trait("code", repr(self))
            if change["name"] in ("gradient_range", "norm_range") and self._current is not None:
                self._publish(self._current)  # the colour bar's and the axis's ticks move

    def _recompute(self) -> None:
        with single_threaded_blas():
            self._current = compute_frame(self.params, self._network)
        with self.hold_sync():  # a new given arrives with the first frame it belongs to
            self._send_twin()
            self._publish(self._current)

    def _send_twin(self) -> None:
        """Give the view's twin the weights and input of the discrete settings, when they
        differ from what it was last given (on start, and when a discrete setting changes)."""
        if self._network is not None:
            return  # the twin does not do a task's loss: this view keeps the round trip
        params = self.params
        if self._twin is None or self._twin["settings"] != twin_settings(params):
            seq_len = self.class_traits()["seq_len"]
            assert isinstance(seq_len, BoundedInt)  # the knob's range: its one source
            self._twin = twin_payload(params, seq_len.high)

    def _publish(self, frame: Frame) -> None:
        """Send a frame's arrays, layout, words and diagnostics to every view, as one message."""
        ratio = frame.gradient_ratio_log10
        with self.hold_sync():
            self.spectral_radius = frame.spectral_radius
            self.memory_gate = frame.mean_memory_gate
            self.saturated_fraction = frame.saturated_fraction
            self.gradient_ratio_log10 = ratio if abs(ratio) != float("inf") else None
            self.error = ""
            self.set_trait("code", repr(self))
            self._frame = frame_payload(
                frame, next(self._revision), self.gradient_range, self.norm_range, self._rows
            )

    def _line_up(
        self,
        rows: tuple[Row, ...],
        gradient_range: tuple[float, float] | None,
        norm_range: tuple[int, int] | None,
    ) -> None:
        """Show this view as a column of explorers side by side (what ``compare()`` calls):
        its heatmaps in the shared ``rows``, its gradients on the shared colour scale and
        chart axis. The view gets one message, and none if nothing moved."""
        now = (self._rows, self.gradient_range, self.norm_range)
        if self._current is None or (rows, gradient_range, norm_range) == now:
            return
        with self._sync_lock, self.hold_sync():
            self._rows = rows
            self._lining_up = True  # one publish below, not one per range
            try:
                self.set_trait("gradient_range", gradient_range)
                self.set_trait("norm_range", norm_range)
            finally:
                self._lining_up = False
            self._publish(self._current)

    # -- messages from the browser -------------------------------------------------------------
    def _on_custom(self, content: dict[str, Any], buffers: Sequence[Any]) -> None:
        """A browser's custom messages (untrusted): PNG snapshots, and the "Train this network"
        button's ``{"command": "train"}``."""
        if content.get("command") == "train":
            try:
                self.train()
            except (ValueError, traitlets.TraitError) as error:
                self.error = str(error)
            return
        if content.get("type") != "snapshot":
            return
        png = bytes(buffers[0]) if len(buffers) == 1 else b""
        if not png.startswith(_PNG_SIGNATURE) or len(png) > _MAX_SNAPSHOT_BYTES:
            self.error = "a snapshot from the browser was not a PNG image of a sane size; ignored"
            return
        self.snapshots.append(png)

    # -- export --------------------------------------------------------------------------------
    def save_png(self, path: str | os.PathLike[str], *, scale: float = 2.0) -> Path:
        """Render the view's picture headlessly (no browser needed) and write it as a PNG at
        ``scale`` times its layout size (2: sharp on a projector). Needs the ``export`` extra
        (matplotlib): ``pip install 'rnnwidget[export]'``."""
        from . import export  # matplotlib is optional: only this method needs it

        return export.save(
            self.frame, _with_suffix(path, ".png"), palette=self.palette, scale=scale
        )

    def save_svg(self, path: str | os.PathLike[str]) -> Path:
        """Render the view's picture headlessly as an SVG, with real text, for vector slides.
        Needs the ``export`` extra (matplotlib)."""
        from . import export

        return export.save(self.frame, _with_suffix(path, ".svg"), palette=self.palette)

    def save_snapshot(self, path: str | os.PathLike[str]) -> Path:
        """Write the latest snapshot taken with the view's Snapshot button to ``path`` (.png).

        For a figure without a browser, use :meth:`save_png`.
        """
        path = _with_suffix(path, ".png")
        if not self.snapshots:
            raise LookupError(
                "no snapshot yet: click Snapshot in the widget's view first, or call "
                "save_png(path), which renders the same picture without a browser"
            )
        return write_atomically(path, self.snapshots[-1], what="snapshot")

    def to_html(self, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
        """Write the view as one standalone page (``.html``) that opens without a kernel, even
        offline. The browser recomputes it there: the W_hh scale, tanh gain, bias and sequence
        length, the presets, and the cells, layers and inputs the page holds stay live (within
        :data:`~rnnwidget.explorer.page_choices.BUDGET` bytes of weights); the other knobs say
        they need a notebook. The address's fragment holds the settings, so a link opens the
        page at one. ``title`` heads the page. See :mod:`rnnwidget.explorer.page`."""
        return page.save_html(self, path, title=title)

    # -- display -------------------------------------------------------------------------------
    def _preview_png(self) -> str | None:
        """The picture for readers without a kernel: see :mod:`rnnwidget.explorer.preview`."""
        return None if self._current is None else preview.png_base64(self._current)

    def __repr__(self) -> str:
        """The constructor call that recreates this view: every parameter, then each view
        option that is not at its default, e.g. ``RNNExplorer(w_hh_scale=1.2, seq_len=200,
        ...)``. Floats print in their shortest exact form, so ``eval`` gives back the very
        arrays."""
        if self._network is not None:
            return self._trained_repr()
        settings = ", ".join(
            f"{name}={value!r}"
            for name, value in self.config.items()
            if name in PARAMETERS or value != VIEW_OPTIONS[name]
        )
        return f"RNNExplorer({settings})"

    def _trained_repr(self) -> str:
        """``RNNExplorer.from_trainer(trainer, step=400, w_hh_scale=0.9)``: the step, the what-if
        knobs moved from the trained values, the view options not at their defaults."""
        assert self._network is not None
        network = self._network
        trained = {"w_hh_scale": network.spectral_radius, "saturation": network.saturation}
        items = [f"step={network.step}"]
        items += [
            f"{name}={getattr(self, name)!r}"
            for name, value in trained.items()
            if self.cell == "elman" and getattr(self, name) != value
        ]
        items += [
            f"{name}={value!r}"
            for name, value in self.config.items()
            if name in VIEW_OPTIONS and value != VIEW_OPTIONS[name]
        ]
        return f"RNNExplorer.from_trainer(trainer, {', '.join(items)})"


def frame_payload(
    frame: Frame,
    revision: int,
    gradient_range: tuple[float, float] | None = None,
    norm_range: tuple[int, int] | None = None,
    rows: tuple[Row, ...] | None = None,
) -> dict[str, Any]:
    """What the browser draws, for one frame: the layout and the words as JSON, the arrays as
    float32 buffers, all in one value (so no view ever sees half an update). ``rows`` line the
    view up with others side by side (:func:`.layout.view_layout`)."""
    payload: dict[str, Any] = {
        "revision": revision,
        "params": frame.params.as_dict(),
        "tokens": list(frame.tokens),
        "layout": view_layout(
            frame, gradient_range=gradient_range, norm_range=norm_range, rows=rows
        ),
        "words": words.view_words(frame),
        "arrays": {
            "x": encode_array(frame.x),
            "layers": [
                {name: encode_array(array) for name, array in layer.arrays().items()}
                for layer in frame.layers
            ],
        },
        "order": None,
    }
    if frame.order is not None:
        payload["order"] = {
            "words": list(frame.order.words),
            "shuffled": list(frame.order.shuffled),
        }
        payload["arrays"]["order"] = {
            "rnn_final": encode_array(frame.order.rnn_final),
            "dense_output": encode_array(frame.order.dense_output),
        }
    return payload


def inactive_knobs(cell: str, input_kind: str, network: Network | None = None) -> list[str]:
    """The knobs that mean nothing under these settings, which the view hides: the sentence
    without the sentence input; the Elman cell's knobs for a gated cell, the gated cells' for
    the Elman cell; with a trained network, every knob it fixes (:data:`FIXED_BY_NETWORK`)."""
    if network is not None:
        return list(FIXED_BY_NETWORK) + list(ELMAN_ONLY if cell != "elman" else ())
    inactive = [] if input_kind == "sentence" else ["sentence"]
    return inactive + list(GATED_ONLY if cell == "elman" else ELMAN_ONLY)


def twin_settings(params: Params) -> dict[str, Any]:
    """The discrete settings of ``params`` (:data:`rnnwidget.explorer.twin.DISCRETE`): what
    the twin's given was made for, and what a view checks before computing with it."""
    return {name: getattr(params, name) for name in twin.DISCRETE}


def twin_payload(params: Params, timesteps: int) -> dict[str, Any]:
    """What the view's twin computes with (``js/twin/frame.js``'s ``Given``), for the discrete
    settings of ``params``: :func:`rnnwidget.explorer.twin.given` with its input ``timesteps``
    long and every array a float64 buffer, the ``settings`` it was made for, the knobs it turns
    (``continuous``: :data:`rnnwidget.explorer.twin.CONTINUOUS`), and the words
    of the sentence input (``tokens``, one per step while they last; none for another input),
    with its shuffled words' input and the dense model's outputs (``order``:
    :func:`rnnwidget.explorer.twin.order_given`)."""
    made = twin.given(params, timesteps)
    layers = [{name: _float64(value) for name, value in layer.items()} for layer in made["layers"]]
    if params.input_kind == "sentence":  # "Why order matters" runs the shuffled words too
        order = twin.order_given(params, timesteps)
        made["order"] = {name: _float64(value) for name, value in order.items()}
    return made | {
        "settings": twin_settings(params),
        "continuous": list(twin.CONTINUOUS),
        "x": encode_array(made["x"], "float64"),
        "layers": layers,
        # The time axis's words (a frame's ``tokens`` are the first seq_len of them).
        "tokens": tokenize(params.sentence)[:timesteps] if params.input_kind == "sentence" else [],
    }


def _float64(value: Any) -> Any:
    """An array as a float64 buffer; anything else (a size) as it is."""
    return encode_array(value, "float64") if isinstance(value, np.ndarray) else value


def check_sentence(text: str) -> str:
    """``text`` if it holds at least one word (the sentence input reads one per step), else a
    TraitError that says so."""
    if not tokenize(text):
        raise traitlets.TraitError(f"sentence must hold at least one word; got {text!r}")
    return text


def _with_suffix(path: str | os.PathLike[str], suffix: str) -> Path:
    """``path``, which must end in ``suffix`` (a figure saved as .png is not an SVG)."""
    if Path(path).suffix.lower() != suffix:
        raise ValueError(f"the path must end in {suffix}; got {str(path)!r}")
    return Path(path)
