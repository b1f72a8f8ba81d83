"""RNNTrainer: train the project's SimpleRNN on a memory task, live, and watch why it fails.

The kernel trains (:class:`~.loop.TrainingLoop`: one background thread, a lock around
the :class:`~rnnwidget.training.Trainer`); the browser draws what it publishes and sends the
lecturer's settings and commands.

- **Settings** are synced traits, validated like :class:`~rnnwidget.RNNExplorer`'s (a
  ``TraitError`` names the allowed range). A *model* setting (:data:`MODEL_SETTINGS`: the task,
  its length, the network, the optimizer, the seed) starts a new run at step 0, which keeps
  training if it was. A *live* setting (:data:`LIVE_SETTINGS`: learning rate, batch size,
  clipping, the evaluation interval, the step limit) applies from the next step on: turn
  clipping on in the middle of an explosion and watch training recover.
- **Commands** come from Python (:meth:`RNNTrainer.start`, ``pause``, ``step``, ``reset``,
  ``run``) or from the view's buttons, as custom messages ``{"command": "start"}`` etc.
- **Progress** goes out a few times a second while training, from the worker thread, as one
  message: ``status``, ``steps``, ``error`` and ``_progress``, whose curves travel as float32
  buffers (:mod:`rnnwidget._wire`), at most :data:`MAX_POINTS` points each.

Threads: the worker and the kernel's thread both change traits (the worker publishes, the
kernel applies settings and commands), and ipywidgets' syncing is not thread-safe, so every
trait change, every message from the browser and every publish holds one re-entrant lock. The
worker never holds the trainer's lock while it waits for that one, so they cannot deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from .._keywords import check_keywords
from .._messages import handle_untrusted
from .._traits import BoundedFloat, BoundedInt, Choice
from .._version import __version__
from .._wire import encode_array
from ..cells.elman import Array
from .loop import Progress, TrainingLoop
from .optim import OPTIMIZERS
from .tasks import TASKS
from .trainer import Evaluation, History, Trainer

__all__ = ["COMMANDS", "LIVE_SETTINGS", "MAX_POINTS", "MODEL_SETTINGS", "RNNTrainer"]

STATIC = Path(__file__).parent.parent / "static"

#: Settings that define the run: changing one starts a new run at step 0.
MODEL_SETTINGS = (
    "task", "lag", "seq_len", "units", "w_hh_scale", "saturation", "optimizer", "seed",
)  # fmt: skip

#: Settings that apply from the next step on, the run going on.
LIVE_SETTINGS = (
    "learning_rate", "batch_size", "clip", "clip_threshold", "eval_every", "max_steps",
)  # fmt: skip

SETTINGS = MODEL_SETTINGS + LIVE_SETTINGS

#: What the view's buttons send.
COMMANDS = ("start", "pause", "step", "reset")

#: What a browser may set; everything else it sends is ignored (the kernel owns the results).
_FROM_BROWSER = frozenset(SETTINGS) | {"_request"}

#: Points per curve sent to the browser; longer runs are averaged over 2, 4, 8 ... steps.
MAX_POINTS = 1000

#: Per-step curves that travel as base-10 logarithms.
_LOG_CURVES = ("loss", "grad_norm", "spectral_radius")


class RNNTrainer(anywidget.AnyWidget):
    """Train a SimpleRNN and a linear read-out on a memory task with exact BPTT, live.

    In a notebook::

        w = RNNTrainer(task="recall", lag=20, w_hh_scale=0.9)
        w                   # the view
        w.start()           # trains in a background thread; the kernel stays free
        w.pause()           # returns once the step in progress is done
        w.run(200)          # or train in this cell (a script, a notebook run headless)
        w.history().loss    # every step's loss so far

    The view plots the loss (log scale) and the validation accuracy against the step with the
    chance level, the gradient ``||dL/dh_t||`` of the latest batch against t, the global
    gradient norm (with the clipping threshold) and the spectral radius of W_hh, and a progress
    line. The same settings give the same curves, step for step, however the run was paused.
    """

    _esm = STATIC / "trainer.js"
    _css = STATIC / "trainer.css"

    # -- what defines the run (a change starts over) -------------------------------------------
    task = Choice(
        TASKS,
        "recall",
        help='"recall": name the symbol shown lag steps ago; "adding": sum the two marked '
        "numbers of seq_len.",
    ).tag(sync=True)
    lag = BoundedInt(10, 1, 200, help="Recall: noise steps between the symbol and the cue.").tag(
        sync=True
    )
    seq_len = BoundedInt(50, 2, 200, help="Adding problem: the sequence length.").tag(sync=True)
    units = BoundedInt(32, 1, 128, help="Size of the hidden state.").tag(sync=True)
    w_hh_scale = BoundedFloat(
        1.0, 0.0, 3.0, help="W_hh's spectral radius at the start: below 1 gradients vanish."
    ).tag(sync=True)
    saturation = BoundedFloat(1.0, 0.1, 5.0, help="The tanh gain g.").tag(sync=True)
    optimizer = Choice(OPTIMIZERS, "adam", help='"adam" or "sgd".').tag(sync=True)
    seed = BoundedInt(
        0, 0, 2**32 - 1, help="Seeds the weights, the batches and the validation set."
    ).tag(sync=True)

    # -- what applies from the next step on ----------------------------------------------------
    learning_rate = BoundedFloat(1e-2, 1e-4, 1.0, help="The optimizer's step size.").tag(sync=True)
    batch_size = BoundedInt(32, 1, 256, help="Sequences per training step.").tag(sync=True)
    clip = traitlets.Bool(True, help="Clip the gradient's global norm to clip_threshold.").tag(
        sync=True
    )
    clip_threshold = BoundedFloat(
        1.0, 0.01, 100.0, help="The largest gradient norm a step may use, when clipping."
    ).tag(sync=True)
    eval_every = BoundedInt(
        25, 1, 1000, help="Steps between evaluations on the fixed validation batch."
    ).tag(sync=True)
    max_steps = BoundedInt(
        20_000,
        1,
        1_000_000,
        help="Training in the background pauses once the run has this many steps (each step's "
        "record stays in memory; run() is not limited).",
    ).tag(sync=True)

    # -- what the kernel reports (read-only for the browser) -----------------------------------
    status = traitlets.Unicode(
        "ready", help='"ready", "running", "paused", "diverged", "failed" or "closed".'
    ).tag(sync=True)
    steps = traitlets.Int(0, help="Training steps so far in this run.").tag(sync=True)
    error = traitlets.Unicode(
        "", help="Why training stopped or a change was refused; empty when all is well."
    ).tag(sync=True)
    version = traitlets.Unicode(__version__, read_only=True).tag(sync=True)

    # -- the wire ------------------------------------------------------------------------------
    _progress = traitlets.Dict().tag(sync=True)  # curves as float32 buffers, timing, revision
    _request = traitlets.Int(0).tag(sync=True)  # browser -> kernel: id of its latest change
    _ack = traitlets.Int(0).tag(sync=True)  # kernel -> browser: the last id it has finished

    def __init__(self, **kwargs: Any) -> None:
        self._sync_lock = threading.RLock()  # every trait change and message holds it
        self._ready = False
        self._closed = False
        self._batching = False
        self._shown = 0  # revision of the last Progress published
        check_keywords("RNNTrainer", kwargs, SETTINGS)
        super().__init__(**kwargs)
        self.on_msg(self._on_custom_message)
        self._loop = TrainingLoop(
            self._new_trainer(),
            self._publish,
            eval_every=self.eval_every,
            max_steps=self.max_steps,
        )
        self._ready = True
        self._loop.publish()

    # -- what a notebook user reads ------------------------------------------------------------
    @property
    def trainer(self) -> Trainer:
        """The current run. It changes while training runs: :meth:`pause` before reading it."""
        return self._loop.trainer

    @property
    def running(self) -> bool:
        """Whether training is running (in the background, or in :meth:`run`)."""
        return self._loop.status == "running"

    def history(self) -> History:
        """Every step record and evaluation of the current run so far, as arrays (a consistent
        copy, even while training runs)."""
        with self._loop.locked() as trainer:
            return trainer.history()

    # -- commands ------------------------------------------------------------------------------
    def start(self) -> None:
        """Train in a background thread until :meth:`pause`; the kernel stays free meanwhile.

        Pauses by itself at ``max_steps``. Raises ``RuntimeError`` if the run diverged or failed
        (:meth:`reset` first), or has reached ``max_steps``.
        """
        with self._sync_lock:
            self._loop.start()
            self.error = ""

    def pause(self) -> None:
        """Stop training; returns once the step in progress is done."""
        with self._sync_lock:
            self._loop.pause()

    def step(self) -> None:
        """Pause, then train one step."""
        self.run(1)

    def run(self, steps: int, *, target_accuracy: float | None = None) -> Evaluation:
        """Pause, then train ``steps`` steps right here (the cell waits), publishing to the
        view as it goes; stop early once an evaluation reaches ``target_accuracy``.

        For scripts and notebooks run headless; for a live lecture use :meth:`start`. Returns
        the latest evaluation (taken every ``eval_every`` steps). Raises
        ``TrainingDiverged`` if training diverged; the view shows it too.
        """
        with self._sync_lock:
            evaluation = self._loop.run(steps, target_accuracy=target_accuracy)
            self.error = ""
            return evaluation

    def reset(self) -> None:
        """Pause, and start a new run at step 0 from the current settings and seed."""
        with self._sync_lock:
            self._loop.pause()
            self._loop.replace(self._new_trainer())
            self.error = ""

    def close(self) -> None:
        """Stop training and its thread, and remove every view."""
        loop: TrainingLoop | None = getattr(self, "_loop", None)  # None if __init__ failed
        if loop is not None:
            loop.close()  # holding no lock: the worker may be waiting to publish
        with self._sync_lock:
            self._closed = True
            self.status = "closed"
            super().close()

    # -- settings ------------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        # One lock for every trait change (the worker publishes from its own thread); a refused
        # setting from Python raises as usual, and the view says why too.
        lock = self.__dict__.get("_sync_lock")
        if lock is None:
            super().__setattr__(name, value)
            return
        with lock:
            try:
                super().__setattr__(name, value)
            except traitlets.TraitError as error:
                if name in SETTINGS and self._ready:
                    self.error = str(error)
                raise
            if name in SETTINGS and self._ready:
                self.error = ""

    @traitlets.observe(*MODEL_SETTINGS)
    def _on_model_setting(self, change: dict[str, Any]) -> None:
        if self._ready and not self._batching and self._matters(change["name"]):
            self._loop.replace(self._new_trainer())

    @traitlets.observe(*LIVE_SETTINGS)
    def _on_live_setting(self, change: dict[str, Any]) -> None:
        if not self._ready:
            return
        with self._loop.locked() as trainer:
            self._apply_live_settings(trainer)
        self._loop.publish()  # the clipping line may have moved

    def _matters(self, name: str) -> bool:
        """Whether a model setting is used by the current task (``lag`` is not, for adding)."""
        return not (
            (name == "lag" and self.task != "recall")
            or (name == "seq_len" and self.task != "adding")
        )

    def _new_trainer(self) -> Trainer:
        return Trainer(
            self.task,
            lag=self.lag,
            seq_len=self.seq_len,
            units=self.units,
            w_hh_scale=self.w_hh_scale,
            saturation=self.saturation,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            batch_size=self.batch_size,
            clip=self.clip,
            clip_threshold=self.clip_threshold,
            seed=self.seed,
        )

    def _apply_live_settings(self, trainer: Trainer) -> None:
        trainer.optimizer.learning_rate = self.learning_rate
        trainer.batch_size = self.batch_size
        trainer.clip = self.clip
        trainer.clip_threshold = self.clip_threshold
        self._loop.eval_every = self.eval_every
        self._loop.max_steps = self.max_steps

    @contextmanager
    def _one_rebuild(self) -> Iterator[None]:
        """Apply several model settings, then start one new run (if any of them changed)."""
        before = {name: getattr(self, name) for name in MODEL_SETTINGS}
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
        changed = [name for name in MODEL_SETTINGS if getattr(self, name) != before[name]]
        if any(self._matters(name) for name in changed):
            self._loop.replace(self._new_trainer())

    # -- publishing ----------------------------------------------------------------------------
    def _publish(self, progress: Progress) -> None:
        """Show a snapshot in every view, as one message: the one place traits change for it.
        Called from the worker thread and the kernel's; older snapshots are dropped."""
        with self._sync_lock:
            if self._closed or progress.revision <= self._shown:
                return
            self._shown = progress.revision
            with self.hold_sync():
                self.status = progress.status
                self.steps = progress.steps
                if progress.error:
                    self.error = progress.error
                threshold = self.clip_threshold if self.clip else None
                self._progress = progress_payload(progress, clip_threshold=threshold)

    # -- messages from the browser -------------------------------------------------------------
    def _handle_msg(self, msg: dict[str, Any]) -> None:
        """Every comm message from a browser, untrusted (see :mod:`rnnwidget._messages`), under
        the lock, so it never interleaves with a publish from the worker."""
        with self._sync_lock:
            handle_untrusted(self, msg)

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply settings from a browser: only settings (and the request id) are taken, each is
        validated, and a refused update changes nothing but the error message, while the
        browser's controls are put back to the kernel's values."""
        update = {key: value for key, value in sync_data.items() if key in _FROM_BROWSER}
        refused = sorted((set(sync_data) - _FROM_BROWSER) & set(self.keys))
        with self._sync_lock, self.hold_sync():
            try:
                with self._one_rebuild():
                    super().set_state(update)
                self.error = ""
            except traitlets.TraitError as error:
                self.error = str(error)
                refused += [key for key in update if key in SETTINGS]
            if isinstance(update.get("_request"), int):
                self._ack = update["_request"]
        if refused:
            self.send_state(refused)  # the browser shows the kernel's values again

    def _on_custom_message(self, _: Any, content: Any, buffers: Sequence[Any]) -> None:
        """A button of the view: ``{"command": "start" | "pause" | "step" | "reset"}``. Anything
        else is ignored; a command that cannot run says why in the view."""
        command = content.get("command") if isinstance(content, dict) else None
        if command not in COMMANDS:
            return
        try:
            {"start": self.start, "pause": self.pause, "step": self.step, "reset": self.reset}[
                command
            ]()
        except Exception as error:  # a diverged or failed run: the view shows why
            self.error = str(error)

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={getattr(self, name)!r}" for name in SETTINGS)
        return f"RNNTrainer({settings})"


def progress_payload(progress: Progress, *, clip_threshold: float | None) -> dict[str, Any]:
    """What the browser draws for one snapshot: numbers as JSON, curves as float32 buffers.

    The loss, the gradient norm ``||g||`` and the spectral radius travel as base-10 logarithms,
    which float32 holds at any size (a loss of 1e305 just before a divergence included); a
    run longer than :data:`MAX_POINTS` steps is averaged over ``bucket`` steps per point (in
    logarithms: geometric means). ``clipped`` is the fraction of steps clipped, and
    ``log10_grad_norms`` is ``log10 ||dL/dh_t||`` of the latest batch, ``(timesteps,)``, absent
    where it overflowed float64.
    """
    steps = progress.steps
    bucket = 1
    while steps > bucket * MAX_POINTS:
        bucket *= 2
    with np.errstate(divide="ignore"):  # an exact zero is -inf: a gap in the curve
        logs = {name: np.log10(getattr(progress, name)) for name in _LOG_CURVES}
    arrays = {
        "step": encode_array(_bucket_means(np.arange(1.0, steps + 1), bucket)),
        **{f"log10_{name}": encode_array(_bucket_means(logs[name], bucket)) for name in logs},
        "clipped": encode_array(_bucket_means(progress.clipped, bucket)),
        "eval_step": encode_array(progress.eval_step),
        "log10_val_loss": encode_array(np.log10(progress.val_loss)),
        "val_accuracy": encode_array(progress.val_accuracy),
    }
    if progress.log10_grad_norms is not None:
        arrays["log10_grad_norms"] = encode_array(progress.log10_grad_norms)
    task = progress.task
    return {
        "revision": progress.revision,
        "steps": steps,
        "elapsed": progress.elapsed,
        "steps_per_second": progress.steps_per_second,
        "bucket": bucket,
        "timesteps": task.timesteps,
        "chance": {"loss": task.chance_loss, "accuracy": task.chance_accuracy},
        "loss_name": task.loss,
        "clip_threshold": clip_threshold,
        "latest": _latest(progress),
        "arrays": arrays,
    }


def _latest(progress: Progress) -> dict[str, float | bool | None]:
    """The newest step and evaluation, exactly (the curves may be averaged)."""
    last = progress.steps - 1
    has_step = progress.steps > 0
    return {
        "loss": float(progress.loss[last]) if has_step else None,
        "grad_norm": float(progress.grad_norm[last]) if has_step else None,
        "clipped": bool(progress.clipped[last]) if has_step else None,
        "spectral_radius": float(progress.spectral_radius[last]) if has_step else None,
        "val_accuracy": float(progress.val_accuracy[-1]),
        "val_loss": float(progress.val_loss[-1]),
        "eval_step": int(progress.eval_step[-1]),
    }


def _bucket_means(values: Array, bucket: int) -> Array:
    """Means of consecutive runs of ``bucket`` values (the last run may be shorter)."""
    if bucket == 1:
        return values
    full = len(values) // bucket * bucket
    means: Array = values[:full].reshape(-1, bucket).mean(axis=1)
    if full < len(values):
        means = np.append(means, values[full:].mean())
    return means
