"""RNNTrainer: train one of the project's cells on a memory task, live, and watch why the Elman
cell fails where the gated cells remember.

The kernel trains (:class:`~.loop.TrainingLoop`: one background thread, a lock around
the :class:`~rnnwidget.training.Trainer`); the browser draws what it publishes and sends the
lecturer's settings and commands.

- **Settings** are synced traits, validated like :class:`~rnnwidget.RNNExplorer`'s (a
  ``TraitError`` names the allowed range). A *model* setting (:data:`MODEL_SETTINGS`: the task,
  its length, the cell and its network, the optimizer, the seed) starts a new run at step 0,
  which keeps training if it was. A *live* setting (:data:`LIVE_SETTINGS`: learning rate,
  batch size, clipping, the evaluation interval, the step limit) applies from the next step on:
  turn clipping on in the middle of an explosion and watch training recover.
- **Commands** come from Python (:meth:`RNNTrainer.start`, ``pause``, ``step``, ``restart``
  (step 0, these settings), ``reset`` (step 0, the constructor's settings), ``run``) or from
  the view's buttons, as custom messages ``{"command": "start"}`` etc.
- **Progress** goes out a few times a second while training, from the worker thread, as one
  message: ``status``, ``steps``, ``error`` and ``_progress``, whose curves travel as float32
  buffers (:mod:`rnnwidget._wire`), at most :data:`MAX_POINTS` points each, beside every word
  the view shows (:mod:`~.training.words`) and the status they describe, so the view never mixes the
  keys of two updates (marimo delivers them one by one).

Threads: the worker and the kernel's thread both change traits (the worker publishes, the
kernel applies settings and commands), and ipywidgets' syncing is not thread-safe, so every
trait change, every message from the browser and every publish holds the widget's one
re-entrant lock (:class:`~rnnwidget._widget.BaseWidget`). The worker never holds the trainer's
lock while it waits for that one, so they cannot deadlock.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets

from .. import _knobs as knobs
from .._axes import fitted_axis, step_ticks, time_ticks
from .._threads import single_threaded_blas
from .._traits import BoundedFloat, BoundedInt, Choice, Toggle
from .._widget import STATIC, BaseWidget, Companion, Preset
from .._wire import encode_array
from ..cells.elman import Array
from ..explorer.frame import Frame, Network
from ..explorer.layout import chart_range
from ..explorer.widget import frame_payload
from . import preview, words
from .corpora import CORPORA
from .language import NextCharacter
from .loop import Progress, TrainingLoop
from .mechanism import frame_of, network_of
from .optim import OPTIMIZERS
from .tasks import TASKS
from .textview import CORPUS_LABELS, TextSettings, TextView, checked_text, short_text
from .trainer import Evaluation, History, Trainer

if TYPE_CHECKING:
    from ..explorer.widget import RNNExplorer

__all__ = [
    "COMMANDS", "LIVE_SETTINGS", "MAX_POINTS", "MODEL_SETTINGS", "TEXT_SETTINGS", "RNNTrainer",
]  # fmt: skip

#: Settings that define the run: changing one starts a new run at step 0.
MODEL_SETTINGS = (
    "task", "lag", "seq_len", "corpus", "bptt_steps", "cell", "units", "w_hh_scale",
    "saturation", "gate_init", "optimizer", "seed",
)  # fmt: skip

#: Settings that apply from the next step on, the run going on.
LIVE_SETTINGS = (
    "learning_rate", "batch_size", "clip", "clip_threshold", "eval_every", "max_steps",
)  # fmt: skip

#: What the view shows of a language model (``task="text"``): the run is untouched.
TEXT_SETTINGS = ("temperature", "unit", "unit_state", "feature")

SETTINGS = MODEL_SETTINGS + LIVE_SETTINGS + TEXT_SETTINGS

#: Constructor keywords besides the settings: ``text``, a Python attribute, not synced (it may
#: be megabytes); ``initial_weights`` (:meth:`RNNTrainer.from_explorer`); ``mechanism`` and
#: ``presentation``, the view's (:class:`~rnnwidget._widget.BaseWidget`).
CONFIG = (*SETTINGS, "text", "initial_weights", "mechanism", "presentation")

#: What the view's buttons send (``show`` and ``explore`` carry more: see
#: :meth:`RNNTrainer._on_custom`).
COMMANDS = ("start", "pause", "step", "restart", "reset", "show", "explore")

#: The settings that make the network a run starts from: ``initial_weights`` apply while these
#: are as the widget was constructed with.
NETWORK_SETTINGS = ("cell", "units", "seed", "w_hh_scale", "saturation", "gate_init")

#: Seconds between two refreshes of the mechanism panels while training runs.
MECHANISM_INTERVAL = 0.25

#: Points per curve sent to the browser; longer runs are averaged over 2, 4, 8 ... steps.
MAX_POINTS = 1000

#: The accuracy chart's fixed axis: 0 to 1, with room for a curve at 1 to show.
ACCURACY_RANGE = (0.0, 1.02)

#: Per-step curves that travel as base-10 logarithms (and the memory chart's, see
#: :func:`progress_payload`).
_LOG_CURVES = ("loss", "grad_norm")

#: The settings only the Elman cell reads, and those only the gated cells read.
_ELMAN_ONLY = ("w_hh_scale", "saturation")
_GATED_ONLY = ("gate_init",)

#: The settings only a memory task reads, and those only a text reads.
_MEMORY_ONLY = ("lag", "seq_len")
_TEXT_ONLY = ("corpus", "bptt_steps", *TEXT_SETTINGS)

_NEW_RUN = " A change starts a new run."
_NEXT_STEP = " Applies from the next step."

#: Lecture moments, one click each: every preset starts a new run with its settings.
PRESETS = (
    Preset("learns", "Learns", "Elman cell, recall over a lag of 10: learned in a few dozen steps",
           ("task", "lag", "cell", "w_hh_scale", "saturation")),
    Preset("vanishes", "Vanishes",
           "Elman cell, lag 80, W_hh scale 0.5: no gradient reaches t=1, stuck at chance",
           ("task", "lag", "cell", "w_hh_scale", "saturation")),
    Preset("explodes", "Explodes",
           "Elman cell, W_hh scale 1.5, lag 40: huge gradients; try it with clipping off",
           ("task", "lag", "cell", "w_hh_scale", "saturation")),
    Preset("remembers", "Gates remember",
           "LSTM, lag 100, where the Elman cell stays near chance: learned in about 100 steps",
           ("task", "lag", "cell", "gate_init")),
    Preset("writes", "Learns to write",
           "LSTM, 128 units, on Python source: press Start and watch the sample turn from "
           "gibberish into code",
           ("task", "corpus", "cell", "units", "gate_init")),
)  # fmt: skip
_PRESET_VALUES: dict[str, dict[str, Any]] = {
    "learns": {"task": "recall", "lag": 10, "cell": "elman", "w_hh_scale": 1.0, "saturation": 1.0},
    "vanishes": {
        "task": "recall", "lag": 80, "cell": "elman", "w_hh_scale": 0.5, "saturation": 1.0,
    },
    "explodes": {
        "task": "recall", "lag": 40, "cell": "elman", "w_hh_scale": 1.5, "saturation": 1.0,
    },
    "remembers": {"task": "recall", "lag": 100, "cell": "lstm", "gate_init": "chrono"},
    "writes": {
        "task": "text", "corpus": "python", "cell": "lstm", "units": 128, "gate_init": "chrono",
    },
}  # fmt: skip


class RNNTrainer(BaseWidget, TextSettings, Companion):
    """Train a recurrent cell (Elman, LSTM or GRU) and a linear read-out on a memory task with
    exact BPTT, live.

    In a notebook::

        w = RNNTrainer(task="recall", lag=20, w_hh_scale=0.9)
        w = RNNTrainer(task="recall", lag=100, cell="lstm")      # or a gated cell
        w                   # the view
        w.start()           # trains in a background thread; the kernel stays free
        w.pause()           # returns once the step in progress is done
        w.run(200)          # or train in this cell (a script, a notebook run headless)
        w.history().loss    # every step's loss so far

    Or learn to write: ``RNNTrainer(task="text", corpus="python", cell="lstm", units=128)``, or
    ``text=`` a string or a file's path; the view then shows the loss in bits per character, a
    sample of what the network writes and one unit's activation over the held-out text
    (:mod:`.textview`).

    The view plots the loss (log scale) and the validation accuracy against the step with the
    chance level, the gradient ``||dL/dh_t||`` of the latest batch against t, the global
    gradient norm (with the clipping threshold), what sets how far memory reaches (the spectral
    radius of W_hh for the Elman cell, the mean forget or update gate for the LSTM or GRU), and
    a progress line. The same settings give the same curves, step for step, however the run
    was paused.

    ``RNNTrainer(..., presentation=True)`` presents the view for a projector, as the explorer's
    does (the default: :data:`rnnwidget.options`); so do JupyterLab's presentation mode and the
    view's own Presentation switch, for every rnnwidget view on the page.
    """

    _esm = STATIC / "trainer.js"
    _css = STATIC / "trainer.css"

    SETTINGS = SETTINGS
    CONFIG = CONFIG
    PRESETS = PRESETS

    # -- what defines the run (a change starts over) -------------------------------------------
    task = Choice(
        TASKS,
        "recall",
        help='What the network must learn. "recall": name the symbol shown lag steps ago; '
        '"adding": sum the two marked numbers among seq_len; "text": predict the next '
        "character of a text, and write." + _NEW_RUN,
    ).tag(
        sync=True,
        label="Task",
        labels={
            "recall": "Recall a symbol",
            "adding": "Adding problem",
            "text": "Write text (char-RNN)",
        },
    )
    lag = BoundedInt(
        10, 1, 200, help="Recall: noise steps between the symbol and the cue." + _NEW_RUN
    ).tag(sync=True, label="Lag")
    seq_len = BoundedInt(50, 2, 200, help="Adding problem: the sequence length T." + _NEW_RUN).tag(
        sync=True, label="Sequence length"
    )
    corpus = Choice(
        CORPORA,
        "python",
        help="Text: the built-in text to learn (unless the widget was given text=..., which it "
        "then reads instead)." + _NEW_RUN,
    ).tag(sync=True, label="Text", labels=CORPUS_LABELS)
    bptt_steps = BoundedInt(
        50,
        5,
        200,
        help="Text: characters per training chunk. The state carries over from one chunk to "
        "the next; the gradient stops at the chunk's start (truncated BPTT)." + _NEW_RUN,
    ).tag(sync=True, label="BPTT steps")
    cell = knobs.cell(note=_NEW_RUN)
    units = knobs.units(32, 128, note=_NEW_RUN)
    w_hh_scale = knobs.w_hh_scale(
        1.0, help="W_hh's spectral radius at the start: below 1 gradients vanish." + _NEW_RUN
    )
    saturation = knobs.saturation(1.0, help="The tanh gain g." + _NEW_RUN)
    gate_init = knobs.gate_init(note=_NEW_RUN)
    optimizer = Choice(
        OPTIMIZERS, "adam", help="How the gradient updates the weights." + _NEW_RUN
    ).tag(sync=True, label="Optimizer", labels={"adam": "Adam", "sgd": "SGD"})
    seed = knobs.seed(help="Seeds the weights, the batches and the validation set." + _NEW_RUN)

    # -- what applies from the next step on ----------------------------------------------------
    learning_rate = BoundedFloat(
        1e-2, 1e-4, 1.0, help="The optimizer's step size (log scale)." + _NEXT_STEP
    ).tag(sync=True, label="Learning rate", scale="log", step=0.05)
    batch_size = BoundedInt(32, 1, 256, help="Sequences per training step." + _NEXT_STEP).tag(
        sync=True, label="Batch size"
    )
    clip = Toggle(
        True,
        help="Scale the gradient down to clip_threshold when its norm is larger." + _NEXT_STEP,
    ).tag(sync=True, label="Clip the gradient")
    clip_threshold = BoundedFloat(
        1.0,
        0.01,
        100.0,
        help="The largest gradient norm a step may use, when clipping (log scale)." + _NEXT_STEP,
    ).tag(sync=True, label="Clip at ‖g‖", scale="log", step=0.05)
    eval_every = BoundedInt(
        25, 1, 1000, help="Steps between evaluations on the fixed validation batch."
    ).tag(sync=True, label="Evaluate every", view=False)
    max_steps = BoundedInt(
        20_000,
        1,
        1_000_000,
        help="Training in the background pauses once the run has this many steps (each step's "
        "record stays in memory; run() is not limited).",
    ).tag(sync=True, label="Step limit", view=False)

    # -- the view ------------------------------------------------------------------------------
    mechanism = Toggle(
        True,
        help="Show the network's inside beside its training: h_t (c_t and the memory gate for "
        "a gated cell) and |dL/dh_t| on one validation sequence, with the task's own loss, "
        "refreshed a few times a second while training, and a film of the weights kept along "
        "the way. Memory tasks only.",
    ).tag(sync=True, label="Show the mechanism")
    shown_step = traitlets.Int(
        None,
        allow_none=True,
        help="The training step whose snapshot the mechanism panels show (one of "
        "trainer.snapshots.steps); None, the default, shows the network as it is now. A new "
        "run goes back to None.",
    ).tag(sync=True)

    # -- what the kernel reports (read-only for the browser) -----------------------------------
    status = traitlets.Unicode(
        "ready", help='"ready", "running", "paused", "diverged", "failed" or "closed".'
    ).tag(sync=True)
    steps = traitlets.Int(0, help="Training steps so far in this run.").tag(sync=True)

    # -- the wire ------------------------------------------------------------------------------
    _progress = traitlets.Dict().tag(sync=True)  # curves as float32 buffers, words, status
    _mechanism = traitlets.Dict().tag(sync=True)  # the explorer's frame of the network shown

    def __init__(self, **kwargs: Any) -> None:
        self._closed = False
        self._shown = 0  # revision of the last Progress published
        self._text: str | os.PathLike[str] | None = None
        text = kwargs.pop("text", None)
        initial = kwargs.pop("initial_weights", None)
        self._text_view = TextView()
        self._mechanism_shown: tuple[Any, ...] = ()  # (trainer, step, shown) of _mechanism
        self._mechanism_at = -math.inf  # the clock's reading at its last refresh
        self._mechanism_revision = 0
        self._asked: tuple[int | None, ...] = ()  # (step,): the film's request being answered
        #: The run whose film the scales hold, its gradient colour scale and chart decades.
        self._scales: tuple[Trainer, tuple[float, float], tuple[int, int]] | None = None
        self._latest: Progress | None = None
        super().__init__(**kwargs)
        #: The cell's weights every run starts from while the network settings are as
        #: constructed (:data:`NETWORK_SETTINGS`), by name; None for the seeded ones.
        self._initial = _checked_weights(initial)
        self._initial_for = {name: getattr(self, name) for name in NETWORK_SETTINGS}
        self._text = checked_text(text)  # a ValueError says what is wrong with it
        self._constructed_text = self._text  # what reset() goes back to, with the settings
        self._resetting = False
        self._inactive = self._inactive_knobs()  # the corpus knob, with a text
        self._loop = TrainingLoop(
            self._new_trainer(),
            self._publish,
            eval_every=self.eval_every,
            max_steps=self.max_steps,
        )
        self._ready = True
        self.observe(self._on_mechanism_option, names=["mechanism", "shown_step"])
        self._loop.publish()

    @classmethod
    def from_explorer(
        cls, explorer: RNNExplorer, *, task: str = "recall", **settings: Any
    ) -> RNNTrainer:
        """Train the network an :class:`~rnnwidget.RNNExplorer` shows (what its view's "Train
        this network" button does).

        The trainer takes the explorer's cell, units, seed, W_hh scale and tanh gain (the Elman
        cell's) or memory gate init (the gated cells'), and starts from the explorer's very
        W_hh and recurrent biases (cast to float32); W_xh is the trainer's own, drawn from the
        seed for the task's inputs. ``task`` and any other ``settings`` are
        :class:`RNNTrainer`'s (``lag=``, ``learning_rate=`` ...); for the recall task the lag
        defaults to the explorer's sequence length less the symbol and the cue (1 to 200).

        Raises ``ValueError`` for two stacked layers (the trainer trains one) and a
        ``TraitError`` for a setting outside the trainer's ranges (128 units at most).
        """
        if explorer.layers != 1:
            raise ValueError(
                "the trainer trains one recurrent layer; the explorer shows 2 stacked: set "
                "layers=1 first"
            )
        model = explorer.model
        network: dict[str, Any] = {
            "cell": explorer.cell, "units": explorer.units, "seed": explorer.seed,
        }  # fmt: skip
        if explorer.cell == "elman":
            network |= {"w_hh_scale": explorer.w_hh_scale, "saturation": explorer.saturation}
        else:
            network["gate_init"] = explorer.gate_init
        if task == "recall" and "lag" not in settings:
            settings["lag"] = min(max(explorer.seq_len - 2, 1), 200)
        biases = ("b_xh", "b_hh") if explorer.cell == "gru" else ("b",)
        initial = {name: getattr(model, name) for name in ("W_hh", *biases)}
        return cls(task=task, **network, **settings, initial_weights=initial)

    # -- what a notebook user reads ------------------------------------------------------------
    @property
    def trainer(self) -> Trainer:
        """The current run. It changes while training runs: :meth:`pause` before reading it."""
        return self._loop.trainer

    @property
    def running(self) -> bool:
        """Whether training is running (in the background, or in :meth:`run`)."""
        return self._loop.status == "running"

    @property
    def text(self) -> str | os.PathLike[str] | None:
        """The text a ``task="text"`` run reads (the text itself or a file's path), or None for
        the built-in ``corpus``. Setting it starts a new run; a text that cannot train (empty,
        one distinct character, too short, not UTF-8) raises ``ValueError`` and changes
        nothing. Not synced to the browser: it may be megabytes."""
        return self._text

    @text.setter
    def text(self, value: str | os.PathLike[str] | None) -> None:
        with self._sync_lock:
            before = self._text
            try:
                self._text = checked_text(value)
                trainer = self._new_trainer() if self.task == "text" else None
            except Exception as error:  # the last good text and run stay; the view says why
                self._text = before
                self.error = f"text: {error}"
                raise
            self._inactive = self._inactive_knobs()
            if trainer is not None:
                self._loop.replace(trainer)
            self.error = ""

    def network_at(self, step: int | None = None) -> Network:
        """The run's network now (``step=None``) or at a snapshot's ``step``, on its first
        validation sequence (:func:`~.mechanism.network_of`): what the mechanism panels and
        :meth:`RNNExplorer.from_trainer <rnnwidget.RNNExplorer.from_trainer>` show. Read
        between two steps, so training may go on."""
        with self._loop.locked() as trainer:
            weights = trainer.weights_at(step)
            at = trainer.steps if step is None else step
        return network_of(trainer, at, weights=weights)

    @property
    def initial_weights(self) -> dict[str, Array] | None:
        """The cell's weights each run starts from while the network settings (cell, units,
        seed, W_hh scale and gain, or memory gate init) are as constructed, or None: the
        seeded ones. See :meth:`from_explorer`."""
        return None if self._initial is None else dict(self._initial)

    def explore(self, step: int | None = None) -> RNNExplorer:
        """Open :meth:`RNNExplorer.from_trainer <rnnwidget.RNNExplorer.from_trainer>` on this
        run at ``step`` (the step the panels show by default) under this view (what its
        "Explore this network" button does), and return it."""
        from ..explorer.widget import RNNExplorer

        with self._sync_lock:
            explorer = RNNExplorer.from_trainer(
                self, step=self.shown_step if step is None else step
            )
            self._set_companion(explorer)
            return explorer

    def history(self) -> History:
        """Every step record and evaluation of the current run so far, as arrays (a consistent
        copy, even while training runs)."""
        with self._loop.locked() as trainer:
            return trainer.history()

    # -- commands ------------------------------------------------------------------------------
    def start(self) -> None:
        """Train in a background thread until :meth:`pause`; the kernel stays free meanwhile.

        Pauses by itself at ``max_steps``. Raises ``RuntimeError`` if the run diverged or failed
        (:meth:`restart` first), or has reached ``max_steps``.
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

    def restart(self) -> None:
        """Pause, and start a new run at step 0 from the current settings and seed (what the
        view's Restart button does)."""
        with self._sync_lock:
            self._loop.pause()
            self.shown_step = None
            self._loop.replace(self._new_trainer())
            self.error = ""

    def reset(self) -> None:
        """Pause, set every setting (and ``text``) back to what this widget was constructed
        with, and start a new run at step 0 from them: the network the constructor made (what
        the view's Reset button does)."""
        with self._sync_lock:
            self._loop.pause()
            self._resetting = True  # one new run below, not one per setting
            try:
                self._set_settings(self._constructed)
            finally:
                self._resetting = False
            self._text = self._constructed_text
            self._inactive = self._inactive_knobs()
            self._loop.eval_every, self._loop.max_steps = self.eval_every, self.max_steps
            self.restart()

    def close(self) -> None:
        """Stop training and its thread, and remove every view."""
        loop: TrainingLoop | None = getattr(self, "_loop", None)  # None if __init__ failed
        if loop is not None:
            loop.close()  # holding no lock: the worker may be waiting to publish
        with self._sync_lock:
            self._closed = True
            self.status = "closed"
            self._close_companion()
            super().close()

    # -- settings ------------------------------------------------------------------------------
    def _settings_changed(self, names: Sequence[str]) -> None:
        """A model setting the task reads starts a new run; a live one applies to this run; a
        text setting shows the run anew (a new sample, another unit). Nothing while
        :meth:`reset` sets them all: it starts the one new run itself."""
        if self._resetting:
            return
        if "units" in names and self.unit >= self.units:
            self.set_trait("unit", self.units - 1)  # a unit the new network has
        if any(name in MODEL_SETTINGS and name not in self._inactive for name in names):
            self.set_trait("shown_step", None)  # the new run's film starts anew
            self._loop.replace(self._new_trainer())  # publishes
        elif any(name in LIVE_SETTINGS for name in names):
            with self._loop.locked() as trainer:
                self._apply_live_settings(trainer)
            self._loop.publish()  # the clipping line may have moved
        elif any(name in TEXT_SETTINGS for name in names) and self.task == "text":
            self._loop.publish()  # the text view sees its settings changed, and recomputes

    def _inactive_knobs(self) -> list[str]:
        """The settings the task does not read (``seq_len`` for recall, ``lag`` for adding,
        both for a text, whose own settings a memory task does not read; ``corpus`` when the
        widget reads a ``text``), those of the other kind of cell (``w_hh_scale`` and
        ``saturation`` for the gated cells, ``gate_init`` for the Elman cell), and
        ``unit_state`` but for an LSTM's text."""
        if self.task == "text":
            task = list(_MEMORY_ONLY) + (["corpus"] if self._text is not None else [])
            if self.cell != "lstm":
                task.append("unit_state")
        else:
            task = ["seq_len" if self.task == "recall" else "lag", *_TEXT_ONLY]
        return task + list(_GATED_ONLY if self.cell == "elman" else _ELMAN_ONLY)

    def _preset_values(self, name: str) -> dict[str, Any]:
        return dict(_PRESET_VALUES[name])

    def _new_trainer(self) -> Trainer:
        elman = self.cell == "elman"
        initial = getattr(self, "_initial", None)
        if initial is not None and any(
            getattr(self, name) != value for name, value in self._initial_for.items()
        ):
            initial = None  # another network than the one the weights are for
        return Trainer(
            self.task,
            lag=self.lag,
            seq_len=self.seq_len,
            text=self._text,
            corpus=self.corpus,
            bptt_steps=self.bptt_steps,
            cell=self.cell,
            units=self.units,
            w_hh_scale=self.w_hh_scale if elman else None,
            saturation=self.saturation if elman else None,
            gate_init=None if elman else self.gate_init,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            batch_size=self.batch_size,
            clip=self.clip,
            clip_threshold=self.clip_threshold,
            seed=self.seed,
            initial_weights=initial,
        )

    def _apply_live_settings(self, trainer: Trainer) -> None:
        trainer.optimizer.learning_rate = self.learning_rate
        trainer.batch_size = self.batch_size
        trainer.clip = self.clip
        trainer.clip_threshold = self.clip_threshold
        self._loop.eval_every = self.eval_every
        self._loop.max_steps = self.max_steps

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
                    self.error = words.stopped(progress.status, progress.error)
                threshold = self.clip_threshold if self.clip else None
                payload = progress_payload(
                    progress, clip_threshold=threshold, max_steps=self.max_steps
                )
                if isinstance(progress.task, NextCharacter):
                    text, arrays = self._text_view.snapshot(
                        self._loop.locked,
                        progress.task,
                        steps=progress.steps,
                        running=progress.status == "running",
                        settings={
                            "temperature": self.temperature,
                            "unit": self.unit,
                            "state": self.unit_state,
                            "feature": self.feature,
                            "seed": self.seed,
                            "source": None if self._text is not None else self.corpus,
                        },
                    )
                    if text:
                        payload["text"] = text
                        payload["arrays"].update(arrays)
                self._progress = payload
                self._latest = progress
                self._refresh_mechanism(progress)

    # -- the mechanism -------------------------------------------------------------------------
    def _on_mechanism_option(self, change: dict[str, Any]) -> None:
        if self._ready and self._latest is not None:
            with self._sync_lock, self.hold_sync():
                self._refresh_mechanism(self._latest)

    @traitlets.validate("shown_step")
    def _validate_shown_step(self, proposal: dict[str, Any]) -> int | None:
        step = proposal["value"]
        if step is not None and getattr(self, "_ready", False):
            with self._loop.locked() as trainer:
                if step not in trainer.snapshots:
                    try:
                        trainer.snapshots.at(step)
                    except ValueError as error:  # it names the nearest steps kept
                        raise traitlets.TraitError(f"shown_step: {error}") from None
        return step  # type: ignore[no-any-return]

    def _refresh_mechanism(self, progress: Progress) -> None:
        """Send the mechanism panels' frame for the step shown, if it changed: the network now
        (at most every :data:`MECHANISM_INTERVAL` seconds while training runs), or the
        snapshot at :attr:`shown_step`. Nothing for a text, or with ``mechanism`` off. While
        the film's request is answered (:meth:`_answer_film`), it is sent even if unchanged."""
        answer = bool(self._asked)
        trainer = self._loop.trainer
        if not self.mechanism or isinstance(progress.task, NextCharacter):
            self._mechanism_shown = ()
            if self._mechanism:
                self._mechanism = {}
            return
        if trainer.task is not progress.task:
            return  # a snapshot of a run replaced since: a newer one follows
        shown = self.shown_step
        weights = progress.weights
        if shown is not None:
            # The film as it is now, which may be newer than `progress`'s.
            with self._loop.locked() as locked:
                kept = max((s for s in locked.snapshots.steps if s <= shown), default=0)
                if kept == shown:
                    # Read-only views, no copy: a snapshot never changes, and network_of
                    # copies them (to float64) only when a frame is made.
                    weights = locked.snapshots.at(shown)
            if kept != shown:
                # The film was thinned out: show the nearest snapshot before the step shown.
                self.set_trait("shown_step", kept)
                return  # observed: refreshes
        step = progress.steps if shown is None else shown
        if self._mechanism_shown == (trainer, step, shown) and not answer:
            return
        now = time.perf_counter()
        running = shown is None and progress.status == "running"
        if running and now - self._mechanism_at < MECHANISM_INTERVAL and not answer:
            return  # a later snapshot brings it
        with single_threaded_blas():
            frame = frame_of(network_of(trainer, step, weights=weights))
        gradient_range, norm_range = self._film_scales(trainer, frame)
        self._mechanism_revision += 1
        self._mechanism_at = now
        self._mechanism_shown = (trainer, step, shown)
        self._mechanism = {
            "revision": self._mechanism_revision,
            "frame": frame_payload(frame, self._mechanism_revision, gradient_range, norm_range),
            "step": step,
            "shown": shown,
            "title": words.mechanism_title(step, shown),
        }
        if self._asked:  # the answer to the film's request
            self._mechanism["asked"] = self._asked[0]

    def _film_scales(
        self, trainer: Trainer, frame: Frame
    ) -> tuple[tuple[float, float], tuple[int, int]]:
        """The gradient's colour scale and the norm chart's decades for ``frame``: those of
        every frame of this run shown so far, widened to hold this one and never narrowed, so
        that the film's frames are read on one scale and a colour means one size throughout."""
        lo, hi = frame.colour_scales["log10_abs_grad"]
        low, high = chart_range(frame)
        if self._scales is not None and self._scales[0] is trainer:
            (held_lo, held_hi), (held_low, held_high) = self._scales[1:]
            lo, hi = min(lo, held_lo), max(hi, held_hi)
            low, high = min(low, held_low), max(high, held_high)
        self._scales = (trainer, (lo, hi), (low, high))  # this run's only
        return (lo, hi), (low, high)

    def _preview_png(self) -> str | None:
        """The charts for readers without a kernel: see :mod:`.preview`."""
        with self._sync_lock:
            progress = dict(self._progress)
        return preview.png_base64(progress) if progress.get("arrays") else None

    # -- messages from the browser -------------------------------------------------------------
    def _on_custom(self, content: dict[str, Any], buffers: Sequence[Any]) -> None:
        """A button of the view: ``{"command": "start" | "pause" | "step" | "restart" |
        "reset" | "explore"}``, or the film's scrubber: ``{"command": "show", "step": k}``
        (a step of the film, or None for now). Anything else is ignored; a command that
        cannot run says why in the view."""
        command = content.get("command")
        if command not in COMMANDS:
            return
        if command == "show":
            with self._sync_lock:
                self._answer_film(content.get("step"))
            return
        actions: dict[str, Callable[[], object]] = {
            "start": self.start,
            "pause": self.pause,
            "step": self.step,
            "restart": self.restart,
            "reset": self.reset,
            "explore": self.explore,
        }
        try:
            actions[command]()
        except Exception as error:  # a diverged or failed run: the view shows why
            self.error = str(error)

    def _answer_film(self, asked: object) -> None:
        """Show the step the film's scrubber asked for (None: now) and answer the view, whose
        answer names the step ``asked`` (``_mechanism["asked"]``) so that the view knows it.

        A step the run has reached but the film no longer keeps (it thinned out after the view
        last heard of it) gets the nearest kept step on the side the scrubber moved to from the
        step shown, so that an arrow key always moves the film (see :meth:`_kept_step`)."""
        if asked is not None and (not isinstance(asked, int) or isinstance(asked, bool)):
            self.error = f"the film's step must be a whole number or null; got {asked!r}"
            return
        self._asked = (asked,)
        try:
            step = asked if asked is None else self._kept_step(asked)
            if step == self.shown_step and self._latest is not None:
                # Shown already: answer all the same, so the view knows it has it.
                self._refresh_mechanism(self._latest)
            else:
                self.shown_step = step  # its validator refuses a step the run has not kept
        except traitlets.TraitError as error:
            self.error = str(error)
        finally:
            self._asked = ()

    def _kept_step(self, asked: int) -> int:
        """``asked`` if the film keeps it or the run has not reached it (the validator says
        why not); else the nearest kept step beyond it, seen from the step shown (the first
        kept step after it when the scrubber moved forward, the last one before it when it
        moved back, or towards "now"), or the nearest on the other side if there is none."""
        with self._loop.locked() as trainer:
            kept, reached = trainer.snapshots.steps, trainer.steps
        if asked in kept or not 0 <= asked <= reached:
            return asked
        before = [s for s in kept if s < asked]
        after = [s for s in kept if s > asked]
        shown = self.shown_step
        forward = shown is not None and asked > shown
        if (forward and after) or not before:
            return after[0]
        return before[-1]

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={getattr(self, name)!r}" for name in SETTINGS)
        if self._text is not None:
            settings += f", text={short_text(self._text)}"
        if self._initial is not None:
            shapes = ", ".join(f"{name} {array.shape}" for name, array in self._initial.items())
            settings += f", initial_weights=<{shapes}>"
        if not self.mechanism:
            settings += ", mechanism=False"
        if self.presentation:
            settings += ", presentation=True"
        return f"RNNTrainer({settings})"


def progress_payload(
    progress: Progress, *, clip_threshold: float | None, max_steps: int
) -> dict[str, Any]:
    """What the browser draws for one snapshot: the status, the words (:mod:`.words`) and the
    charts' references as JSON, the curves as float32 buffers, in one value.

    The loss, the gradient norm ``||g||`` and the memory chart's curve travel as base-10
    logarithms, which float32 holds at any size (a loss of 1e305 just before a divergence
    included); a text's loss instead as ``loss_bits`` and ``val_loss_bits``, in bits per
    character, for a linear chart. A run longer than :data:`MAX_POINTS` steps is averaged over
    2, 4, 8 ... steps per point (in logarithms: geometric means). ``clipped`` is the fraction of
    steps clipped, and ``log10_grad_norms`` is ``log10 ||dL/dh_t||`` of the latest batch,
    ``(timesteps,)``, absent where it overflowed float64.

    The memory chart (the view's ``radius`` chart) draws ``log10_spectral_radius`` whatever the
    cell: the spectral radius of W_hh for the Elman cell, the mean memory gate
    (:attr:`~rnnwidget.training.StepRecord.memory_gate`) for the LSTM and GRU; its title and
    axis come from :data:`.words.MEMORY_CHART`.
    """
    steps = progress.steps
    bucket = 1
    while steps > bucket * MAX_POINTS:
        bucket *= 2
    with np.errstate(divide="ignore"):  # an exact zero is -inf: a gap in the curve
        logs = {name: np.log10(getattr(progress, name)) for name in _LOG_CURVES}
        memory = (
            _forward_filled(progress.spectral_radius)  # measured every few steps past 64 units
            if progress.cell == "elman"
            else progress.memory_gate
        )
        logs["spectral_radius"] = np.log10(memory)
    text = isinstance(progress.task, NextCharacter)
    # The curves as drawn (averaged over buckets), and the validation's points.
    curves = {f"log10_{name}": _bucket_means(logs[name], bucket) for name in logs}
    if text:  # a text's loss in bits per character
        del curves["log10_loss"]
        curves["loss_bits"] = _bucket_means(progress.loss / np.log(2), bucket)
        points = {"val_loss_bits": progress.val_loss / np.log(2)}
    else:
        points = {"log10_val_loss": np.log10(progress.val_loss)}
    arrays = {
        "step": encode_array(_bucket_means(np.arange(1.0, steps + 1), bucket)),
        **{name: encode_array(values) for name, values in {**curves, **points}.items()},
        "clipped": encode_array(_bucket_means(progress.clipped, bucket)),
        "eval_step": encode_array(progress.eval_step),
        "val_accuracy": encode_array(progress.val_accuracy),
    }
    if progress.log10_grad_norms is not None:
        arrays["log10_grad_norms"] = encode_array(progress.log10_grad_norms)
    charts = words.charts(progress, clip_threshold)
    # Each chart's axes, placed by the kernel's one tick rule (rnnwidget._axes), around what
    # the chart draws: its curves and its reference lines.
    loss = (
        [curves["loss_bits"], points["val_loss_bits"]]
        if text
        else [curves["log10_loss"], points["log10_val_loss"]]
    )
    drawn = {  # name: (what the chart draws, on a log axis)
        "loss": (loss, not text),
        "norm": ([curves["log10_grad_norm"]], True),
        "radius": ([10.0 ** curves["log10_spectral_radius"]], False),
    }
    for name, (values, log) in drawn.items():
        references = [reference["value"] for reference in charts[name].get("references", [])]
        charts[name].update(fitted_axis(values, references, log=log))
    charts["accuracy"].update(fitted_axis([], fixed=ACCURACY_RANGE))
    for chart in ("loss", "accuracy", "norm", "radius"):
        charts[chart]["step_ticks"] = [list(tick) for tick in step_ticks(steps)]
    if progress.log10_grad_norms is not None:
        charts["gradient"]["time_ticks"] = time_ticks(len(progress.log10_grad_norms))
    return {
        "revision": progress.revision,
        "status": progress.status,
        "steps": steps,
        "film": {"steps": list(progress.film), "every": progress.film_every, **words.FILM},
        "line": words.progress_line(progress, max_steps=max_steps),
        "charts": charts,
        "arrays": arrays,
    }


def _checked_weights(weights: Mapping[str, Any] | None) -> dict[str, Array] | None:
    """``initial_weights`` as float64 copies by name (the trainer checks names and shapes)."""
    if weights is None:
        return None
    if not isinstance(weights, Mapping):
        raise TypeError(f"initial_weights must be a dict of arrays; got {type(weights).__name__}")
    return {str(name): np.array(value, dtype=np.float64) for name, value in weights.items()}


def _forward_filled(values: Array) -> Array:
    """``values`` with every NaN replaced by the last number before it (NaN before the first)."""
    known = ~np.isnan(values)
    last = np.maximum.accumulate(np.where(known, np.arange(len(values)), -1))
    filled: Array = np.where(last >= 0, values[np.maximum(last, 0)], np.nan)
    return filled


def _bucket_means(values: Array, bucket: int) -> Array:
    """Means of consecutive runs of ``bucket`` values (the last run may be shorter)."""
    if bucket == 1:
        return values
    full = len(values) // bucket * bucket
    means: Array = values[:full].reshape(-1, bucket).mean(axis=1)
    if full < len(values):
        means = np.append(means, values[full:].mean())
    return means
