"""Two memory tasks for training an RNN: the answer depends on something seen long ago.

Each task draws random batches ``(x, targets)`` from a numpy ``Generator``, with ``x`` of shape
``(batch_size, timesteps, features)`` (:mod:`rnnwidget.cells.elman`'s order), and says what it
measures: how a prediction ``y`` is scored (the loss the read-out uses), what counts as correct
(the accuracy) and what a network that learned nothing scores (the chance level).

- :class:`Recall`: a symbol at t = 1, ``lag`` steps of noise, then "name the symbol". The
  plainest long-term dependency: everything the answer needs is in the first step.
- :class:`Adding`: the adding problem (Hochreiter & Schmidhuber 1997; Pascanu, Mikolov &
  Bengio 2013): the sum of two marked numbers among ``seq_len`` random ones.
- ``"text"``: predict the next character of a text (:class:`~.language.NextCharacter`), a loss
  at every step and a state carried from one chunk to the next.

The memory tasks read the answer off the last state h_T only, so the gradient of the loss
reaches the informative early steps only through the recurrence,
``dL/dh_t = (dh_{t+1}/dh_t)^T dL/dh_{t+1}``: exactly the path along which gradients vanish.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from .._checks import finite_float, positive_int
from ..cells.elman import Array
from .language import NextCharacter

__all__ = ["TASKS", "Adding", "Labels", "LossName", "Recall", "Targets", "Task", "make_task"]

LossName = Literal["cross_entropy", "squared_error"]
Labels = NDArray[np.int64]
Targets = NDArray[Any]  # Labels for recall, (batch_size, 1) float64 sums for adding
TASKS = ("recall", "adding", "text")


@dataclass(frozen=True)
class Recall:
    """Remember a symbol over ``lag`` steps of noise, then name it.

    Every sequence has ``timesteps = lag + 2`` steps and ``features = n_symbols + 2``
    channels::

        channel              t = 1        t = 2 ... lag + 1       t = lag + 2 (= T)
        0 ... n_symbols-1    one-hot k    0                       0
        n_symbols  (noise)   0            N(0, noise**2)          0
        n_symbols+1 (cue)    0            0                       1: "answer now"

    The target is the symbol ``k`` in ``0 ... n_symbols - 1``, read at the last step by a
    softmax over ``n_symbols`` outputs: the answer lies ``lag + 1`` recurrent steps back.
    The distractor noise must be ignored, not integrated; the cue tells the network when to
    answer, so the read-out need not learn to count.

    Chance level: accuracy ``1 / n_symbols``, cross-entropy ``ln(n_symbols)`` (the uniform
    guess).

    Args:
        lag: the number of noise steps between the symbol and the cue, at least 1.
        n_symbols: the number of symbols to tell apart, at least 2.
        noise: the standard deviation of the distractor noise, at least 0.
    """

    lag: int = 10
    n_symbols: int = 4
    noise: float = 1.0

    loss: ClassVar[LossName] = "cross_entropy"  # softmax cross-entropy over the symbols
    every_step: ClassVar[bool] = False  # one prediction, on the last state

    def __post_init__(self) -> None:
        positive_int("lag", self.lag)
        if positive_int("n_symbols", self.n_symbols) < 2:
            raise ValueError(f"n_symbols must be at least 2; got {self.n_symbols}")
        finite_float("noise", self.noise, low=0.0)

    @property
    def timesteps(self) -> int:
        """``T = lag + 2``: the symbol, ``lag`` noise steps, the cue."""
        return self.lag + 2

    @property
    def features(self) -> int:
        """``n_symbols`` one-hot channels, a noise channel, a cue channel."""
        return self.n_symbols + 2

    @property
    def outputs(self) -> int:
        """One score (logit) per symbol."""
        return self.n_symbols

    @property
    def chance_accuracy(self) -> float:
        return 1.0 / self.n_symbols

    @property
    def chance_loss(self) -> float:
        return math.log(self.n_symbols)

    def sample(self, batch_size: int, rng: np.random.Generator) -> tuple[Array, Labels]:
        """A batch: ``x`` ``(batch_size, lag + 2, n_symbols + 2)`` and the symbols
        ``(batch_size,)``, integers in ``0 ... n_symbols - 1``."""
        batch_size = positive_int("batch_size", batch_size)
        symbols = rng.integers(0, self.n_symbols, size=batch_size)
        x = np.zeros((batch_size, self.timesteps, self.features))
        x[np.arange(batch_size), 0, symbols] = 1.0  # t = 1: the symbol, one-hot
        x[:, 1:-1, self.n_symbols] = self.noise * rng.standard_normal((batch_size, self.lag))
        x[:, -1, self.n_symbols + 1] = 1.0  # t = T: the cue
        return x, symbols

    def accuracy(self, y: Array, targets: Targets) -> float:
        """The fraction of sequences whose highest score ``y`` ``(batch_size, n_symbols)`` is
        the symbol shown."""
        return float(np.mean(np.argmax(y, axis=1) == targets))

    def marks(self, x: Array) -> tuple[tuple[int, str], ...]:
        """The steps of one sequence ``x`` ``(timesteps, features)`` that matter (1-based):
        where the symbol is shown, and where it is asked for."""
        return ((1, "symbol shown"), (self.timesteps, "asked for"))

    def describe(self, x: Array, target: Any) -> str:
        """One sequence and its answer in words."""
        return (
            f"symbol {int(target) + 1} of {self.n_symbols} shown at t=1, asked for at "
            f"t={self.timesteps} after {self.lag} steps of noise"
        )


@dataclass(frozen=True)
class Adding:
    """The adding problem: output the sum of the two marked numbers in a sequence.

    Every sequence has ``timesteps = seq_len`` steps and 2 channels::

        channel 0 (value)    u_t ~ Uniform[0, 1], every step
        channel 1 (marker)   1 at two steps, 0 elsewhere: one step i in the first half
                             (t < seq_len // 2, Python's index), one step j in the second

    The target is ``s = u_i + u_j`` in [0, 2], shape ``(batch_size, 1)``, read at the last step
    by one linear output and scored by the squared error. The first marked number lies up to
    ``seq_len - 1`` steps back.

    Accuracy: a sequence counts as solved when ``|y - s| < tolerance`` (0.04, Hochreiter &
    Schmidhuber's criterion).

    Chance level: the best prediction that ignores the input is the mean, ``y = 1``. Its mean
    squared error is the variance of the sum of two independent Uniform[0, 1] numbers,
    ``2 / 12 = 1/6``; its accuracy is ``P(|s - 1| < tol) = 2 tol - tol**2`` (s has the
    triangular density ``1 - |s - 1|``), 0.078 at tol = 0.04.

    Args:
        seq_len: the sequence length T, at least 2.
        tolerance: the largest absolute error that counts as correct, above 0.
    """

    seq_len: int = 50
    tolerance: float = 0.04

    loss: ClassVar[LossName] = "squared_error"
    every_step: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if positive_int("seq_len", self.seq_len) < 2:
            raise ValueError(f"seq_len must be at least 2, one step per marker; got {self.seq_len}")
        finite_float("tolerance", self.tolerance, low=0.0, open_low=True)

    @property
    def timesteps(self) -> int:
        return self.seq_len

    @property
    def features(self) -> int:
        """The value channel and the marker channel."""
        return 2

    @property
    def outputs(self) -> int:
        """One number: the sum."""
        return 1

    @property
    def chance_accuracy(self) -> float:
        tol = min(self.tolerance, 1.0)
        return 2 * tol - tol**2

    @property
    def chance_loss(self) -> float:
        return 1.0 / 6.0

    def sample(self, batch_size: int, rng: np.random.Generator) -> tuple[Array, Array]:
        """A batch: ``x`` ``(batch_size, seq_len, 2)`` and the sums ``(batch_size, 1)``."""
        batch_size = positive_int("batch_size", batch_size)
        half = self.seq_len // 2
        rows = np.arange(batch_size)
        values = rng.uniform(0.0, 1.0, size=(batch_size, self.seq_len))
        first = rng.integers(0, half, size=batch_size)
        second = rng.integers(half, self.seq_len, size=batch_size)
        x = np.zeros((batch_size, self.seq_len, 2))
        x[:, :, 0] = values
        x[rows, first, 1] = 1.0
        x[rows, second, 1] = 1.0
        sums = values[rows, first] + values[rows, second]
        return x, sums[:, np.newaxis]

    def accuracy(self, y: Array, targets: Targets) -> float:
        """The fraction of sequences with ``|y - s| < tolerance``; ``y``, ``targets``
        ``(batch_size, 1)``."""
        return float(np.mean(np.abs(y - targets) < self.tolerance))

    def marks(self, x: Array) -> tuple[tuple[int, str], ...]:
        """The steps of one sequence ``x`` ``(timesteps, 2)`` that matter (1-based): the two
        marked numbers, and the last step, where the sum is asked for."""
        first, second = (int(t) + 1 for t in np.flatnonzero(x[:, 1]))
        return ((first, "1st number"), (second, "2nd number"), (self.timesteps, "sum asked"))

    def describe(self, x: Array, target: Any) -> str:
        """One sequence and its answer in words."""
        first, second = (int(t) + 1 for t in np.flatnonzero(x[:, 1]))
        return (
            f"numbers marked at t={first} and t={second}, their sum "
            f"{float(np.asarray(target).ravel()[0]):.2f} asked for at t={self.timesteps}"
        )


Task = Recall | Adding | NextCharacter


def make_task(
    name: str,
    *,
    lag: int = 10,
    n_symbols: int = 4,
    seq_len: int = 50,
    text: str | os.PathLike[str] | None = None,
    corpus: str = "python",
    bptt_steps: int = 50,
) -> Task:
    """``"recall"`` (which reads ``lag`` and ``n_symbols``), ``"adding"`` (``seq_len``) or
    ``"text"`` (:class:`~.language.NextCharacter`: ``text`` or the built-in ``corpus``, and
    ``bptt_steps``)."""
    if name == "recall":
        return Recall(lag=lag, n_symbols=n_symbols)
    if name == "adding":
        return Adding(seq_len=seq_len)
    if name == "text":
        return NextCharacter(text, corpus_name=corpus, bptt_steps=bptt_steps)
    raise ValueError(f"task must be one of {TASKS}; got {name!r}")
