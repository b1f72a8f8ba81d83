"""The explorer's sentences: the summary under the title, the statistics line, the shapes line,
and the caption and file name of a snapshot, and a preset's note. Their templates are data
(``sentences.json``), filled here for the live view (sent with each frame), the headless
picture and the standalone page, and by ``js/twin/words.js`` where the browser computes a frame
itself; ``tests/test_sentences.py`` holds the two equal. And the words of explorers
side by side (``compare()``): each column's label, why a column leaves a panel's place empty,
and what the comparison shares."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._version import __version__
from ..formatting import fill, range_note
from .frame import Frame, Network, Params
from .presets import Regime

__all__ = [
    "absent_panel", "caption", "column_label", "comparison_summary", "comparison_words",
    "knob_scope", "order_distance", "preset_note", "presets_are_elman", "shapes",
    "snapshot_name", "stats", "summary", "view_words",
]  # fmt: skip


#: The sentences' templates (``sentences.json``), which the browser fills too
#: (``js/twin/words.js``): the words and their number formats live there, which template a
#: setting takes lives here.
SENTENCES: dict[str, Any] = json.loads(
    Path(__file__).with_name("sentences.json").read_text("utf-8")
)
#: How the words name each cell.
CELL_NAMES: dict[str, str] = SENTENCES["cells"]
#: Each gated cell's memory gate, as the words name it.
GATE_NAMES: dict[str, str] = SENTENCES["memory_gates"]


def summary(frame: Frame) -> str:
    """One sentence on the gradient's trip from the last step back to the first (in the first
    layer, whose panels come first): how much of it reaches t = 1, and whether that is
    vanishing, exploding or surviving. The LSTM's follows the gradient along its cell state c
    first, then through h."""
    words = SENTENCES["summary"]
    logs = frame.log10_grad_norm
    T = len(logs)
    if T < 2:
        return fill(words["one_step"], {})
    ratio = float(logs[0] - logs[-1])
    fields = {"first": _step(frame, 1), "last": _step(frame, T), "ratio": ratio, "T": T}
    if frame.cell == "lstm":
        ratio_c = frame.gradient_ratio_log10_c
        assert ratio_c is not None  # an LSTM frame has its cell state's gradients
        exactly = ratio_c == -math.inf
        verdict = SENTENCES["verdicts"]["vanishes_exactly"] if exactly else _verdict(ratio_c)
        trip = {"along_c": _amount(ratio_c), "through_h": _amount(ratio), "verdict": verdict}
        return fill(words["lstm"], fields | trip)
    name = "gru" if frame.cell == "gru" else "stacked" if len(frame.layers) > 1 else "elman"
    if ratio == -math.inf:
        return fill(words[f"{name}_zero"], fields)
    note = range_note(float(logs[0]))
    note = fill(words["range_note"], {"note": note}) if note else ""
    return fill(words[name], fields | {"verdict": _verdict(ratio), "note": note})


def _step(frame: Frame, t: int) -> str:
    """Step ``t`` as the summary names it: ``"t=1"``, or for a trained network where its task
    marks the step, ``"t=1 (symbol shown)"``."""
    labels = [mark.label for mark in frame.network.marks if mark.t == t] if frame.network else []
    words = SENTENCES["summary"]
    if labels:
        return fill(words["marked_step"], {"t": t, "labels": ", ".join(labels)})
    return fill(words["step"], {"t": t})


def _amount(ratio: float) -> str:
    """How much of the gradient reaches t = 1, in the LSTM's summary: ``none`` for none."""
    words = SENTENCES["summary"]
    return fill(words["lstm_none" if ratio == -math.inf else "lstm_amount"], {"ratio": ratio})


def _verdict(ratio: float) -> str:
    """What the gradient does on its way back, by its ratio's log10: ``"vanishes"``."""
    key = "vanishes" if ratio < -2 else "explodes" if ratio > 2 else "survives"
    return str(SENTENCES["verdicts"][key])


def preset_note(regime: Regime, label: str, params: Params) -> str:
    """Which settings a preset chose for the input in ``params`` and why, in a sentence or two
    (the view shows it under the summary until another setting changes), e.g. "Edge of chaos
    for white noise over 100 steps: W_hh scale 1.66, where the gradient reaching t=1 keeps its
    size: each step back W_hh stretches it by 1.66 and tanh' shrinks it (0.55 on average here),
    and over the trip the two cancel. Wherever the states move away from 0, tanh' < 1, so the
    edge sits above 1."

    The branch (which template) is chosen here and, for the page, by ``js/twin/words.js``'s
    ``presetNote`` alike."""
    words = SENTENCES["preset_note"]
    T, r = params.seq_len, regime
    ratio = r.measured.gradient_ratio_log10
    fields = {
        "label": label,
        "input": words["inputs"].get(params.input_kind, params.input_kind),
        "steps": fill(words["one_step"] if T == 1 else words["steps"], {"T": T}),
        "T": T,
        "steps_back": T - 1,
        "w_hh_scale": r.w_hh_scale,
        "saturation": r.saturation,
        "bias": r.bias,
        "edge": r.edge,
        "ratio": ratio,
        "slope": r.measured.mean_tanh_slope,
        "pinned": r.measured.saturated_fraction,
        "verdict": _verdict(ratio),
    }
    head = fill(words["head"], fields)
    if T < 2:
        return head + fill(words["single_step"], fields)
    if r.name == "vanishing":
        if r.w_hh_scale == 0:
            return head + fill(words["vanishing_zero"], fields)
        bound = (T - 1) * math.log10(r.w_hh_scale)
        return head + fill(words["vanishing"], fields | {"bound": bound})
    if r.name == "edge_of_chaos":
        if r.capped:
            return head + fill(
                words["edge_capped_small" if params.units < 16 else "edge_capped"], fields
            )
        if r.w_hh_scale > 1.05:
            why = fill(words["edge_above_1"], fields)
        elif r.w_hh_scale >= 0.95:
            why = fill(words["edge_near_1"], fields)
        else:
            why = fill(words["edge_below_1"], fields)
        balance = fill(words["edge_balance"], fields)
        edge = words["edge" if abs(ratio) <= 1 else "edge_closest"]
        return head + fill(edge, fields | {"balance": balance, "why": why})
    if r.name == "exploding":
        return head + fill(words["exploding_capped" if r.capped else "exploding"], fields)
    if r.name == "saturated":
        drive = fill(words["saturated_drive_capped" if r.capped else "saturated_drive"], fields)
        dies = fill(words["saturated_dies" if ratio < -2 else "saturated_still"], fields)
        return head + fill(words["saturated"], fields | {"drive": drive, "dies": dies})
    # high gain
    carried = fill(words["high_gain_chaos" if ratio > 2 else "high_gain_calm"], fields)
    return head + fill(words["high_gain"], fields | {"carried": carried})


def presets_are_elman(cell: str) -> str:
    """Why a preset does not apply to a gated cell."""
    return fill(SENTENCES["presets_are_elman"], {"cell": CELL_NAMES[cell]})


def stats(frame: Frame) -> str:
    """The statistics line: what sets how far memory reaches (the spectral radius of W_hh for
    the Elman cell, the mean memory gate for a gated one), the saturated units, the gradient
    ratio (of the first layer, named as in its panels; for the LSTM along the cell state too)."""
    words = SENTENCES["stats"]
    if frame.spectral_radius is not None:
        parts = [fill(words["spectral_radius"], {"radius": frame.spectral_radius})]
    else:
        gate = {"gate": GATE_NAMES[frame.cell], "mean": frame.mean_memory_gate}
        parts = [fill(words["memory_gate"], gate)]
    parts.append(fill(words["saturated"], {"fraction": frame.saturated_fraction}))
    ratio = words["ratio_stacked" if len(frame.layers) > 1 else "ratio"]
    parts.append(fill(ratio, {"ratio": frame.gradient_ratio_log10}))
    if frame.gradient_ratio_log10_c is not None:
        parts.append(fill(words["ratio_c"], {"ratio": frame.gradient_ratio_log10_c}))
    return str(words["separator"]).join(parts)


def shapes(frame: Frame) -> str:
    """``Shapes: (1, 50, 4) → (1, 50, 32) → (1, 32)`` (:attr:`Frame.shapes`)."""
    return fill(SENTENCES["shapes"], {"shapes": frame.shapes})


def caption(params: Params, network: Network | None = None) -> str:
    """Every parameter and the version, in one line, e.g.
    ``w_hh_scale=1.20  seq_len=200  saturation=1.0  units=64  input=impulse  seed=0  rnnwidget
    0.1.0`` (two spaces between items, shown here wrapped).

    ``w_hh_scale`` has two decimals and ``saturation`` one, or as many more as the value needs
    to be exact (``saturation=2.25``, ``w_hh_scale=1.234``), so the caption always gives back
    the very figure. A bias adds ``bias=3.0`` after the gain (one decimal, or more as needed),
    stacked layers add ``layers=2`` after the seed, and a sentence input appends
    ``sentence="..."`` (JSON-quoted).

    A gated cell's caption names the cell and its memory gate's start instead of the Elman
    cell's settings, which it ignores: ``cell=lstm  gate_init=chrono  seq_len=200  units=64
    input=impulse  seed=0  rnnwidget 0.1.0``.

    A trained ``network``'s caption names the cell, the training (its task and step), and for
    the Elman cell the W_hh scale and gain it is shown at: ``cell=elman  trained: recall
    lag=100, step 400  w_hh_scale=0.97  saturation=1.0  units=32  rnnwidget 0.1.0``.
    """
    words = SENTENCES["caption"]
    if network is not None:
        items = words["trained_gated" if params.gated else "trained_elman"]
    else:
        items = words["gated" if params.gated else "elman"]
    shown = {
        "bias": params.bias != 0.0,
        "layers": params.layers > 1,
        "sentence": params.input_kind == "sentence",
    }
    fields = params.as_dict() | {
        "version": __version__,
        "training": network.caption if network is not None else "",
    }
    return str(words["separator"]).join(
        fill(words["items"][item], fields) for item in items if shown.get(item, True)
    )


def snapshot_name(params: Params, network: Network | None = None) -> str:
    """The snapshot's file name: ``rnnwidget-scale1.20-T200.png``; for a gated cell
    ``rnnwidget-lstm-chrono-T200.png``; for a trained network
    ``rnnwidget-elman-trained-step400.png``."""
    words = SENTENCES["snapshot_name"]
    if network is not None:
        return fill(words["trained"], params.as_dict() | {"step": network.step})
    return fill(words["gated" if params.gated else "elman"], params.as_dict())


def order_distance(outputs: NDArray[np.float64]) -> str:
    """How far apart a model's two outputs in "Why order matters" are (the sentence's and the
    shuffled words'), ``(2, units)``: ``‖difference‖ = 0.412``."""
    distance = float(np.linalg.norm(outputs[0] - outputs[1]))
    return fill(SENTENCES["order"]["distance"], {"distance": distance})


def view_words(frame: Frame) -> dict[str, Any]:
    """Every sentence the live view shows for ``frame`` (JSON)."""
    words: dict[str, Any] = {
        "summary": summary(frame),
        "stats": stats(frame),
        "shapes": shapes(frame),
        "caption": caption(frame.params, frame.network),
        "snapshot_name": snapshot_name(frame.params, frame.network),
    }
    if frame.network is not None:
        words["network"] = frame.network.description
    order = frame.order
    if order is not None:
        rnn, dense = (
            float(np.linalg.norm(a[0] - a[1])) for a in (order.rnn_final, order.dense_output)
        )
        sentence, shuffled = " ".join(order.words), " ".join(order.shuffled)
        words["order"] = {
            "distances": [order_distance(order.rnn_final), order_distance(order.dense_output)],
            "description": fill(
                SENTENCES["order"]["description"],
                {"sentence": sentence, "shuffled": shuffled, "rnn": rnn, "dense": dense},
            ),
        }
    return words


# -- explorers side by side (compare()) --------------------------------------------------------


def comparison_words(varied: str) -> dict[str, str]:
    """A comparison's fixed words: its ``title`` (``"Comparing cell"``), its shared controls'
    name for screen readers, and what it says when the kernel is gone."""
    words = SENTENCES["comparison"]
    return {
        key: fill(words[key], {"varied": varied}) for key in ("title", "controls", "disconnected")
    }


def column_label(varied: str, value: Any) -> str:
    """A column's label, the compared setting as code: ``"cell = 'gru'"``, ``"seq_len = 50"``."""
    return fill(SENTENCES["comparison"]["column_label"], {"varied": varied, "value": repr(value)})


def comparison_summary(varied: str, frames: Sequence[Frame], compared_applies: bool) -> str:
    """What a comparison shares, and on which scale each column draws its hidden state (the
    Elman cell's on tanh's range ±1, a gated cell's on its own largest ``|h|``), in a sentence
    or two; ``compared_applies`` is False where no column reads the compared setting (a W_hh
    scale under gated cells), which the words then say."""
    words = SENTENCES["comparison"]
    gated = [frame.params.gated for frame in frames]
    kind = "elman" if not any(gated) else "gated" if all(gated) else "mixed"
    states = fill(words[f"states_{kind}"], {})
    summary = fill(words["summary"], {"states": states})
    if not compared_applies:
        summary += fill(words["not_compared"], {"varied": varied})
    return summary


def knob_scope(values: Sequence[Any]) -> str:
    """A shared control's label's note when it moves only some columns, by their compared
    values: ``"(elman only)"``, ``"(gru, lstm only)"``."""
    listed = ", ".join(str(value) for value in values)
    return fill(SENTENCES["comparison"]["knob_scope"], {"values": listed})


def absent_panel(name: str, frame: Frame) -> str:
    """Why a column of a comparison has no panel ``name`` where another column has one: the
    Elman cell has no cell state and no memory gate, a single layer no layer 2."""
    template = {
        "hidden2": "layer_2", "gradient2": "layer_2", "cell_state": "cell_state",
        "gradient_c": "gradient_c", "memory_gate": "memory_gate",
    }.get(name)  # fmt: skip
    if template is None:
        raise ValueError(f"every explorer shows panel {name!r}")
    cell = CELL_NAMES[frame.cell]
    return fill(SENTENCES["absent_panel"][template], {"Cell": cell[0].upper() + cell[1:]})
