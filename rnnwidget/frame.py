"""One frame of the explorer: every number its picture shows, computed from its parameters.

The widget, the headless renderer and the standalone HTML page all draw a :class:`Frame`, so
they can never disagree. The lecture's setting: one sequence (batch of 1) with
:data:`FEATURES` features through a :class:`~rnnwidget.model.SimpleRNN`, and a loss on the
last state only, ``L = sum_i h_T[i] / sqrt(units)``, so that ``||dL/dh_T|| = 1`` and the
gradient norm at every earlier step reads directly as "this much of the last step's gradient
reaches step t".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache

import numpy as np

from . import diagnostics
from .inputs import THE_CAT_SAT, make_input, tokenize
from .model import Array, Grads, SimpleRNN, Trace

__all__ = ["FEATURES", "Frame", "Params", "compute_frame"]

FEATURES = 4  # per step: enough to see structure in the input panel, few enough to read


@dataclass(frozen=True)
class Params:
    """The explorer's settings: the knobs a lecturer turns."""

    w_hh_scale: float = 1.0
    seq_len: int = 100
    saturation: float = 1.0
    units: int = 32
    input_kind: str = "impulse"
    seed: int = 0
    sentence: str = THE_CAT_SAT

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class Frame:
    """Everything one picture of the explorer shows. Arrays are time-major for drawing.

    Attributes:
        params: the settings it was computed from.
        model, trace: the layer and its forward pass.
        grads: its exact BPTT gradients, or None where they pass float64's range (the
            logarithms below stay exact).
        x: the input, ``(timesteps, features)``.
        h: the hidden states, ``(timesteps, units)``.
        log10_abs_grad: ``log10 |dL/dh_t|`` per unit, ``(timesteps, units)``.
        log10_grad_norm: ``log10 ||dL/dh_t||``, ``(timesteps,)``.
        h_norm: ``||h_t||``, ``(timesteps,)``.
        tanh_slope: the mean of ``tanh'(a_t)`` over the units, ``(timesteps,)``.
        tokens: the words of the sentence input, one per step while they last; else empty.
    """

    params: Params
    model: SimpleRNN
    trace: Trace
    grads: Grads | None
    x: Array
    h: Array
    log10_abs_grad: Array
    log10_grad_norm: Array
    h_norm: Array
    tanh_slope: Array
    tokens: tuple[str, ...]

    @cached_property
    def spectral_radius(self) -> float:
        """Of the layer's W_hh (equal to ``w_hh_scale`` by construction): the scale times the
        radius of the unscaled matrix, since rho(s W) = s rho(W), so no eigenvalues per frame."""
        return self.params.w_hh_scale * _unit_scale_radius(self.params.units, self.params.seed)

    @cached_property
    def saturated_fraction(self) -> float:
        """The fraction of all (step, unit) cells with ``|h| > 0.99``."""
        return float(diagnostics.saturated_fraction(self.trace).mean())

    @cached_property
    def colour_scales(self) -> dict[str, tuple[float, float]]:
        """The value range each heatmap's colour bar spans, shared by every renderer.

        The hidden state is fixed to tanh's range [-1, 1]; the input is symmetric about 0;
        log gradient magnitudes span their finite values from the 1st percentile up (a few
        near-zero cells would otherwise squeeze every other colour), at least one decade.
        """
        x_max = float(np.abs(self.x).max()) or 1.0
        finite = self.log10_abs_grad[np.isfinite(self.log10_abs_grad)]
        if finite.size:
            hi = float(finite.max())
            lo = min(float(np.percentile(finite, 1)), hi - 1.0)
        else:  # no gradient at all
            lo, hi = -1.0, 0.0
        return {"x": (-x_max, x_max), "h": (-1.0, 1.0), "log10_abs_grad": (lo, hi)}

    @property
    def gradient_ratio_log10(self) -> float:
        """``log10(||dL/dh_1|| / ||dL/dh_T||)``: below 0 the gradient vanishes on its way back
        to the first step, above 0 it explodes. ``-inf`` when it vanishes exactly."""
        return float(self.log10_grad_norm[0] - self.log10_grad_norm[-1])


@lru_cache(maxsize=16)
def _unit_scale_radius(units: int, seed: int) -> float:
    return diagnostics.spectral_radius(_unit_scale_layer(units, seed).W_hh)


@lru_cache(maxsize=16)
def _unit_scale_layer(units: int, seed: int) -> SimpleRNN:
    """The layer at ``w_hh_scale = 1``; every scale is this W_hh times the scale, exactly as
    ``SimpleRNN(..., w_hh_scale=s)`` builds it, so a scale change costs no new QR."""
    return SimpleRNN(FEATURES, units, w_hh_scale=1.0, seed=seed)


def compute_frame(params: Params) -> Frame:
    """Build the layer and the input, run forward and BPTT, and collect what the picture shows."""
    base = _unit_scale_layer(params.units, params.seed)
    model = SimpleRNN.from_weights(
        base.W_xh, params.w_hh_scale * base.W_hh, base.b, saturation=params.saturation
    )
    x = make_input(
        params.input_kind, params.seq_len, FEATURES, seed=params.seed, text=params.sentence
    )
    trace = model.forward(x)
    dh = np.zeros_like(trace.h)
    dh[:, -1] = 1.0 / np.sqrt(params.units)
    try:
        grads: Grads | None = model.backward(trace, dh)
    except FloatingPointError:
        grads = None
    logs = diagnostics.log10_gradients(model, trace, dh)
    tokens = tokenize(params.sentence)[: params.seq_len] if params.input_kind == "sentence" else []
    h = trace.h[0]
    return Frame(
        params=params,
        model=model,
        trace=trace,
        grads=grads,
        x=trace.x[0],
        h=h,
        log10_abs_grad=logs.log10_abs[0],
        log10_grad_norm=logs.log10_norm,
        h_norm=np.linalg.norm(h, axis=1),
        tanh_slope=diagnostics.mean_tanh_derivative(trace),
        tokens=tuple(tokens),
    )
