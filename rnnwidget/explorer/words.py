"""The explorer's sentences: the summary under the title, the statistics line, the shapes line,
and the caption and file name of a snapshot. Written here once, for the live view (sent with
each frame), the headless picture and the standalone page alike."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._version import __version__
from ..formatting import decimals, format_pow10, range_note
from .frame import Frame, Params

__all__ = [
    "caption", "order_distance", "shapes", "snapshot_name", "stats", "summary", "view_words",
]  # fmt: skip


def summary(frame: Frame) -> str:
    """One sentence on the gradient's trip from the last step back to the first (in the first
    layer, whose panels come first): how much of it reaches t = 1, and whether that is
    vanishing, exploding or surviving."""
    logs = frame.log10_grad_norm
    T = len(logs)
    if T < 2:
        return "One timestep: nothing to backpropagate through."
    where = "In layer 1, " if len(frame.layers) > 1 else ""
    ratio = float(logs[0] - logs[-1])
    if ratio == -math.inf:
        no = f"{where}no" if where else "No"
        return f"{no} gradient reaches t=1 from t={T}: it vanishes exactly."
    verdict = (
        "it vanishes" if ratio < -2 else "it explodes" if ratio > 2 else "it survives the trip"
    )
    note = range_note(float(logs[0]))
    subject = f"{where}the gradient" if where else "The gradient"
    return (
        f"{subject} reaching t=1 is {format_pow10(ratio)} of the one at t={T}: {verdict}"
        + (f" ({note})" if note else "")
        + "."
    )


def stats(frame: Frame) -> str:
    """The statistics line: the spectral radius, the saturated units, the gradient ratio."""
    ratio = frame.gradient_ratio_log10
    sub = "1" if len(frame.layers) > 1 else ""  # the first layer's, named as in its panels
    parts = [
        f"spectral radius of W_hh {frame.spectral_radius:.2f}",
        f"saturated units (|h| > 0.99) {100 * frame.saturated_fraction:.1f}%",
        f"‖dL/dh{sub}_1‖ / ‖dL/dh{sub}_T‖ = {'0' if math.isinf(ratio) else format_pow10(ratio)}",
    ]
    return "   ·   ".join(parts)


def shapes(frame: Frame) -> str:
    """``Shapes: (1, 50, 4) → (1, 50, 32) → (1, 32)``."""
    return f"Shapes: {frame.shapes}"


def caption(params: Params) -> str:
    """Every parameter and the version, in one line, e.g.
    ``w_hh_scale=1.20  seq_len=200  saturation=1.0  units=64  input=impulse  seed=0  rnnwidget
    0.1.0`` (two spaces between items, shown here wrapped).

    ``w_hh_scale`` has two decimals and ``saturation`` one, or as many more as the value needs
    to be exact (``saturation=2.25``, ``w_hh_scale=1.234``), so the caption always gives back
    the very figure. Stacked layers add ``layers=2`` after the seed, and a sentence input
    appends ``sentence="..."`` (JSON-quoted).
    """
    items = [
        f"w_hh_scale={decimals(params.w_hh_scale, 2)}",
        f"seq_len={params.seq_len}",
        f"saturation={decimals(params.saturation, 1)}",
        f"units={params.units}",
        f"input={params.input_kind}",
        f"seed={params.seed}",
    ]
    if params.layers > 1:
        items.append(f"layers={params.layers}")
    items.append(f"rnnwidget {__version__}")
    if params.input_kind == "sentence":
        items.append(f"sentence={json.dumps(params.sentence, ensure_ascii=False)}")
    return "  ".join(items)


def snapshot_name(params: Params) -> str:
    """The snapshot's file name: ``rnnwidget-scale1.20-T200.png``."""
    return f"rnnwidget-scale{params.w_hh_scale:.2f}-T{params.seq_len}.png"


def order_distance(outputs: NDArray[np.float64]) -> str:
    """How far apart a model's two outputs in "Why order matters" are (the sentence's and the
    shuffled words'), ``(2, units)``: ``‖difference‖ = 0.412``."""
    return f"‖difference‖ = {float(np.linalg.norm(outputs[0] - outputs[1])):.3f}"


def view_words(frame: Frame) -> dict[str, Any]:
    """Every sentence the live view shows for ``frame`` (JSON)."""
    words: dict[str, Any] = {
        "summary": summary(frame),
        "stats": stats(frame),
        "shapes": shapes(frame),
        "caption": caption(frame.params),
        "snapshot_name": snapshot_name(frame.params),
    }
    order = frame.order
    if order is not None:
        rnn, dense = (
            float(np.linalg.norm(a[0] - a[1])) for a in (order.rnn_final, order.dense_output)
        )
        words["order"] = {
            "distances": [order_distance(order.rnn_final), order_distance(order.dense_output)],
            "description": (
                f'Why order matters: the RNN\'s final states for "{" ".join(order.words)}" and '
                f'"{" ".join(order.shuffled)}" differ by {rnn:.3f}; the order-blind dense '
                f"model's outputs differ by {dense:.3f}."
            ),
        }
    return words
