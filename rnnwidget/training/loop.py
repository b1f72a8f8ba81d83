"""Training while the kernel stays free: one :class:`~rnnwidget.training.Trainer`, stepped by one
background thread (or by the caller), with snapshots of the run handed out a few times a second.

:class:`TrainingLoop` owns the trainer and one lock. Every step, by whichever thread, runs under
that lock, so nothing is ever trained twice at once; a pause clears a flag the worker reads
before each step, then waits for the lock, so it returns after at most the one step in progress.

One daemon thread per loop, started on the first :meth:`TrainingLoop.start`, waits on a
condition while paused and trains while running; :meth:`TrainingLoop.close` stops it. Between
steps it calls ``time.sleep(0)``, so the kernel's own thread gets the GIL as soon as it asks.

What the loop reports is a :class:`Progress`: the curves so far, the latest batch's
``log10 ||dL/dh_t||``, the status and the timing. It goes to the ``publish`` callback from the
worker (at most every ``interval`` seconds while running) and from the caller's thread (after
each command). Snapshots are numbered: the callback shows only one newer than the last shown, so
a late snapshot from the worker never overwrites a newer one from a command.

Each step is the trainer's own: ``trainer.step()``, then ``trainer.evaluate()`` after every
``eval_every``-th step (and once before the first). The schedule depends on the step count only,
so a run gives the same records and evaluations however it was paused, chunked or published.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .._checks import positive_int
from .._threads import single_threaded_blas
from ..cells.elman import Array
from .tasks import Task
from .trainer import Evaluation, StepRecord, Trainer, TrainingDiverged

__all__ = ["Curves", "Progress", "Status", "TrainingLoop"]

#: ``ready``: not trained yet; ``running``; ``paused``; ``diverged``: the trainer refuses further
#: steps (:class:`~rnnwidget.training.TrainingDiverged`); ``failed``: another exception stopped
#: training; ``closed``.
Status = Literal["ready", "running", "paused", "diverged", "failed", "closed"]

_JOIN_TIMEOUT = 5.0  # seconds close() waits for a step in progress

#: Why training stopped: the status, the message the view shows, the exception.
_Failure = tuple[Literal["diverged", "failed"], str, Exception]


class Curves:
    """One entry per training step, appended as the steps come: the arrays a chart draws.

    The arrays grow by doubling; :meth:`view` hands out read-only views of the filled part.
    An entry is never rewritten, so a view stays valid however the curves grow afterwards.
    """

    NAMES = ("loss", "grad_norm", "clipped", "spectral_radius", "memory_gate")

    def __init__(self) -> None:
        self.size = 0
        self._arrays = {name: np.empty(64) for name in self.NAMES}

    def append(self, record: StepRecord) -> None:
        if self.size == len(self._arrays["loss"]):
            for name, array in self._arrays.items():
                grown = np.empty(2 * len(array))
                grown[: self.size] = array
                self._arrays[name] = grown
        values = (
            record.loss,
            record.grad_norm,
            float(record.clipped),
            record.spectral_radius,
            record.memory_gate,
        )
        for name, value in zip(self.NAMES, values):
            self._arrays[name][self.size] = value
        self.size += 1

    def view(self, name: str) -> Array:
        """The curve ``name`` (one of :attr:`NAMES`; ``clipped`` as 0.0 or 1.0), ``(steps,)``."""
        view = self._arrays[name][: self.size]
        view.flags.writeable = False
        return view


@dataclass(frozen=True, eq=False)
class Progress:
    """A snapshot of a run: what the view draws.

    Attributes:
        revision: increases with every snapshot of the loop; show a snapshot only if it is newer
            than the last one shown.
        task: the run's task (its chance levels and timesteps).
        cell: the run's cell, ``"elman"``, ``"lstm"`` or ``"gru"``.
        status: see :data:`Status`.
        error: why training stopped (``diverged`` or ``failed``), else empty.
        steps: training steps so far.
        elapsed: wall seconds spent training (stepping, evaluating, publishing), pauses aside.
        steps_per_second: ``steps / elapsed`` (0 before the first step).
        loss, grad_norm, clipped, spectral_radius, memory_gate: per step, ``(steps,)``, as in
            :class:`~rnnwidget.training.StepRecord` (``clipped`` as 0.0 or 1.0;
            ``spectral_radius`` NaN for a gated cell, ``memory_gate`` NaN for the Elman cell).
        eval_step, val_loss, val_accuracy: per evaluation, ``(evaluations,)``.
        log10_grad_norms: ``log10 ||dL/dh_t||`` for t = 1 ... T: of the latest training batch,
            or before the first step, of the untrained network on a validation batch of
            ``batch_size`` sequences; None where that gradient overflows float64.
        weights: a copy of every trained array as it is after ``steps`` updates, by name
            (:attr:`~rnnwidget.training.Trainer.params`).
        film: the steps the run's :attr:`~rnnwidget.training.Trainer.snapshots` keep, in
            order, and their spacing ``film_every``.
    """

    revision: int
    task: Task
    cell: str
    status: Status
    error: str
    steps: int
    elapsed: float
    steps_per_second: float
    loss: Array
    grad_norm: Array
    clipped: Array
    spectral_radius: Array
    memory_gate: Array
    eval_step: NDArray[np.int64]
    val_loss: Array
    val_accuracy: Array
    log10_grad_norms: Array | None
    weights: dict[str, Array]
    film: tuple[int, ...]
    film_every: int


class TrainingLoop:
    """Train one :class:`~rnnwidget.training.Trainer` in a background thread or in the caller's.

    Args:
        trainer: the run to train; :meth:`replace` swaps in another.
        publish: called with every :class:`Progress`, from the worker thread or the caller's.
            It must be thread-safe, and show a snapshot only if its ``revision`` is newer than
            the last it showed.
        eval_every: validation evaluations every this many steps (settable between steps).
        max_steps: background training pauses once a run has this many steps (settable): every
            step's record stays in memory, with its ``log10 ||dL/dh_t||`` (T numbers), so a
            run left training must not grow without end. :meth:`run` is not
            limited.
        interval: seconds between snapshots while training.
        clock: seconds on a clock that never goes back (by default ``time.perf_counter``), read
            to space the snapshots and to time the training (:attr:`Progress.elapsed`).
    """

    _failure: _Failure | None  # why training stopped, if it did
    _latest_norms: Array | None  # log10 ||dL/dh_t|| of the latest batch

    def __init__(
        self,
        trainer: Trainer,
        publish: Callable[[Progress], None],
        *,
        eval_every: int = 25,
        max_steps: int = 20_000,
        interval: float = 0.2,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._publish = publish
        self._clock = clock
        self.eval_every = positive_int("eval_every", eval_every)
        self.max_steps = positive_int("max_steps", max_steps)
        self.interval = interval
        self._lock = threading.Lock()  # held for every step and every read of the trainer
        self._wake = threading.Condition()  # the worker sleeps here while not wanted
        self._wanted = False  # the worker should train
        self._foreground = False  # the caller's thread is training (run())
        self._closed = False
        self._thread: threading.Thread | None = None
        self._revision = 0
        self._adopt(trainer)

    # -- what callers read ---------------------------------------------------------------------
    @property
    def trainer(self) -> Trainer:
        """The current run. It may be stepping right now: read it inside :meth:`locked`."""
        return self._trainer

    @property
    def status(self) -> Status:
        if self._closed:
            return "closed"
        if self._failure is not None:
            return self._failure[0]
        if self._wanted or self._foreground:
            return "running"
        return "ready" if self._trainer.steps == 0 else "paused"

    @contextmanager
    def locked(self) -> Iterator[Trainer]:
        """The trainer, with no step running until the block ends (at most one step's wait)."""
        with self._lock:
            yield self._trainer

    # -- commands ------------------------------------------------------------------------------
    def start(self) -> None:
        """Train in the background until :meth:`pause`, :meth:`close`, an exception or
        ``max_steps``."""
        self._check_usable()
        if self._trainer.steps >= self.max_steps:
            raise RuntimeError(
                f"this run has reached max_steps ({self.max_steps:,} steps): raise max_steps, "
                "or restart"
            )
        with self._wake:
            self._wanted = True
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="rnnwidget-training", daemon=True
                )
                self._thread.start()
            self._wake.notify()
        self.publish()

    def pause(self) -> None:
        """Stop background training; returns once the step in progress (if any) is done."""
        self._wanted = False
        self.publish()  # takes the lock: the worker has finished its step

    def run(self, steps: int, *, target_accuracy: float | None = None) -> Evaluation:
        """Train ``steps`` more steps in the caller's thread (pausing the background first),
        publishing as the worker does; stop early once a validation evaluation reaches
        ``target_accuracy``. Returns the latest evaluation.

        Raises what training raised (after publishing it): ``TrainingDiverged``, or any other.
        """
        steps = positive_int("steps", steps)
        self._check_usable()
        self.pause()
        self._foreground = True
        self._begin_stretch()
        done = 0

        def keep_going() -> bool:
            reached = target_accuracy is not None and (
                self._trainer.evaluations[-1].accuracy >= target_accuracy
            )
            return done < steps and not reached and not self._closed and self._failure is None

        try:
            with single_threaded_blas():
                while keep_going():
                    self._train_one(keep_going)
                    done += 1
        finally:
            self._foreground = False
            self.publish()
        if self._failure is not None:
            raise self._failure[2]
        return self._trainer.evaluations[-1]

    def replace(self, trainer: Trainer) -> None:
        """Start a new run with ``trainer`` (evaluated once before its first step); training
        goes on with it if it was running."""
        with self._lock:
            self._adopt(trainer)
        self.publish()

    def close(self) -> None:
        """Stop training and the worker thread (waiting for the step in progress, a few seconds
        at most). Publishes nothing more."""
        with self._wake:
            self._closed = True
            self._wanted = False
            self._wake.notify()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(_JOIN_TIMEOUT)

    def publish(self) -> None:
        """Hand a snapshot of the run as it is now to ``publish`` (unless closed)."""
        with self._lock:
            progress = self._capture()
        if not self._closed:
            self._publish(progress)

    # -- the training ----------------------------------------------------------------------
    def _work(self) -> None:
        """The worker thread: sleep while not wanted, train while wanted."""
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._wanted or self._closed)
                if self._closed:
                    return
            self._begin_stretch()

            def keep_going() -> bool:
                return self._wanted and not self._closed and self._failure is None

            with single_threaded_blas():
                while keep_going():
                    self._train_one(keep_going)
                    if self._trainer.steps >= self.max_steps:
                        self.pause()
                    time.sleep(0)  # let the kernel's thread take the GIL if it waits for it

    def _begin_stretch(self) -> None:
        """Start the clock of a stretch of training: what follows counts as elapsed."""
        with self._lock:
            self._mark = self._clock()

    def _train_one(self, keep_going: Callable[[], bool]) -> None:
        """One step (and evaluation, when due) under the lock, if still wanted; then a snapshot
        if ``interval`` has passed. An exception ends training: it is recorded and published,
        and :meth:`run` raises it."""
        with self._lock:
            if not keep_going():
                return
            try:
                record = self._trainer.step()
                self._curves.append(record)
                self._latest_norms = record.log10_grad_norms
                if self._trainer.steps % self.eval_every == 0:
                    self._trainer.evaluate()
            except TrainingDiverged as error:
                self._failure = ("diverged", error.reason, error)
                self._wanted = False
            except Exception as error:  # shown in the view; training stops cleanly
                self._failure = ("failed", f"{type(error).__name__}: {error}", error)
                self._wanted = False
            done = self._clock()
            self._elapsed += done - self._mark  # the step, and publishing since the last one
            self._mark = done
            due = self._failure is not None or done - self._published >= self.interval
            progress = self._capture() if due else None
        if progress is not None and not self._closed:
            self._publish(progress)

    # -- state ---------------------------------------------------------------------------------
    def _adopt(self, trainer: Trainer) -> None:
        """Make ``trainer`` the current run (the lock held, or in __init__)."""
        self._trainer = trainer
        self._curves = Curves()
        self._failure = None
        self._elapsed = 0.0  # wall seconds spent training this run
        self._mark = self._clock()  # where the clock of the current stretch stands
        self._published = -np.inf  # the clock's reading at the last snapshot
        for record in trainer.records:
            self._curves.append(record)
        if not trainer.evaluations:
            trainer.evaluate()
        self._latest_norms = (
            trainer.records[-1].log10_grad_norms if trainer.records else _untrained_norms(trainer)
        )

    def _check_usable(self) -> None:
        if self._closed:
            raise RuntimeError("this training loop is closed; create a new one")
        if self._failure is not None:
            raise RuntimeError(
                f"training stopped ({self._failure[1]}); restart or reset to start again"
            )

    def _capture(self) -> Progress:
        """A snapshot of the run (the lock held)."""
        self._revision += 1
        self._published = self._clock()
        trainer, curves = self._trainer, self._curves
        evaluations = trainer.evaluations
        return Progress(
            revision=self._revision,
            task=trainer.task,
            cell=trainer.cell,
            status=self.status,
            error=self._failure[1] if self._failure is not None else "",
            steps=trainer.steps,
            elapsed=self._elapsed,
            steps_per_second=trainer.steps / self._elapsed if self._elapsed > 0 else 0.0,
            loss=curves.view("loss"),
            grad_norm=curves.view("grad_norm"),
            clipped=curves.view("clipped"),
            spectral_radius=curves.view("spectral_radius"),
            memory_gate=curves.view("memory_gate"),
            eval_step=np.array([e.step for e in evaluations], dtype=np.int64),
            val_loss=np.array([e.loss for e in evaluations]),
            val_accuracy=np.array([e.accuracy for e in evaluations]),
            log10_grad_norms=self._latest_norms,
            weights=trainer.weights_at(),
            film=tuple(trainer.snapshots.steps),
            film_every=trainer.snapshots.every,
        )


def _untrained_norms(trainer: Trainer) -> Array | None:
    """``log10 ||dL/dh_t||`` of the untrained network on the first ``batch_size`` validation
    sequences (no training batch is drawn, so the run's random stream is untouched); None where
    the gradient overflows float64."""
    x, targets = trainer.validation
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            backprop = trainer.backprop(x[: trainer.batch_size], targets[: trainer.batch_size])
    except FloatingPointError:
        return None
    return backprop.log10_grad_norms
