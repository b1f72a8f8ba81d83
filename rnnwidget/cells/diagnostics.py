"""What a lecture measures on an RNN: how W_hh stretches, how far the gradient carries, how
saturated the units are.

The magnitudes here span hundreds of orders of magnitude (a gradient through 1000 steps of
``w_hh_scale = 3`` reaches 1e400; with a small gain it falls to 1e-500), far past float64, let
alone float32. So the functions that follow a gradient or a Jacobian back through time carry it
as ``10**e * u`` with ``u`` of norm 1 and return base-10 logarithms, which are exact at any
size. Shapes follow :mod:`rnnwidget.cells.elman`: ``(batch_size, timesteps, units)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._checks import finite_array
from .elman import Array, Grads, SimpleRNN, Trace

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


def spectral_radius(W: ArrayLike) -> float:
    """``max |eigenvalue|`` of a square matrix: how much W stretches a vector in the long run.

    For the recurrence h_t = tanh(g W_hh h_{t-1} + ...), repeated products of W_hh grow like
    ``spectral_radius ** t``.
    """
    return float(np.abs(np.linalg.eigvals(np.asarray(W, dtype=np.float64))).max())


def largest_singular_value(W: ArrayLike) -> float:
    """``||W||_2``, the most W can stretch any one vector in one step."""
    return float(np.linalg.norm(np.asarray(W, dtype=np.float64), ord=2))


def gradient_norms(grads: Grads) -> Array:
    """``||dL/dh_t||`` for every step, ``(timesteps,)``: the norm of the total gradient on h_t
    over the whole batch. For magnitudes past float64, use :func:`log10_gradients`."""
    norms: Array = np.sqrt(np.einsum("btu,btu->t", grads.h, grads.h))
    return norms


@dataclass(frozen=True, eq=False)
class LogGradients:
    """The total gradient dL/dh_t, in base-10 logarithms.

    Attributes:
        log10_abs: ``log10 |dL/dh_t|`` for every element, ``(batch_size, timesteps, units)``;
            ``-inf`` where the gradient is exactly zero.
        log10_norm: ``log10 ||dL/dh_t||`` over the batch and units, ``(timesteps,)``.
        x_scaled: the input gradient in the same scaled form, dL/dx_t = ``10**log10_norm[t] *
            x_scaled[:, t]``, ``(batch_size, timesteps, features)``: what a layer below takes as
            ``dh`` (with ``dh_log10_scale=log10_norm``) to continue at any magnitude.
    """

    log10_abs: Array
    log10_norm: Array
    x_scaled: Array


def log10_gradients(
    rnn: SimpleRNN, trace: Trace, dh: ArrayLike, *, dh_log10_scale: ArrayLike | None = None
) -> LogGradients:
    """The same total gradient dL/dh_t as :meth:`SimpleRNN.backward`, in logarithms, at any size.

    The recursion is the backward pass's, ``dh_t = dh_t(direct) + W_hh^T (g tanh'(a_{t+1}) *
    dh_{t+1})``, but the carried gradient is kept as ``10**e_t * u_t`` with ``||u_t|| = 1``:
    every step renormalises ``u`` and adds the log of the norm it took away to ``e``, so neither
    ``u`` nor ``e`` can overflow or underflow however long the sequence.

    Args:
        rnn, trace: the layer and what its forward pass returned.
        dh: the loss's direct gradient on every state, ``(batch_size, timesteps, units)``.
        dh_log10_scale: where the direct gradient is itself too large or small for float64
            (the input gradient of a layer above, :attr:`LogGradients.x_scaled`), the true
            direct gradient at step t is ``10**dh_log10_scale[t] * dh[t]``; ``(timesteps,)``.
    """
    rnn._check_trace(trace)
    dh = finite_array("dh", dh, copy=False)
    if dh.shape != trace.h.shape:
        raise ValueError(f"dh must have shape {trace.h.shape}; got {dh.shape}")
    h = trace.h.swapaxes(0, 1)  # time-major, as in the model
    slope = rnn.saturation * (1.0 - h**2)  # g tanh'(a_t)
    direct = dh.swapaxes(0, 1)
    direct_log10 = _log10_norms(direct)
    if dh_log10_scale is not None:
        direct_log10 = direct_log10 + np.asarray(dh_log10_scale, dtype=np.float64)

    unit = np.zeros_like(h)  # u_t, of norm 1 (or 0 where the gradient is exactly 0)
    exponent = np.full(trace.timesteps, -np.inf)  # e_t = log10 ||dL/dh_t||
    carried = np.zeros_like(trace.h0)  # slope_{t+1} * u_{t+1}: nothing comes after h_T
    e_next = -np.inf
    for t in reversed(range(trace.timesteps)):
        # What h_{t+1} passes back, over 10**e_next: a vector of modest size.
        v = np.dot(carried, rnn.W_hh)
        v_norm = math.sqrt(np.vdot(v, v))
        e_v = e_next + math.log10(v_norm) if v_norm > 0 else -np.inf
        if direct_log10[t] == -np.inf:  # the common case: no loss term on h_t itself
            exponent[t] = e_v
            if v_norm > 0:
                np.divide(v, v_norm, out=unit[t])
        else:
            # 10**e_v v/|v| + 10**e_d d/|d|, with the larger exponent factored out so that
            # both coefficients are at most 1.
            e_d = direct_log10[t]
            top = max(e_v, e_d)
            d = direct[t] / np.abs(direct[t]).max()  # of modest size before it is squared
            total = 10.0 ** (e_d - top) / math.sqrt(np.vdot(d, d)) * d
            if v_norm > 0:
                total += 10.0 ** (e_v - top) / v_norm * v
            total_norm = math.sqrt(np.vdot(total, total))
            if total_norm > 0:  # 0 only if the two parts cancel exactly
                exponent[t] = top + math.log10(total_norm)
                np.divide(total, total_norm, out=unit[t])
        carried = slope[t] * unit[t]
        e_next = exponent[t]

    with np.errstate(divide="ignore"):  # log10(0) = -inf marks an exact zero, as documented
        log10_abs = exponent[:, np.newaxis, np.newaxis] + np.log10(np.abs(unit))
    # dL/dx_t = W_xh^T (g tanh'(a_t) * dL/dh_t) = 10**e_t * (slope_t * u_t) @ W_xh
    x_scaled = (slope * unit) @ rnn.W_xh
    return LogGradients(
        log10_abs=log10_abs.swapaxes(0, 1), log10_norm=exponent, x_scaled=x_scaled.swapaxes(0, 1)
    )


def _log10_norms(values: Array) -> Array:
    """``log10 ||values[t]||`` for every step of a time-major array, without squaring the
    values (which would overflow past 1e154): each step is scaled by its largest entry first.
    ``-inf`` for a step of zeros."""
    largest = np.abs(values).max(axis=(1, 2))
    scale = np.where(largest > 0, largest, 1.0)[:, np.newaxis, np.newaxis]
    scaled = values / scale
    with np.errstate(divide="ignore"):  # a zero step has log -inf: no term at all
        logs: Array = np.log10(largest) + 0.5 * np.log10(np.einsum("tbu,tbu->t", scaled, scaled))
    return logs


def log10_jacobian_norms(rnn: SimpleRNN, trace: Trace) -> Array:
    """``log10 ||dh_T/dh_t||_2`` for t = 1 ... T and every sequence, ``(batch_size, timesteps)``.

    How much step t still matters at the end: the Jacobian is the product of the one-step
    Jacobians ``dh_k/dh_{k-1} = diag(g tanh'(a_k)) W_hh`` for k = t+1 ... T (the identity at
    t = T, so the last entry is 0). Its spectral norm is at most ``(g ||W_hh||_2)**(T - t)``,
    which is why it decays geometrically when ``w_hh_scale < 1`` and the gain is at most 1.
    The product is renormalised every step, so the logarithm is exact at any size.
    """
    rnn._check_trace(trace)
    batch_size, timesteps, units = trace.h.shape
    slope = rnn.saturation * (1.0 - trace.h**2)  # (batch_size, timesteps, units)
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
