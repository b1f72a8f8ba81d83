"""What a lecture measures on the gated cells: how far the gradient carries back along h and
along the LSTM's cell state c, and how open each gate is.

The gradients come from :func:`rnnwidget.cells.log_gradients.log10_gradients`, the recursion
every cell shares (exact at any magnitude, 1e-500 and 1e+500 alike, where plain float64 reads 0
or refuses); :func:`log10_gradient_norms` gives just their norms, on h and on c.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._base import Array
from .gru import GRU, GRUTrace
from .log_gradients import log10_gradients
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
    as logarithms, at any size: :func:`~rnnwidget.cells.log_gradients.log10_gradients`'s
    ``log10_norm`` and ``log10_norm_c``.

    Args:
        cell, trace: the layer and what its forward pass returned.
        dh: the loss's direct gradient on every hidden state, ``(batch_size, timesteps,
            units)``.
        dc: the same on every cell state (LSTM only; zeros when omitted).
    """
    logs = log10_gradients(cell, trace, dh, dc, input_gradient=False)
    return LogGradientNorms(h=logs.log10_norm, c=logs.log10_norm_c)


def mean_gates(trace: LSTMTrace | GRUTrace) -> dict[str, Array]:
    """Every gate's mean over the batch and units at every step, ``(timesteps,)`` each, keyed by
    the gate's letter: ``i, f, g, o`` for an LSTM, ``r, z, n`` for a GRU.

    How open the forget gate f (LSTM) or the update gate z (GRU) is sets how long the memory
    lasts: a gate held at ``f`` keeps ``f**k`` of the state after k steps.
    """
    names = "ifgo" if isinstance(trace, LSTMTrace) else "rzn"
    return {name: np.mean(getattr(trace, name), axis=(0, 2)) for name in names}
