"""Training one of the project's cells on a memory task, with its own BPTT, one batch at a time.

The model is a recurrent cell (:class:`~rnnwidget.cells.elman.SimpleRNN`,
:class:`~rnnwidget.cells.lstm.LSTM` or :class:`~rnnwidget.cells.gru.GRU`) followed by a linear
read-out on the last state (:mod:`.readout`); the data come from :mod:`.tasks`. One step of
:class:`Trainer`, for a batch of N sequences of T steps::

    x, targets = task.sample(N)                  x (N, T, features)
    h_1 ... h_T = rnn.forward(x)                 h (N, T, units)
    y = W_hy h_T + b_y                           y (N, outputs)
    L = loss(y, targets)                         mean over the batch
    dL/dy, then dL/dh_T = W_hy^T dL/dy           readout.backward
    dL/dh_t for t = T ... 1, dL/dW_xh, dL/dW_hh, dL/db       rnn.backward: BPTT
    g <- threshold g / ||g||  if ||g|| > threshold           clipping, if on
    theta <- optimizer(theta, g)                             SGD or Adam, in place

and a record of what a lecture plots: the loss, ``||g||`` before clipping, whether it was
clipped, ``log10 ||dL/dh_t||`` for every t (how much of the error signal reaches step t), and
what sets how far memory reaches: the spectral radius of W_hh for the Elman cell, the mean
forget gate (LSTM) or update gate (GRU) for the gated cells.

Everything random comes from the one ``seed``: the same settings give the same loss curve, bit
for bit (on one machine and numpy build; another BLAS may round differently).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._checks import finite_float, positive_int
from ..cells._base import CELLS, INITS
from ..cells.diagnostics import spectral_radius
from ..cells.elman import Array, SimpleRNN
from ..cells.gru import GRU
from ..cells.log_gradients import log10_norms_from_bptt
from ..cells.lstm import LSTM
from .corpora import one_hot
from .language import NextCharacter, UnitReading, final_states, read_units, sample
from .optim import Optimizer, clip_by_global_norm, global_norm, make_optimizer
from .readout import Readout
from .snapshots import Snapshots
from .tasks import Targets, Task, make_task

__all__ = [
    "CELLS",
    "GATE_INITS",
    "Backprop",
    "Evaluation",
    "History",
    "StepRecord",
    "Trainer",
    "TrainingDiverged",
]

#: How a gated cell's memory-gate bias starts (:func:`rnnwidget.cells._base.memory_bias`):
#: ``"chrono"`` (time scales spread up to 200 steps) or ``"constant"`` (bias 1).
GATE_INITS = INITS

#: A W_hh of more than ``RADIUS_UNITS`` units has its spectral radius measured every
#: ``RADIUS_EVERY`` steps only (:attr:`StepRecord.spectral_radius`).
RADIUS_UNITS, RADIUS_EVERY = 64, 10

#: The gate that keeps the memory, by cell: its mean is what a step records.
MEMORY_GATE = {"lstm": "f", "gru": "z"}


class TrainingDiverged(FloatingPointError):
    """The loss, a gradient or an update left float64's range: training cannot go on.
    ``reason`` says which, without the advice the message adds.

    The trainer refuses further steps; its history keeps every finite step before. Lower the
    learning rate or turn gradient clipping on, and start a new trainer.
    """

    reason: str = ""


@dataclass(frozen=True, eq=False)
class StepRecord:
    """What one training step measured.

    Attributes:
        step: 1 for the first update, 2 for the next, ...
        loss: the training loss on this step's batch, before the update.
        grad_norm: ``||g||``, the global norm of every parameter's gradient, before clipping.
        clipped: whether clipping scaled the gradient down to the threshold.
        log10_grad_norms: ``log10 ||dL/dh_t||`` over the batch for t = 1 ... T,
            ``(timesteps,)``; exact at any magnitude, ``-inf`` where the gradient is exactly 0.
        spectral_radius: Elman cell: of W_hh at this step, before the update. Its eigenvalues
            cost more than the step itself past 64 units (5 ms at 128), so a larger W_hh is
            measured every :data:`RADIUS_EVERY` steps, from the first, and NaN in between. NaN
            for the gated cells, whose W_hh stacks a block per gate and has no eigenvalues.
        memory_gate: gated cells: the mean of the gate that keeps the memory over this step's
            batch, every step and unit (the LSTM's forget gate f, the GRU's update gate z),
            before the update; a unit whose gate holds ``f`` keeps ``f**k`` of its memory, and
            of the gradient along it, after k steps. NaN for the Elman cell.
    """

    step: int
    loss: float
    grad_norm: float
    clipped: bool
    log10_grad_norms: Array
    spectral_radius: float
    memory_gate: float = math.nan


@dataclass(frozen=True)
class Evaluation:
    """The loss and accuracy on the held-out validation batch after ``step`` updates."""

    step: int
    loss: float
    accuracy: float


@dataclass(frozen=True, eq=False)
class History:
    """Every record so far as arrays, ready to plot against ``step`` or ``eval_step``.

    Attributes:
        step, loss, grad_norm, clipped, spectral_radius, memory_gate: one entry per training
            step, ``(steps,)``, as in :class:`StepRecord`.
        log10_grad_norms: ``(steps, timesteps)``.
        eval_step, val_loss, val_accuracy: one entry per evaluation, ``(evaluations,)``.
    """

    step: NDArray[np.int64]
    loss: Array
    grad_norm: Array
    clipped: NDArray[np.bool_]
    spectral_radius: Array
    memory_gate: Array
    log10_grad_norms: Array
    eval_step: NDArray[np.int64]
    val_loss: Array
    val_accuracy: Array


@dataclass(frozen=True, eq=False)
class Backprop:
    """One batch through the model and back.

    Attributes:
        loss: L, averaged over the batch (and, for a text, over its steps).
        grads: dL/dtheta for every parameter, by name (the keys of :attr:`Trainer.params`).
        log10_grad_norms: ``log10 ||dL/dh_t||`` for t = 1 ... T, ``(timesteps,)``.
        memory_gate: the batch's mean memory gate (:attr:`StepRecord.memory_gate`); NaN for
            the Elman cell.
        states: the cell's state after the last step, ``(h_T,)`` or ``(h_T, c_T)``: what a
            text's next chunk starts from.
    """

    loss: float
    grads: dict[str, Array]
    log10_grad_norms: Array
    memory_gate: float = math.nan
    states: tuple[Array, ...] = ()


class Trainer:
    """A recurrent cell and a linear read-out, trained on a memory task with exact BPTT.

    Args:
        task: ``"recall"`` (:class:`~.tasks.Recall`: reads ``lag`` and ``n_symbols``),
            ``"adding"`` (:class:`~.tasks.Adding`: reads ``seq_len``) or ``"text"``
            (:class:`~.language.NextCharacter`, a character-level language model: reads
            ``text`` or ``corpus``, and ``bptt_steps``).
        lag: recall: the noise steps between the symbol and the cue.
        n_symbols: recall: the number of symbols.
        seq_len: adding problem: the sequence length.
        text: text: the text itself, or a path to a UTF-8 file; None for ``corpus``.
        corpus: text: the built-in corpus when ``text`` is None, ``"python"`` (the standard
            library's source, read from this installation), ``"brackets"`` or ``"markov"``.
        bptt_steps: text: characters per chunk. The state carries over from one chunk to the
            next; the gradient stops at the chunk's start (truncated BPTT).
        cell: ``"elman"`` (:class:`~rnnwidget.cells.SimpleRNN`, the default), ``"lstm"``
            (:class:`~rnnwidget.cells.LSTM`) or ``"gru"`` (:class:`~rnnwidget.cells.GRU`).
        units: the size of the hidden state.
        w_hh_scale: Elman cell only: the spectral radius of W_hh at the start (a random
            orthogonal matrix times this number): below 1 gradients vanish through time, above
            1 they can explode. Default 1.
        saturation: Elman cell only: the tanh gain g. Default 1.
        gate_init: gated cells only: how the bias of the gate that keeps the memory starts,
            ``"chrono"`` (the default: time scales spread up to 200 steps, Tallec & Ollivier
            2018) or ``"constant"`` (bias 1: the gate near 0.73, a memory that fades like
            ``0.73**t``). See :class:`~rnnwidget.cells.LSTM`'s ``init``.
        optimizer: ``"adam"`` or ``"sgd"``.
        learning_rate: the optimizer's step size.
        batch_size: sequences per step.
        clip: whether to clip the gradient's global norm to ``clip_threshold``.
        clip_threshold: the largest gradient norm a step may use.
        validation_size: sequences in the fixed validation batch.
        seed: decides the weights, the training batches and the validation batch, each from
            its own stream (``numpy.random.SeedSequence(seed).spawn``); the cell's weights are
            ``SimpleRNN(..., seed=seed)``'s (or ``LSTM``'s, ``GRU``'s).
        dtype: what the network computes in: ``"float32"`` (the default, as PyTorch and Keras
            train; numpy's tanh and exp run several times faster in it) or ``"float64"``
            (exact enough to check every gradient against finite differences). The recorded
            ``log10 ||dL/dh_t||`` stay exact at any magnitude in both.
        initial_weights: the cell's weights to start from instead of the seeded ones, by name
            (any of ``W_xh``, ``W_hh``, ``b``; a GRU's ``b_xh``, ``b_hh``), each of the
            shape the seeded one has, cast to ``dtype``: what
            :meth:`RNNTrainer.from_explorer <rnnwidget.RNNTrainer.from_explorer>` starts from.

    Attributes:
        task, rnn, readout, optimizer: the parts; ``cell`` names the kind of ``rnn``, ``seed``
            is the seed.
        params: every trained array by name, the very arrays the model reads: the cell's
            (``W_xh``, ``W_hh``, ``b``; a GRU's two biases ``b_xh``, ``b_hh`` instead of
            ``b``) and the read-out's (``W_hy``, ``b_y``).
        validation: the held-out batch ``(x, targets)``, drawn once.
        records, evaluations: every :class:`StepRecord` and :class:`Evaluation` so far.
        snapshots: the weights at step 0 and every few steps since
            (:class:`~.snapshots.Snapshots`: how often, and the memory bound);
            :meth:`weights_at` reads one.
    """

    rnn: SimpleRNN | LSTM | GRU

    def __init__(
        self,
        task: str = "recall",
        *,
        lag: int = 10,
        n_symbols: int = 4,
        seq_len: int = 50,
        text: str | os.PathLike[str] | None = None,
        corpus: str = "python",
        bptt_steps: int = 50,
        cell: str = "elman",
        units: int = 32,
        w_hh_scale: float | None = None,
        saturation: float | None = None,
        gate_init: str | None = None,
        optimizer: str = "adam",
        learning_rate: float = 1e-2,
        batch_size: int = 32,
        clip: bool = True,
        clip_threshold: float = 1.0,
        validation_size: int = 512,
        seed: int = 0,
        dtype: str = "float32",
        initial_weights: Mapping[str, ArrayLike] | None = None,
    ) -> None:
        self.task: Task = make_task(
            task,
            lag=lag,
            n_symbols=n_symbols,
            seq_len=seq_len,
            text=text,
            corpus=corpus,
            bptt_steps=bptt_steps,
        )
        readout_seed, train_seed, validation_seed = np.random.SeedSequence(seed).spawn(3)
        self.seed = seed
        self.cell = cell
        self.rnn = _make_cell(
            cell, self.task.features, units, w_hh_scale, saturation, gate_init, seed
        ).astype(dtype)
        if initial_weights is not None:
            _start_from(self.rnn, initial_weights)
        self.readout = Readout(
            units,
            self.task.outputs,
            loss=self.task.loss,
            rng=np.random.default_rng(readout_seed),
            dtype=self.rnn.dtype.name,
        )
        biases = (
            {"b_xh": self.rnn.b_xh, "b_hh": self.rnn.b_hh}
            if isinstance(self.rnn, GRU)
            else {"b": self.rnn.b}
        )
        self.params: dict[str, Array] = {
            "W_xh": self.rnn.W_xh,
            "W_hh": self.rnn.W_hh,
            **biases,
            "W_hy": self.readout.W_hy,
            "b_y": self.readout.b_y,
        }
        self.optimizer: Optimizer = make_optimizer(optimizer, self.params, learning_rate)
        self.batch_size = positive_int("batch_size", batch_size)
        self.clip = bool(clip)
        self.clip_threshold = finite_float("clip_threshold", clip_threshold, low=0, open_low=True)
        self._rng = np.random.default_rng(train_seed)
        self._carried: tuple[Array, ...] = ()  # a text's state between chunks
        # A text is evaluated on its held-out tail; this batch only shows the untrained gradient.
        validation_size = positive_int("validation_size", validation_size)
        self.validation = self.task.sample(
            min(validation_size, self.batch_size) if self.task.every_step else validation_size,
            np.random.default_rng(validation_seed),
        )
        self.records: list[StepRecord] = []
        self.evaluations: list[Evaluation] = []
        self.snapshots = Snapshots(self.params)
        self.seconds = 0.0  # wall time spent in step()
        self._diverged: str | None = None

    def __repr__(self) -> str:
        cell = "" if self.cell == "elman" else f"cell={self.cell!r}, "
        return (
            f"Trainer(task={self.task!r}, {cell}units={self.rnn.units}, "
            f"optimizer={type(self.optimizer).__name__}, steps={self.steps})"
        )

    @property
    def steps(self) -> int:
        """The number of updates so far."""
        return len(self.records)

    @property
    def steps_per_second(self) -> float:
        """Training steps per second of wall time spent in :meth:`step` (0 before the first)."""
        return self.steps / self.seconds if self.seconds > 0 else 0.0

    # ------------------------------------------------------------------------------------------
    # One batch forward and back
    # ------------------------------------------------------------------------------------------

    def backprop(self, x: Array, targets: Targets, states: tuple[Array, ...] = ()) -> Backprop:
        """The loss on a batch and its exact gradient with respect to every parameter.

        ``x`` ``(batch_size, timesteps, features)`` and ``targets`` as the task samples them;
        ``states`` the cell's initial ``(h_0,)`` or ``(h_0, c_0)`` (zeros when empty). A memory
        task's loss sits on the last state only, so BPTT starts from
        ``dh = [0, ..., 0, dL/dh_T]``, the read-out's gradient on h_T; a text's sits on every
        state, and BPTT starts from the read-out's gradient on each (and, for an LSTM, from no
        direct gradient on any cell state).
        """
        trace = self.rnn.forward(x, *states)
        if self.task.every_step:
            read = trace.h  # y_t = W_hy h_t + b_y at every step
            y = self.readout.forward(read)
            loss, dy = self.readout.loss(y, targets)
            readout_grads = self.readout.backward(read, dy)
            dh = readout_grads.h_T  # the loss's direct gradient on every h_t
        else:
            h_T = trace.final_state
            y = self.readout.forward(h_T)  # y = W_hy h_T + b_y
            loss, dy = self.readout.loss(y, targets)  # L and dL/dy
            readout_grads = self.readout.backward(h_T, dy)  # dL/dW_hy, dL/db_y, dL/dh_T
            dh = np.zeros_like(trace.h)
            dh[:, -1] = readout_grads.h_T  # the loss's direct gradient: on h_T only
        # BPTT: dL/dW_xh, dL/dW_hh, the biases' gradients, and the total dL/dh_t; not dL/dx_t,
        # which only a layer below would need. (The ignore: the trace is this cell's own.)
        rnn_grads = self.rnn.backward(trace, dh, input_gradient=False)  # type: ignore[arg-type]
        grads = {name: getattr(rnn_grads, name) for name in self.params if name[-1] != "y"}
        grads |= {"W_hy": readout_grads.W_hy, "b_y": readout_grads.b_y}
        gate = MEMORY_GATE.get(self.cell)
        return Backprop(
            loss=loss,
            grads=grads,
            # From BPTT's own dL/dh_t where it is safely inside the dtype's range; else (a norm
            # below 1e-15 or above 1e15 in float32) the log-space recursion, exact at any size.
            log10_grad_norms=log10_norms_from_bptt(self.rnn, trace, dh, rnn_grads.h),
            memory_gate=math.nan if gate is None else float(np.mean(getattr(trace, gate))),
            states=final_states(trace),
        )

    # ------------------------------------------------------------------------------------------
    # Training and evaluation
    # ------------------------------------------------------------------------------------------

    def step(self) -> StepRecord:
        """One update on a fresh batch: forward, loss, BPTT, clipping if on, optimizer step.

        Raises:
            TrainingDiverged: the loss or a gradient is not finite, or the update overflowed.
                Raised again by every later call.
        """
        self._check_not_diverged()
        start = time.perf_counter()
        states: tuple[Array, ...] = ()
        targets: Targets
        if isinstance(self.task, NextCharacter):  # the next chunk of every stream
            x, targets, restart = self.task.next_batch(self.batch_size, self.rnn.dtype)
            states = () if restart else self._carried
        else:
            x, targets = self.task.sample(self.batch_size, self._rng)
        measured = self.cell == "elman" and (
            self.rnn.units <= RADIUS_UNITS or self.steps % RADIUS_EVERY == 0
        )
        radius = spectral_radius(self.rnn.W_hh) if measured else math.nan
        try:
            # An overflow anywhere (the loss, the norm, the update) stops training at once,
            # rather than spreading inf and NaN through the weights.
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                backprop = self.backprop(x, targets, states)
                if self.clip:
                    norm, clipped = clip_by_global_norm(backprop.grads, self.clip_threshold)
                else:
                    norm, clipped = global_norm(backprop.grads), False
                if not math.isfinite(norm):
                    raise FloatingPointError(f"the gradient norm is {norm}")
                self.optimizer.step(backprop.grads)
        except FloatingPointError as error:
            last = f"; the loss before was {self.records[-1].loss:.3g}" if self.records else ""
            self._diverged = f"training diverged at step {self.steps + 1} (numpy: {error}{last})"
            raise self._divergence() from error
        self._carried = backprop.states
        record = StepRecord(
            step=self.steps + 1,
            loss=backprop.loss,
            grad_norm=norm,
            clipped=clipped,
            log10_grad_norms=backprop.log10_grad_norms,
            spectral_radius=radius,
            memory_gate=backprop.memory_gate,
        )
        self.records.append(record)
        self.snapshots.take(self.steps, self.params)
        self.seconds += time.perf_counter() - start
        return record

    def weights_at(self, step: int | None = None) -> dict[str, Array]:
        """Every trained array by name (as :attr:`params`), copied: as they are now
        (``step=None``) or as :attr:`snapshots` kept them after ``step`` updates (a step not
        kept is a ``ValueError`` naming the nearest that are)."""
        if step is None:
            return {name: array.copy() for name, array in self.params.items()}
        return {name: array.copy() for name, array in self.snapshots.at(step).items()}

    def evaluate(self) -> Evaluation:
        """The loss and accuracy on the fixed validation batch (a text: on the start of its
        held-out tail, the state carried from chunk to chunk), recorded in
        :attr:`evaluations`."""
        self._check_not_diverged()
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            if isinstance(self.task, NextCharacter):
                loss, accuracy = self._evaluate_text(self.task)
            else:
                x, targets = self.validation
                y = self.readout.forward(self.rnn.forward(x).final_state)
                loss, _ = self.readout.loss(y, targets)
                accuracy = self.task.accuracy(y, targets)
        evaluation = Evaluation(self.steps, loss, accuracy)
        self.evaluations.append(evaluation)
        return evaluation

    def _evaluate_text(self, task: NextCharacter) -> tuple[float, float]:
        """The mean cross-entropy (nats per character) and next-character accuracy over the
        validation chunks, read in order from a zero state."""
        total_loss = correct = count = 0.0
        states: tuple[Array, ...] = ()
        for inputs, targets in task.validation_chunks():
            x = one_hot(inputs, task.vocabulary.size, self.rnn.dtype)
            trace = self.rnn.forward(x, *states)
            y = self.readout.forward(trace.h)
            loss, _ = self.readout.loss(y, targets)
            total_loss += loss * targets.size
            correct += task.accuracy(y, targets) * targets.size
            count += targets.size
            states = final_states(trace)
        return total_loss / count, correct / count

    # ------------------------------------------------------------------------------------------
    # A language model writes, and its units can be read
    # ------------------------------------------------------------------------------------------

    def sample(
        self, n: int = 200, *, temperature: float = 1.0, prime: str = "", seed: int | None = 0
    ) -> str:
        """``prime`` and ``n`` characters written by the network (``task="text"`` only), each
        drawn from ``softmax(y_t / temperature)`` and fed back in: temperature 0 takes the
        likeliest character every time, 1 follows the model, higher is wilder. The same seed
        gives the same text. See :func:`~.language.sample`."""
        task = self._text_task("sample")
        return sample(
            self._one_step, task.vocabulary, n, temperature=temperature, prime=prime, seed=seed
        )

    def read_units(self, text: str | None = None, *, top: int = 3) -> UnitReading:
        """Every unit's state after each character of ``text`` (default: the first 1,000
        characters of the held-out text) and the model's ``top`` guesses for the next one
        (``task="text"`` only). See :class:`~.language.UnitReading`."""
        task = self._text_task("read_units")
        text = task.data.validation_text[:1000] if text is None else text

        def forward(x: Array) -> tuple[object, Array]:
            trace = self.rnn.forward(x)
            return trace, self.readout.forward(trace.h)

        return read_units(forward, task.vocabulary, text, top=top)

    def _one_step(self, x: Array, states: tuple[Array, ...]) -> tuple[Array, tuple[Array, ...]]:
        trace = self.rnn.forward(x, *states)
        return self.readout.forward(trace.final_state), final_states(trace)

    def _text_task(self, method: str) -> NextCharacter:
        if not isinstance(self.task, NextCharacter):
            raise ValueError(f"{method}() needs a language model: Trainer(task='text', ...)")
        return self.task

    def train(
        self, steps: int, *, eval_every: int = 50, target_accuracy: float | None = None
    ) -> Evaluation:
        """Up to ``steps`` updates, evaluating first (if never yet), every ``eval_every`` steps
        and at the end; stop early once the validation accuracy reaches ``target_accuracy``.

        Returns the last evaluation.
        """
        steps = positive_int("steps", steps)
        eval_every = positive_int("eval_every", eval_every)
        evaluation = self.evaluations[-1] if self.evaluations else self.evaluate()
        for _ in range(steps):
            self.step()
            if self.steps % eval_every == 0:
                evaluation = self.evaluate()
                if target_accuracy is not None and evaluation.accuracy >= target_accuracy:
                    return evaluation
        return evaluation if evaluation.step == self.steps else self.evaluate()

    def history(self) -> History:
        """Every step record and evaluation so far, as arrays."""
        records, evaluations = self.records, self.evaluations
        timesteps = self.task.timesteps
        return History(
            step=np.array([r.step for r in records], dtype=np.int64),
            loss=np.array([r.loss for r in records]),
            grad_norm=np.array([r.grad_norm for r in records]),
            clipped=np.array([r.clipped for r in records], dtype=np.bool_),
            spectral_radius=np.array([r.spectral_radius for r in records]),
            memory_gate=np.array([r.memory_gate for r in records]),
            log10_grad_norms=np.array([r.log10_grad_norms for r in records]).reshape(
                len(records), timesteps
            ),
            eval_step=np.array([e.step for e in evaluations], dtype=np.int64),
            val_loss=np.array([e.loss for e in evaluations]),
            val_accuracy=np.array([e.accuracy for e in evaluations]),
        )

    def _check_not_diverged(self) -> None:
        if self._diverged is not None:
            raise self._divergence()

    def _divergence(self) -> TrainingDiverged:
        error = TrainingDiverged(
            f"{self._diverged}. Lower the learning rate or turn gradient clipping on, and start "
            "a new Trainer."
        )
        error.reason = self._diverged or ""
        return error


def _start_from(rnn: SimpleRNN | LSTM | GRU, weights: Mapping[str, ArrayLike]) -> None:
    """Overwrite ``rnn``'s weights, in place, with ``weights`` (cast to its dtype); a name the
    cell does not have, or a shape other than its own, is refused."""
    own = {"W_xh": rnn.W_xh, "W_hh": rnn.W_hh}
    own |= {"b_xh": rnn.b_xh, "b_hh": rnn.b_hh} if isinstance(rnn, GRU) else {"b": rnn.b}
    for name, value in weights.items():
        if name not in own:
            raise ValueError(
                f"initial_weights: the {type(rnn).__name__} has {', '.join(own)}; got {name!r}"
            )
        array = np.asarray(value, dtype=rnn.dtype)
        if array.shape != own[name].shape:
            raise ValueError(
                f"initial_weights: {name} must have shape {own[name].shape}; got {array.shape}"
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"initial_weights: {name} holds NaN or infinity")
        own[name][...] = array


def _make_cell(
    cell: str,
    features: int,
    units: int,
    w_hh_scale: float | None,
    saturation: float | None,
    gate_init: str | None,
    seed: int,
) -> SimpleRNN | LSTM | GRU:
    """The cell ``cell`` with its own settings; a setting of another cell is refused by name."""
    if cell == "elman":
        if gate_init is not None:
            raise ValueError("gate_init sets a gated cell's memory gate; the Elman cell has none")
        return SimpleRNN(
            features,
            units,
            w_hh_scale=1.0 if w_hh_scale is None else w_hh_scale,
            saturation=1.0 if saturation is None else saturation,
            seed=seed,
        )
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}; got {cell!r}")
    for name, value in (("w_hh_scale", w_hh_scale), ("saturation", saturation)):
        if value is not None:
            raise ValueError(
                f"{name} sets the Elman cell's recurrence; the {cell.upper()} starts from "
                "Keras's orthogonal W_hh and has no tanh gain (its memory is set by gate_init)"
            )
    init = "chrono" if gate_init is None else gate_init
    if init not in GATE_INITS:
        raise ValueError(f"gate_init must be one of {GATE_INITS}; got {gate_init!r}")
    kind = LSTM if cell == "lstm" else GRU
    return kind(features, units, seed=seed, init=init)
