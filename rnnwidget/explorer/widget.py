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
"""

from __future__ import annotations

import itertools
import math
import os
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .._files import write_atomically
from .._keywords import check_keywords
from .._messages import handle_untrusted
from .._threads import single_threaded_blas
from .._traits import BoundedFloat, BoundedInt, Choice, Text
from .._version import __version__
from .._wire import encode_array
from ..cells.elman import Grads, SimpleRNN, Trace
from ..cells.inputs import INPUT_KINDS, THE_CAT_SAT, tokenize
from ..colormaps import PALETTES
from . import page, preview
from .classroom import ControlNames
from .frame import Frame, Params, compute_frame

__all__ = ["CONFIG", "PARAMETERS", "VIEW_OPTIONS", "RNNExplorer"]

STATIC = Path(__file__).parent.parent / "static"

#: The settings of the explorer, in the order the view lists them: changing one recomputes.
PARAMETERS = (
    "w_hh_scale", "seq_len", "saturation", "units", "input_kind", "seed", "sentence", "layers",
)  # fmt: skip

#: Settings of the view itself, beside the parameters, and their defaults: changing one only
#: redraws.
VIEW_OPTIONS: dict[str, Any] = {
    "palette": "standard",
    "presentation": False,
    "gradient_range": None,
    "controls": None,
}

#: Everything that recreates a view, ``RNNExplorer(**w.config)``: its parameters and options.
CONFIG = PARAMETERS + tuple(VIEW_OPTIONS)

#: What a browser may set. Everything else it sends is ignored: the kernel owns the results.
_FROM_BROWSER = frozenset(PARAMETERS) | {"palette", "presentation", "_request"}

_DEFAULTS = Params()

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_SNAPSHOT_BYTES = 64 * 2**20  # a 4K screen at 2x is ~10 MB; anything far bigger is junk
_KEPT_SNAPSHOTS = 16  # the newest; older ones are dropped, so memory stays bounded

#: Each layer's arrays the browser draws (see :class:`rnnwidget.explorer.frame.Layer`).
_LAYER_ARRAYS = ("h", "log10_abs_grad", "log10_grad_norm", "h_norm", "tanh_slope")


class RNNExplorer(anywidget.AnyWidget):
    """Drag the knobs of an Elman RNN and watch its hidden state and its gradients change.

    >>> w = RNNExplorer(w_hh_scale=0.9, seq_len=200)   # display w in a notebook cell
    >>> w.w_hh_scale = 1.3                             # the view redraws
    >>> w.grads.W_hh.shape                             # the exact BPTT gradients behind it
    (32, 32)

    The layer has :data:`~rnnwidget.explorer.frame.FEATURES` input features; the loss reads the last
    state, so the gradient chart shows how much of dL/dh_T reaches each earlier step.
    """

    _esm = STATIC / "widget.js"
    _css = STATIC / "widget.css"

    # -- the knobs -----------------------------------------------------------------------------
    w_hh_scale = BoundedFloat(
        _DEFAULTS.w_hh_scale,
        0.0,
        3.0,
        help="W_hh's spectral radius and every singular value: below 1 memory fades, above 1 "
        "it can blow up.",
    ).tag(sync=True)
    seq_len = BoundedInt(_DEFAULTS.seq_len, 1, 1000, help="Timesteps in the input sequence.").tag(
        sync=True
    )
    saturation = BoundedFloat(
        _DEFAULTS.saturation,
        0.1,
        5.0,
        help="The tanh gain g in h_t = tanh(g (W_hh h_{t-1} + W_xh x_t + b)): above 1 units "
        "saturate and gradients die.",
    ).tag(sync=True)
    units = BoundedInt(_DEFAULTS.units, 1, 256, help="Size of the hidden state.").tag(sync=True)
    input_kind = Choice(
        INPUT_KINDS,
        _DEFAULTS.input_kind,
        help="The demo input: one kick at t=1, white noise, sine waves, or a sentence.",
    ).tag(sync=True)
    seed = BoundedInt(
        _DEFAULTS.seed, 0, 2**32 - 1, help="Seeds the weights and the noise input."
    ).tag(sync=True)
    sentence = Text(
        THE_CAT_SAT, max_length=500, help="The words of the sentence input, one per step."
    ).tag(sync=True)
    layers = BoundedInt(
        _DEFAULTS.layers,
        1,
        2,
        help="Recurrent layers: with 2, layer 1 returns its whole sequence to layer 2 "
        "(return_sequences) and the loss reads layer 2's last state.",
    ).tag(sync=True)

    # -- how it looks --------------------------------------------------------------------------
    palette = Choice(
        PALETTES, "standard", help='Colour tables: "standard", or "colorblind" (PuOr, cividis).'
    ).tag(sync=True)
    presentation = traitlets.Bool(False, help="Larger text and strokes, for a projector.").tag(
        sync=True
    )
    gradient_range = traitlets.Tuple(
        traitlets.Float(),
        traitlets.Float(),
        default_value=None,
        allow_none=True,
        help="(low, high) log10 range of the gradient heatmaps' colours, instead of each "
        "frame's own; None fits each frame. rnnwidget.compare() sets one for all its explorers.",
    ).tag(sync=True)

    # -- the view ------------------------------------------------------------------------------
    controls = ControlNames(
        PARAMETERS,
        help="The controls the view shows, e.g. ['w_hh_scale']; None (the default) shows all. "
        "Hidden settings keep their values.",
    ).tag(sync=True)

    # -- what the kernel computed (read-only for the browser) ----------------------------------
    spectral_radius = traitlets.Float(help="Spectral radius of W_hh.").tag(sync=True)
    saturated_fraction = traitlets.Float(
        help="Fraction of (step, unit) cells with |h| > 0.99."
    ).tag(sync=True)
    gradient_ratio_log10 = traitlets.Float(
        None,
        allow_none=True,
        help="log10(||dL/dh_1|| / ||dL/dh_T||); None when the gradient vanishes exactly.",
    ).tag(sync=True)
    error = traitlets.Unicode(
        "", help="Why the last change was refused; empty when all is well."
    ).tag(sync=True)
    version = traitlets.Unicode(__version__, read_only=True).tag(sync=True)
    code = traitlets.Unicode(
        read_only=True, help="The line of Python that recreates this view: repr(w)."
    ).tag(sync=True)

    # -- the wire ------------------------------------------------------------------------------
    _frame = traitlets.Dict().tag(sync=True)  # arrays as float32 buffers, revision, params
    _request = traitlets.Int(0).tag(sync=True)  # browser -> kernel: id of its latest change
    _ack = traitlets.Int(0).tag(sync=True)  # kernel -> browser: the last id it has finished

    def __init__(self, **kwargs: Any) -> None:
        #: PNG bytes of the snapshots taken in the browser, newest last (the last 16 are kept).
        self.snapshots: deque[bytes] = deque(maxlen=_KEPT_SNAPSHOTS)
        self._current: Frame | None = None
        self._ready = False
        check_keywords("RNNExplorer", kwargs, CONFIG)
        self._batching = False
        self._revision = itertools.count(1)
        super().__init__(**kwargs)
        self.on_msg(self._on_custom_message)
        self._ready = True
        self._recompute()

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
        for name in ("controls", "gradient_range"):  # plain lists, as JSON has them
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
    def model(self) -> SimpleRNN:
        """The layer the view shows."""
        return self.frame.model

    @property
    def trace(self) -> Trace:
        """Its forward pass over the input."""
        return self.frame.trace

    @property
    def grads(self) -> Grads | None:
        """Its exact BPTT gradients, or None where they pass float64's range (the view and
        ``frame.log10_grad_norm`` still show their true size)."""
        return self.frame.grads

    def close(self) -> None:
        """Remove every view and free the model, its arrays and the snapshots."""
        super().close()
        self._ready = False  # parameter changes no longer recompute
        self._current = None
        self._frame = {}
        self.snapshots.clear()

    # -- validation and recompute --------------------------------------------------------------
    @traitlets.validate("sentence")
    def _validate_sentence(self, proposal: dict[str, Any]) -> str:
        text: str = proposal["value"]
        if not tokenize(text):
            raise traitlets.TraitError(f"sentence must hold at least one word; got {text!r}")
        return text

    def __setattr__(self, name: str, value: Any) -> None:
        # A refused setting from Python raises as usual, and the view says why too.
        try:
            super().__setattr__(name, value)
        except traitlets.TraitError as error:
            if name in CONFIG and getattr(self, "_ready", False):
                self.error = str(error)
            raise

    @traitlets.observe(*PARAMETERS)
    def _on_parameter_change(self, change: dict[str, Any]) -> None:
        if self._ready and not self._batching:
            self._recompute()

    @traitlets.observe(*VIEW_OPTIONS)
    def _on_view_option_change(self, change: dict[str, Any]) -> None:
        self.set_trait("code", repr(self))

    @contextmanager
    def _one_recompute(self) -> Iterator[None]:
        """Apply several parameter changes, then recompute once (if anything changed)."""
        before = self.params
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
        if self.params != before:
            self._recompute()

    def _recompute(self) -> None:
        with single_threaded_blas():
            self._current = compute_frame(self.params)
        self._publish(self._current)

    def _publish(self, frame: Frame) -> None:
        """Send a frame's arrays and diagnostics to every view, as one message."""
        ratio = frame.gradient_ratio_log10
        with self.hold_sync():
            self.spectral_radius = frame.spectral_radius
            self.saturated_fraction = frame.saturated_fraction
            self.gradient_ratio_log10 = ratio if abs(ratio) != float("inf") else None
            self.error = ""
            self.set_trait("code", repr(self))
            self._frame = frame_payload(frame, next(self._revision))

    @traitlets.validate("gradient_range")
    def _validate_gradient_range(self, proposal: dict[str, Any]) -> tuple[float, float] | None:
        value = proposal["value"]
        if value is not None and not (math.isfinite(value[0]) and value[0] < value[1] < math.inf):
            raise traitlets.TraitError(
                f"gradient_range must be None or (low, high) with finite low < high; got {value!r}"
            )
        return value  # type: ignore[no-any-return]

    # -- messages from the browser -------------------------------------------------------------
    def _handle_msg(self, msg: dict[str, Any]) -> None:
        """Every comm message from a browser, untrusted: see :mod:`rnnwidget._messages`."""
        handle_untrusted(self, msg)

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a state update from a browser. Its content is untrusted: only the parameters
        (and the request id) are taken, each is validated, and a refused update changes nothing
        but the error message, while the browser's controls are put back to the kernel's values.
        """
        update = {key: value for key, value in sync_data.items() if key in _FROM_BROWSER}
        refused = sorted((set(sync_data) - _FROM_BROWSER) & set(self.keys))
        with self.hold_sync():
            try:
                with self._one_recompute():
                    super().set_state(update)
                self.error = ""  # accepted, even if nothing changed: an old refusal is over
            except traitlets.TraitError as error:
                self.error = str(error)
                refused += [key for key in update if key != "_request"]
            if isinstance(update.get("_request"), int):
                self._ack = update["_request"]
        if refused:
            self.send_state(refused)  # the browser shows the kernel's values again

    def _on_custom_message(self, _: Any, content: Any, buffers: Sequence[Any]) -> None:
        """A browser's custom messages (untrusted): only PNG snapshots are taken."""
        if not isinstance(content, dict) or content.get("type") != "snapshot":
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
        from . import render  # matplotlib is optional: only this method needs it

        return render.save(
            self.frame, _with_suffix(path, ".png"), palette=self.palette, scale=scale
        )

    def save_svg(self, path: str | os.PathLike[str]) -> Path:
        """Render the view's picture headlessly as an SVG, with real text, for vector slides.
        Needs the ``export`` extra (matplotlib)."""
        from . import render

        return render.save(self.frame, _with_suffix(path, ".svg"), palette=self.palette)

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
        offline: hover still reads out every number, the knobs say they need a notebook.
        ``title`` heads the page. See :mod:`rnnwidget.explorer.page`."""
        return page.save_html(self, path, title=title)

    # -- display -------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The widget view and, for readers without a kernel (GitHub, nbviewer, nbconvert), a
        PNG of its picture: see :mod:`rnnwidget.explorer.preview`."""
        bundle: tuple[dict[str, Any], dict[str, Any]] | None = super()._repr_mimebundle_(**kwargs)
        if bundle is not None and self._current is not None:
            png = preview.png_base64(self._current)
            if png is not None:
                bundle[0]["image/png"] = png
        return bundle

    def __repr__(self) -> str:
        """The constructor call that recreates this view: every parameter, then each view
        option that is not at its default, e.g. ``RNNExplorer(w_hh_scale=1.2, seq_len=200,
        ...)``. Floats print in their shortest exact form, so ``eval`` gives back the very
        arrays."""
        settings = ", ".join(
            f"{name}={value!r}"
            for name, value in self.config.items()
            if name in PARAMETERS or value != VIEW_OPTIONS[name]
        )
        return f"RNNExplorer({settings})"


def frame_payload(frame: Frame, revision: int) -> dict[str, Any]:
    """What the browser draws, for one frame: small values as JSON, arrays as float32 buffers."""
    scales = frame.colour_scales
    payload: dict[str, Any] = {
        "revision": revision,
        "params": frame.params.as_dict(),
        "tokens": list(frame.tokens),
        "shapes": frame.shapes,
        "scales": {name: list(scale) for name, scale in scales.items()},
        "arrays": {
            "x": encode_array(frame.x),
            "layers": [
                {name: encode_array(getattr(layer, name)) for name in _LAYER_ARRAYS}
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


def _with_suffix(path: str | os.PathLike[str], suffix: str) -> Path:
    """``path``, which must end in ``suffix`` (a figure saved as .png is not an SVG)."""
    if Path(path).suffix.lower() != suffix:
        raise ValueError(f"the path must end in {suffix}; got {str(path)!r}")
    return Path(path)
