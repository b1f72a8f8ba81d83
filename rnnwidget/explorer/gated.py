"""The gated cells' gradients as the explorer draws them: ``log10 |dL/dh_t|`` (and, for the LSTM,
``log10 |dL/dc_t|``) per unit and their norms per step, exact at any magnitude.

The recursion is the cells' own BPTT step (``_factors`` and ``_step_back``, as in
:func:`rnnwidget.cells.gates.log10_gradient_norms`), so it cannot disagree with
``LSTM.backward`` or ``GRU.backward``. A slider step must stay within a few milliseconds, so the
gradients are first followed back in plain float64 (the backward loop without its weight
gradients); only where a step's gradient leaves :data:`SAFE_LOG10` (or turns exactly zero,
where an underflow cannot be told from a true zero) does the slower pass run, which carries the
gradient as ``10**e * u`` with the largest entry of ``u`` at 1, so that neither ``u`` nor ``e``
can overflow or underflow however long the sequence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cells._base import Array
from ..cells.gru import GRU, GRUTrace
from ..cells.lstm import LSTM, LSTMTrace

__all__ = ["SAFE_LOG10", "GatedLogGradients", "log10_gradients"]

#: Gradient norms (as decades) that plain float64 holds with every entry that matters exact:
#: well inside its range, so that entries even 1e-100 below their step's norm stay normal.
SAFE_LOG10 = (-200.0, 200.0)


@dataclass(frozen=True, eq=False)
class GatedLogGradients:
    """The total gradients of a gated layer, in base-10 logarithms (``-inf``: exactly zero).

    Attributes:
        h: ``log10 |dL/dh_t|``, ``(batch_size, timesteps, units)``.
        h_norm: ``log10 ||dL/dh_t||`` over the batch and units, ``(timesteps,)``.
        c, c_norm: the same for the LSTM's cell state, dL/dc_t; None for a GRU.
        exact_path: whether the scaled (any-magnitude) pass computed them.
    """

    h: Array
    h_norm: Array
    c: Array | None
    c_norm: Array | None
    exact_path: bool


def log10_gradients(
    cell: LSTM | GRU, trace: LSTMTrace | GRUTrace, dh: Array, *, scaled: bool | None = None
) -> GatedLogGradients:
    """The total dL/dh_t (and dL/dc_t) that ``cell.backward(trace, dh)`` returns, as logarithms.

    Args:
        cell, trace: the layer and its forward pass.
        dh: the loss's direct gradient on every hidden state, ``(batch_size, timesteps, units)``.
        scaled: True forces the any-magnitude pass, False the plain float64 one (which may then
            read 0 or inf where the true gradient lies beyond float64); None (the default)
            takes the plain pass and falls back to the scaled one where it must.
    """
    if scaled is not True:
        plain = _plain(cell, trace, dh)
        if plain is not None or scaled is False:
            if plain is None:
                raise FloatingPointError("the gradient left float64's safe range")
            return plain
    return _scaled(cell, trace, dh)


def _plain(cell: LSTM | GRU, trace: Any, dh: Array) -> GatedLogGradients | None:
    """The plain float64 pass; None where a norm leaves :data:`SAFE_LOG10` or is zero."""
    is_lstm = isinstance(cell, LSTM)
    factors = cell._factors(trace)
    batch_size, timesteps, units = trace.h.shape
    direct = dh.swapaxes(0, 1)
    dh_total = np.empty((timesteps, batch_size, units))
    dc_total = np.zeros((timesteps, batch_size, units)) if is_lstm else None
    back_h = np.zeros((batch_size, units))
    back_c = np.zeros((batch_size, units))
    dz_t = np.empty((batch_size, cell.gates, units))  # scratch for the cell's step
    with np.errstate(all="ignore"):  # past float64: the range check below sends it back
        for t in reversed(range(timesteps)):
            dh_t = np.add(direct[t], back_h, out=dh_total[t])
            dc_t = None
            if dc_total is not None:
                dc_t = dc_total[t]
                dc_t += back_c  # the LSTM's step adds the path through h_t, in place
            back_h, carried = cell._step_back(factors, t, dh_t, dc_t, dz_t)  # type: ignore[arg-type]
            if carried is not None:
                back_c = carried
        logs = [_logs(dh_total)] + ([_logs(dc_total)] if dc_total is not None else [])
    lo, hi = SAFE_LOG10
    for _, norms in logs:
        if not (np.all(norms >= lo) and np.all(norms <= hi)):  # NaN fails too
            return None
    (h, h_norm), (c, c_norm) = logs[0], logs[1] if is_lstm else (None, None)
    return GatedLogGradients(h, h_norm, c, c_norm, exact_path=False)


def _logs(total: Array) -> tuple[Array, Array]:
    """``log10 |total|`` batch-major and ``log10 ||total[t]||``, of a time-major array."""
    with np.errstate(divide="ignore"):
        log_abs = np.log10(np.abs(total)).swapaxes(0, 1)
        norms = 0.5 * np.log10(np.einsum("tbu,tbu->t", total, total))
    return log_abs, norms


def _scaled(cell: LSTM | GRU, trace: Any, dh: Array) -> GatedLogGradients:
    """The any-magnitude pass: every step's totals are kept as ``10**e_t * u_t``."""
    is_lstm = isinstance(cell, LSTM)
    factors = cell._factors(trace)
    batch_size, timesteps, units = trace.h.shape
    direct = dh.swapaxes(0, 1)
    unit_h = np.zeros((timesteps, batch_size, units))
    unit_c = np.zeros((timesteps, batch_size, units))
    exponent = np.full(timesteps, -np.inf)
    back_h, back_c = np.zeros((batch_size, units)), np.zeros((batch_size, units))
    e_back = -np.inf  # what step t+1 passes back is 10**e_back * (back_h, back_c)
    dz_t = np.empty((batch_size, cell.gates, units))
    for t in reversed(range(timesteps)):
        largest = float(np.abs(direct[t]).max())
        e_direct = math.log10(largest) if largest > 0 else -math.inf
        top = max(e_back, e_direct)
        if top == -math.inf:  # nothing reaches step t: its gradients are exactly zero
            continue
        scale_back = 10.0 ** (e_back - top)  # 0.0 when e_back is -inf or far below top
        scale_direct = 10.0 ** (e_direct - top) / largest if largest > 0 else 0.0
        dh_t = np.add(scale_back * back_h, scale_direct * direct[t], out=unit_h[t])
        dc_t = None
        if is_lstm:
            dc_t = np.multiply(scale_back, back_c, out=unit_c[t])
        into_h, into_c = cell._step_back(factors, t, dh_t, dc_t, dz_t)  # type: ignore[arg-type]
        exponent[t] = top
        size = float(np.abs(into_h).max())
        if into_c is not None:
            size = max(size, float(np.abs(into_c).max()))
        if size > 0:
            back_h = into_h / size
            if into_c is not None:
                back_c = into_c / size
            e_back = top + math.log10(size)
        else:
            back_h, back_c, e_back = back_h * 0.0, back_c * 0.0, -math.inf

    def logs(unit: Array) -> tuple[Array, Array]:
        with np.errstate(divide="ignore"):
            log_abs = exponent[:, np.newaxis, np.newaxis] + np.log10(np.abs(unit))
            norms = exponent + 0.5 * np.log10(np.einsum("tbu,tbu->t", unit, unit))
        log_abs[np.isneginf(exponent)] = -np.inf
        norms[np.isneginf(exponent)] = -np.inf
        return log_abs.swapaxes(0, 1), norms

    h, h_norm = logs(unit_h)
    c, c_norm = logs(unit_c) if is_lstm else (None, None)
    return GatedLogGradients(h, h_norm, c, c_norm, exact_path=True)
