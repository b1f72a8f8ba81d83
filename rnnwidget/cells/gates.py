"""What a lecture measures on the gated cells: how far the gradient carries back along h and
along the LSTM's cell state c, and how open each gate is.

As in :mod:`rnnwidget.cells.diagnostics`, gradients are followed back through time as
``10**e * u`` with ``u`` of modest size, so their base-10 logarithms are exact at any magnitude
(1e-500 and 1e+500 alike), where plain float64 reads 0 or refuses. The step of the recursion is
the cells' own (``_step_back``): the backward pass and this one cannot disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._base import Array
from .gru import GRU, GRUTrace
from .lstm import LSTM, LSTMTrace

__all__ = ["LogGradientNorms", "log10_gradient_norms", "mean_gates"]


@dataclass(frozen=True, eq=False)
class LogGradientNorms:
    """The total gradients of a gated cell, in base-10 logarithms.

    Attributes:
        h: ``log10 ||dL/dh_t||`` over the batch and units, ``(timesteps,)``; ``-inf`` where the
            gradient is exactly zero.
        c: ``log10 ||dL/dc_t||`` likewise for the LSTM's cell state; ``None`` for a GRU.
    """

    h: Array
    c: Array | None


def log10_gradient_norms(
    cell: LSTM | GRU, trace: LSTMTrace | GRUTrace, dh: ArrayLike, dc: ArrayLike | None = None
) -> LogGradientNorms:
    """The norms of the total gradients dL/dh_t (and dL/dc_t) that ``cell.backward`` returns,
    as logarithms, at any size.

    Args:
        cell, trace: the layer and what its forward pass returned.
        dh: the loss's direct gradient on every hidden state, ``(batch_size, timesteps,
            units)``.
        dc: the same on every cell state (LSTM only; zeros when omitted).

    The backward recursion is linear in the gradients, so it can run on ``u = gradient /
    10**e``: every step rescales what it passes back to a largest entry of 1 and adds the log
    of the factor it took away to ``e``; neither can overflow or underflow.
    """
    cell._check_trace(trace)
    dh = cell._check_output_gradient("dh", dh, trace.h.shape, "hidden states")
    is_lstm = isinstance(cell, LSTM)
    if dc is not None and not is_lstm:
        raise ValueError("dc is the gradient on an LSTM's cell state; a GRU has none")
    dc = (
        np.zeros(trace.h.shape)
        if dc is None
        else cell._check_output_gradient("dc", dc, trace.h.shape, "cell states")
    )
    factors = cell._factors(trace)  # type: ignore[arg-type]  # the trace matches the cell
    batch_size, timesteps, units = trace.h.shape
    direct_h, direct_c = dh.swapaxes(0, 1), dc.swapaxes(0, 1)
    log_h, log_c = np.full(timesteps, -np.inf), np.full(timesteps, -np.inf)
    back_h, back_c = np.zeros((batch_size, units)), np.zeros((batch_size, units))
    e_back = -np.inf  # what step t+1 passes back is 10**e_back * (back_h, back_c)
    dz_t = np.empty((batch_size, cell.gates, units))  # scratch for the cell's step
    for t in reversed(range(timesteps)):
        largest = max(np.abs(direct_h[t]).max(), np.abs(direct_c[t]).max())
        e_direct = math.log10(largest) if largest > 0 else -np.inf
        top = max(e_back, e_direct)
        if top == -np.inf:  # nothing reaches step t: every gradient here is exactly zero
            continue
        # dL/dh_t and dL/dc_t over 10**top: both parts have coefficients of at most 1.
        scale_back = 10.0 ** (e_back - top)  # 0.0 when e_back is -inf or far below top
        scale_direct = 10.0 ** (e_direct - top) / largest if largest > 0 else 0.0
        dh_t = scale_back * back_h + scale_direct * direct_h[t]
        dc_t = scale_back * back_c + scale_direct * direct_c[t]
        carried_c = dc_t if is_lstm else None  # a GRU's step takes no cell state
        into_h, into_c = cell._step_back(factors, t, dh_t, carried_c, dz_t)  # type: ignore[arg-type]
        log_h[t] = top + _log10_norm(dh_t)
        log_c[t] = top + _log10_norm(dc_t)  # the LSTM's step completed dc_t in place
        size = (
            np.abs(into_h).max()
            if into_c is None
            else max(np.abs(into_h).max(), np.abs(into_c).max())
        )
        if size > 0:
            back_h = into_h / size
            if into_c is not None:
                back_c = into_c / size
            e_back = top + math.log10(size)
        else:
            e_back = -np.inf
    return LogGradientNorms(h=log_h, c=log_c if is_lstm else None)


def _log10_norm(values: Array) -> float:
    """``log10 ||values||`` of an array of modest entries; ``-inf`` for zeros."""
    norm = math.sqrt(float(np.vdot(values, values)))
    return math.log10(norm) if norm > 0 else -math.inf


def mean_gates(trace: LSTMTrace | GRUTrace) -> dict[str, Array]:
    """Every gate's mean over the batch and units at every step, ``(timesteps,)`` each, keyed by
    the gate's letter: ``i, f, g, o`` for an LSTM, ``r, z, n`` for a GRU.

    How open the forget gate f (LSTM) or the update gate z (GRU) is sets how long the memory
    lasts: a gate held at ``f`` keeps ``f**k`` of the state after k steps.
    """
    names = "ifgo" if isinstance(trace, LSTMTrace) else "rzn"
    return {name: np.mean(getattr(trace, name), axis=(0, 2)) for name in names}
