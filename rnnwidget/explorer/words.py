"""The explorer's sentences: the summary under the title, the statistics line, the shapes line,
and the caption and file name of a snapshot. Written here once, for the live view (sent with
each frame), the headless picture and the standalone page alike; and the words of explorers
side by side (``compare()``): each column's label, why a column leaves a panel's place empty,
and what the comparison shares."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._version import __version__
from ..formatting import decimals, format_pow10, range_note
from .frame import Frame, Network, Params
from .presets import Regime

__all__ = [
    "absent_panel", "caption", "column_label", "comparison_summary", "comparison_words",
    "knob_scope", "order_distance", "preset_note", "presets_are_elman", "shapes",
    "snapshot_name", "stats", "summary", "view_words",
]  # fmt: skip


def summary(frame: Frame) -> str:
    """One sentence on the gradient's trip from the last step back to the first (in the first
    layer, whose panels come first): how much of it reaches t = 1, and whether that is
    vanishing, exploding or surviving."""
    logs = frame.log10_grad_norm
    T = len(logs)
    if T < 2:
        return "One timestep: nothing to backpropagate through."
    if frame.params.gated:
        return _gated_summary(frame)
    where = "In layer 1, " if len(frame.layers) > 1 else ""
    ratio = float(logs[0] - logs[-1])
    first, last = _step(frame, 1), _step(frame, T)
    if ratio == -math.inf:
        no = f"{where}no" if where else "No"
        return f"{no} gradient reaches {first} from {last}: it vanishes exactly."
    verdict = (
        "it vanishes" if ratio < -2 else "it explodes" if ratio > 2 else "it survives the trip"
    )
    note = range_note(float(logs[0]))
    subject = f"{where}the gradient" if where else "The gradient"
    return (
        f"{subject} reaching {first} is {format_pow10(ratio)} of the one at {last}: {verdict}"
        + (f" ({note})" if note else "")
        + "."
    )


def _step(frame: Frame, t: int) -> str:
    """Step ``t`` as the summary names it: ``"t=1"``, or for a trained network where its task
    marks the step, ``"t=1 (symbol shown)"``."""
    labels = [mark.label for mark in frame.network.marks if mark.t == t] if frame.network else []
    return f"t={t}" + (f" ({', '.join(labels)})" if labels else "")


#: How the words name each cell.
CELL_NAMES = {"elman": "the Elman cell", "lstm": "the LSTM", "gru": "the GRU"}
#: Each gated cell's memory gate, as the words name it.
GATE_NAMES = {"lstm": "forget gate f", "gru": "update gate z"}


def _gated_summary(frame: Frame) -> str:
    """:func:`summary` for the LSTM and the GRU. The LSTM's memory is its cell state, so its
    sentence follows the gradient along c first, then through h."""
    logs, T = frame.log10_grad_norm, len(frame.log10_grad_norm)
    ratio = float(logs[0] - logs[-1])
    first, last = _step(frame, 1), _step(frame, T)
    if frame.cell == "gru":
        if ratio == -math.inf:
            return f"In the GRU, no gradient reaches {first} from {last}: it vanishes exactly."
        note = range_note(float(logs[0]))
        return (
            f"In the GRU, the gradient reaching {first} is {format_pow10(ratio)} of the one at "
            f"{last}: {_says(ratio)}" + (f" ({note})" if note else "") + "."
        )
    ratio_c = frame.gradient_ratio_log10_c
    assert ratio_c is not None  # an LSTM frame has its cell state's gradients
    along_c = "none" if ratio_c == -math.inf else format_pow10(ratio_c)
    through_h = "none" if ratio == -math.inf else format_pow10(ratio)
    verdict = "it vanishes exactly" if ratio_c == -math.inf else _says(ratio_c)
    return (
        f"In the LSTM, the gradient reaching {first} from {last} along the cell state, "
        f"‖dL/dc_1‖, is {along_c} of ‖dL/dh_{T}‖: {verdict}; through the hidden state, "
        f"‖dL/dh_1‖ is {through_h}."
    )


def _says(ratio: float) -> str:
    return "it vanishes" if ratio < -2 else "it explodes" if ratio > 2 else "it survives the trip"


#: How a preset's note names the input in use.
_INPUTS = {
    "impulse": "an impulse", "noise": "white noise", "sine": "sine waves", "sentence": "a sentence",
}  # fmt: skip


def _verdict(ratio: float) -> str:
    """What the gradient does on its way back, as :func:`summary` says it."""
    return "vanishes" if ratio < -2 else "explodes" if ratio > 2 else "survives the trip"


def preset_note(regime: Regime, label: str, params: Params) -> str:
    """Which settings a preset chose for the input in ``params`` and why, in a sentence or two
    (the view shows it under the summary until another setting changes), e.g. "Edge of chaos
    for white noise over 100 steps: W_hh scale 1.66, where the gradient reaching t=1 keeps its
    size; a driving input keeps tanh' below 1 (0.55 on average), so the edge sits above 1."."""
    T, r = params.seq_len, regime
    ratio, pinned = r.measured.gradient_ratio_log10, r.measured.saturated_fraction
    slope, verdict = r.measured.mean_tanh_slope, _verdict(r.measured.gradient_ratio_log10)
    steps = "one step" if T == 1 else f"{T} steps"
    head = f"{label} for {_INPUTS.get(params.input_kind, params.input_kind)} over {steps}: "
    if T < 2:
        return head + (
            f"W_hh scale {r.w_hh_scale:.2f}, tanh gain {r.saturation:g}, bias {r.bias:g}. With one "
            "timestep the gradient makes no trip back in time, so it can neither vanish nor "
            "explode: lengthen the sequence."
        )
    if r.name == "vanishing":
        if r.w_hh_scale == 0:
            return head + (
                "W_hh scale 0: no step passes anything back to the one before, so no gradient "
                "reaches t=1 from t=2 on."
            )
        bound = (T - 1) * math.log10(r.w_hh_scale)
        return head + (
            f"W_hh scale {r.w_hh_scale:.2f} and tanh gain 1, so each step back multiplies the "
            f"gradient by at most {r.w_hh_scale:.2f} (tanh' ≤ 1): over {T - 1} steps by at most "
            f"{format_pow10(bound)}, whatever the input."
        )
    if r.name == "edge_of_chaos":
        if r.capped:
            return head + (
                f"no W_hh scale from 0 to 3 keeps the gradient's size here; it comes closest at "
                f"{r.w_hh_scale:g}, where it still {verdict}. A layer this small saturates "
                "before it turns chaotic."
                if params.units < 16
                else f"no W_hh scale from 0 to 3 keeps the gradient's size here; it comes "
                f"closest at {r.w_hh_scale:g}, where it still {verdict}."
            )
        where = (
            f"W_hh scale {r.w_hh_scale:g}, where the gradient reaching t=1 keeps its size"
            if abs(ratio) <= 1
            else f"W_hh scale {r.w_hh_scale:g}, where the gradient comes closest to keeping its "
            f"size (it {verdict})"
        )
        balance = (
            f": each step back W_hh stretches it by {r.w_hh_scale:g} and tanh' shrinks it "
            f"({slope:.2f} on average here), and over the trip the two cancel"
        )
        if r.w_hh_scale > 1.05:
            why = "Wherever the states move away from 0, tanh' < 1, so the edge sits above 1."
        elif r.w_hh_scale >= 0.95:
            why = "The states stay near 0, where tanh' ≈ 1, so the edge sits near 1."
        else:
            why = "Over this short a sequence the edge sits below 1."
        return head + f"{where}{balance}. {why}"
    if r.name == "exploding":
        if r.capped:
            return head + (
                f"no W_hh scale up to 3 makes the gradient grow 10^4-fold here; it grows most "
                f"at {r.w_hh_scale:g}, by {format_pow10(ratio)}: it {verdict}."
            )
        return head + (
            f"W_hh scale {r.w_hh_scale:.2f}, above this input's edge of chaos ({r.edge:g}), where "
            f"the gradient reaching t=1 is {format_pow10(ratio)} times the one at t={T}: each "
            "step back stretches it by more than tanh' shrinks it."
        )
    if r.name == "saturated":
        drive = (
            f"a bias of size {r.bias:g}, the largest the knob allows, pushes the units toward ±1"
            if r.capped
            else f"a bias of size {r.bias:g} pins the units at ±1"
        )
        dies = "it now dies" if ratio < -2 else f"it {verdict}"
        return head + (
            f"{drive} ({100 * pinned:.0f}% of the cells have |h| > 0.99), where tanh' ≈ 0 "
            f"({slope:.2f} on average). At W_hh scale {r.w_hh_scale:g} and tanh gain 1, this "
            f"input's edge of chaos, the gradient kept its size without the bias; {dies}."
        )
    # high gain
    carried = (
        "yet the gradient explodes: the units that are not pinned, times the gain, carry it. "
        "Chaos, not saturation"
        if ratio > 2
        else f"and the gradient {verdict}"
    )
    return head + (
        f"tanh gain {r.saturation:g} at W_hh scale {r.w_hh_scale:g}, no bias. The states stay "
        f"in (-1, 1) and {100 * pinned:.0f}% of the cells have |h| > 0.99, {carried}."
    )


def presets_are_elman(cell: str) -> str:
    """Why a preset does not apply to a gated cell."""
    return (
        "the presets are the Elman cell's physics (W_hh scale, tanh gain, bias), which "
        f"{CELL_NAMES[cell]} does not have: set cell='elman' first"
    )


def stats(frame: Frame) -> str:
    """The statistics line: what sets how far memory reaches (the spectral radius of W_hh for
    the Elman cell, the mean memory gate for a gated one), the saturated units, the gradient
    ratio (for the LSTM along the cell state too)."""
    ratio = frame.gradient_ratio_log10
    sub = "1" if len(frame.layers) > 1 else ""  # the first layer's, named as in its panels

    def power(value: float) -> str:
        return "0" if math.isinf(value) else format_pow10(value)

    if frame.spectral_radius is not None:
        memory = f"spectral radius of W_hh {frame.spectral_radius:.2f}"
    else:
        memory = f"mean {GATE_NAMES[frame.cell]}_t {frame.mean_memory_gate:.2f}"
    parts = [
        memory,
        f"saturated units (|h| > 0.99) {100 * frame.saturated_fraction:.1f}%",
        f"‖dL/dh{sub}_1‖ / ‖dL/dh{sub}_T‖ = {power(ratio)}",
    ]
    if frame.gradient_ratio_log10_c is not None:
        parts.append(f"‖dL/dc_1‖ / ‖dL/dh_T‖ = {power(frame.gradient_ratio_log10_c)}")
    return "   ·   ".join(parts)


def shapes(frame: Frame) -> str:
    """``Shapes: (1, 50, 4) → (1, 50, 32) → (1, 32)``."""
    return f"Shapes: {frame.shapes}"


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
    if network is not None:
        items = [f"cell={params.cell}", f"trained: {network.caption}"]
        if not params.gated:
            items += [
                f"w_hh_scale={decimals(params.w_hh_scale, 2)}",
                f"saturation={decimals(params.saturation, 1)}",
            ]
        return "  ".join([*items, f"units={params.units}", f"rnnwidget {__version__}"])
    if params.gated:
        items = [f"cell={params.cell}", f"gate_init={params.gate_init}"]
        items += [f"seq_len={params.seq_len}", f"units={params.units}"]
        items += [f"input={params.input_kind}", f"seed={params.seed}", f"rnnwidget {__version__}"]
        if params.input_kind == "sentence":
            items.append(f"sentence={json.dumps(params.sentence, ensure_ascii=False)}")
        return "  ".join(items)
    items = [
        f"w_hh_scale={decimals(params.w_hh_scale, 2)}",
        f"seq_len={params.seq_len}",
        f"saturation={decimals(params.saturation, 1)}",
    ]
    if params.bias != 0.0:
        items.append(f"bias={decimals(params.bias, 1)}")
    items += [
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


def snapshot_name(params: Params, network: Network | None = None) -> str:
    """The snapshot's file name: ``rnnwidget-scale1.20-T200.png``; for a gated cell
    ``rnnwidget-lstm-chrono-T200.png``; for a trained network
    ``rnnwidget-elman-trained-step400.png``."""
    if network is not None:
        return f"rnnwidget-{params.cell}-trained-step{network.step}.png"
    if params.gated:
        return f"rnnwidget-{params.cell}-{params.gate_init}-T{params.seq_len}.png"
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
        words["order"] = {
            "distances": [order_distance(order.rnn_final), order_distance(order.dense_output)],
            "description": (
                f'Why order matters: the RNN\'s final states for "{" ".join(order.words)}" and '
                f'"{" ".join(order.shuffled)}" differ by {rnn:.3f}; the order-blind dense '
                f"model's outputs differ by {dense:.3f}."
            ),
        }
    return words


# -- explorers side by side (compare()) --------------------------------------------------------


def comparison_words(varied: str) -> dict[str, str]:
    """A comparison's fixed words: its ``title`` (``"Comparing cell"``), its shared controls'
    name for screen readers, and what it says when the kernel is gone."""
    return {
        "title": f"Comparing {varied}",
        "controls": f"Shared controls: each moves every column (all but {varied})",
        "disconnected": "Kernel disconnected: these are the last pictures computed. Run the "
        "cell again to reconnect.",
    }


def column_label(varied: str, value: Any) -> str:
    """A column's label, the compared setting as code: ``"cell = 'gru'"``, ``"seq_len = 50"``."""
    return f"{varied} = {value!r}"


def comparison_summary(varied: str, frames: Sequence[Frame], compared_applies: bool) -> str:
    """What a comparison shares, and on which scale each column draws its hidden state (the
    Elman cell's on tanh's range ±1, a gated cell's on its own largest ``|h|``), in a sentence
    or two; ``compared_applies`` is False where no column reads the compared setting (a W_hh
    scale under gated cells), which the words then say."""
    gated = [frame.params.gated for frame in frames]
    if not any(gated):
        states = "h_t is on tanh's range ±1 in every column."
    elif all(gated):
        states = "each column draws h_t on its own scale, ±its largest |h|."
    else:
        states = (
            "the Elman cell's h_t is on tanh's range ±1, each gated cell's on its own scale, "
            "±its largest |h|."
        )
    words = (
        "Every other setting is shared: the controls below move every column. The gradients "
        f"share one colour scale and one axis; {states}"
    )
    if not compared_applies:
        words += f" No column reads {varied} under these settings, so they show the same."
    return words


def knob_scope(values: Sequence[Any]) -> str:
    """A shared control's label's note when it moves only some columns, by their compared
    values: ``"(elman only)"``, ``"(gru, lstm only)"``."""
    return f"({', '.join(str(value) for value in values)} only)"


def absent_panel(name: str, frame: Frame) -> str:
    """Why a column of a comparison has no panel ``name`` where another column has one: the
    Elman cell has no cell state and no memory gate, a single layer no layer 2."""
    cell = CELL_NAMES[frame.cell]
    cell = cell[0].upper() + cell[1:]
    if name in ("hidden2", "gradient2"):
        return "One recurrent layer: no layer 2."
    if name == "cell_state":
        return f"{cell} has no cell state c_t: h_t is its only memory."
    if name == "gradient_c":
        return f"{cell} has no cell state, so no dL/dc_t."
    if name == "memory_gate":
        return f"{cell} has no memory gate: tanh rewrites all of h_t at every step."
    raise ValueError(f"every explorer shows panel {name!r}")
