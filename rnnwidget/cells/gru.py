"""A GRU in numpy: the forward pass and exact backpropagation through time (BPTT).

PyTorch's equations, gate order and weight layout (one sequence; the code does a whole batch)::

    r_t = sigmoid(W_xr x_t + b_xr + W_hr h_{t-1} + b_hr)       reset gate
    z_t = sigmoid(W_xz x_t + b_xz + W_hz h_{t-1} + b_hz)       update gate
    n_t = tanh(W_xn x_t + b_xn + r_t * (W_hn h_{t-1} + b_hn))  candidate
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

for t = 1 ... T from h_0 (zeros unless given). The update gate z plays the LSTM forget gate's
role: where z_t is near 1, h_{t-1} passes to h_t (and the gradient back) almost untouched.

Shapes (Keras's order for sequences, PyTorch's for weights)::

    x               (batch_size, timesteps, features)
    h, r, z, n      (batch_size, timesteps, units)
    h0              (batch_size, units)
    W_xh            (3*units, features)      gates stacked r, z, n
    W_hh            (3*units, units)
    b_xh, b_hh      (3*units,)               two biases: b_hn sits inside r * (...)

Keras's GRU with ``reset_after=True`` (its default) is the same equation with the gates stacked
z, r, n: :func:`rnnwidget.cells.loaders.from_keras` reorders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from .._checks import positive_int
from ._base import (
    Array,
    Cell,
    GateNonlinearity,
    States,
    StepSlopes,
    TraceShape,
    glorot_uniform,
    memory_bias,
    orthonormal_columns,
    refuse_non_finite,
    reversed_steps,
    summed_outer,
)

__all__ = ["GRU", "GRUGrads", "GRUSlopes", "GRUTrace"]

#: r, z = sigmoid(...); n goes through tanh after the reset gate, in the forward loop.
_GATES = GateNonlinearity("sigmoid", "sigmoid", "")


@dataclass(frozen=True, eq=False)
class GRUTrace(TraceShape):
    """Everything the forward pass computed, kept for the backward pass and for plots.

    Attributes:
        x: the input, ``(batch_size, timesteps, features)``.
        h0: the initial state, ``(batch_size, units)``.
        h: the hidden states, ``(batch_size, timesteps, units)``.
        r, z, n: the reset and update gates in (0, 1) and the candidate in (-1, 1) at every
            step, ``(batch_size, timesteps, units)``.
    """

    x: Array
    h0: Array
    h: Array
    r: Array
    z: Array
    n: Array


@dataclass(frozen=True, eq=False)
class GRUGrads:
    """Gradients of a scalar loss L, as returned by :meth:`GRU.backward`.

    Attributes:
        W_xh, W_hh: dL/dW_xh ``(3*units, features)``, dL/dW_hh ``(3*units, units)``.
        b_xh, b_hh: dL/db_xh, dL/db_hh, ``(3*units,)``. They differ only in the n rows.
        x: dL/dx_t, ``(batch_size, timesteps, features)``, for a layer below; None when
            ``backward`` was called with ``input_gradient=False``.
        h0: dL/dh_0, ``(batch_size, units)``.
        h: the *total* dL/dh_t, ``(batch_size, timesteps, units)``: the loss's direct gradient
            on h_t plus every path through the later steps.
    """

    W_xh: Array
    W_hh: Array
    b_xh: Array
    b_hh: Array
    x: Array | None
    h0: Array
    h: Array


class GRUSlopes(NamedTuple):
    """The local derivatives of every step, as :meth:`GRU.slopes` returns them: time-major,
    ``[t]`` is step t for the whole batch.

    Attributes:
        dan_dh: ``(1 - z_t) (1 - n_t^2)`` ``(timesteps, batch_size, units)``: dan per unit of
            dh_t, through h_t = (1 - z_t) n_t + ... and n_t = tanh(a_n).
        dah_dh: ``(timesteps, batch_size, 3, units)``: dah_t per unit of dh_t, stacked r, z, n:
            ``r_t (1 - r_t) ah_n dan_dh``, ``z_t (1 - z_t) (h_{t-1} - n_t)`` and
            ``r_t dan_dh``, where ``ah_n = W_hn h_{t-1} + b_hn``.
        z: the update gate ``(timesteps, batch_size, units)``: dh_{t-1} per unit of dh_t along
            the path h_t = ... + z_t h_{t-1}.
    """

    dan_dh: Array
    dah_dh: Array
    z: Array


class GRU(Cell):
    """A gated recurrent unit layer with PyTorch's equations and weight layout.

    Args:
        features: the size of each input vector x_t.
        units: the size of the hidden state h_t.
        seed: seeds ``numpy.random.default_rng``; the same seed gives the same weights.
        return_sequences: like Keras, ``__call__`` returns every state
            ``(batch_size, timesteps, units)`` instead of the last one ``(batch_size, units)``.
        return_state: like Keras, ``__call__`` returns ``(output, h_T)``.
        init: how the update-gate bias (in ``b_xh``'s z rows) starts; z keeps the memory as
            the LSTM's forget gate does:

            - ``"chrono"`` (the default; Tallec & Ollivier 2018): ``log(u)``,
              ``u ~ U(1, t_max - 1)`` per unit, so unit k keeps h for about ``u_k`` steps
              (``1 - z`` is the input gate, so it gets the negative for free).
            - ``"constant"``: ``forget_bias`` (default 1) for every unit; z near 0.73 and a
              memory fading like ``0.73**t``. ``forget_bias=0`` is Keras's and PyTorch's
              zero-bias start.
        t_max: the longest memory ``"chrono"`` aims for, in steps (default 200).
        forget_bias: the update-gate bias for ``"constant"``.

    The other weights as Keras initialises them: ``W_xh`` Glorot-uniform over the whole
    ``(3*units, features)`` matrix, ``W_hh`` Keras's ``orthogonal`` (a random matrix with
    orthonormal columns, so each gate's block has singular values near ``1/sqrt(3)``), the
    other biases zero. Build a layer from given
    weights with :meth:`from_weights`.
    """

    gates = 3
    gate_names = "r, z, n"
    trace_type = GRUTrace
    weight_names = ("W_xh", "W_hh", "b_xh", "b_hh")

    def __init__(
        self,
        features: int,
        units: int,
        *,
        seed: int | None = 0,
        return_sequences: bool = False,
        return_state: bool = False,
        init: str = "chrono",
        t_max: float | None = None,
        forget_bias: float | None = None,
    ) -> None:
        features = positive_int("features", features)
        units = positive_int("units", units)
        rng = np.random.default_rng(seed)
        W_xh = glorot_uniform(3 * units, features, rng)
        W_hh = orthonormal_columns(3 * units, units, rng)
        b_xh = np.zeros(3 * units)
        b_xh[units : 2 * units] = memory_bias(init, t_max, forget_bias, units, rng)  # z rows
        self._set(W_xh, W_hh, b_xh, np.zeros(3 * units), return_sequences, return_state)
        self.init = init

    @classmethod
    def from_weights(
        cls,
        W_xh: ArrayLike,
        W_hh: ArrayLike,
        b_xh: ArrayLike,
        b_hh: ArrayLike,
        *,
        return_sequences: bool = False,
        return_state: bool = False,
    ) -> GRU:
        """A layer with the given weights (copied to float64), gates stacked r, z, n:
        ``W_xh`` ``(3*units, features)``, ``W_hh`` ``(3*units, units)``, ``b_xh`` and ``b_hh``
        ``(3*units,)`` (PyTorch's ``bias_ih`` and ``bias_hh``)."""
        gru = cls.__new__(cls)
        gru._set(W_xh, W_hh, b_xh, b_hh, return_sequences, return_state)
        gru.init = "given"
        return gru

    def _set(
        self,
        W_xh: ArrayLike,
        W_hh: ArrayLike,
        b_xh: ArrayLike,
        b_hh: ArrayLike,
        return_sequences: bool,
        return_state: bool,
    ) -> None:
        self.W_xh, self.W_hh = self._check_weights(W_xh, W_hh)
        self.b_xh: Array = self._check_bias("b_xh", b_xh)
        self.b_hh: Array = self._check_bias("b_hh", b_hh)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)

    def __repr__(self) -> str:
        return (
            f"GRU(features={self.features}, units={self.units}, init={self.init!r}, "
            f"return_sequences={self.return_sequences}, return_state={self.return_state})"
        )

    # ------------------------------------------------------------------------------------------
    # Forward pass
    # ------------------------------------------------------------------------------------------

    def forward(self, x: ArrayLike, h0: ArrayLike | None = None) -> GRUTrace:
        """Run the recurrence over every timestep and keep what BPTT needs.

        Args:
            x: ``(batch_size, timesteps, features)``.
            h0: ``(batch_size, units)``, zeros when omitted.
        """
        x = self._check_input(x)
        batch_size, timesteps, _ = x.shape
        h0 = self._check_state("h0", h0, batch_size)
        units, dtype = self.units, self.dtype

        # The input's share of every gate does not depend on the past: one matrix product covers
        # every step. Time-major inside (ax[t] is step t for the whole batch). The r and z rows
        # of the weights are folded as the gate nonlinearity computes them (_GATES.fold).
        W_xh_T, W_hh_T = _GATES.fold(self.W_xh).T, _GATES.fold(self.W_hh).T
        b_xh, b_hh = _GATES.fold(self.b_xh), _GATES.fold(self.b_hh)
        with np.errstate(over="ignore", invalid="ignore"):  # checked once, after the loop
            ax = x.swapaxes(0, 1) @ W_xh_T  # (timesteps, batch_size, 3*units)
            ax += b_xh
            ax = ax.reshape(timesteps, batch_size, 3, units)  # ax_t = W_xh x_t + b_xh: r, z, n
            gates = np.empty((timesteps, batch_size, 3, units), dtype)  # r, z, n
            h = np.empty((timesteps, batch_size, units), dtype)
            ah = np.empty((batch_size, 3 * units), dtype)  # the past's share, one step
            ah3 = ah.reshape(batch_size, 3, units)
            h_prev = h0
            for ax_t, gates_t, h_t in zip(ax, gates, h):
                np.dot(h_prev, W_hh_T, out=ah)
                ah += b_hh  # ah_t = W_hh h_{t-1} + b_hh: r, z, n (folded: -ah_t in r's and z's)
                rz_t = np.add(ax_t[:, :2], ah3[:, :2], out=gates_t[:, :2])
                _GATES(rz_t)  # r_t, z_t = sigmoid(ax_t + ah_t)
                r_t, z_t, n_t = gates_t[:, 0], gates_t[:, 1], gates_t[:, 2]
                np.multiply(r_t, ah3[:, 2], out=n_t)
                n_t += ax_t[:, 2]
                np.tanh(n_t, out=n_t)  # n_t = tanh(W_xn x_t + b_xn + r_t (W_hn h_{t-1} + b_hn))
                np.subtract(h_prev, n_t, out=h_t)
                h_t *= z_t
                h_t += n_t  # h_t = n_t + z_t (h_{t-1} - n_t) = (1 - z_t) n_t + z_t h_{t-1}
                h_prev = h_t
        if not np.isfinite(h).all():  # inputs near 1e308 only
            raise ValueError(f"x or h0 is too large: the gates passed {dtype}'s range")
        gates = gates.swapaxes(0, 1)  # batch-major views
        return GRUTrace(
            x=x, h0=h0, h=h.swapaxes(0, 1), r=gates[:, :, 0], z=gates[:, :, 1], n=gates[:, :, 2]
        )

    def __call__(self, x: ArrayLike, h0: ArrayLike | None = None) -> Any:
        """The layer as Keras's ``GRU`` calls it.

        Returns the last state ``(batch_size, units)``; every state
        ``(batch_size, timesteps, units)`` when ``return_sequences``; and the pair
        ``(output, h_T)`` when ``return_state``.
        """
        trace = self.forward(x, h0)
        return self._keras_outputs(trace, trace.final_state)

    # ------------------------------------------------------------------------------------------
    # Backward pass: backpropagation through time
    # ------------------------------------------------------------------------------------------

    def backward(self, trace: GRUTrace, dh: ArrayLike, *, input_gradient: bool = True) -> GRUGrads:
        """Exact gradients of a loss L by backpropagation through time.

        Args:
            trace: what :meth:`forward` returned for this layer.
            dh: the loss's *direct* gradient on every state, dL/dh_t as if nothing came later:
                ``(batch_size, timesteps, units)``.
            input_gradient: compute dL/dx_t (``grads.x``), which only a layer below needs; it
                costs as much as the input's matrix product in :meth:`forward`. With False,
                ``grads.x`` is None.

        With ``ax_t = W_xh x_t + b_xh`` and ``ah_t = W_hh h_{t-1} + b_hh`` (each stacked r, z,
        n), going backwards from t = T, each step (:meth:`step_back`) applies the chain rule to
        the forward lines::

            dh_t   = dh_t(direct) + z_{t+1} dh_{t+1} + W_hh^T dah_{t+1}   through h_{t+1}
            dz_t   = (h_{t-1} - n_t) dh_t                  h_t = n_t + z_t (h_{t-1} - n_t)
            dn_t   = (1 - z_t) dh_t
            dan    = (1 - n_t^2) dn_t                      n = tanh(ax_n + r (ah_n))
            dr_t   = ah_n dan
            dar    = r (1 - r) dr_t,   daz = z (1 - z) dz_t        r, z = sigmoid(ax + ah)
            dax_t  = [dar, daz, dan]      dah_t = [dar, daz, r_t dan]

        and then, as each weight sits on every step::

            dW_xh = sum_t dax_t x_t^T     db_xh = sum_t dax_t     dx_t = W_xh^T dax_t
            dW_hh = sum_t dah_t h_{t-1}^T     db_hh = sum_t dah_t

        Raises:
            FloatingPointError: when a gradient passes the dtype's range (about 1e308 in
                float64). Their logarithms stay exact: see
                :func:`rnnwidget.diagnostics.log10_gradients`.
        """
        slopes = self.slopes(trace)
        dh = self._check_output_gradient("dh", dh, trace.h.shape, "hidden states")
        batch_size, timesteps, units = trace.h.shape
        dh_total = dh.swapaxes(0, 1).copy()  # the direct gradients, time-major; become totals
        dax = np.empty((timesteps, batch_size, 3, units), self.dtype)  # dar, daz, dan
        dh_back = np.zeros_like(trace.h0)  # what step t+1 passes back; nothing after T
        steps = zip(reversed_steps(slopes), dh_total[::-1], dax[::-1])  # t = T, ..., 1
        with np.errstate(all="ignore"):  # past float64: checked once, at the end
            for slopes_t, dh_t, dax_t in steps:  # views, not copies
                dh_t += dh_back  # dL/dh_t: directly, and through step t+1
                (dh_back,) = self.step_back(slopes_t, (dh_t,), dax_t)

            # The past's side differs from the input's in n's rows only: r_t multiplies ah_n.
            dah = dax.copy()
            dah[:, :, 2] *= trace.r.swapaxes(0, 1)
            # Each weight sits on every step: its gradient sums over time and the batch.
            x = trace.x.swapaxes(0, 1)
            h_prev = np.concatenate([trace.h0[np.newaxis], trace.h.swapaxes(0, 1)[:-1]])
            dax_rows = dax.reshape(timesteps, batch_size, 3 * units)
            dah_rows = dah.reshape(timesteps, batch_size, 3 * units)
            grads = GRUGrads(
                W_xh=summed_outer(dax_rows, x),  # sum_t dax_t x_t^T
                W_hh=summed_outer(dah_rows, h_prev),  # sum_t dah_t h_{t-1}^T
                b_xh=dax_rows.sum(axis=(0, 1)),
                b_hh=dah_rows.sum(axis=(0, 1)),
                x=self.input_gradient(dax).swapaxes(0, 1) if input_gradient else None,
                h0=dh_back,
                h=dh_total.swapaxes(0, 1),
            )
        refuse_non_finite(grads, self.dtype)
        return grads

    def slopes(self, trace: GRUTrace) -> GRUSlopes:
        """Every local derivative the backward loop needs, for all steps at once (time-major)."""
        self._check_trace(trace)
        r, z, n = (a.swapaxes(0, 1) for a in (trace.r, trace.z, trace.n))
        h_prev = np.concatenate([trace.h0[np.newaxis], trace.h.swapaxes(0, 1)[:-1]])
        units = self.units
        ah_n = h_prev @ self.W_hh[2 * units :].T + self.b_hh[2 * units :]  # W_hn h_{t-1} + b_hn
        dan_dh = (1.0 - z) * (1.0 - n**2)  # h_t = (1 - z) n + ...,  n = tanh(a_n)
        dah_dh = np.stack(
            [
                dan_dh * ah_n * r * (1.0 - r),  # a_n = ... + r ah_n,  r = sigmoid(...)
                (h_prev - n) * z * (1.0 - z),  # h_t = n + z (h_{t-1} - n),  z = sigmoid(...)
                dan_dh * r,  # a_n = ... + r ah_n
            ],
            axis=2,
        )
        return GRUSlopes(dan_dh=dan_dh, dah_dh=dah_dh, z=z)

    def step_back(self, slopes: StepSlopes, d: States, dz: Array) -> States:
        """One step of BPTT through step t's equations (see :meth:`backward`)::

            dah_t       = [dar, daz, r_t dan] = dah_dh[t] * dh_t
            dh_{t-1}   += W_hh^T dah_t + z_t dh_t
            dz          = dax_t = [dar, daz, dan]

        Args:
            slopes: ``(dan_dh, dah_dh, z)``, step t's :class:`GRUSlopes`.
            d: ``(dh_t,)``, the total dL/dh_t, ``(batch_size, units)``.
            dz: written: ``dax_t``, ``(batch_size, 3, units)``, the gradient on
                ``W_xh x_t + b_xh`` (r, z, n); ``W_hh h_{t-1} + b_hh`` receives the same but
                ``r_t`` times it in n's rows.

        Returns:
            ``(W_hh^T dah_t + z_t dh_t,)``: what step t passes back to h_{t-1}.
        """
        (dan_dh, dah_dh, z), (dh_t,) = slopes, d
        np.multiply(dh_t[:, np.newaxis], dah_dh, out=dz)  # dar, daz, r dan
        dh_back = np.dot(dz.reshape(len(dz), -1), self.W_hh)  # through ah_t = W_hh h + b_hh
        dh_back += z * dh_t  # through h_t = ... + z_t h_{t-1}
        np.multiply(dh_t, dan_dh, out=dz[:, 2])  # dan: n's row as the input sees it
        return (dh_back,)

    def dz_shape(self, batch_size: int) -> tuple[int, ...]:
        return (batch_size, 3, self.units)

    def input_gradient(self, dz: Array) -> Array:
        """``dx_t = W_xh^T dax_t``: ``(..., 3, units) -> (..., features)``."""
        dx: Array = dz.reshape(*dz.shape[:-2], -1) @ self.W_xh
        return dx
