"""The trainer's picture in the display bundle, for places where no kernel runs.

As for the explorer (:mod:`rnnwidget.explorer.preview`), ``display(w)`` of an
:class:`~rnnwidget.RNNTrainer` carries an ``image/png`` of its charts beside the widget view, so
GitHub, nbviewer and ``jupyter nbconvert`` show the training curves where the live view cannot
run. It is drawn from the very snapshot the view draws (the kernel's ``_progress``: the curves,
the progress line, the chart titles and reference lines), on white, with matplotlib's own axes.

matplotlib comes with the ``export`` extra (and the ``lab`` one); without it the picture is left
out, silently.
"""

from __future__ import annotations

import base64
import textwrap
from io import BytesIO
from typing import Any

import numpy as np

from .._wire import decode_array
from ..explorer.figure_layout import PX_TO_PT
from ..geometry import COLOURS, GEOMETRY

__all__ = ["png_base64", "render_png"]

_WIDTH_INCHES = GEOMETRY.figure.width / 100  # at 100 dpi, as wide as the explorer's picture
_LINE, _WARN, _MUTED = COLOURS["line"], COLOURS["warn"], COLOURS["muted"]  # the view's light theme
_BACKGROUND = COLOURS["background"]
_HALO = GEOMETRY.panel.halo * PX_TO_PT  # the outline of a text over curves, in points
_SAMPLE_LINES, _SAMPLE_COLUMNS = 12, 110  # what the picture shows of a text's sample


def png_base64(progress: dict[str, Any]) -> str | None:
    """The picture of a trainer snapshot as base64 PNG text, or None without matplotlib."""
    try:
        png = render_png(progress)
    except ImportError:
        return None
    return base64.b64encode(png).decode("ascii")


def render_png(progress: dict[str, Any], *, dpi: float = 100) -> bytes:
    """The trainer's five charts and its progress line, as PNG bytes; for a language model,
    its loss in bits per character and, below the charts, the sample it writes."""
    from matplotlib.figure import Figure  # the export extra; never pyplot (no global state)
    from matplotlib.patheffects import withStroke

    arrays = {
        name: decode_array(value).astype(np.float64) for name, value in progress["arrays"].items()
    }
    charts = progress["charts"]
    text = progress.get("text")
    rows = 4 if text else 3
    figure = Figure(figsize=(_WIDTH_INCHES, 8.6 + (2.6 if text else 0)), dpi=dpi,
                    layout="constrained")  # fmt: skip
    figure.patch.set_facecolor("white")
    # A long line (a text's) wraps where its parts meet.
    title = textwrap.fill(f"Train it live: {progress['line']}", 125, break_long_words=False)
    figure.suptitle(title, fontsize=9, ha="left", x=0.01)
    grid = figure.add_gridspec(rows, 2, height_ratios=[1, 1, 1, 0.9][:rows])
    steps = arrays["step"]
    evals = arrays["eval_step"]

    def chart(row: int, column: int, name: str, *, log: bool = False) -> Any:
        words = charts[name]
        ax = figure.add_subplot(grid[row, column])
        ax.set_title(words["title"], fontsize=9, loc="left", fontweight="bold")
        ax.set_ylabel(words.get("axis_label", ""), fontsize=8, color=_MUTED)
        ax.tick_params(labelsize=7)
        for reference in words.get("references", []):
            value = 10.0 ** reference["value"] if log else reference["value"]
            ax.axhline(value, color=_MUTED, linestyle="--", linewidth=1)
            # Over the curves, on a halo of the background, as the view draws it.
            halo = [withStroke(linewidth=_HALO, foreground=_BACKGROUND)]
            ax.annotate(reference["label"], (1, value), xycoords=("axes fraction", "data"),
                        ha="right", va="bottom", fontsize=7, color=_MUTED, zorder=4,
                        path_effects=halo)  # fmt: skip
        # The axes the live view draws: the kernel's range and ticks (rnnwidget._axes).
        lo, hi = words["range"]
        values = [value for value, _ in words["ticks"]]
        labels = [label for _, label in words["ticks"]]
        if log:
            ax.set_yscale("log")
            lo, hi, values = 10.0**lo, 10.0**hi, [10.0**value for value in values]
        ax.set_ylim(lo, hi)
        ax.set_yticks(values, labels)
        ax.minorticks_off()
        if "step_ticks" in words:
            ax.set_xticks(*zip(*words["step_ticks"], strict=True))
        if "time_ticks" in words:
            ax.set_xticks(words["time_ticks"])
        return ax

    if charts["loss"].get("scale") == "linear":  # a text's, in bits per character
        loss = chart(0, 0, "loss")
        loss.plot(steps, arrays["loss_bits"], color=_LINE, label="train")
        loss.plot(evals, arrays["val_loss_bits"], "o", color=_WARN, ms=3, label="validation")
    else:
        loss = chart(0, 0, "loss", log=True)
        loss.plot(steps, _pow10(arrays["log10_loss"]), color=_LINE, label="train")
        loss.plot(evals, _pow10(arrays["log10_val_loss"]), "o", color=_WARN, ms=3,
                  label="validation")  # fmt: skip
    loss.legend(fontsize=7)
    accuracy = chart(0, 1, "accuracy")
    accuracy.plot(evals, arrays["val_accuracy"], color=_LINE)
    norms = chart(1, 0, "norm", log=True)
    norms.plot(steps, _pow10(arrays["log10_grad_norm"]), color=_LINE)
    clipped = steps[arrays["clipped"] > 0]
    norms.plot(clipped, np.full(clipped.shape, norms.get_ylim()[0]), "|", color=_WARN, ms=6)
    radius = chart(1, 1, "radius")
    radius.plot(steps, _pow10(arrays["log10_spectral_radius"]), color=_LINE)
    if "log10_grad_norms" in arrays:
        gradient = chart(2, 0, "gradient", log=True)
        logs = arrays["log10_grad_norms"]
        gradient.plot(np.arange(1, len(logs) + 1), _pow10(logs), color=_LINE)
        gradient.set_xlabel("timestep t", fontsize=8, color=_MUTED)
    for ax in (loss, accuracy, norms, radius):
        ax.set_xlabel("training step", fontsize=8, color=_MUTED)
    if text:
        _sample(figure.add_subplot(grid[3, :]), text)
    out = BytesIO()
    figure.savefig(out, format="png", dpi=dpi, facecolor="white")
    return out.getvalue()


def _sample(ax: Any, text: dict[str, Any]) -> None:
    """What the network writes, under its title, in a monospace box: its last lines, as the
    view's box shows them (:func:`~.textview.shown_sample`)."""
    ax.set_axis_off()
    ax.set_title(text["sample_title"], fontsize=9, loc="left", fontweight="bold")
    lines = [  # each line wrapped at the box's width, as the view wraps it
        line[start : start + _SAMPLE_COLUMNS]
        for line in text["sample_shown"].split("\n")
        for start in range(0, max(len(line), 1), _SAMPLE_COLUMNS)
    ][-_SAMPLE_LINES:]
    box = {"facecolor": "#f5f5f5", "edgecolor": "#bdbdbd"}
    ax.text(0, 1, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=8,
            transform=ax.transAxes, bbox=box, parse_math=False)  # fmt: skip


def _pow10(logs: Any) -> Any:
    """10 ** logs, as a log axis draws them: beyond float64 (a diverging run) is left out."""
    with np.errstate(over="ignore"):
        values = 10.0**logs
    return np.where(np.isfinite(values), values, np.nan)
