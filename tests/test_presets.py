"""The explorer's presets do what their names say, on every input and length the lecture uses,
and the bias knob behind "Saturated" is an ordinary, validated, shareable setting.

The physics is checked on what the view shows (the frame, the summary sentence), with the
thresholds of the lecture's words: "it vanishes" below -2 decades, "it explodes" above +2."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import traitlets

from rnnwidget import RNNExplorer, SimpleRNN
from rnnwidget.cells import diagnostics
from rnnwidget.cells.inputs import INPUT_KINDS, make_input
from rnnwidget.explorer.frame import FEATURES, Params, compute_frame, loss_gradient, measure

from .test_sharing import assert_same_view

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "02_vanishing_and_exploding_gradients.ipynb"
LENGTHS = (100, 200)
PRESET_NAMES = ("vanishing", "edge_of_chaos", "exploding", "saturated", "high_gain")


def ratio_of(w: RNNExplorer) -> float:
    """log10(||dL/dh_1|| / ||dL/dh_T||), from the frame's gradient norms (-inf: none at all)."""
    norms = w.frame.log10_grad_norm
    return float(norms[0] - norms[-1])


def check_physics(name: str, w: RNNExplorer) -> None:
    """What each preset promises, in the lecture's words; raises AssertionError otherwise."""
    ratio, summary, pinned = ratio_of(w), w.summary, w.saturated_fraction
    where = f"{name} on {w.input_kind}, T={w.seq_len}: ratio {ratio:+.2f}, pinned {pinned:.2f}"
    if name == "vanishing":
        assert ratio < -2, where
        assert "it vanishes" in summary, where
    elif name == "edge_of_chaos":
        assert abs(ratio) <= 1, where
        assert "survives" in summary, where
    elif name == "exploding":
        assert ratio > 2, where
        assert "explodes" in summary, where
    elif name == "saturated":
        assert pinned > 0.8, where  # most (step, unit) cells at |h| > 0.99
        assert ratio < -2, where
        assert "vanishes" in summary, where
    elif name == "high_gain":
        # Chaos: the states stay bounded, the gradient explodes. Saturation is not the point:
        # about half the cells sit at |h| > 0.99 (so it is not a saturated, dying network, nor
        # a linear one), and yet the gradient grows.
        assert ratio > 2, where
        assert "explodes" in summary, where
        assert np.all(np.abs(w.frame.h) <= 1.0), where
        assert 0.3 <= pinned <= 0.7, where
        assert w.saturation > 1, where  # the gain did it,
        assert w.bias == 0, where  # not a drive
    else:
        raise AssertionError(f"no physics written down for preset {name!r}")


# -- every preset, every input, two lengths ------------------------------------------------------


def test_the_widget_offers_exactly_the_presets_checked_here():
    assert tuple(preset.name for preset in RNNExplorer.PRESETS) == PRESET_NAMES


@pytest.mark.parametrize("seq_len", LENGTHS)
@pytest.mark.parametrize("input_kind", INPUT_KINDS)
@pytest.mark.parametrize("name", PRESET_NAMES)
def test_each_preset_does_what_its_name_says_on_every_input(name, input_kind, seq_len):
    w = RNNExplorer(input_kind=input_kind, seq_len=seq_len)
    before = {key: value for key, value in w.config.items()}
    w.apply_preset(name)
    check_physics(name, w)
    # It keeps the input and its length, and every other setting: it sets only these three.
    changed = {key for key, value in w.config.items() if value != before[key]}
    assert changed <= {"w_hh_scale", "saturation", "bias"}
    assert (w.input_kind, w.seq_len) == (input_kind, seq_len)
    # Within the knobs' ranges.
    assert 0 <= w.w_hh_scale <= 3
    assert 0.1 <= w.saturation <= 5
    assert 0 <= w.bias <= 10
    # The frame is the one those settings give, from scratch.
    assert_same_view(w, RNNExplorer(**w.config))


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_a_preset_is_found_again_for_a_new_input(name):
    """Click, change the input, click again: the preset holds for the new input too."""
    w = RNNExplorer(seq_len=100)
    for input_kind in ("noise", "impulse", "sine"):
        w.input_kind = input_kind
        w.apply_preset(name)
        check_physics(name, w)


def test_a_driving_input_puts_the_edge_above_1_and_an_impulse_near_it():
    scales = {}
    for input_kind in INPUT_KINDS:
        w = RNNExplorer(input_kind=input_kind)
        w.apply_preset("edge_of_chaos")
        scales[input_kind] = w.w_hh_scale
    assert scales["noise"] > 1.3  # white noise keeps tanh' well below 1
    assert 0.9 <= scales["impulse"] < 1.3
    assert scales["noise"] > scales["impulse"]


def test_the_exploding_scale_lies_above_the_edge_and_the_vanishing_one_below():
    for input_kind in INPUT_KINDS:
        w = RNNExplorer(input_kind=input_kind)
        found = {}
        for name in ("vanishing", "edge_of_chaos", "exploding"):
            w.apply_preset(name)
            found[name] = w.w_hh_scale
        assert found["vanishing"] < found["edge_of_chaos"] < found["exploding"], input_kind


def test_saturated_is_a_drive_and_high_gain_is_not():
    """Both truths side by side: a pinning bias kills the gradient; a large gain alone does not,
    though it leaves many cells at ±1 too."""
    w = RNNExplorer(input_kind="noise")
    w.apply_preset("saturated")
    assert w.bias > 0
    assert w.saturation == 1.0
    assert np.mean(1 - w.frame.h**2) < 0.05  # tanh' ≈ 0 on average
    w.bias = 0.0  # the same scale without the drive: the gradient no longer dies
    assert ratio_of(w) > -2
    w.apply_preset("high_gain")
    assert w.bias == 0.0
    assert w.saturated_fraction > 0.3
    assert ratio_of(w) > 2


def test_today_s_fixed_presets_fail_these_checks():
    """The checks can fail: the old fixed values contradict their names on white noise."""
    old = {
        "edge_of_chaos": {"w_hh_scale": 1.0, "saturation": 1.0},
        "exploding": {"w_hh_scale": 1.5, "saturation": 1.0},
        "saturated": {"w_hh_scale": 1.0, "saturation": 4.0},
    }
    for name, values in old.items():
        w = RNNExplorer(input_kind="noise", seq_len=100, **values)
        with pytest.raises(AssertionError):
            check_physics(name, w)
    w = RNNExplorer(input_kind="noise", seq_len=100, w_hh_scale=1.0, saturation=1.0)
    with pytest.raises(AssertionError):
        check_physics("high_gain", w)


def test_a_broken_preset_fails_the_physics_test(monkeypatch):
    """Were a preset to return a wrong scale, the physics test would catch it."""
    import rnnwidget.explorer.presets as presets

    real = presets.find

    def broken(name, params):
        regime = real(name, params)
        if name == "edge_of_chaos":
            return presets.Regime(name, 1.0, 1.0, 0.0, regime.measured, regime.edge)
        return regime

    monkeypatch.setattr(presets, "find", broken)
    with pytest.raises(AssertionError):
        test_each_preset_does_what_its_name_says_on_every_input("edge_of_chaos", "noise", 100)


# -- the note ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_the_note_says_which_values_the_preset_chose_and_why(name):
    w = RNNExplorer(input_kind="noise")
    assert w.preset_note == ""
    w.apply_preset(name)
    label = {preset.name: preset.label for preset in w.PRESETS}[name]
    note = w.preset_note
    assert note.startswith(f"{label} for white noise over 100 steps: ")
    named = {"saturated": w.bias, "high_gain": w.saturation}.get(name, w.w_hh_scale)
    assert re.search(rf"\b{re.escape(f'{named:g}')}(0|\b)", note), note  # the value it chose
    assert "\n" not in note
    assert len(note) < 400


def test_the_edge_note_explains_why_the_edge_sits_above_1():
    w = RNNExplorer(input_kind="noise")
    w.apply_preset("edge_of_chaos")
    assert f"W_hh scale {w.w_hh_scale:g}" in w.preset_note
    assert "keeps its size" in w.preset_note
    assert "tanh' < 1, so the edge sits above 1" in w.preset_note


def test_the_note_is_cleared_by_the_next_change_of_another_parameter():
    w = RNNExplorer(input_kind="sine")
    w.apply_preset("exploding")
    assert w.preset_note
    w.apply_preset("vanishing")  # a preset replaces the note with its own
    assert w.preset_note.startswith("Vanishing")
    w.seed = 3
    assert w.preset_note == ""
    w.apply_preset("saturated")
    w.set_state({"units": 16, "_request": 1})  # from a browser, too
    assert w.preset_note == ""


def test_the_note_is_the_kernel_s_own():
    w = RNNExplorer()
    w.apply_preset("vanishing")
    note = w.preset_note
    w.set_state({"preset_note": "hacked", "_request": 1})  # a browser cannot write it
    assert w.preset_note == note
    with pytest.raises(traitlets.TraitError):
        w.preset_note = "hacked"


def test_a_preset_from_python_is_the_button_s_message():
    by_python, by_button = RNNExplorer(input_kind="noise"), RNNExplorer(input_kind="noise")
    for name in PRESET_NAMES:
        by_python.apply_preset(name)
        by_button._on_custom_message(None, {"preset": name}, [])
        assert_same_view(by_python, by_button)
        assert by_python.preset_note == by_button.preset_note != ""
        assert by_button.error == ""


def test_preset_help_holds_for_every_input():
    """A help text names no value that a click sets differently for another input."""
    found: dict[str, dict[str, set[float]]] = {name: {} for name in PRESET_NAMES}
    for input_kind in INPUT_KINDS:
        for seq_len in LENGTHS:
            w = RNNExplorer(input_kind=input_kind, seq_len=seq_len)
            for name in PRESET_NAMES:
                w.apply_preset(name)
                for key in ("w_hh_scale", "saturation", "bias"):
                    found[name].setdefault(key, set()).add(getattr(w, key))
    for preset in RNNExplorer.PRESETS:
        for key, values in found[preset.name].items():
            if len(values) > 1:  # found per input: no fixed number may claim it
                for value in values:
                    assert f"{value:g}" not in preset.help, (preset.name, key, value)


def test_a_search_is_cached_and_cheap(monkeypatch):
    """A search costs a bounded number of forward and backward passes (the scan, two
    bisections, the regime's own measurement); the same search again costs none, whatever the
    current scale, gain and bias."""
    from rnnwidget.explorer import presets

    for cache in (presets._find, presets._edge, presets._ratio):
        cache.cache_clear()  # a search from scratch, whichever test ran before
    measured = []

    def counted(params):
        measured.append(params)
        return measure(params)

    monkeypatch.setattr(presets, "measure", counted)
    params = Params(input_kind="noise", seq_len=150, seed=11)
    first = presets.find("edge_of_chaos", params)
    scan = round(presets.SCALE_RANGE[1] * 10) + 1  # 0, 0.1, ..., 3
    bisection = math.ceil(math.log2(10))  # a step of ten grid points, halved to one
    assert 0 < len(measured) <= scan + 2 * bisection + 1  # a click, not a coffee break
    measured.clear()
    again = presets.find(
        "edge_of_chaos",
        Params(input_kind="noise", seq_len=150, seed=11, w_hh_scale=2.0, saturation=3.0, bias=1.0),
    )
    assert again is first  # the current scale, gain and bias do not matter
    assert measured == []


def test_a_sequence_too_short_to_explode_says_so():
    w = RNNExplorer(input_kind="impulse", seq_len=3)
    w.apply_preset("exploding")
    assert 0 <= w.w_hh_scale <= 3
    if ratio_of(w) <= 2:
        assert "no W_hh scale up to 3" in w.preset_note
    w = RNNExplorer(seq_len=1)
    w.apply_preset("edge_of_chaos")
    assert "one timestep" in w.preset_note


# -- the bias knob ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [-0.5, 10.5, math.nan, math.inf, "2", None, True])
def test_the_bias_is_validated(value):
    w = RNNExplorer()
    with pytest.raises(traitlets.TraitError, match=r"bias must be a number from 0 to 10"):
        w.bias = value
    assert w.bias == 0.0


def test_the_bias_is_the_size_of_b_with_a_seeded_sign_per_unit():
    w = RNNExplorer(bias=2.5, units=64, seed=4)
    b = w.model.b
    assert set(np.unique(b)) == {-2.5, 2.5}  # both signs occur in 64 units
    assert np.array_equal(RNNExplorer(bias=2.5, units=64, seed=4).model.b, b)  # seeded
    assert not np.array_equal(RNNExplorer(bias=2.5, units=64, seed=5).model.b, b)
    # The weights are the seed's, whatever the bias.
    plain = SimpleRNN(FEATURES, 64, w_hh_scale=1.0, seed=4)
    assert np.array_equal(w.model.W_hh, plain.W_hh)
    assert np.array_equal(w.model.W_xh, plain.W_xh)
    # And the frame is that layer's forward pass.
    x = make_input("impulse", w.seq_len, FEATURES, seed=4)
    layer = SimpleRNN.from_weights(plain.W_xh, plain.W_hh, b)
    assert np.array_equal(w.frame.h, layer.forward(x).h[0])


def test_the_bias_round_trips_through_config_and_repr():
    w = RNNExplorer(bias=3.7, input_kind="noise", w_hh_scale=1.25)
    assert w.config["bias"] == 3.7
    assert "bias=3.7" in repr(w)
    assert w.code == repr(w)
    assert "bias=3.7" in w._frame["words"]["caption"]
    assert_same_view(w, RNNExplorer(**w.config))
    assert_same_view(w, eval(repr(w), {"RNNExplorer": RNNExplorer}))


@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("input_kind", INPUT_KINDS)
def test_bias_0_reproduces_the_frames_without_a_bias_bit_for_bit(input_kind, layers):
    """The explorer before the bias knob was this: SimpleRNN layers (zero bias) from the seed."""
    params = Params(w_hh_scale=1.2, seq_len=80, saturation=1.5, units=24, input_kind=input_kind,
                    seed=9, layers=layers)  # fmt: skip
    frame = compute_frame(params)
    assert np.array_equal(frame.model.b, np.zeros(24))
    x = make_input(input_kind, 80, FEATURES, seed=9)
    below, dh, scale = [], None, None
    for depth in range(layers):
        rnn = SimpleRNN(x.shape[-1], 24, w_hh_scale=1.2, saturation=1.5, seed=9 + depth)
        trace = rnn.forward(x)
        below.append((rnn, trace))
        assert np.array_equal(frame.layers[depth].h, trace.h[0])
        x = trace.h
    dh = loss_gradient(below[-1][1])
    for depth in reversed(range(layers)):
        rnn, trace = below[depth]
        logs = diagnostics.log10_gradients(rnn, trace, dh, dh_log10_scale=scale)
        assert np.array_equal(frame.layers[depth].log10_grad_norm, logs.log10_norm)
        dh, scale = logs.x_scaled, logs.log10_norm
    # The caption does not mention a bias of 0.
    w = RNNExplorer()
    assert w.bias == 0.0
    assert "bias" not in w._frame["words"]["caption"]


# -- the lecture notebook ---------------------------------------------------------------------


def test_the_notebook_describes_every_preset_the_widget_offers_and_no_other():
    notebook = json.loads(NOTEBOOK.read_text())
    text = "\n".join(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    )
    described = re.findall(r"^- \*\*(.+?)\*\*", text, flags=re.M)
    assert described == [preset.label for preset in RNNExplorer.PRESETS]
    # It says what the widget does: the values that do not depend on the input.
    w = RNNExplorer(input_kind="noise", seq_len=200, units=64)  # the notebook's explorer
    w.apply_preset("vanishing")
    assert "**Vanishing** (scale 0.5, gain 1)" in text
    assert w.w_hh_scale == 0.5
    w.apply_preset("high_gain")
    assert "**High gain** (gain 4, scale 1, no bias)" in text
    assert (w.saturation, w.w_hh_scale, w.bias) == (4.0, 1.0, 0.0)
    assert ratio_of(w) > 2
    assert 0.3 <= w.saturated_fraction <= 0.7
    w.apply_preset("edge_of_chaos")
    assert "For this white noise the\n  edge sits well above 1" in text
    assert w.w_hh_scale > 1.2
    w.apply_preset("saturated")
    assert "pin 95% of the states" in text
    assert w.saturated_fraction >= 0.95
