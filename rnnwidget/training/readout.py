"""A linear read-out on the RNN's states, its two losses, and their gradients.

For a batch of last states ``h_T`` ``(batch_size, units)`` the read-out computes, row by row::

    y = W_hy h_T + b_y          W_hy (outputs, units), b_y (outputs,), y (batch_size, outputs)

and a loss averaged over the batch of N sequences (a language model reads every state,
``h`` ``(batch_size, timesteps, units)``: then every leading axis counts as a row, and the
averages run over the N T predictions):

- softmax cross-entropy against labels k_n (the recall task)::

      p_n = softmax(y_n),   L = -(1/N) sum_n log p_n[k_n],   dL/dy_n = (p_n - onehot(k_n)) / N

- squared error against targets s_n (the adding problem), averaged over the K outputs too::

      L = 1/(N K) sum_n ||y_n - s_n||^2,   dL/dy_n = 2 (y_n - s_n) / (N K)

:meth:`Readout.backward` continues the chain rule through y = W_hy h_T + b_y to
``dL/dh_T = W_hy^T dL/dy``, which :meth:`SimpleRNN.backward` takes as the loss's
direct gradient on the last state (zero on every earlier state).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._checks import positive_int
from ..cells.elman import Array
from .tasks import LossName, Targets

__all__ = ["Readout", "ReadoutGrads", "softmax_cross_entropy", "squared_error"]


@dataclass(frozen=True, eq=False)
class ReadoutGrads:
    """Gradients of the loss through the read-out, as returned by :meth:`Readout.backward`.

    Attributes:
        W_hy: dL/dW_hy, ``(outputs, units)``, summed over the batch.
        b_y: dL/db_y, ``(outputs,)``, summed over the batch.
        h_T: dL/dh_T, ``(batch_size, units)``: where backpropagation through time starts.
    """

    W_hy: Array
    b_y: Array
    h_T: Array


class Readout:
    """``y = W_hy h_T + b_y`` and its loss.

    Args:
        units: the size of the RNN's state h_T.
        outputs: the size of y: one logit per class, or one per regression target.
        loss: ``"cross_entropy"`` (softmax over y, integer labels) or ``"squared_error"``.
        rng: draws ``W_hy``, Glorot-uniform like the RNN's ``W_xh``; ``b_y`` starts at zero.
        dtype: the weights' floating-point type, the cell's.
    """

    def __init__(
        self,
        units: int,
        outputs: int,
        *,
        loss: LossName,
        rng: np.random.Generator,
        dtype: str = "float64",
    ) -> None:
        units = positive_int("units", units)
        outputs = positive_int("outputs", outputs)
        if loss not in ("cross_entropy", "squared_error"):
            raise ValueError(f"loss must be 'cross_entropy' or 'squared_error'; got {loss!r}")
        limit = np.sqrt(6.0 / (units + outputs))
        self.W_hy: Array = rng.uniform(-limit, limit, size=(outputs, units)).astype(dtype)
        self.b_y: Array = np.zeros(outputs, dtype)
        self.loss_name: LossName = loss

    @classmethod
    def from_weights(cls, W_hy: Array, b_y: Array, *, loss: LossName) -> Readout:
        """A read-out with the given weights (as they are: no copy, no cast): ``W_hy``
        ``(outputs, units)``, ``b_y`` ``(outputs,)``."""
        if W_hy.ndim != 2 or b_y.shape != (W_hy.shape[0],):
            raise ValueError(
                f"W_hy must be (outputs, units) and b_y (outputs,); got {W_hy.shape} and "
                f"{b_y.shape}"
            )
        readout = cls.__new__(cls)
        readout.W_hy, readout.b_y, readout.loss_name = W_hy, b_y, loss
        return readout

    def __repr__(self) -> str:
        units, outputs = self.W_hy.shape[1], self.W_hy.shape[0]
        return f"Readout(units={units}, outputs={outputs}, loss={self.loss_name!r})"

    def forward(self, h_T: Array) -> Array:
        """``y = W_hy h_T + b_y`` for every row of ``h_T`` ``(batch_size, units)``:
        ``(batch_size, outputs)`` (or ``(..., units)`` to ``(..., outputs)``)."""
        y: Array = h_T @ self.W_hy.T
        y += self.b_y
        return y

    def loss(self, y: Array, targets: Targets) -> tuple[float, Array]:
        """The loss L, averaged over the batch, and dL/dy ``(batch_size, outputs)``.

        ``targets``: integer labels ``(batch_size,)`` for cross-entropy, numbers
        ``(batch_size, outputs)`` for the squared error.
        """
        if self.loss_name == "cross_entropy":
            return softmax_cross_entropy(y, targets.astype(np.int64, copy=False))
        return squared_error(y, targets.astype(y.dtype, copy=False))

    def backward(self, h_T: Array, dy: Array) -> ReadoutGrads:
        """The chain rule through ``y = W_hy h_T + b_y``, given dL/dy ``(batch_size, outputs)``
        (or ``(..., outputs)``, every leading axis a row)::

            dW_hy = sum_n dy_n h_T,n^T      db_y = sum_n dy_n      dh_T,n = W_hy^T dy_n
        """
        rows_h, rows_dy = h_T.reshape(-1, h_T.shape[-1]), dy.reshape(-1, dy.shape[-1])
        return ReadoutGrads(W_hy=rows_dy.T @ rows_h, b_y=rows_dy.sum(axis=0), h_T=dy @ self.W_hy)


def softmax_cross_entropy(y: Array, labels: NDArray[np.int64]) -> tuple[float, Array]:
    """``L = -(1/N) sum_n log softmax(y_n)[k_n]`` and ``dL/dy = (softmax(y) - onehot(k)) / N``.

    ``y`` ``(N, classes)`` holds logits, ``labels`` ``(N,)`` the classes k_n (or ``y``
    ``(..., classes)`` and ``labels`` ``(...)``: N counts every prediction). The log-softmax
    ``y - max(y) - log sum exp(y - max(y))`` never overflows, however large the logits.
    """
    rows = y.reshape(-1, y.shape[-1])
    labels = labels.reshape(-1)
    n = rows.shape[0]
    picked = np.arange(n), labels
    log_p = rows - rows.max(axis=1, keepdims=True)  # the largest logit of each row becomes 0
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    loss = -float(log_p[picked].mean(dtype=np.float64))
    dy = np.exp(log_p, out=log_p)  # p = softmax(y)
    dy[picked] -= 1.0  # p - onehot(k)
    dy /= n
    return loss, dy.reshape(y.shape)


def squared_error(y: Array, targets: Array) -> tuple[float, Array]:
    """``L = mean((y - s)**2)`` over the N rows and K outputs, and ``dL/dy = 2 (y - s) / (N K)``;
    ``y`` and ``targets`` ``(N, K)``."""
    error = y - targets
    loss = float(np.mean(error**2))
    return loss, 2.0 * error / error.size
