"""The data behind the lecture features: stacked layers, why order matters, comparisons, and the
view options (palette, presentation mode, a shared gradient colour scale)."""

from __future__ import annotations

import numpy as np
import pytest
import traitlets

from rnnwidget import RNNExplorer, SimpleRNN, compare
from rnnwidget._wire import decode_array
from rnnwidget.cells import diagnostics as diag
from rnnwidget.cells.inputs import make_input, tokenize
from rnnwidget.explorer.frame import FEATURES, Params, compute_frame

# -- stacked layers and return_sequences -------------------------------------------------------


def test_two_layers_stack_like_keras_return_sequences():
    frame = compute_frame(Params(layers=2, seq_len=50, units=32, input_kind="noise", seed=3))
    first, second = frame.layers
    x = make_input("noise", 50, FEATURES, seed=3)
    layer1 = SimpleRNN(FEATURES, 32, seed=3, return_sequences=True)
    layer2 = SimpleRNN(32, 32, seed=4)
    np.testing.assert_array_equal(first.h, layer1(x)[0])
    np.testing.assert_array_equal(second.h[-1], layer2(layer1(x))[0])
    assert frame.shapes == "(1, 50, 4) → (1, 50, 32) → (1, 32)"
    assert compute_frame(Params(seq_len=50, units=32)).shapes == "(1, 50, 4) → (1, 32)"


def test_gradients_flow_back_through_both_layers():
    frame = compute_frame(Params(layers=2, seq_len=40, units=8, w_hh_scale=1.1, seed=1))
    first, second = frame.layers
    dh2 = np.zeros((1, 40, 8))
    dh2[:, -1] = 1 / np.sqrt(8)
    g2 = second.model.backward(second.trace, dh2)
    g1 = first.model.backward(first.trace, g2.x)
    np.testing.assert_allclose(frame.layer_grads[1].W_hh, g2.W_hh)
    np.testing.assert_allclose(frame.layer_grads[0].W_hh, g1.W_hh)
    np.testing.assert_allclose(first.log10_abs_grad, np.log10(np.abs(g1.h[0])), atol=1e-9)
    np.testing.assert_allclose(first.log10_grad_norm, np.log10(diag.gradient_norms(g1)), atol=1e-9)


def test_the_widget_sends_every_layer():
    w = RNNExplorer(layers=2, seq_len=30, units=6)
    layers = w._frame["arrays"]["layers"]
    assert len(layers) == 2
    np.testing.assert_allclose(decode_array(layers[1]["h"]), w.frame.layers[1].h, atol=1e-7)
    assert w._frame["words"]["shapes"] == "Shapes: (1, 30, 4) → (1, 30, 6) → (1, 6)"
    w.layers = 1
    assert len(w._frame["arrays"]["layers"]) == 1


# -- why order matters -------------------------------------------------------------------------


def test_shuffled_words_change_the_rnn_but_not_the_order_blind_model():
    frame = compute_frame(Params(input_kind="sentence", seq_len=12, units=16))
    order = frame.order
    assert order.words == tuple(tokenize("The cat sat on the mat"))
    assert sorted(order.shuffled) == sorted(order.words)
    assert order.shuffled != order.words
    # The dense model averages the word vectors: bit-identical outputs for any order.
    np.testing.assert_array_equal(order.dense_output[0], order.dense_output[1])
    # The RNN reads them in order: its states after the last word differ.
    assert np.linalg.norm(order.rnn_final[0] - order.rnn_final[1]) > 0.05
    np.testing.assert_array_equal(order.rnn_final[0], frame.layers[-1].h[5])  # the 6th word


def test_the_order_demo_compares_the_states_after_the_last_word_not_after_blank_steps():
    # 6 words, then 194 steps of no input: by t = T a fading memory has forgotten both orders,
    # which says nothing about order. The demo reads the state right after the sentence.
    frame = compute_frame(Params(input_kind="sentence", seq_len=200, units=16, w_hh_scale=0.9))
    order = frame.order
    assert np.linalg.norm(frame.layers[-1].h[-1]) < 1e-3  # the memory has faded by t = T
    assert np.linalg.norm(order.rnn_final[0] - order.rnn_final[1]) > 0.05


def test_the_shuffle_is_seeded_and_other_inputs_have_no_order_demo():
    a = compute_frame(Params(input_kind="sentence", seed=5)).order
    b = compute_frame(Params(input_kind="sentence", seed=5)).order
    assert a.shuffled == b.shuffled
    assert compute_frame(Params(input_kind="noise")).order is None
    w = RNNExplorer(input_kind="sentence")
    assert w._frame["order"]["shuffled"] == list(w.frame.order.shuffled)
    assert decode_array(w._frame["arrays"]["order"]["dense_output"]).shape == (2, w.units)


# -- side by side --------------------------------------------------------------------------------


def test_compare_links_every_control_but_the_compared_one():
    c = compare(w_hh_scale=[0.8, 1.0, 1.2], seq_len=60, units=12)
    assert [w.w_hh_scale for w in c] == [0.8, 1.0, 1.2]
    c[2].seq_len = 70  # from any member
    assert [w.seq_len for w in c] == [70, 70, 70]
    c[0].palette = "colorblind"
    assert [w.palette for w in c] == ["colorblind"] * 3
    c[1].w_hh_scale = 1.1  # the compared knob stays each explorer's own
    assert [w.w_hh_scale for w in c] == [0.8, 1.1, 1.2]


def test_compare_shares_one_gradient_colour_scale():
    c = compare(w_hh_scale=[0.5, 1.5], seq_len=80)
    ranges = [w.frame.colour_scales["log10_abs_grad"] for w in c]
    shared = (min(r[0] for r in ranges), max(r[1] for r in ranges))
    assert [w.gradient_range for w in c] == [shared, shared]
    assert ranges[0] != ranges[1]  # they would differ on their own
    c[0].seq_len = 40
    ranges = [w.frame.colour_scales["log10_abs_grad"] for w in c]
    assert c[1].gradient_range == (min(r[0] for r in ranges), max(r[1] for r in ranges))


@pytest.mark.parametrize(
    ("settings", "error", "match"),
    [
        ({"seq_len": 50}, TypeError, "exactly one setting as a list"),
        ({"w_hh_scale": [1, 2], "units": [3, 4]}, TypeError, "exactly one"),
        ({"version": ["a", "b"]}, TypeError, "cannot compare 'version'"),
        ({"w_hh_scale": [1.0]}, ValueError, "2 to 6 explorers"),
        ({"w_hh_scale": [1.0, 9.0]}, traitlets.TraitError, "from 0 to 3"),
    ],
)
def test_compare_refuses_what_it_cannot_show(settings, error, match):
    with pytest.raises(error, match=match):
        compare(**settings)


# -- view options --------------------------------------------------------------------------------


def test_view_options_are_validated_and_do_not_recompute():
    w = RNNExplorer(palette="colorblind", presentation=True)
    frame = w.frame
    w.palette = "standard"
    w.presentation = False
    w.gradient_range = (-8.0, 0.0)
    assert w.frame is frame  # nothing recomputed
    # The colour bar's ticks are the kernel's: a new range sends new ones.
    gradient = w._frame["layout"]["heatmaps"][-1]
    assert gradient["scale"] == [-8.0, 0.0]
    assert [text for _, text in gradient["colour_ticks"]][-1] == "1"
    with pytest.raises(traitlets.TraitError, match="palette must be one of"):
        w.palette = "rainbow"
    with pytest.raises(traitlets.TraitError, match="finite low < high"):
        w.gradient_range = (0.0, -1.0)


def test_the_browser_may_set_view_options_but_not_the_shared_scale():
    # Nor presentation: the view's switch is the page's (tests/test_presentation.py).
    w = RNNExplorer()
    w.set_state({"palette": "colorblind", "presentation": True, "gradient_range": [0, 1]})
    assert (w.palette, w.presentation, w.gradient_range) == ("colorblind", False, None)


def test_save_png_uses_the_views_palette(tmp_path):
    from PIL import Image

    w = RNNExplorer(seq_len=20, units=4, input_kind="noise")
    standard = Image.open(w.save_png(tmp_path / "a.png", scale=1.0))
    w.palette = "colorblind"
    colorblind = Image.open(w.save_png(tmp_path / "b.png", scale=1.0))
    assert standard.tobytes() != colorblind.tobytes()
