"""Where memory breaks down: train over a grid of lags, W_hh scales and cells, and compare.

:func:`sweep` trains one :class:`~rnnwidget.training.Trainer` per (cell, length, scale), one
after the other, each from the same seed and for the same number of steps, and tabulates the
final validation accuracy. Plotted against the lag, one line per ``w_hh_scale``, the Elman
cell's accuracy stays at 1 while the gradient still reaches the first step and falls to chance
where it has vanished: sooner the smaller the scale, since ``||dh_T/dh_1||`` shrinks like
``scale**T``. The gated cells (``cell=["elman", "lstm", "gru"]``) have no W_hh scale: one line
each, which stays up where the Elman cell's have fallen.

Each run trains with one BLAS thread, as :class:`~rnnwidget.RNNTrainer` does: a row is the run
the widget shows for the same settings, on any machine whatever its number of cores (how a
product is split across threads changes its rounding, and a long run can amplify that).

A recall row can end *below* chance. That is not a network without memory, which scores chance
(:func:`below_chance`): its state carries the symbol, but the read-out maps it to wrong symbols,
as happens while W_hh grows fast under exploding gradients and the map from symbol to final
state changes faster than the read-out follows. The table marks such a row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._checks import positive_int
from .._threads import single_threaded_blas
from .tasks import Recall
from .trainer import CELLS, Trainer, TrainingDiverged

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "BELOW_CHANCE_ERRORS",
    "DEFAULT_LAGS",
    "DEFAULT_SEQ_LENS",
    "TARGET_ACCURACY",
    "SweepResult",
    "below_chance",
    "sweep",
]

DEFAULT_LAGS = (5, 10, 20, 40, 80)  # recall
DEFAULT_SEQ_LENS = (10, 20, 40, 80)  # adding problem
TARGET_ACCURACY = 0.95  # "learned": the first evaluation at or above it is reported
#: How many standard errors below chance a recall accuracy must lie to be marked: a network that
#: ignores the symbol strays below chance by more than 3 standard errors about once in 700 runs.
BELOW_CHANCE_ERRORS = 3.0

#: Trainer settings only the Elman cell reads, and those only the gated cells read: a sweep over
#: several cells hands each only to the cells that read it.
_ELMAN_ONLY = ("saturation",)
_GATED_ONLY = ("gate_init",)
_CELL_NAMES = {"elman": "Elman", "lstm": "LSTM", "gru": "GRU"}


@dataclass(frozen=True)
class SweepResult:
    """The table :func:`sweep` returns; ``print()`` it, or :meth:`plot` it.

    Attributes:
        task: ``"recall"`` or ``"adding"``.
        length_name: the grid's length axis, ``"lag"`` (recall) or ``"seq_len"`` (adding).
        steps: the training steps each run was given.
        chance_accuracy: what guessing scores on this task.
        rows: one dict per run, in grid order (cells outer, then lengths, scales inner), with
            the keys ``"cell"``, ``length_name``, ``"w_hh_scale"`` (None for a gated cell),
            ``"val_accuracy"`` and ``"val_loss"`` (the last evaluation),
            ``"reached_target_at"`` (the first evaluated step with accuracy at least
            :data:`TARGET_ACCURACY`, or None), ``"spectral_radius"`` (Elman: of W_hh at the last
            step; None for a gated cell), ``"memory_gate"`` (gated cells: the mean forget or
            update gate at the last step, :attr:`~rnnwidget.training.StepRecord.memory_gate`;
            None for the Elman cell), ``"diverged"`` and ``"below_chance"`` (recall: the last
            accuracy lies below chance by more than sampling explains, :func:`below_chance`;
            False for the adding problem). ``pandas.DataFrame(result.rows)`` makes a data frame
            of it.
        cells: the cells swept, in order.
    """

    task: str
    length_name: str
    steps: int
    chance_accuracy: float
    rows: tuple[dict[str, Any], ...]
    cells: tuple[str, ...] = ("elman",)

    def to_text(self) -> str:
        """The rows as an aligned text table under a one-line summary; a column of the mean
        memory gate when the sweep has a gated cell."""
        gated = any(cell != "elman" for cell in self.cells)
        header = (
            f"{'cell':>6} {self.length_name:>8} {'w_hh_scale':>10} {'val_accuracy':>12} "
            f"{'val_loss':>9} {'reached ' + format(TARGET_ACCURACY, '.0%') + ' at':>15} "
            f"{'rho(W_hh)':>9}" + (f" {'mean gate':>9}" if gated else "")
        )
        lines = [
            f"{self.task}: {self.steps} steps per run, chance accuracy {self.chance_accuracy:.3f}",
            header,
        ]
        for row in self.rows:
            reached = row["reached_target_at"]
            note = "  diverged" if row["diverged"] else ""
            if row["below_chance"]:
                note += "  below chance: remembers, read-out unstable"
            gate = f" {_number(row['memory_gate'], 9, 3)}" if gated else ""
            lines.append(
                f"{row['cell']:>6} {row[self.length_name]:>8} "
                f"{_number(row['w_hh_scale'], 10, 2)} "
                f"{row['val_accuracy']:>12.3f} {row['val_loss']:>9.4f} "
                f"{'-' if reached is None else reached:>15} "
                f"{_number(row['spectral_radius'], 9, 3)}{gate}{note}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def plot(self, ax: Axes | None = None) -> Axes:
        """Final validation accuracy against the length, one line per cell and ``w_hh_scale``
        (one per gated cell), with the chance level dashed. Draws on ``ax``, or on a new pyplot
        figure; returns the axes.

        Needs matplotlib: ``pip install 'rnnwidget[export]'``.
        """
        try:
            from matplotlib import pyplot
        except ImportError as error:
            raise ImportError(
                "SweepResult.plot draws with matplotlib, which is not installed: "
                "pip install 'rnnwidget[export]'"
            ) from error
        if ax is None:
            _, ax = pyplot.subplots(figsize=(6.0, 4.0))
        lengths = sorted({row[self.length_name] for row in self.rows})
        for cell, scale in dict.fromkeys((row["cell"], row["w_hh_scale"]) for row in self.rows):
            runs = sorted(
                (row[self.length_name], row["val_accuracy"])
                for row in self.rows
                if (row["cell"], row["w_hh_scale"]) == (cell, scale)
            )
            label = _CELL_NAMES[cell] if scale is None else f"w_hh_scale = {scale:g}"
            if scale is not None and self.cells != ("elman",):
                label = f"Elman, {label}"  # beside a gated cell's line
            ax.plot(*zip(*runs), marker="o", label=label)
        ax.axhline(self.chance_accuracy, color="0.5", linestyle="--", label="chance")
        ax.set_xscale("log", base=2)
        ax.set_xticks(lengths, [str(length) for length in lengths])
        ax.set_ylim(0.0, 1.05)
        ax.set_xlabel(self.length_name)
        ax.set_ylabel(f"validation accuracy after {self.steps} steps")
        cells = ", ".join(_CELL_NAMES[cell] for cell in self.cells)
        ax.set_title(f"{self.task}: where memory breaks down ({cells})")
        ax.legend()
        return ax


def sweep(
    lag: Sequence[int] | None = None,
    w_hh_scale: Sequence[float] = (0.5, 1.0),
    *,
    steps: int = 500,
    task: str = "recall",
    seq_len: Sequence[int] | None = None,
    eval_every: int = 50,
    cell: str | Sequence[str] = "elman",
    **settings: Any,
) -> SweepResult:
    """Train a fresh :class:`~rnnwidget.training.Trainer` for every (cell, length, scale).

    Args:
        lag: the recall task's lags (default :data:`DEFAULT_LAGS`).
        w_hh_scale: the Elman cell's initial spectral radii of W_hh (a gated cell has none: it
            runs once per length).
        steps: training steps per run, the same budget for every run.
        task: ``"recall"``, whose grid runs over ``lag``; or ``"adding"``, whose grid runs over
            ``seq_len`` (default :data:`DEFAULT_SEQ_LENS`).
        seq_len: the adding problem's sequence lengths.
        eval_every: steps between validation evaluations (for ``"reached_target_at"``).
        cell: a cell (``"elman"``, ``"lstm"``, ``"gru"``) or several, swept as the outer axis:
            ``cell=["elman", "lstm", "gru"]`` puts the three side by side.
        **settings: any other :class:`~rnnwidget.training.Trainer` argument (``units``,
            ``optimizer``, ``learning_rate``, ``seed``, ...), the same for every run; one that
            only the Elman cell reads (``saturation``) or only the gated cells read
            (``gate_init``) goes to those runs only.

    Runs are sequential and seeded, each with one BLAS thread, so the same call gives the same
    table (and each row the run :class:`~rnnwidget.RNNTrainer` shows for its settings). A run
    that diverges keeps its last evaluation and is marked ``"diverged"``; a recall run that ends
    below chance is marked ``"below_chance"`` (see :func:`below_chance`).
    """
    steps = positive_int("steps", steps)
    if task == "recall":
        if seq_len is not None:
            raise ValueError("the recall task's grid runs over lag; pass lag=[...], not seq_len")
        length_name, lengths = "lag", DEFAULT_LAGS if lag is None else tuple(lag)
    elif task == "adding":
        if lag is not None:
            raise ValueError("the adding problem's grid runs over seq_len; pass seq_len=[...]")
        length_name, lengths = "seq_len", DEFAULT_SEQ_LENS if seq_len is None else tuple(seq_len)
    else:
        raise ValueError(f"task must be 'recall' or 'adding'; got {task!r}")
    if not lengths or not w_hh_scale:
        raise ValueError(f"{length_name} and w_hh_scale must each hold at least one value")
    cells = (cell,) if isinstance(cell, str) else tuple(cell)
    if not cells or any(c not in CELLS for c in cells) or len(set(cells)) < len(cells):
        raise ValueError(f"cell must be one or more of {CELLS}, each once; got {cell!r}")

    rows = []
    chance = 0.0
    for kind in cells:
        elman = kind == "elman"
        skip = _GATED_ONLY if elman else _ELMAN_ONLY
        own = {name: value for name, value in settings.items() if name not in skip}
        for length, scale in (
            (length, scale) for length in lengths for scale in (w_hh_scale if elman else [None])
        ):
            run: dict[str, Any] = {length_name: length, "w_hh_scale": scale}
            trainer = Trainer(task, cell=kind, **run, **own)
            chance = trainer.task.chance_accuracy
            try:
                with single_threaded_blas():
                    trainer.train(steps, eval_every=eval_every)
                diverged = False
            except TrainingDiverged:
                diverged = True
            last = trainer.evaluations[-1]
            recall = isinstance(trainer.task, Recall)
            size = len(trainer.validation[1])
            reached = next(
                (e.step for e in trainer.evaluations if e.accuracy >= TARGET_ACCURACY), None
            )
            final = trainer.records[-1] if trainer.records else None
            radii = [
                r.spectral_radius for r in trainer.records if not math.isnan(r.spectral_radius)
            ]
            rows.append(
                {
                    "cell": kind,
                    length_name: length,
                    "w_hh_scale": scale,
                    "val_accuracy": last.accuracy,
                    "val_loss": last.loss,
                    "reached_target_at": reached,
                    "spectral_radius": (None if not elman else radii[-1] if radii else scale),
                    "memory_gate": None if elman or final is None else final.memory_gate,
                    "diverged": diverged,
                    "below_chance": recall and below_chance(last.accuracy, chance, size),
                }
            )
    return SweepResult(task, length_name, steps, chance, tuple(rows), cells)


def below_chance(accuracy: float, chance: float, size: int) -> bool:
    """Whether a recall ``accuracy`` on ``size`` validation sequences lies below ``chance`` by
    more than :data:`BELOW_CHANCE_ERRORS` standard errors, ``sqrt(chance (1 - chance) / size)``.

    A network whose answer does not depend on the symbol (it answers symbol k with probability
    q_k, whatever was shown) is right with probability ``sum_k q_k / n_symbols = chance`` on
    every sequence, the symbols being equally likely: over ``size`` sequences it strays from
    chance by about one standard error. An accuracy far below chance therefore needs an answer
    that depends on the symbol, avoiding the right one: memory, read out wrongly. (For the
    adding problem no such floor exists: a constant answer other than the mean scores below
    its chance level.)
    """
    standard_error = math.sqrt(chance * (1.0 - chance) / positive_int("size", size))
    return accuracy < chance - BELOW_CHANCE_ERRORS * standard_error


def _number(value: float | None, width: int, digits: int) -> str:
    """``value`` right-aligned in ``width`` with ``digits`` decimals; ``-`` for None."""
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"
