"""An Elman RNN in numpy: the forward pass and exact backpropagation through time (BPTT).

The recurrence, in the lecture's notation (one sequence; the code does a whole batch at once)::

    z_t = W_hh h_{t-1} + W_xh x_t + b          the memory and the new input, mixed
    a_t = g * z_t                              g is the tanh gain, ``saturation``
    h_t = tanh(a_t)                            the new hidden state, squashed into (-1, 1)

for t = 1 ... T, starting from h_0 (zeros unless given).

Shapes, always in this order (Keras's convention for sequences)::

    x            (batch_size, timesteps, features)
    a, h         (batch_size, timesteps, units)
    h0           (batch_size, units)
    W_xh         (units, features)          PyTorch's orientation: W @ column vector
    W_hh         (units, units)
    b            (units,)

The code stores one sequence per row, so the column-vector product ``W @ h`` is written
``h @ W.T`` on a ``(batch_size, units)`` block of rows. Python's index ``t = 0`` is the lecture's
t = 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from .._checks import finite_float, positive_int
from ._base import (
    Array,
    Cell,
    States,
    StepSlopes,
    TraceShape,
    glorot_uniform,
    random_orthogonal,
    refuse_non_finite,
    reversed_steps,
    summed_outer,
)

__all__ = ["Array", "Grads", "SimpleRNN", "Slopes", "Trace", "random_orthogonal"]


@dataclass(frozen=True, eq=False)
class Trace(TraceShape):
    """Everything the forward pass computed, kept for the backward pass and for plots.

    Attributes:
        x: the input, ``(batch_size, timesteps, features)``.
        h0: the initial state, ``(batch_size, units)``.
        a: the pre-activations ``a_t = g (W_hh h_{t-1} + W_xh x_t + b)``, gain included,
            ``(batch_size, timesteps, units)``.
        h: the hidden states ``h_t = tanh(a_t)``, ``(batch_size, timesteps, units)``.
    """

    x: Array
    h0: Array
    a: Array
    h: Array


@dataclass(frozen=True, eq=False)
class Grads:
    """Gradients of a scalar loss L, as returned by :meth:`SimpleRNN.backward`.

    Attributes:
        W_xh, W_hh, b: dL/dW_xh ``(units, features)``, dL/dW_hh ``(units, units)``,
            dL/db ``(units,)``, summed over the batch and over time.
        x: dL/dx_t, ``(batch_size, timesteps, features)``; a layer below this one continues
            backpropagation from here (``rnn1.backward(trace1, grads2.x)``). None when
            ``backward`` was called with ``input_gradient=False``.
        h0: dL/dh_0, ``(batch_size, units)``.
        h: the *total* dL/dh_t, ``(batch_size, timesteps, units)``: the loss's direct gradient on
            h_t plus every path through the later steps. Its norm against t is the picture of
            vanishing and exploding gradients.
    """

    W_xh: Array
    W_hh: Array
    b: Array
    x: Array | None
    h0: Array
    h: Array


class Slopes(NamedTuple):
    """The local derivatives of every step, as :meth:`SimpleRNN.slopes` returns them.

    Attributes:
        dz_dh: ``g tanh'(a_t) = g (1 - h_t^2)``, time-major ``(timesteps, batch_size, units)``:
            dz_t per unit of dh_t.
    """

    dz_dh: Array


class SimpleRNN(Cell):
    """An Elman recurrent layer, ``h_t = tanh(g (W_hh h_{t-1} + W_xh x_t + b))``.

    Args:
        features: the size of each input vector x_t.
        units: the size of the hidden state h_t.
        w_hh_scale: W_hh is a random orthogonal matrix times this number, so its spectral
            radius and every one of its singular values equal ``w_hh_scale`` exactly: below 1
            the memory (and the gradient) fades geometrically, above 1 it can grow.
        saturation: the tanh gain g. Above 1 it pushes the units into the flat ends of tanh,
            where tanh' is near 0 and gradients die whatever W_hh does.
        seed: seeds ``numpy.random.default_rng``; the same seed gives the same weights.
        return_sequences: like Keras, ``__call__`` returns every state
            ``(batch_size, timesteps, units)`` instead of the last one ``(batch_size, units)``.
        return_state: like Keras, ``__call__`` returns ``(output, final_state)``.

    ``W_xh`` is Glorot-uniform, ``b`` is zero. Build a layer from given weights with
    :meth:`from_weights`.
    """

    trace_type = Trace

    def __init__(
        self,
        features: int,
        units: int,
        *,
        w_hh_scale: float = 1.0,
        saturation: float = 1.0,
        seed: int | None = 0,
        return_sequences: bool = False,
        return_state: bool = False,
    ) -> None:
        features = positive_int("features", features)
        units = positive_int("units", units)
        w_hh_scale = finite_float("w_hh_scale", w_hh_scale, low=0.0)
        rng = np.random.default_rng(seed)
        W_xh = glorot_uniform(units, features, rng)
        W_hh = w_hh_scale * random_orthogonal(units, rng)
        self._set(W_xh, W_hh, np.zeros(units), saturation, return_sequences, return_state)

    @classmethod
    def from_weights(
        cls,
        W_xh: ArrayLike,
        W_hh: ArrayLike,
        b: ArrayLike,
        *,
        saturation: float = 1.0,
        return_sequences: bool = False,
        return_state: bool = False,
    ) -> SimpleRNN:
        """A layer with the given weights (copied to float64): ``W_xh`` ``(units, features)``,
        ``W_hh`` ``(units, units)``, ``b`` ``(units,)``."""
        rnn = cls.__new__(cls)
        rnn._set(W_xh, W_hh, b, saturation, return_sequences, return_state)
        return rnn

    def _set(
        self,
        W_xh: ArrayLike,
        W_hh: ArrayLike,
        b: ArrayLike,
        saturation: float,
        return_sequences: bool,
        return_state: bool,
    ) -> None:
        W_xh, W_hh = self._check_weights(W_xh, W_hh)
        self.W_xh = W_xh
        self.W_hh = W_hh
        b = self._check_bias("b", b)
        self.b: Array = b
        self.saturation: float = finite_float("saturation", saturation, low=0.0, open_low=True)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)

    def __repr__(self) -> str:
        return (
            f"SimpleRNN(features={self.features}, units={self.units}, "
            f"saturation={self.saturation:g}, return_sequences={self.return_sequences}, "
            f"return_state={self.return_state})"
        )

    # ------------------------------------------------------------------------------------------
    # Forward pass
    # ------------------------------------------------------------------------------------------

    def forward(self, x: ArrayLike, h0: ArrayLike | None = None) -> Trace:
        """Run the recurrence over every timestep and keep what BPTT needs.

        ``a_t = g (W_hh h_{t-1} + W_xh x_t + b)``, ``h_t = tanh(a_t)`` for t = 1 ... T.

        Args:
            x: ``(batch_size, timesteps, features)``.
            h0: ``(batch_size, units)``, zeros when omitted.
        """
        x = self._check_input(x)
        h0 = self._check_state("h0", h0, batch_size=x.shape[0])
        g = self.saturation

        # The input's share of a_t does not depend on the past, so one matrix product covers
        # every step; the loop below only adds the recurrent term. Arrays are time-major inside
        # (a[t] is step t for the whole batch) so that each step reads one contiguous block.
        gW_hh_T = g * self.W_hh.T
        with np.errstate(over="ignore", invalid="ignore"):  # checked once, after the loop
            a = x.swapaxes(0, 1) @ (g * self.W_xh.T)  # (timesteps, batch_size, units)
            a += g * self.b  # in place: fewer large temporaries, less time in the allocator
            h = np.empty_like(a)
            h_prev = h0
            for a_t, h_t in zip(a, h):
                # np.dot: for one small product per step it costs less than @ (measured)
                a_t += np.dot(h_prev, gW_hh_T)  # a_t = g W_xh x_t + g b + g W_hh h_{t-1}
                h_prev = np.tanh(a_t, out=h_t)  # h_t = tanh(a_t)
        if not np.isfinite(a).all():  # only inputs near float64's limit (1e308) get here
            raise ValueError("x or h0 is too large: a_t passed float64's range (about 1e308)")
        a, h = a.swapaxes(0, 1), h.swapaxes(0, 1)  # back to (batch_size, timesteps, units)
        return Trace(x=x, h0=h0, a=a, h=h)

    def __call__(self, x: ArrayLike, h0: ArrayLike | None = None) -> Any:
        """The layer as Keras's ``SimpleRNN`` calls it.

        Returns the last state ``(batch_size, units)``; every state
        ``(batch_size, timesteps, units)`` when ``return_sequences``; and the pair
        ``(output, final_state)`` when ``return_state``.
        """
        trace = self.forward(x, h0)
        return self._keras_outputs(trace, trace.final_state)

    # ------------------------------------------------------------------------------------------
    # Backward pass: backpropagation through time
    # ------------------------------------------------------------------------------------------

    def backward(self, trace: Trace, dh: ArrayLike, *, input_gradient: bool = True) -> Grads:
        """Exact gradients of a loss L by backpropagation through time.

        Args:
            trace: what :meth:`forward` returned for this layer.
            dh: the loss's *direct* gradient on every output state, dL/dh_t as if nothing
                came later: ``(batch_size, timesteps, units)``. For a loss on the last state
                only, every step but the last is zero.
            input_gradient: compute dL/dx_t (``grads.x``), which only a layer below needs; it
                costs as much as the input's matrix product in :meth:`forward`. With False,
                ``grads.x`` is None.

        Going backwards from t = T, each step (:meth:`step_back`) applies the chain rule to one
        line of the forward pass::

            dh_t  = dh_t(direct) + W_hh^T dz_{t+1}      h_t reaches L directly and through h_{t+1}
            dz_t  = g tanh'(a_t) * dh_t                 through h_t = tanh(a_t), a_t = g z_t
                    (tanh'(a_t) = 1 - h_t^2)

        and then, because z_t = W_hh h_{t-1} + W_xh x_t + b::

            dW_hh = sum_t dz_t h_{t-1}^T     dW_xh = sum_t dz_t x_t^T     db = sum_t dz_t
            dx_t  = W_xh^T dz_t              dh_0  = W_hh^T dz_1

        Raises:
            FloatingPointError: when a gradient passes the dtype's range (about 1e308 in
                float64), which happens for large ``w_hh_scale`` over long sequences. Their
                logarithms stay exact: see :func:`rnnwidget.diagnostics.log10_gradients`.
        """
        slopes = self.slopes(trace)  # a fresh array, this pass's own
        dh = self._check_output_gradient("dh", dh, trace.h.shape, "hidden states")  # copied below
        # Time-major inside, like forward(): h[t] is step t for the whole batch.
        x, h, h0 = trace.x.swapaxes(0, 1), trace.h.swapaxes(0, 1), trace.h0
        dh_total = dh.swapaxes(0, 1).copy()  # starts as the direct gradient, becomes the total
        dh_back = np.zeros_like(h0)  # what h_{t+1} passes back to h_t; nothing into h_T
        step_back = self.step_back
        # Past float64's range the numbers turn into inf and NaN, which numpy's matrix product
        # does not report: compute quietly, then check the results once at the end.
        steps = zip(reversed_steps(slopes), dh_total[::-1])  # t = T, T-1, ..., 1; views
        with np.errstate(all="ignore"):
            for slopes_t, dh_t in steps:
                dh_t += dh_back  # dL/dh_t: directly, and through h_{t+1}
                # dz_t over step t's own slope, which the step reads first: one array where
                # two would double the memory the loop walks through (measured: 5-15%).
                (dh_back,) = step_back(slopes_t, (dh_t,), slopes_t[0])
            dz = slopes.dz_dh  # now dL/dz_t for every step

            # Each weight sits on every step, so its gradient sums over time and the batch:
            # one matrix product each, outside the loop.
            h_prev = np.concatenate([h0[np.newaxis], h[:-1]])  # h_{t-1} for t = 1 ... T
            grads = Grads(
                W_xh=summed_outer(dz, x),  # sum_t dz_t x_t^T
                W_hh=summed_outer(dz, h_prev),  # sum_t dz_t h_{t-1}^T
                b=dz.sum(axis=(0, 1)),  # sum_t dz_t
                x=self.input_gradient(dz).swapaxes(0, 1) if input_gradient else None,
                h0=dh_back,  # dh_0 = W_hh^T dz_1
                h=dh_total.swapaxes(0, 1),
            )
        refuse_non_finite(grads, self.dtype)
        return grads

    def slopes(self, trace: Trace) -> Slopes:
        """The local slope of every step, ``g tanh'(a_t) = g (1 - h_t^2)``, time-major."""
        self._check_trace(trace)
        h = trace.h.swapaxes(0, 1)
        slope = np.square(h, out=np.empty(h.shape, h.dtype))  # time-major in memory too
        np.subtract(1.0, slope, out=slope)  # in place from here: one array, not three
        slope *= self.saturation
        return Slopes(dz_dh=slope)

    def step_back(self, slopes: StepSlopes, d: States, dz: Array) -> States:
        """One step of BPTT through ``h_t = tanh(g z_t)``, ``z_t = W_hh h_{t-1} + W_xh x_t + b``::

            dz_t        = g tanh'(a_t) * dh_t           into dz     (batch_size, units)
            dh_{t-1}   += W_hh^T dz_t                   returned    (batch_size, units)

        Args:
            slopes: ``(g tanh'(a_t),)``, step t's :class:`Slopes`.
            d: ``(dh_t,)``, the total dL/dh_t, ``(batch_size, units)``.
            dz: written: dL/dz_t, ``(batch_size, units)``.

        Returns:
            ``(W_hh^T dz_t,)``: what step t passes back to h_{t-1}.
        """
        (dz_dh,), (dh_t,) = slopes, d
        np.multiply(dz_dh, dh_t, dz)  # dz_t = g tanh'(a_t) dh_t: through tanh and the gain
        return (np.dot(dz, self.W_hh),)  # np.dot: W_hh^T dz_t for a block of rows

    def dz_shape(self, batch_size: int) -> tuple[int, ...]:
        return (batch_size, self.units)

    def input_gradient(self, dz: Array) -> Array:
        """``dx_t = W_xh^T dz_t``: ``(..., units) -> (..., features)``."""
        dx: Array = dz @ self.W_xh
        return dx
