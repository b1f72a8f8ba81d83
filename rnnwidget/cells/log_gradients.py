"""The total gradients of any cell in base-10 logarithms, exact at any magnitude: the one
recursion behind the diagnostics, the explorer and the trainer.

Carried back through 1000 steps, a gradient reaches 1e+400 or 1e-500, far past float64 (about
1e±308), let alone float32 (1e±38); its logarithm does not. The recursion is the cell's own BPTT,
one :meth:`~rnnwidget.cells._base.Cell.step_back` per step, so it cannot disagree with
``cell.backward``. Two passes run it, both in float64 whatever the cell's dtype:

- **plain**: the backward loop without its weight gradients. Exact wherever every step's gradient
  norm lies inside :func:`safe_log10_range` (about 1e±150), and several times faster than the
  log-space pass: a slider step must stay within a few milliseconds.
- **log space**: step t's gradient is kept as ``10**e_t * u_t``. Each step rescales what it
  passes back to a largest entry of 1 and adds the log of the factor it took away to the
  exponent, so neither ``u`` nor ``e`` can overflow or underflow however long the sequence.

:func:`log10_gradients` takes the plain pass where it can and the log-space one where it must
(also where a gradient is exactly zero, which an underflow in the plain pass could fake);
:func:`log10_norms_from_bptt` is the trainer's policy: BPTT's own totals where they lie safely
inside their float type's range, else the recursion.

Arrays are time-major inside (``[t]`` is step t for the whole batch), as in the cells; what the
functions return is batch-major, ``(batch_size, timesteps, ...)``, as everywhere else.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._checks import finite_array
from ._base import Array, Cell, States, gradient_of_shape, reversed_steps
from .elman import SimpleRNN, Trace
from .gru import GRU, GRUTrace
from .lstm import LSTM, LSTMTrace

__all__ = ["LogGradients", "log10_gradients", "log10_norms_from_bptt", "safe_log10_range"]

AnyCell = SimpleRNN | LSTM | GRU
AnyTrace = Trace | LSTMTrace | GRUTrace


def safe_log10_range(dtype: np.dtype[Any] | type[np.floating[Any]]) -> tuple[float, float]:
    """The gradient norms, in decades, that a computation in ``dtype`` holds exactly:
    ``±(log10 sqrt(largest) - 4)``, about ±150 for float64 and ±15 for float32. Inside it a
    norm's square is a normal number, and so is every entry within ``150`` (float64) decades
    of the norm."""
    limit = 0.5 * math.log10(float(np.finfo(dtype).max)) - 4.0
    return -limit, limit


@dataclass(frozen=True, eq=False)
class LogGradients:
    """The total gradients dL/dh_t (and the LSTM's dL/dc_t) of one layer, at any magnitude.

    Step t's gradients are ``10**log10_scale[t]`` times the scaled arrays below, which hold
    modest numbers. ``-inf`` (and zeros in the scaled arrays) marks a gradient that is exactly
    zero. The arrays marked *on first use* are computed when first read.

    Attributes:
        log10_norm: ``log10 ||dL/dh_t||`` over the batch and units, ``(timesteps,)``.
        log10_norm_c: ``log10 ||dL/dc_t||`` for the LSTM, ``(timesteps,)``; None otherwise.
        log10_scale: ``log10`` of the norm of step t's whole state gradient, ``(timesteps,)``:
            ``log10_norm`` for the Elman cell and the GRU, both states together for the LSTM.
        log_space: whether the log-space pass computed them (False: the plain float64 pass).
        log10_abs, log10_abs_c: ``log10 |dL/dh_t|`` and the LSTM's ``log10 |dL/dc_t|`` for
            every element, ``(batch_size, timesteps, units)`` (on first use).
        h_scaled, c_scaled: ``dL/dh_t / 10**log10_scale[t]`` and the LSTM's dL/dc_t likewise,
            ``(batch_size, timesteps, units)`` (on first use).
        x_scaled: ``dL/dx_t / 10**log10_scale[t]``, ``(batch_size, timesteps, features)``: a
            layer below continues from it at any magnitude, as its ``dh`` with
            ``dh_log10_scale=log10_scale`` (on first use; None when not asked for).
    """

    log10_norm: Array
    log10_norm_c: Array | None
    log10_scale: Array
    log_space: bool
    #: The gradients on the states, then on the input, time-major: over 10**log10_scale[t]
    #: when ``log_space``, else as they are.
    _states: tuple[Array, ...] = field(repr=False)
    _input: Array | None = field(repr=False)

    @cached_property
    def log10_abs(self) -> Array:
        return self._log10_abs(self._states[0])

    @cached_property
    def log10_abs_c(self) -> Array | None:
        return self._log10_abs(self._states[1]) if len(self._states) > 1 else None

    @cached_property
    def h_scaled(self) -> Array:
        return self._scaled(self._states[0])

    @cached_property
    def c_scaled(self) -> Array | None:
        return self._scaled(self._states[1]) if len(self._states) > 1 else None

    @cached_property
    def x_scaled(self) -> Array | None:
        return None if self._input is None else self._scaled(self._input)

    def _log10_abs(self, values: Array) -> Array:
        with np.errstate(divide="ignore"):  # log10(0) = -inf marks an exact zero, as documented
            logs: Array = np.log10(np.abs(values))
        if self.log_space:
            logs += self.log10_scale[:, np.newaxis, np.newaxis]
        return logs.swapaxes(0, 1)

    def _scaled(self, values: Array) -> Array:
        if not self.log_space:  # norms inside 1e+-150: 10**-log10_scale is a normal number
            values = values * (10.0**-self.log10_scale)[:, np.newaxis, np.newaxis]
        return values.swapaxes(0, 1)


def log10_gradients(
    cell: AnyCell,
    trace: AnyTrace,
    dh: ArrayLike,
    dc: ArrayLike | None = None,
    *,
    dh_log10_scale: ArrayLike | None = None,
    input_gradient: bool = True,
    log_space: bool | None = None,
) -> LogGradients:
    """The total gradients that ``cell.backward(trace, dh, ...)`` returns (``grads.h``, and the
    LSTM's ``grads.c``), in base-10 logarithms, exact at any magnitude.

    Args:
        cell, trace: a layer (:class:`~rnnwidget.cells.SimpleRNN`,
            :class:`~rnnwidget.cells.LSTM` or :class:`~rnnwidget.cells.GRU`, in any dtype) and
            what its forward pass returned.
        dh: the loss's direct gradient on every hidden state, ``(batch_size, timesteps,
            units)``.
        dc: the same on every cell state (LSTM only; zeros when omitted).
        dh_log10_scale: where the direct gradients are themselves too large or small for
            float64 (a layer above's :attr:`LogGradients.x_scaled`), the true ones at step t
            are ``10**dh_log10_scale[t]`` times ``dh[:, t]`` (and ``dc[:, t]``);
            ``(timesteps,)``, finite or ``-inf``.
        input_gradient: also return dL/dx_t (:attr:`LogGradients.x_scaled`).
        log_space: True forces the log-space pass; False the plain one, which raises
            FloatingPointError where it cannot be trusted; None (the default) takes the plain
            pass and falls back to the log-space one where it must.
    """
    steps: Cell = cell  # the protocol every cell follows
    slopes = steps.slopes(trace)  # and a check that the trace is the cell's
    if steps.dtype != np.float64:  # follow the recursion in float64 (its inputs are exact)
        steps = steps.astype("float64")
    shape = trace.h.shape
    direct = [_direct_gradient("dh", dh, shape, "hidden states")]
    if isinstance(cell, LSTM):
        batch_size, timesteps, units = shape
        no_loss_on_c = np.zeros((timesteps, batch_size, units))
        direct.append(
            no_loss_on_c if dc is None else _direct_gradient("dc", dc, shape, "cell states")
        )
    elif dc is not None:
        name = type(cell).__name__
        raise ValueError(f"dc is the gradient on an LSTM's cell state; a {name} has none")
    scale = None if dh_log10_scale is None else _log10_scale(dh_log10_scale, shape[1])

    if log_space is not True:
        plain = _plain_pass(steps, slopes, direct, scale, input_gradient)
        if plain is not None:
            return plain
        if log_space is False:
            lo, hi = safe_log10_range(np.float64)
            raise FloatingPointError(
                f"a gradient norm left 1e{lo:+.0f}...1e{hi:+.0f} or is exactly zero, where "
                "plain float64 cannot be trusted: take log_space=None or True"
            )
    return _log_space_pass(steps, slopes, direct, scale, input_gradient)


def log10_norms_from_bptt(cell: AnyCell, trace: AnyTrace, dh: Array, dh_total: Array) -> Array:
    """``log10 ||dL/dh_t||`` for every step, ``(timesteps,)``, given BPTT's own totals.

    ``dh_total`` is ``cell.backward(trace, dh).h``, in the cell's dtype. Where every step's norm
    lies inside :func:`safe_log10_range` of that dtype (float32's is 1e±15), its logarithms
    come straight from it, at no cost; elsewhere from :func:`log10_gradients`, exact at any
    size for about the cost of another backward pass.
    """
    lo, hi = safe_log10_range(dh_total.dtype)
    totals = dh_total.astype(np.float64, copy=False)  # squares in float64
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        log10_norms: Array = 0.5 * np.log10(np.einsum("btu,btu->t", totals, totals))
    if np.all((log10_norms > lo) & (log10_norms < hi)):
        return log10_norms
    return log10_gradients(cell, trace, dh, input_gradient=False).log10_norm


# ----------------------------------------------------------------------------------------------
# The two passes
# ----------------------------------------------------------------------------------------------


def _plain_pass(
    cell: Cell, slopes: Any, direct: list[Array], scale: Array | None, input_gradient: bool
) -> LogGradients | None:
    """The recursion in plain float64; None where a norm leaves :func:`safe_log10_range` (or is
    exactly zero), where its numbers cannot be trusted."""
    lo, hi = safe_log10_range(np.float64)
    if scale is not None:
        finite = scale[np.isfinite(scale)]
        if finite.size and (finite.min() < lo or finite.max() > hi):
            return None
        factor = (10.0**scale)[:, np.newaxis, np.newaxis]  # 0 where the scale is -inf
        totals = [d * factor for d in direct]
    else:
        totals = [d.copy() for d in direct]  # the direct gradients; become the totals
    timesteps, batch_size, _ = totals[0].shape
    dz = _dz_buffer(cell, timesteps, batch_size, input_gradient)
    back: States = tuple(np.zeros_like(total[0]) for total in totals)
    # Step t's slopes, totals (one view per state) and dz, by iteration (cheaper than indexing,
    # on a slider's path), for t = T, ..., 1.
    steps = zip(
        reversed_steps(slopes),
        zip(*(total[::-1] for total in totals)),
        dz[::-1] if input_gradient else itertools.repeat(dz),
    )
    step_back = cell.step_back
    with np.errstate(all="ignore"):  # past float64: the range check below sends it back
        for slopes_t, d, dz_t in steps:
            for d_k, back_k in zip(d, back):
                d_k += back_k  # directly, and through step t+1
            back = step_back(slopes_t, d, dz_t)
        squares = [np.einsum("tbu,tbu->t", total, total) for total in totals]
        log10_norms = [0.5 * np.log10(square) for square in squares]
    for log10_norm in log10_norms:
        if not np.all((log10_norm >= lo) & (log10_norm <= hi)):  # NaN fails too
            return None
    log10_scale = log10_norms[0] if len(totals) == 1 else 0.5 * np.log10(sum(squares))
    return LogGradients(
        log10_norm=log10_norms[0],
        log10_norm_c=log10_norms[1] if len(totals) > 1 else None,
        log10_scale=log10_scale,
        log_space=False,
        _states=tuple(totals),
        _input=cell.input_gradient(dz) if input_gradient else None,
    )


def _log_space_pass(
    cell: Cell, slopes: Any, direct: list[Array], scale: Array | None, input_gradient: bool
) -> LogGradients:
    """The recursion on ``10**e * u``: exact at any magnitude."""
    timesteps, batch_size, _ = direct[0].shape
    # The direct gradients as 10**e_direct[t] * unit[t], with a largest entry of 1.
    largest = np.max([np.abs(d).max(axis=(1, 2)) for d in direct], axis=0)
    with np.errstate(divide="ignore"):  # a step without a direct gradient: e = -inf
        e_direct = np.log10(largest) + (0.0 if scale is None else scale)
    unit = [d / np.where(largest > 0, largest, 1.0)[:, np.newaxis, np.newaxis] for d in direct]

    scaled = [np.zeros_like(d) for d in direct]  # u_t: step t's totals over 10**log10_scale[t]
    log10_scale = np.full(timesteps, -np.inf)
    dz = _dz_buffer(cell, timesteps, batch_size, input_gradient, zeros=True)
    back: States = tuple(np.zeros_like(d[0]) for d in direct)
    e_back = -math.inf  # what step t+1 passes back is 10**e_back * back
    for t, slopes_t in zip(range(timesteps - 1, -1, -1), reversed_steps(slopes)):
        top = max(e_back, float(e_direct[t]))
        if top == -math.inf:  # nothing reaches step t: its gradients are exactly zero
            continue
        # Step t's gradients over 10**top: both parts with coefficients of at most 1 (0.0 for
        # one that is -inf or hundreds of decades below the other).
        from_back, from_loss = 10.0 ** (e_back - top), 10.0 ** (float(e_direct[t]) - top)
        d = tuple(scaled_k[t] for scaled_k in scaled)
        for d_k, back_k, unit_k in zip(d, back, unit):
            np.multiply(back_k, from_back, out=d_k)
            d_k += from_loss * unit_k[t]
        dz_t = dz[t] if input_gradient else dz
        into = cell.step_back(slopes_t, d, dz_t)  # completes d into the totals, in place

        norm = math.sqrt(sum(float(np.vdot(d_k, d_k)) for d_k in d))
        if norm > 0:  # 0 only where the parts cancel exactly: then all stays zero
            for d_k in d:
                d_k /= norm
            if input_gradient:
                dz_t /= norm
            log10_scale[t] = top + math.log10(norm)
        size = max(float(np.abs(v).max()) for v in into)
        if size > 0:
            back = tuple(v / size for v in into)
            e_back = top + math.log10(size)
        else:
            back, e_back = tuple(np.zeros_like(v) for v in into), -math.inf

    with np.errstate(divide="ignore"):
        log10_norms = [log10_scale + 0.5 * np.log10(np.einsum("tbu,tbu->t", u, u)) for u in scaled]
    one_state = len(scaled) == 1  # then u_t has norm 1: its norm is the scale itself
    return LogGradients(
        log10_norm=log10_scale.copy() if one_state else log10_norms[0],
        log10_norm_c=None if one_state else log10_norms[1],
        log10_scale=log10_scale,
        log_space=True,
        _states=tuple(scaled),
        _input=cell.input_gradient(dz) if input_gradient else None,
    )


# ----------------------------------------------------------------------------------------------
# Checks and buffers
# ----------------------------------------------------------------------------------------------


def _direct_gradient(name: str, d: ArrayLike, shape: tuple[int, ...], of: str) -> Array:
    """A direct gradient as a time-major float64 array (a view of ``d`` where it already is
    one: the passes copy before they write)."""
    return gradient_of_shape(name, finite_array(name, d, copy=False), shape, of).swapaxes(0, 1)


def _log10_scale(value: ArrayLike, timesteps: int) -> Array:
    scale = np.asarray(value, dtype=np.float64)
    if scale.shape != (timesteps,) or np.isnan(scale).any() or (scale == np.inf).any():
        raise ValueError(
            f"dh_log10_scale must hold one finite number (or -inf) per step, shape "
            f"({timesteps},); got shape {scale.shape}"
        )
    return scale


def _dz_buffer(
    cell: Cell, timesteps: int, batch_size: int, every_step: bool, zeros: bool = False
) -> Array:
    """Where :meth:`~rnnwidget.cells._base.Cell.step_back` writes dz: for every step when the
    input gradient is wanted, else one step's scratch."""
    shape = (timesteps, *cell.dz_shape(batch_size)) if every_step else cell.dz_shape(batch_size)
    return np.zeros(shape) if zeros else np.empty(shape)
