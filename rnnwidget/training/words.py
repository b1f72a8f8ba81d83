"""The trainer's words: the progress line and what its charts are called and marked with.
Written by the kernel, sent with each snapshot, so the view shows one status in one sentence."""

from __future__ import annotations

import copy
import math
from typing import Any

from .._axes import decade_labels, log_range
from ..cells.elman import Array
from ..formatting import format_pow10
from .language import NextCharacter
from .loop import Progress

__all__ = [
    "FILM", "MEMORY_CHART", "STATUS_TEXT", "charts", "duration", "mechanism_title",
    "progress_line", "stopped",
]  # fmt: skip

#: The film scrubber's words: its accessible name, and the name of its last position (the
#: network as it is now).
FILM = {"label": "training step", "now": "now"}


def mechanism_title(step: int, shown: int | None) -> str:
    """The mechanism panels' heading for the network at training step ``step``: as it is now
    (``shown`` None), or a snapshot of the film (``shown == step``)."""
    if shown is None:
        return f"Inside the network now, at training step {step:,}"
    return f"Inside the network at training step {step:,} (a snapshot; End returns to now)"


#: How the progress line names each status of :data:`~.loop.Status`.
STATUS_TEXT = {
    "ready": "ready",
    "running": "training",
    "paused": "paused",
    "diverged": "diverged",
    "failed": "stopped by an error",
    "closed": "closed",
}


#: The chart of what sets how far memory reaches, by cell: for the Elman cell the spectral radius
#: of W_hh (the gradient through k steps scales like rho**k at most), for the gated cells the mean
#: of the gate that keeps the memory (a unit whose gate holds f keeps f**k of it after k steps).
MEMORY_CHART: dict[str, dict[str, Any]] = {
    "elman": {
        "title": "Spectral radius of W_hh",
        "axis_label": "ρ(W_hh)",  # noqa: RUF001 (rho, the lecture's symbol)
        "series_label": "ρ",  # noqa: RUF001
        "references": [{"value": 1.0, "label": "ρ = 1"}],  # noqa: RUF001
    },
    "lstm": {
        "title": "Forget gate f, mean of the batch: the share of c kept per step",
        "axis_label": "mean f",
        "series_label": "f",
        "references": [{"value": 1.0, "label": "f = 1: keeps all"}],
    },
    "gru": {
        "title": "Update gate z, mean of the batch: the share of h kept per step",
        "axis_label": "mean z",
        "series_label": "z",
        "references": [{"value": 1.0, "label": "z = 1: keeps all"}],
    },
}


def stopped(status: str, reason: str) -> str:
    """Why training stopped, and what to do in the view: ``diverged`` (the loss or a gradient
    left float64's range) or ``failed`` (an error)."""
    if status == "diverged":  # the reason says "training diverged at step ..."
        return (
            f"{reason[:1].upper()}{reason[1:]}. Lower the learning rate or turn clipping on, "
            "then press Restart (w.restart()) to start again."
        )
    return f"Training stopped: {reason}. Press Restart (w.restart()) to start again."


def duration(seconds: float) -> str:
    """``"0:07"``, ``"12:30"``, ``"1:02:03"``."""
    s = math.floor(seconds)
    hours, minutes = divmod(s // 60, 60)
    return f"{hours}:{minutes:02d}:{s % 60:02d}" if hours else f"{minutes}:{s % 60:02d}"


def progress_line(progress: Progress, *, max_steps: int) -> str:
    """``step 1,234 · 1,180 steps/s · 0:12 · loss 0.012 · validation accuracy 98% (step 1,225)
    · paused``, with the gradient norm where the latest step was clipped, and ``at max_steps``
    where the run paused at its step limit."""
    steps = progress.steps
    text = isinstance(progress.task, NextCharacter)
    chance = f" (chance {progress.task.chance_loss / math.log(2):.2f})"
    parts = [f"step {steps:,}"]
    if steps > 0:
        loss = (
            f"{progress.loss[-1] / math.log(2):.2f} bits/char{chance}"
            if text
            else f"loss {_size(progress.loss[-1])}"
        )
        parts += [f"{round(progress.steps_per_second):,} steps/s", duration(progress.elapsed), loss]
        if progress.clipped[-1]:
            parts.append(f"‖g‖ {_size(progress.grad_norm[-1])}, clipped")
        parts += _regime_change(progress)
    accuracy = float(progress.val_accuracy[-1])
    evaluated = f"(step {int(progress.eval_step[-1]):,})"
    if text:
        bits = float(progress.val_loss[-1]) / math.log(2)
        parts.append(
            f"validation {bits:.2f} bits/char{chance if steps == 0 else ''}, "
            f"next-character accuracy {100 * accuracy:.0f}% {evaluated}"
        )
    else:
        parts.append(f"validation accuracy {100 * accuracy:.0f}% {evaluated}")
    status = STATUS_TEXT.get(progress.status, progress.status)
    at_limit = progress.status == "paused" and steps >= max_steps
    limit = f" at max_steps ({max_steps:,})" if at_limit else ""
    parts.append(status + limit)
    return "  ·  ".join(parts)


def _regime_change(progress: Progress) -> list[str]:
    """Training changes W_hh: a run that started with a spectral radius below 1 (vanishing) and
    now has one above 1, or the other way round, has left the regime it started in; say so,
    since the curves no longer show the lesson the starting scale was chosen for."""
    radius = progress.spectral_radius
    if len(radius) < 2 or not (math.isfinite(radius[0]) and math.isfinite(radius[-1])):
        return []  # the gated cells record no spectral radius
    start, now = float(radius[0]), float(radius[-1])
    if (start < 1) == (now < 1):
        return []
    side = "vanishing" if start < 1 else "exploding"
    return [f"ρ(W_hh) {start:.2f} → {now:.2f}: training has left the {side} regime"]  # noqa: RUF001


def _text_loss_chart(task: NextCharacter) -> dict[str, Any]:
    """A text's loss chart: bits per character, linear, with chance (``log2 V``, the uniform
    guess) and, where the text's source is known (the Markov corpus), its entropy rate: the
    lowest loss any model can reach."""
    chance = task.chance_loss / math.log(2)
    references = [{"value": chance, "label": f"chance {chance:.2f}"}]
    if task.entropy_rate is not None:
        references.append(
            {"value": task.entropy_rate, "label": f"entropy rate {task.entropy_rate:.2f}"}
        )
    return {
        "title": "Loss in bits per character",
        "axis_label": "bits/char",
        "scale": "linear",
        "references": references,
    }


def _size(value: float) -> str:
    """A positive number of any size, from its logarithm: ``0.012``, ``3.1e+12``."""
    return format_pow10(math.log10(value)) if value > 0 else format_pow10(-math.inf)


def _decades(logs: Array | None) -> dict[str, Any]:
    """A log chart's range and labelled decades, for the values in ``logs``."""
    lo, hi = log_range(logs) if logs is not None else (-1, 1)
    return {"range": [lo, hi], "ticks": [list(tick) for tick in decade_labels(lo, hi)]}


def charts(progress: Progress, clip_threshold: float | None) -> dict[str, Any]:
    """Each chart's title, axis label and reference lines (``value``: in the chart's units,
    a base-10 logarithm on a log chart); for the gradient chart, its decades too. The
    ``radius`` chart is the cell's :data:`MEMORY_CHART`."""
    task = progress.task
    clip = (
        []
        if clip_threshold is None
        else [
            {
                "value": math.log10(clip_threshold),
                "label": f"clip threshold {format_pow10(math.log10(clip_threshold))}",
            }
        ]
    )
    if isinstance(task, NextCharacter):
        loss = _text_loss_chart(task)
        accuracy_title = "Next-character accuracy on the held-out text"
    else:
        loss = {
            "title": "Loss (log scale)",
            "axis_label": "loss",
            "scale": "log",
            "references": [{"value": math.log10(task.chance_loss), "label": "chance"}],
        }
        accuracy_title = "Validation accuracy"
    chance = 100 * task.chance_accuracy
    return {
        "loss": loss,
        "accuracy": {
            "title": accuracy_title,
            "axis_label": "accuracy",
            "references": [
                {
                    "value": task.chance_accuracy,
                    "label": f"chance {chance:.1f}%" if chance < 10 else f"chance {chance:.0f}%",
                }
            ],
        },
        "gradient": {
            "title": "‖dL/dh_t‖ of the latest batch, reaching each step",
            "axis_label": "‖dL/dh_t‖",
            **_decades(progress.log10_grad_norms),
        },
        "norm": {
            "title": "Gradient norm ‖g‖ before clipping",
            "axis_label": "‖g‖",
            "references": clip,
        },
        "radius": copy.deepcopy(MEMORY_CHART[progress.cell]),
    }
