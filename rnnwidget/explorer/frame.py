"""One frame of the explorer: every number its picture shows, computed from its parameters.

The widget, the headless renderer and the standalone HTML page all draw a :class:`Frame`, so
they can never disagree. The lecture's setting: one sequence (batch of 1) with
:data:`FEATURES` features through a recurrent cell (:data:`CELLS`: the Elman cell
:class:`~rnnwidget.cells.elman.SimpleRNN`, one or two layers, or one layer of
:class:`~rnnwidget.cells.lstm.LSTM` or :class:`~rnnwidget.cells.gru.GRU`), and a loss on the
last state only, ``L = sum_i h_T[i] / sqrt(units)``, so that ``||dL/dh_T|| = 1`` and the
gradient norm at every earlier step reads directly as "this much of the last step's gradient
reaches step t".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

import numpy as np

from ..cells import diagnostics
from ..cells._base import CELLS, INITS
from ..cells.elman import Array, Grads, SimpleRNN, Trace
from ..cells.gru import GRU, GRUGrads, GRUTrace
from ..cells.inputs import THE_CAT_SAT, make_input, tokenize, word_vector
from ..cells.log_gradients import LogGradients, log10_gradients
from ..cells.lstm import LSTM, LSTMGrads, LSTMTrace

__all__ = [
    "CELLS", "FEATURES", "GATE_INITS", "MEMORY_GATES", "Frame", "Layer", "Mark", "Measurement",
    "Network", "OrderDemo", "Params", "bias_signs", "compute_frame", "measure",
]  # fmt: skip

FEATURES = 4  # per step: enough to see structure in the input panel, few enough to read

#: How a gated cell's memory gate starts (:func:`rnnwidget.cells._base.memory_bias`).
GATE_INITS = INITS
#: The gate that decides each gated cell's memory: the LSTM's forget gate f, the GRU's update
#: gate z (near 1, the state passes on almost untouched, and the gradient back).
MEMORY_GATES = {"lstm": "f", "gru": "z"}

Model = SimpleRNN | LSTM | GRU
AnyTrace = Trace | LSTMTrace | GRUTrace
AnyGrads = Grads | LSTMGrads | GRUGrads


@dataclass(frozen=True)
class Params:
    """The explorer's settings: the knobs a lecturer turns.

    ``bias`` is the size of the bias b in ``h_t = tanh(g (W_hh h_{t-1} + W_xh x_t + b))``: each
    layer's ``b = bias * s`` with signs ``s`` in {-1, +1}^units drawn from the seed
    (:func:`bias_signs`); 0, the default, is the zero bias.

    ``cell`` picks the cell (:data:`CELLS`). ``w_hh_scale``, ``saturation``, ``bias`` and
    ``layers`` are the Elman cell's: a gated cell (one layer, Keras's initialisation, as
    ``LSTM(FEATURES, units, seed=seed, init=gate_init)`` builds it) ignores them, and the Elman
    cell ignores ``gate_init``, how the gated cell's memory gate starts (:data:`GATE_INITS`).
    """

    w_hh_scale: float = 1.0
    seq_len: int = 100
    saturation: float = 1.0
    units: int = 32
    input_kind: str = "impulse"
    seed: int = 0
    sentence: str = THE_CAT_SAT
    layers: int = 1
    bias: float = 0.0
    cell: str = "elman"
    gate_init: str = "chrono"

    @property
    def gated(self) -> bool:
        """Whether the cell is the LSTM or the GRU."""
        return self.cell != "elman"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class Mark(NamedTuple):
    """A step that matters to the task, marked on every panel: ``t`` (1-based) and what
    happens there (``"symbol shown"``)."""

    t: int
    label: str


@dataclass(frozen=True, eq=False)
class Network:
    """A given network for the explorer to show instead of one built from the seed: a network
    trained on a task (:func:`rnnwidget.training.mechanism.network_of` builds it), on one of
    its task's sequences, with the gradient of that task's loss.

    Attributes:
        cell: ``"elman"``, ``"lstm"`` or ``"gru"``.
        weights: the cell's weights by name, float64: ``W_xh``, ``W_hh`` and ``b`` (a GRU's
            ``b_xh`` and ``b_hh``), in the layouts of the cells' ``from_weights``.
        saturation: the Elman cell's tanh gain g (1 for the gated cells).
        x: the input sequence, ``(timesteps, features)``.
        loss_gradient: ``dL/dh_T`` from ``h_T``, ``(1, units)`` to ``(1, units)``: the task's
            loss on the last state, through its read-out.
        marks: the steps that matter to the task (where a symbol is shown, where it is asked
            for).
        step: the training step these weights are from.
        caption: the network in a few words for a figure's caption (``"recall lag=100, step
            400"``).
        description: the network and its sequence in one sentence, for the view.
    """

    cell: str
    weights: Mapping[str, Array]
    saturation: float
    x: Array
    loss_gradient: Callable[[Array], Array]
    marks: tuple[Mark, ...]
    step: int
    caption: str
    description: str

    @property
    def units(self) -> int:
        return int(self.weights["W_hh"].shape[1])

    @cached_property
    def spectral_radius(self) -> float | None:
        """The Elman cell's rho(W_hh) as trained (None for a gated cell): what the explorer's
        W_hh scale starts at."""
        if self.cell != "elman":
            return None
        return diagnostics.spectral_radius(self.weights["W_hh"])

    def model(self, w_hh_scale: float | None = None, saturation: float | None = None) -> Model:
        """The cell with these weights, float64. The Elman cell's W_hh rescaled so that its
        spectral radius is ``w_hh_scale`` (its own when None or equal: then W_hh crosses
        unchanged), its gain ``saturation`` (its own when None)."""
        w = self.weights
        if self.cell == "lstm":
            return LSTM.from_weights(w["W_xh"], w["W_hh"], w["b"])
        if self.cell == "gru":
            return GRU.from_weights(w["W_xh"], w["W_hh"], w["b_xh"], w["b_hh"])
        W_hh = w["W_hh"]
        radius = self.spectral_radius
        if w_hh_scale is not None and w_hh_scale != radius and radius:
            W_hh = W_hh * (w_hh_scale / radius)
        gain = self.saturation if saturation is None else saturation
        return SimpleRNN.from_weights(w["W_xh"], W_hh, w["b"], saturation=gain)


@dataclass(frozen=True, eq=False)
class Layer:
    """One recurrent layer of a frame. Arrays are time-major, for drawing.

    Attributes:
        model, trace: the layer and its forward pass.
        h: the hidden states, ``(timesteps, units)``.
        log10_abs_grad: ``log10 |dL/dh_t|`` per unit, ``(timesteps, units)``.
        log10_grad_norm: ``log10 ||dL/dh_t||``, ``(timesteps,)``.
        h_norm: ``||h_t||``, ``(timesteps,)``.
        tanh_slope: the Elman cell's mean of ``tanh'(a_t)`` over the units, ``(timesteps,)``;
            None for a gated cell.
        gate, gate_mean: a gated cell's memory gate (:data:`MEMORY_GATES`: f or z) per unit,
            ``(timesteps, units)``, and its mean over the units, ``(timesteps,)``.
        c, log10_abs_grad_c, log10_grad_norm_c, c_norm: the LSTM's cell state, ``log10
            |dL/dc_t|``, ``log10 ||dL/dc_t||`` and ``||c_t||``, shaped as their h twins.

    What a cell does not have is None; :meth:`arrays` lists what it has, by name.
    """

    model: Model
    trace: AnyTrace
    h: Array
    log10_abs_grad: Array
    log10_grad_norm: Array
    h_norm: Array
    tanh_slope: Array | None = None
    gate: Array | None = None
    gate_mean: Array | None = None
    c: Array | None = None
    log10_abs_grad_c: Array | None = None
    log10_grad_norm_c: Array | None = None
    c_norm: Array | None = None

    #: Every array a layer may have, in the order the wire carries them.
    ARRAYS = (
        "h", "log10_abs_grad", "log10_grad_norm", "h_norm", "tanh_slope", "gate", "gate_mean",
        "c", "log10_abs_grad_c", "log10_grad_norm_c", "c_norm",
    )  # fmt: skip

    def arrays(self) -> dict[str, Array]:
        """The arrays this layer has, ``{name: array}``: what the browser receives."""
        found = ((name, getattr(self, name)) for name in self.ARRAYS)
        return {name: array for name, array in found if array is not None}


@dataclass(frozen=True, eq=False)
class OrderDemo:
    """ "The cat sat on the mat" against the same words shuffled (the sentence input only).

    Attributes:
        words: the sentence's words, in order.
        shuffled: the same words, shuffled.
        rnn_final: the network's last state ``h_T`` for the sentence and for the shuffled
            words, ``(2, units)``: they differ, because the RNN reads the words in order.
        dense_output: an order-blind model, ``tanh(W_d mean_t(x_t))``, for both, ``(2, units)``:
            identical, because the average of the same word vectors does not depend on order.
    """

    words: tuple[str, ...]
    shuffled: tuple[str, ...]
    rnn_final: Array
    dense_output: Array


@dataclass(frozen=True, eq=False)
class Frame:
    """Everything one picture of the explorer shows.

    Attributes:
        params: the settings it was computed from.
        x: the input, ``(timesteps, features)``.
        layers: one :class:`Layer` per recurrent layer, input first; with two, layer 1
            returns its whole sequence to layer 2 (``return_sequences``) and the loss reads
            layer 2's last state.
        tokens: the words of the sentence input, one per step while they last; else empty.
        order: the sentence against its shuffled words (sentence input), else None.
        network: the given network the frame shows (a trained one), or None for the one the
            parameters build from the seed; the loss is then the network's task's.

    ``model``, ``trace``, ``grads``, ``h``, ``log10_abs_grad``, ``log10_grad_norm``,
    ``h_norm`` and ``tanh_slope`` are those of the first layer.

    The picture needs only the gradients' logarithms; the plain float64 gradients
    (:attr:`layer_grads`) are computed the first time someone asks for them, which keeps
    them off a slider step's path.
    """

    params: Params
    x: Array
    layers: tuple[Layer, ...]
    tokens: tuple[str, ...]
    order: OrderDemo | None
    network: Network | None = None

    @property
    def cell(self) -> str:
        """The cell, one of :data:`CELLS`."""
        return self.params.cell

    @property
    def model(self) -> Model:
        return self.layers[0].model

    @property
    def trace(self) -> AnyTrace:
        return self.layers[0].trace

    @property
    def grads(self) -> AnyGrads | None:
        return self.layer_grads[0]

    @cached_property
    def layer_grads(self) -> tuple[AnyGrads | None, ...]:
        """Each layer's exact BPTT gradients (the cell's ``backward``), input layer first;
        None for a layer whose gradients pass float64's range, and for every layer below it
        (their logarithms, in :class:`Layer`, stay exact)."""
        grads: list[AnyGrads | None] = []
        dh: Array | None = self.loss_gradient()
        for layer in reversed(self.layers):
            model: Any = layer.model  # each layer's trace is its own model's
            try:
                grads.append(model.backward(layer.trace, dh) if dh is not None else None)
            except FloatingPointError:
                grads.append(None)
            last = grads[-1]
            dh = last.x if last is not None else None
        return tuple(reversed(grads))

    def loss_gradient(self) -> Array:
        """The loss's direct gradient on the top layer's states, ``(1, timesteps, units)``: on
        the last state only (the explorer's loss, :func:`loss_gradient`, or the network's
        task's)."""
        return _direct_gradient(self.layers[-1].trace, self.network)

    @property
    def h(self) -> Array:
        return self.layers[0].h

    @property
    def log10_abs_grad(self) -> Array:
        return self.layers[0].log10_abs_grad

    @property
    def log10_grad_norm(self) -> Array:
        return self.layers[0].log10_grad_norm

    @property
    def h_norm(self) -> Array:
        return self.layers[0].h_norm

    @property
    def tanh_slope(self) -> Array | None:
        return self.layers[0].tanh_slope

    @property
    def c(self) -> Array | None:
        return self.layers[0].c

    @property
    def gate(self) -> Array | None:
        return self.layers[0].gate

    @property
    def log10_abs_grad_c(self) -> Array | None:
        return self.layers[0].log10_abs_grad_c

    @property
    def log10_grad_norm_c(self) -> Array | None:
        return self.layers[0].log10_grad_norm_c

    @property
    def shapes(self) -> str:
        """The tensors' shapes through the stack, as Keras prints them:
        ``(1, 50, 4) -> (1, 50, 32) -> (1, 32)``."""
        batch, timesteps, features = self.trace.x.shape
        shapes: list[tuple[int, ...]] = [(batch, timesteps, features)]
        shapes += [(batch, timesteps, layer.model.units) for layer in self.layers[:-1]]
        shapes.append((batch, self.layers[-1].model.units))
        return " → ".join(str(shape) for shape in shapes)

    @cached_property
    def spectral_radius(self) -> float | None:
        """Of the Elman layers' W_hh (equal to ``w_hh_scale`` by construction): the scale times
        the radius of the unscaled matrix, since rho(s W) = s rho(W), so no eigenvalues per
        frame. None for a gated cell, whose W_hh stacks its gates' blocks (not square)."""
        if self.params.gated:
            return None
        if self.network is not None:  # rescaled to the W_hh scale (Network.model)
            return self.params.w_hh_scale if self.network.spectral_radius else 0.0
        return self.params.w_hh_scale * _unit_scale_radius(self.params.units, self.params.seed)

    @cached_property
    def mean_memory_gate(self) -> float | None:
        """A gated cell's memory gate (:data:`MEMORY_GATES`) averaged over steps and units:
        the share of its state a unit keeps per step, on average. None for the Elman cell."""
        gate = self.layers[0].gate
        return None if gate is None else float(gate.mean())

    @cached_property
    def saturated_fraction(self) -> float:
        """The fraction of all (layer, step, unit) cells with ``|h| > 0.99``."""
        return float(np.mean([np.abs(layer.h) > 0.99 for layer in self.layers]))

    @cached_property
    def colour_scales(self) -> dict[str, tuple[float, float]]:
        """The value range each heatmap's colour bar spans, shared by every renderer.

        The Elman cell's hidden state is fixed to tanh's range [-1, 1], so every frame reads
        alike. A gated cell's h_t stays far inside it (the LSTM's output gate damps o_t
        tanh(c_t); the GRU's update gate keeps most of h_{t-1} each step), so its scale spans
        its own largest ``|h|``, symmetric about 0, where its structure shows.

        A memory gate spans a sigmoid's [0, 1]; the input and the LSTM's cell state (which is
        not bounded) are symmetric about 0; log gradient magnitudes (of every layer, dL/dh and
        dL/dc alike, on one scale) span their finite values from the 1st percentile up (a few
        near-zero cells would otherwise squeeze every other colour), at least one decade.
        """
        x_max = float(np.abs(self.x).max()) or 1.0
        logs = np.concatenate(
            [
                grad.ravel()
                for layer in self.layers
                for grad in (layer.log10_abs_grad, layer.log10_abs_grad_c)
                if grad is not None
            ]
        )
        finite = logs[np.isfinite(logs)]
        if finite.size:
            hi = float(finite.max())
            lo = min(float(np.percentile(finite, 1)), hi - 1.0)
        else:  # no gradient at all
            lo, hi = -1.0, 0.0
        h_scale = (-1.0, 1.0)
        if self.params.gated:
            h_max = float(np.abs(self.layers[0].h).max()) or 1.0
            h_scale = (-h_max, h_max)
        scales = {"x": (-x_max, x_max), "h": h_scale, "log10_abs_grad": (lo, hi)}
        if self.layers[0].gate is not None:
            scales["gate"] = (0.0, 1.0)
        c = self.layers[0].c
        if c is not None:
            c_max = float(np.abs(c).max()) or 1.0
            scales["c"] = (-c_max, c_max)
        return scales

    @property
    def gradient_ratio_log10(self) -> float:
        """``log10(||dL/dh_1|| / ||dL/dh_T||)`` in the first layer: below 0 the gradient
        vanishes on its way back to the first step, above 0 it explodes; ``-inf`` when it
        vanishes exactly."""
        return float(self.log10_grad_norm[0] - self.log10_grad_norm[-1])

    @property
    def gradient_ratio_log10_c(self) -> float | None:
        """The LSTM's ``log10(||dL/dc_1|| / ||dL/dh_T||)``: how much of the loss's gradient
        reaches the first step along the cell state (relative to the same ``||dL/dh_T|| = 1``
        as the chart's curves); None for the other cells."""
        logs_c = self.layers[0].log10_grad_norm_c
        return None if logs_c is None else float(logs_c[0] - self.log10_grad_norm[-1])


@lru_cache(maxsize=16)
def _unit_scale_radius(units: int, seed: int) -> float:
    return diagnostics.spectral_radius(_unit_scale_layer(units, 0, seed).W_hh)


@lru_cache(maxsize=32)
def _unit_scale_layer(units: int, depth: int, seed: int) -> SimpleRNN:
    """Layer ``depth`` (0 = first) at ``w_hh_scale = 1``; every scale is this W_hh times the
    scale, exactly as ``SimpleRNN(..., w_hh_scale=s)`` builds it, so a scale change costs no
    new QR. Layer 2 reads layer 1's states, so it has ``units`` features."""
    features = FEATURES if depth == 0 else units
    return SimpleRNN(features, units, w_hh_scale=1.0, seed=seed + depth)


@lru_cache(maxsize=32)
def bias_signs(units: int, depth: int, seed: int) -> Array:
    """Each unit's sign s in the bias ``b = bias * s`` of layer ``depth`` (0 = first),
    ``(units,)``: +1 or -1, drawn from its own stream of the seed, so the weights stay those of
    ``SimpleRNN(..., seed=seed + depth)``. Read-only (cached)."""
    signs = np.where(np.random.default_rng([seed, depth, 0xB1A5]).random(units) < 0.5, -1.0, 1.0)
    signs.flags.writeable = False
    return signs


def _stack(params: Params) -> list[SimpleRNN]:
    """The layers for ``params``, input first."""
    stack = []
    for depth in range(params.layers):
        base = _unit_scale_layer(params.units, depth, params.seed)
        b = base.b  # zero: bias 0 is the layer SimpleRNN builds, bit for bit
        if params.bias != 0.0:
            b = params.bias * bias_signs(params.units, depth, params.seed)
        stack.append(
            SimpleRNN.from_weights(
                base.W_xh, params.w_hh_scale * base.W_hh, b, saturation=params.saturation
            )
        )
    return stack


def _run(stack: Sequence[Model], x: Array) -> list[Any]:
    """Forward through the stack: each layer reads the whole sequence of the one below."""
    traces = []
    for rnn in stack:
        traces.append(rnn.forward(x))
        x = traces[-1].h
    return traces


def loss_gradient(trace: AnyTrace) -> Array:
    """dL/dh_t for the explorer's loss, ``L = sum_i h_T[i] / sqrt(units)`` on the top layer's last
    state: ``1/sqrt(units)`` on every unit at t = T, zero before. ``||dL/dh_T|| = 1``, so the
    chart reads each step's gradient relative to the last one's."""
    dh = np.zeros_like(trace.h)
    dh[:, -1] = 1.0 / np.sqrt(trace.h.shape[-1])
    return dh


def _direct_gradient(trace: AnyTrace, network: Network | None) -> Array:
    """dL/dh_t on the last state only: the explorer's loss, or a network's task's."""
    if network is None:
        return loss_gradient(trace)
    dh = np.zeros_like(trace.h)
    dh[:, -1] = network.loss_gradient(trace.h[:, -1])
    return dh


def _forward_and_back(params: Params) -> tuple[list[SimpleRNN], list[Trace], list[LogGradients]]:
    """The layers, their forward passes and their gradients in logarithms, input layer first."""
    stack = _stack(params)
    x = make_input(
        params.input_kind, params.seq_len, FEATURES, seed=params.seed, text=params.sentence
    )
    traces = _run(stack, x)

    # Backward from the loss on the top layer's last state, down the stack: each layer's input
    # gradient is the direct gradient of the layer below. In logarithms, which hold any
    # magnitude; the plain float64 gradients wait until asked for (Frame.layer_grads).
    logs: list[LogGradients] = []
    dh, scale = loss_gradient(traces[-1]), None  # the loss's direct gradient, at scale 10**0
    for depth in reversed(range(len(stack))):
        log = log10_gradients(
            stack[depth], traces[depth], dh, dh_log10_scale=scale, input_gradient=depth > 0
        )
        logs.append(log)
        if log.x_scaled is not None:  # dL/dx_t = 10**log10_scale[t] x_scaled[:, t]
            dh, scale = log.x_scaled, log.log10_scale
    logs.reverse()
    return stack, traces, logs


class Measurement(NamedTuple):
    """A frame's headline numbers (see :class:`Frame`)."""

    gradient_ratio_log10: float  #: ``log10(||dL/dh_1|| / ||dL/dh_T||)`` in the first layer
    saturated_fraction: float  #: of all (layer, step, unit) cells with ``|h| > 0.99``
    mean_tanh_slope: float  #: ``tanh'(a_t)`` averaged over the first layer's steps and units


def measure(params: Params) -> Measurement:
    """The numbers :func:`compute_frame`'s frame has for ``params`` (the Elman cell's), the very
    same, without building the rest of the frame (about a millisecond at T = 100): what a
    preset's search evaluates."""
    if params.gated:
        raise ValueError(f"measure() measures the Elman cell; got cell={params.cell!r}")
    _, traces, logs = _forward_and_back(params)
    norms = logs[0].log10_norm
    return Measurement(
        gradient_ratio_log10=float(norms[0] - norms[-1]),
        saturated_fraction=float(np.mean([np.abs(trace.h[0]) > 0.99 for trace in traces])),
        mean_tanh_slope=float(np.mean(1.0 - traces[0].h[0] ** 2)),
    )


def compute_frame(params: Params, network: Network | None = None) -> Frame:
    """Build the layers and the input, run forward and BPTT, and collect what the picture shows.

    With a ``network``, the frame shows it on its own input, with its task's loss; of the
    parameters only the Elman cell's W_hh scale and tanh gain apply (:meth:`Network.model`)."""
    if params.cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}; got {params.cell!r}")
    if network is not None:
        return _network_frame(params, network)
    if params.gated:
        return _gated_frame(params)
    stack, traces, logs = _forward_and_back(params)

    layers = tuple(
        Layer(
            model=rnn,
            trace=trace,
            h=trace.h[0],
            log10_abs_grad=log.log10_abs[0],
            log10_grad_norm=log.log10_norm,
            h_norm=np.linalg.norm(trace.h[0], axis=1),
            tanh_slope=diagnostics.mean_tanh_derivative(trace),
        )
        for rnn, trace, log in zip(stack, traces, logs)
    )
    sentence = params.input_kind == "sentence"
    return Frame(
        params=params,
        x=traces[0].x[0],
        layers=layers,
        tokens=tuple(tokenize(params.sentence)[: params.seq_len]) if sentence else (),
        order=_order_demo(params, stack, traces[-1]) if sentence else None,
    )


@lru_cache(maxsize=16)
def _gated_layer(cell: str, units: int, seed: int, gate_init: str) -> LSTM | GRU:
    """The gated layer for these settings, as ``LSTM(FEATURES, units, seed=seed,
    init=gate_init)`` (or ``GRU(...)``) builds it; cached, since it is never changed."""
    kind = LSTM if cell == "lstm" else GRU
    return kind(FEATURES, units, seed=seed, init=gate_init)


def _gated_frame(params: Params) -> Frame:
    """A frame of one LSTM or GRU layer: its states, its memory gate and its gradients."""
    if params.gate_init not in GATE_INITS:
        raise ValueError(f"gate_init must be one of {GATE_INITS}; got {params.gate_init!r}")
    model = _gated_layer(params.cell, params.units, params.seed, params.gate_init)
    x = make_input(
        params.input_kind, params.seq_len, FEATURES, seed=params.seed, text=params.sentence
    )
    trace: Any = model.forward(x)
    layer = _one_layer(model, trace, loss_gradient(trace))
    sentence = params.input_kind == "sentence"
    return Frame(
        params=params,
        x=trace.x[0],
        layers=(layer,),
        tokens=tuple(tokenize(params.sentence)[: params.seq_len]) if sentence else (),
        order=_order_demo(params, [model], trace) if sentence else None,
    )


def _one_layer(model: Model, trace: Any, dh: Array) -> Layer:
    """The arrays of one layer's picture: its states, gate and cell state as it has them, and
    the gradients of a loss whose direct gradient on its states is ``dh``."""
    logs = log10_gradients(model, trace, dh, input_gradient=False)
    h = trace.h[0]
    common = {
        "model": model, "trace": trace, "h": h, "log10_abs_grad": logs.log10_abs[0],
        "log10_grad_norm": logs.log10_norm, "h_norm": np.linalg.norm(h, axis=1),
    }  # fmt: skip
    if isinstance(model, SimpleRNN):
        return Layer(**common, tanh_slope=diagnostics.mean_tanh_derivative(trace))
    gate = getattr(trace, "f" if isinstance(model, LSTM) else "z")[0]
    c = trace.c[0] if isinstance(trace, LSTMTrace) else None
    abs_c = logs.log10_abs_c
    return Layer(
        **common,
        gate=gate,
        gate_mean=gate.mean(axis=1),
        c=c,
        log10_abs_grad_c=None if abs_c is None else abs_c[0],
        log10_grad_norm_c=logs.log10_norm_c,
        c_norm=None if c is None else np.linalg.norm(c, axis=1),
    )


def _network_frame(params: Params, network: Network) -> Frame:
    """A frame of a given network (:class:`Network`) on its own input, with its task's loss."""
    model = network.model(params.w_hh_scale, params.saturation)
    trace: Any = model.forward(network.x[np.newaxis])
    layer = _one_layer(model, trace, _direct_gradient(trace, network))
    return Frame(
        params=params, x=trace.x[0], layers=(layer,), tokens=(), order=None, network=network
    )


def _order_demo(params: Params, stack: Sequence[Model], trace: Any) -> OrderDemo:
    """The same words shuffled (a seeded shuffle that moves at least one word when it can),
    through the same network and through an order-blind dense model on the mean word vector."""
    words = tokenize(params.sentence)
    rng = np.random.default_rng(params.seed)
    shuffled = list(words)
    for _ in range(10):
        shuffled = [words[i] for i in rng.permutation(len(words))]
        if shuffled != words or len(set(words)) < 2:
            break
    text = " ".join(shuffled)
    x_shuffled = make_input("sentence", params.seq_len, FEATURES, seed=params.seed, text=text)
    # The state right after the last word: later steps have no input, and a fading memory would
    # make both orders look alike by t = T for a reason that has nothing to do with order.
    last = min(len(words), params.seq_len) - 1
    rnn_final = np.stack([trace.h[0, last], _run(stack, x_shuffled)[-1].h[0, last]])

    # An order-blind model: a dense layer on the average word vector. The average is summed
    # exactly (math.fsum), so the same words in any order give bit-identical outputs.
    limit = np.sqrt(6.0 / (FEATURES + params.units))
    rng = np.random.default_rng([params.seed, 1])
    W_dense = rng.uniform(-limit, limit, (params.units, FEATURES))
    dense = []
    for order in (words, shuffled):
        vectors = [word_vector(word, FEATURES, seed=params.seed) for word in order]
        mean = np.array([math.fsum(column) for column in zip(*vectors)]) / len(order)
        dense.append(np.tanh(W_dense @ mean))
    return OrderDemo(
        words=tuple(words),
        shuffled=tuple(shuffled),
        rnn_final=rnn_final,
        dense_output=np.stack(dense),
    )
