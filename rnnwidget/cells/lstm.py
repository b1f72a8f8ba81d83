"""An LSTM in numpy: the forward pass and exact backpropagation through time (BPTT).

PyTorch's equations, gate order and weight layout (one sequence; the code does a whole batch)::

    i_t = sigmoid(z_i)      input gate       how much of the candidate to write
    f_t = sigmoid(z_f)      forget gate      how much of the old cell state to keep
    g_t = tanh(z_g)         candidate        what to write
    o_t = sigmoid(z_o)      output gate      how much of the cell to show
        where [z_i, z_f, z_g, z_o] = W_xh x_t + W_hh h_{t-1} + b
    c_t = f_t * c_{t-1} + i_t * g_t          the cell state: the memory
    h_t = o_t * tanh(c_t)                    the hidden state: the output

for t = 1 ... T from h_0 and c_0 (zeros unless given). The cell state's path
``c_{t-1} -> c_t`` is multiplied by ``f_t`` only, no weight matrix and no squashing: while the
forget gate stays open, memory and gradient both pass through many steps.

Shapes (Keras's order for sequences, PyTorch's for weights)::

    x               (batch_size, timesteps, features)
    h, c, i, f, g, o (batch_size, timesteps, units)
    h0, c0          (batch_size, units)
    W_xh            (4*units, features)      gates stacked i, f, g, o
    W_hh            (4*units, units)
    b               (4*units,)               PyTorch's bias_ih + bias_hh
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

__all__ = ["LSTM", "LSTMGrads", "LSTMSlopes", "LSTMTrace"]

#: i, f, o = sigmoid(z_i, z_f, z_o) and g = tanh(z_g), in the weights' order i, f, g, o.
_GATES = GateNonlinearity("sigmoid", "sigmoid", "tanh", "sigmoid")


@dataclass(frozen=True, eq=False)
class LSTMTrace(TraceShape):
    """Everything the forward pass computed, kept for the backward pass and for plots.

    Attributes:
        x: the input, ``(batch_size, timesteps, features)``.
        h0, c0: the initial states, ``(batch_size, units)``.
        h, c: the hidden and cell states, ``(batch_size, timesteps, units)``.
        i, f, g, o: the gates at every step, ``(batch_size, timesteps, units)``: input, forget
            and output gates in (0, 1), the candidate g in (-1, 1).
        tanh_c: ``tanh(c_t)`` ``(batch_size, timesteps, units)``, kept for the backward pass.
    """

    x: Array
    h0: Array
    c0: Array
    h: Array
    c: Array
    i: Array
    f: Array
    g: Array
    o: Array
    tanh_c: Array

    @property
    def final_cell(self) -> Array:
        """``c_T``, the cell state after the last step: ``(batch_size, units)``."""
        return self.c[:, -1]


@dataclass(frozen=True, eq=False)
class LSTMGrads:
    """Gradients of a scalar loss L, as returned by :meth:`LSTM.backward`.

    Attributes:
        W_xh, W_hh, b: dL/dW_xh ``(4*units, features)``, dL/dW_hh ``(4*units, units)``,
            dL/db ``(4*units,)``, summed over the batch and over time.
        x: dL/dx_t, ``(batch_size, timesteps, features)``, for a layer below; None when
            ``backward`` was called with ``input_gradient=False``.
        h0, c0: dL/dh_0 and dL/dc_0, ``(batch_size, units)``.
        h: the *total* dL/dh_t, ``(batch_size, timesteps, units)``: the loss's direct gradient
            on h_t plus every path through the later steps.
        c: the total dL/dc_t, ``(batch_size, timesteps, units)``: through h_t and through every
            later cell state. Along the cell-state path it shrinks only by the forget gates,
            ``dL/dc_{t-1} = f_t dL/dc_t + ...``.
    """

    W_xh: Array
    W_hh: Array
    b: Array
    x: Array | None
    h0: Array
    c0: Array
    h: Array
    c: Array


class LSTMSlopes(NamedTuple):
    """The local derivatives of every step, as :meth:`LSTM.slopes` returns them: time-major,
    ``[t]`` is step t for the whole batch.

    Attributes:
        dc_dh: ``o_t tanh'(c_t)`` ``(timesteps, batch_size, units)``: dc_t per unit of dh_t,
            through h_t = o_t tanh(c_t).
        dz_dc: ``(timesteps, batch_size, 3, units)``: dz_i, dz_f, dz_g per unit of dc_t, through
            c_t = f_t c_{t-1} + i_t g_t: ``g_t i_t (1 - i_t)``, ``c_{t-1} f_t (1 - f_t)`` and
            ``i_t (1 - g_t^2)``.
        dz_dh: ``tanh(c_t) o_t (1 - o_t)`` ``(timesteps, batch_size, units)``: dz_o per unit of
            dh_t.
        f: the forget gate ``(timesteps, batch_size, units)``: dc_{t-1} per unit of dc_t.
    """

    dc_dh: Array
    dz_dc: Array
    dz_dh: Array
    f: Array


class LSTM(Cell):
    """A long short-term memory layer with PyTorch's equations and weight layout.

    Args:
        features: the size of each input vector x_t.
        units: the size of the hidden state h_t and of the cell state c_t.
        seed: seeds ``numpy.random.default_rng``; the same seed gives the same weights.
        return_sequences: like Keras, ``__call__`` returns every state
            ``(batch_size, timesteps, units)`` instead of the last one ``(batch_size, units)``.
        return_state: like Keras, ``__call__`` returns ``(output, h_T, c_T)``.
        init: how the forget-gate bias starts, the lesson of this cell:

            - ``"chrono"`` (the default; Tallec & Ollivier 2018): forget-gate bias
              ``log(u)``, ``u ~ U(1, t_max - 1)`` per unit, input-gate bias its negative. Unit k
              keeps its memory for about ``u_k`` steps, so an untrained LSTM already remembers
              up to ``t_max`` steps back, and learns recall at lag 100.
            - ``"constant"``: forget-gate bias ``forget_bias`` (default 1, Keras's
              ``unit_forget_bias``), input-gate bias 0. The forget gate sits near
              ``sigmoid(1) = 0.73``, the memory fades like ``0.73**t``, and at lag 100 the LSTM
              fails recall like the Elman cell.
        t_max: the longest memory ``"chrono"`` aims for, in steps (default 200).
        forget_bias: the forget-gate bias for ``"constant"``.

    The other weights as Keras initialises them: ``W_xh`` Glorot-uniform over the whole
    ``(4*units, features)`` matrix, ``W_hh`` Keras's ``orthogonal`` (a random matrix with
    orthonormal columns, so each gate's block has singular values near ``1/sqrt(4)``), the
    other biases zero. Build a layer from given
    weights (a trained PyTorch or Keras layer's: see :mod:`rnnwidget.cells.loaders`) with
    :meth:`from_weights`.
    """

    gates = 4
    gate_names = "i, f, g, o"
    trace_type = LSTMTrace

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
        W_xh = glorot_uniform(4 * units, features, rng)
        W_hh = orthonormal_columns(4 * units, units, rng)
        b = np.zeros(4 * units)
        b_f = memory_bias(init, t_max, forget_bias, units, rng)
        b[units : 2 * units] = b_f  # forget gate
        if init == "chrono":
            b[:units] = -b_f  # input gate: writes little where the unit keeps long memory
        self._set(W_xh, W_hh, b, return_sequences, return_state)
        self.init = init

    @classmethod
    def from_weights(
        cls,
        W_xh: ArrayLike,
        W_hh: ArrayLike,
        b: ArrayLike,
        *,
        return_sequences: bool = False,
        return_state: bool = False,
    ) -> LSTM:
        """A layer with the given weights (copied to float64), gates stacked i, f, g, o:
        ``W_xh`` ``(4*units, features)``, ``W_hh`` ``(4*units, units)``, ``b`` ``(4*units,)``
        (for PyTorch, ``bias_ih + bias_hh``)."""
        lstm = cls.__new__(cls)
        lstm._set(W_xh, W_hh, b, return_sequences, return_state)
        lstm.init = "given"
        return lstm

    def _set(
        self,
        W_xh: ArrayLike,
        W_hh: ArrayLike,
        b: ArrayLike,
        return_sequences: bool,
        return_state: bool,
    ) -> None:
        self.W_xh, self.W_hh = self._check_weights(W_xh, W_hh)
        self.b: Array = self._check_bias("b", b)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)

    def __repr__(self) -> str:
        return (
            f"LSTM(features={self.features}, units={self.units}, init={self.init!r}, "
            f"return_sequences={self.return_sequences}, return_state={self.return_state})"
        )

    # ------------------------------------------------------------------------------------------
    # Forward pass
    # ------------------------------------------------------------------------------------------

    def forward(
        self, x: ArrayLike, h0: ArrayLike | None = None, c0: ArrayLike | None = None
    ) -> LSTMTrace:
        """Run the recurrence over every timestep and keep what BPTT needs.

        Args:
            x: ``(batch_size, timesteps, features)``.
            h0, c0: ``(batch_size, units)``, zeros when omitted.
        """
        x = self._check_input(x)
        batch_size, timesteps, _ = x.shape
        h0 = self._check_state("h0", h0, batch_size)
        c0 = self._check_state("c0", c0, batch_size)
        units, dtype = self.units, self.dtype

        # The input's share of every gate does not depend on the past: one matrix product covers
        # every step. Time-major inside (gates[t] is step t for the whole batch), so each step
        # reads one contiguous block; the pre-activations turn into gate values in place, and
        # every other result is written into arrays allocated once (no temporaries per step).
        # The weights are folded as the gate nonlinearity computes them (_GATES.fold).
        W_xh_T, W_hh_T, b = _GATES.fold(self.W_xh).T, _GATES.fold(self.W_hh).T, _GATES.fold(self.b)
        with np.errstate(over="ignore", invalid="ignore"):  # checked once, after the loop
            z = x.swapaxes(0, 1) @ W_xh_T  # (timesteps, batch_size, 4*units)
            z += b
            gates = z.reshape(timesteps, batch_size, 4, units)  # i, f, g, o: the same memory
            h = np.empty((timesteps, batch_size, units), dtype)
            c, tanh_c, written = np.empty_like(h), np.empty_like(h), np.empty_like(h0)
            h_prev, c_prev = h0, c0
            for z_t, gates_t, h_t, c_t, tanh_c_t in zip(z, gates, h, c, tanh_c):
                z_t += np.dot(h_prev, W_hh_T)  # z_t = W_xh x_t + W_hh h_{t-1} + b
                # (folded: -z_t, and -2 z_t in g's rows)
                _GATES(gates_t)  # i, f, o = sigmoid(z_i, z_f, z_o); g = tanh(z_g)
                i_t, f_t, g_t, o_t = gates_t[:, 0], gates_t[:, 1], gates_t[:, 2], gates_t[:, 3]
                np.multiply(f_t, c_prev, out=c_t)
                c_t += np.multiply(i_t, g_t, out=written)  # c_t = f_t c_{t-1} + i_t g_t
                np.tanh(c_t, out=tanh_c_t)
                np.multiply(o_t, tanh_c_t, out=h_t)  # h_t = o_t tanh(c_t)
                h_prev, c_prev = h_t, c_t
        if not (np.isfinite(h).all() and np.isfinite(c).all()):  # inputs near the limit only
            raise ValueError(f"x, h0 or c0 is too large: the gates passed {dtype}'s range")
        gates = gates.swapaxes(0, 1)  # batch-major views
        return LSTMTrace(
            x=x,
            h0=h0,
            c0=c0,
            h=h.swapaxes(0, 1),
            c=c.swapaxes(0, 1),
            i=gates[:, :, 0],
            f=gates[:, :, 1],
            g=gates[:, :, 2],
            o=gates[:, :, 3],
            tanh_c=tanh_c.swapaxes(0, 1),
        )

    def __call__(
        self, x: ArrayLike, h0: ArrayLike | None = None, c0: ArrayLike | None = None
    ) -> Any:
        """The layer as Keras's ``LSTM`` calls it.

        Returns the last state ``(batch_size, units)``; every state
        ``(batch_size, timesteps, units)`` when ``return_sequences``; and the triple
        ``(output, h_T, c_T)`` when ``return_state``.
        """
        trace = self.forward(x, h0, c0)
        return self._keras_outputs(trace, trace.final_state, trace.final_cell)

    # ------------------------------------------------------------------------------------------
    # Backward pass: backpropagation through time
    # ------------------------------------------------------------------------------------------

    def backward(
        self,
        trace: LSTMTrace,
        dh: ArrayLike,
        dc: ArrayLike | None = None,
        *,
        input_gradient: bool = True,
    ) -> LSTMGrads:
        """Exact gradients of a loss L by backpropagation through time.

        Args:
            trace: what :meth:`forward` returned for this layer.
            dh: the loss's *direct* gradient on every hidden state, dL/dh_t as if nothing came
                later: ``(batch_size, timesteps, units)``.
            dc: the same on every cell state (zeros when omitted): a loss, or a layer's own
                ``c_T`` carried on, can read the cell state.
            input_gradient: compute dL/dx_t (``grads.x``), which only a layer below needs; it
                costs as much as the input's matrix product in :meth:`forward`. With False,
                ``grads.x`` is None.

        Going backwards from t = T, each step (:meth:`step_back`) applies the chain rule to the
        forward lines::

            dh_t  = dh_t(direct) + W_hh^T dz_{t+1}                    through h_{t+1}'s gates
            dc_t  = dc_t(direct) + f_{t+1} dc_{t+1}                   through c_{t+1}
                    + o_t tanh'(c_t) dh_t                             through h_t = o tanh(c_t)
            dz_o  = tanh(c_t) dh_t * o_t (1 - o_t)                    o = sigmoid(z_o)
            dz_i  = g_t dc_t * i_t (1 - i_t)                          c_t = f c_{t-1} + i g
            dz_f  = c_{t-1} dc_t * f_t (1 - f_t)
            dz_g  = i_t dc_t * (1 - g_t^2)                            g = tanh(z_g)

        and then, because z_t = W_xh x_t + W_hh h_{t-1} + b::

            dW_hh = sum_t dz_t h_{t-1}^T     dW_xh = sum_t dz_t x_t^T     db = sum_t dz_t
            dx_t  = W_xh^T dz_t              dh_0 = W_hh^T dz_1           dc_0 = f_1 dc_1

        Raises:
            FloatingPointError: when a gradient passes the dtype's range (about 1e308 in
                float64). Their logarithms stay exact: see
                :func:`rnnwidget.diagnostics.log10_gradients`.
        """
        slopes = self.slopes(trace)
        dh = self._check_output_gradient("dh", dh, trace.h.shape, "hidden states")
        if dc is not None:
            dc = self._check_output_gradient("dc", dc, trace.c.shape, "cell states")
        batch_size, timesteps, units = trace.h.shape
        dh_total = dh.swapaxes(0, 1).copy()  # the direct gradients, time-major; become totals
        dc_total = (
            np.zeros((timesteps, batch_size, units), self.dtype)  # no direct gradient on c_t
            if dc is None
            else dc.swapaxes(0, 1).copy()
        )
        dz = np.empty((timesteps, batch_size, 4, units), self.dtype)  # dL/dz_t: i, f, g, o
        dh_back = np.zeros_like(trace.h0)  # what step t+1 passes back; nothing after T
        dc_back = np.zeros_like(trace.c0)
        steps = zip(reversed_steps(slopes), dh_total[::-1], dc_total[::-1], dz[::-1])
        with np.errstate(all="ignore"):  # past float64: checked once, at the end
            for slopes_t, dh_t, dc_t, dz_t in steps:  # t = T, ..., 1; views, not copies
                dh_t += dh_back  # dL/dh_t: directly, and through step t+1's gates
                dc_t += dc_back  # dL/dc_t: directly, and through c_{t+1}; step_back adds h_t's
                dh_back, dc_back = self.step_back(slopes_t, (dh_t, dc_t), dz_t)

            # Each weight sits on every step: its gradient sums over time and the batch.
            x = trace.x.swapaxes(0, 1)
            h_prev = np.concatenate([trace.h0[np.newaxis], trace.h.swapaxes(0, 1)[:-1]])
            dz_rows = dz.reshape(timesteps, batch_size, 4 * units)
            grads = LSTMGrads(
                W_xh=summed_outer(dz_rows, x),  # sum_t dz_t x_t^T
                W_hh=summed_outer(dz_rows, h_prev),  # sum_t dz_t h_{t-1}^T
                b=dz_rows.sum(axis=(0, 1)),  # sum_t dz_t
                x=self.input_gradient(dz).swapaxes(0, 1) if input_gradient else None,
                h0=dh_back,  # W_hh^T dz_1
                c0=dc_back,  # f_1 dc_1
                h=dh_total.swapaxes(0, 1),
                c=dc_total.swapaxes(0, 1),
            )
        refuse_non_finite(grads, self.dtype)
        return grads

    def slopes(self, trace: LSTMTrace) -> LSTMSlopes:
        """Every local derivative the backward loop needs, for all steps at once (time-major).

        In place, through one scratch array: each temporary the size of the sequence costs
        more in the allocator (fresh pages) than the arithmetic on it."""
        self._check_trace(trace)
        i, f, g, o = (a.swapaxes(0, 1) for a in (trace.i, trace.f, trace.g, trace.o))
        c, tanh_c = trace.c.swapaxes(0, 1), trace.tanh_c.swapaxes(0, 1)
        dz_dc = np.empty((*c.shape[:2], 3, c.shape[2]), c.dtype)
        scratch = np.empty_like(c)
        # c_t = f c_{t-1} + i g with i, f = sigmoid(z_i, z_f) and g = tanh(z_g)
        np.multiply(g, _sigmoid_slope(i, out=scratch), out=dz_dc[:, :, 0])  # g i (1 - i)
        slope_f = _sigmoid_slope(f, out=scratch)
        np.multiply(trace.c0, slope_f[0], out=dz_dc[0, :, 1])  # c_{t-1} for t = 1 is c_0
        np.multiply(c[:-1], slope_f[1:], out=dz_dc[1:, :, 1])  # c_{t-1} f (1 - f)
        tanh_slope = np.multiply(g, g, out=scratch)
        np.subtract(1.0, tanh_slope, out=tanh_slope)
        np.multiply(i, tanh_slope, out=dz_dc[:, :, 2])  # i (1 - g^2)
        # h_t = o tanh(c_t),  o = sigmoid(z_o)
        dc_dh = np.multiply(tanh_c, tanh_c)
        np.subtract(1.0, dc_dh, out=dc_dh)
        dc_dh *= o  # o (1 - tanh(c_t)^2)
        dz_dh = _sigmoid_slope(o)
        dz_dh *= tanh_c  # tanh(c_t) o (1 - o)
        return LSTMSlopes(dc_dh=dc_dh, dz_dc=dz_dc, dz_dh=dz_dh, f=f)

    def step_back(self, slopes: StepSlopes, d: States, dz: Array) -> States:
        """One step of BPTT through step t's equations::

            dc_t       += o_t tanh'(c_t) dh_t            through h_t = o_t tanh(c_t)
            dz_i        = g_t i_t (1 - i_t) dc_t         through c_t = f_t c_{t-1} + i_t g_t
            dz_f        = c_{t-1} f_t (1 - f_t) dc_t
            dz_g        = i_t (1 - g_t^2) dc_t
            dz_o        = tanh(c_t) o_t (1 - o_t) dh_t
            dh_{t-1}   += W_hh^T dz_t                    z_t = W_xh x_t + W_hh h_{t-1} + b
            dc_{t-1}   += f_t dc_t

        Args:
            slopes: ``(dc_dh, dz_dc, dz_dh, f)``, step t's :class:`LSTMSlopes`.
            d: ``(dh_t, dc_t)``, ``(batch_size, units)`` each: the total dL/dh_t, and dL/dc_t
                directly and through c_{t+1}. The step adds the path through h_t to ``dc_t``,
                in place: afterwards it holds the total dL/dc_t.
            dz: written: dL/dz_t, ``(batch_size, 4, units)``, gates i, f, g, o.

        Returns:
            ``(W_hh^T dz_t, f_t dc_t)``: what step t passes back to h_{t-1} and c_{t-1}.
        """
        (dc_dh, dz_dc, dz_dh, f), (dh_t, dc_t) = slopes, d
        dc_t += dh_t * dc_dh  # through h_t = o_t tanh(c_t)
        np.multiply(dc_t[:, np.newaxis], dz_dc, out=dz[:, :3])  # dz_i, dz_f, dz_g
        np.multiply(dh_t, dz_dh, out=dz[:, 3])  # dz_o
        dh_back = np.dot(dz.reshape(len(dz), -1), self.W_hh)  # W_hh^T dz_t, for rows
        return dh_back, dc_t * f  # c_t = f_t c_{t-1} + ...

    def dz_shape(self, batch_size: int) -> tuple[int, ...]:
        return (batch_size, 4, self.units)

    def input_gradient(self, dz: Array) -> Array:
        """``dx_t = W_xh^T dz_t``: ``(..., 4, units) -> (..., features)``."""
        dx: Array = dz.reshape(*dz.shape[:-2], -1) @ self.W_xh
        return dx


def _sigmoid_slope(s: Array, out: Array | None = None) -> Array:
    """``sigmoid'(z) = s (1 - s)`` from ``s = sigmoid(z)``, into ``out`` when given."""
    slope = np.subtract(1.0, s, out=out)
    slope *= s
    return slope
