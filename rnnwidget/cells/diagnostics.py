"""What a lecture measures on an RNN: how W_hh stretches, how far the gradient carries, how
saturated the units are.

The magnitudes here span hundreds of orders of magnitude (a gradient through 1000 steps of
``w_hh_scale = 3`` reaches 1e400; with a small gain it falls to 1e-500), far past float64, let
alone float32. So the functions that follow a gradient or a Jacobian back through time carry it
as ``10**e * u`` with ``u`` of modest size and return base-10 logarithms, which are exact at any
size: :func:`log10_gradients` (any cell; from :mod:`rnnwidget.cells.log_gradients`) and
:func:`log10_jacobian_norms`. Shapes follow :mod:`rnnwidget.cells.elman`: ``(batch_size,
timesteps, units)``.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from .elman import Array, SimpleRNN, Trace
from .log_gradients import LogGradients, log10_gradients

__all__ = [
    "LogGradients",
    "gradient_norms",
    "jacobian_norms",
    "largest_singular_value",
    "log10_gradients",
    "log10_jacobian_norms",
    "mean_tanh_derivative",
    "saturated_fraction",
    "spectral_radius",
]


class HasTotals(Protocol):
    """Any cell's gradients: :class:`~rnnwidget.cells.elman.Grads`, ``LSTMGrads``,
    ``GRUGrads``."""

    @property
    def h(self) -> Array: ...


def spectral_radius(W: ArrayLike) -> float:
    """``max |eigenvalue|`` of a square matrix: how much W stretches a vector in the long run.

    For the recurrence h_t = tanh(g W_hh h_{t-1} + ...), repeated products of W_hh grow like
    ``spectral_radius ** t``.
    """
    return float(np.abs(np.linalg.eigvals(np.asarray(W, dtype=np.float64))).max())


def largest_singular_value(W: ArrayLike) -> float:
    """``||W||_2``, the most W can stretch any one vector in one step."""
    return float(np.linalg.norm(np.asarray(W, dtype=np.float64), ord=2))


def gradient_norms(grads: HasTotals) -> Array:
    """``||dL/dh_t||`` for every step, ``(timesteps,)``: the norm of the total gradient on h_t
    over the whole batch, from any cell's ``backward``. For magnitudes past float64, use
    :func:`log10_gradients`."""
    norms: Array = np.sqrt(np.einsum("btu,btu->t", grads.h, grads.h))
    return norms


def log10_jacobian_norms(rnn: SimpleRNN, trace: Trace) -> Array:
    """``log10 ||dh_T/dh_t||_2`` for t = 1 ... T and every sequence, ``(batch_size, timesteps)``.

    How much step t still matters at the end: the Jacobian is the product of the one-step
    Jacobians ``dh_k/dh_{k-1} = diag(g tanh'(a_k)) W_hh`` for k = t+1 ... T (the identity at
    t = T, so the last entry is 0). Its spectral norm is at most ``(g ||W_hh||_2)**(T - t)``,
    which is why it decays geometrically when ``w_hh_scale < 1`` and the gain is at most 1.
    The product is renormalised every step, so the logarithm is exact at any size.
    """
    (slopes,) = rnn.slopes(trace)  # g tanh'(a_t), time-major; checks the trace is the layer's
    batch_size, timesteps, units = trace.h.shape
    slope = slopes.swapaxes(0, 1)  # (batch_size, timesteps, units)
    log_norms = np.empty((batch_size, timesteps))
    jacobian = np.broadcast_to(np.eye(units), (batch_size, units, units)).copy()  # dh_T/dh_T
    log_scale = np.zeros(batch_size)  # dh_T/dh_t = 10**log_scale * jacobian
    for t in reversed(range(timesteps)):
        log_norms[:, t] = log_scale + np.log10(np.linalg.norm(jacobian, ord=2, axis=(1, 2)))
        # dh_T/dh_{t-1} = dh_T/dh_t @ diag(slope_t) @ W_hh  (slope_t scales the columns)
        jacobian = (jacobian * slope[:, np.newaxis, t]) @ rnn.W_hh
        size = np.abs(jacobian).max(axis=(1, 2))
        size[size == 0] = 1.0  # an exactly-zero Jacobian stays zero; log10 gives -inf
        jacobian /= size[:, np.newaxis, np.newaxis]
        log_scale += np.log10(size)
    return log_norms


def jacobian_norms(rnn: SimpleRNN, trace: Trace) -> Array:
    """``||dh_T/dh_t||_2`` for t = 1 ... T, ``(batch_size, timesteps)``, as plain numbers.

    Values past float64's range read as ``inf`` (or 0 below about 1e-308); the logarithms from
    :func:`log10_jacobian_norms` are exact at any size.
    """
    log_norms = log10_jacobian_norms(rnn, trace)
    with np.errstate(over="ignore", under="ignore"):
        norms: Array = 10.0**log_norms
    return norms


def saturated_fraction(trace: Trace, threshold: float = 0.99) -> Array:
    """The fraction of units with ``|h_t| > threshold`` at every step, over the batch,
    ``(timesteps,)``. A saturated unit sits on a flat end of tanh, where tanh' ~ 0."""
    fraction: Array = np.mean(np.abs(trace.h) > threshold, axis=(0, 2))
    return fraction


def mean_tanh_derivative(trace: Trace) -> Array:
    """The mean of ``tanh'(a_t) = 1 - h_t^2`` over the batch and units, ``(timesteps,)``: the
    factor (besides g W_hh) by which each step scales the gradient passing through it."""
    slope: Array = np.mean(1.0 - trace.h**2, axis=(0, 2))
    return slope
