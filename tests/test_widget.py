"""RNNExplorer on the Python side: every trait is validated and recomputes the frame, the arrays
travel as float32 buffers that decode to the model's numbers, and a browser's messages are
treated as untrusted input."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import traitlets
from ipywidgets.widgets.widget import _remove_buffers

from rnnwidget import RNNExplorer, SimpleRNN
from rnnwidget._wire import decode_array
from rnnwidget.cells.inputs import make_input
from rnnwidget.explorer.frame import FEATURES
from rnnwidget.explorer.widget import PARAMETERS

# A valid new value and invalid values for every parameter, with what the error must say.
GOOD = {
    "w_hh_scale": 1.3,
    "seq_len": 57,
    "saturation": 2.5,
    "bias": 2.5,
    "units": 9,
    "input_kind": "sine",
    "seed": 42,
    "sentence": "mat the on sat cat The",
    "layers": 2,
    "cell": "gru",
    "gate_init": "constant",
}
BAD = {
    "w_hh_scale": ([-0.1, 3.01, math.nan, math.inf, "1", None, True], "from 0 to 3"),
    "seq_len": ([0, 1001, 10.5, 2**70, "200", None, False], "from 1 to 1000"),
    "saturation": ([0.0, 5.5, -math.inf, [], {}], "from 0.1 to 5"),
    "bias": ([-0.1, 10.5, math.nan, math.inf, "1", None, True], "from 0 to 10"),
    "units": ([0, 257, 3.0, -1], "from 1 to 256"),
    "input_kind": (["square", "", 3, None], "'impulse', 'noise', 'sine', 'sentence'"),
    "seed": ([-1, 2**32, 1.5, "seed"], "from 0 to 4294967295"),
    "sentence": (["x" * 501, 12, None], "at most 500 characters"),
    "layers": ([0, 3, 1.0, "2"], "from 1 to 2"),
    "cell": (["rnn", "LSTM", "", 3, None], "'elman', 'lstm', 'gru'"),
    "gate_init": (["orthogonal", "", 1, None], "'chrono', 'constant'"),
}
#: The parameters the Elman cell reads (the cell's own switch and the gated cells' knob are
#: tested in test_explorer_cells.py).
ELMAN_PARAMETERS = [name for name in PARAMETERS if name not in ("cell", "gate_init")]


def arrays(widget, layer=0):
    """The input and one layer's arrays, as the browser receives them."""
    sent = widget._frame["arrays"]
    layer_arrays = {name: decode_array(a) for name, a in sent["layers"][layer].items()}
    return {"x": decode_array(sent["x"]), **layer_arrays}


def test_defaults_compute_a_frame_that_matches_the_model():
    w = RNNExplorer()
    got = arrays(w)
    assert got["h"].dtype == np.float32
    assert got["h"].shape == (w.seq_len, w.units)
    assert got["x"].shape == (w.seq_len, FEATURES)
    np.testing.assert_allclose(got["h"], w.trace.h[0], atol=1e-7)
    np.testing.assert_allclose(got["x"], w.trace.x[0])
    assert w.spectral_radius == pytest.approx(w.w_hh_scale)


@pytest.mark.parametrize("name", ELMAN_PARAMETERS)
def test_setting_a_parameter_from_python_recomputes(name):
    w = RNNExplorer(input_kind="sentence" if name == "sentence" else "impulse")
    before = w._frame["revision"]
    setattr(w, name, GOOD[name])
    assert w._frame["revision"] == before + 1
    assert w._frame["params"][name] == GOOD[name]
    assert getattr(w.params, name) == GOOD[name]
    assert w.error == ""
    # The frame is the model's own computation for the new settings.
    expected = SimpleRNN(
        FEATURES, w.units, w_hh_scale=w.w_hh_scale, saturation=w.saturation, seed=w.seed
    )
    np.testing.assert_array_equal(w.model.W_hh, expected.W_hh)
    # The bias is the size of b: each unit's b is +bias or -bias (its sign drawn from the seed).
    np.testing.assert_array_equal(np.abs(w.model.b), np.full(w.units, w.bias))
    expected = SimpleRNN.from_weights(
        expected.W_xh, expected.W_hh, w.model.b, saturation=expected.saturation
    )
    x = make_input(w.input_kind, w.seq_len, FEATURES, seed=w.seed, text=w.sentence)
    np.testing.assert_allclose(arrays(w)["h"], expected.forward(x).h[0], atol=1e-7)


@pytest.mark.parametrize("name", PARAMETERS)
def test_every_parameter_is_settable_in_the_constructor(name):
    w = RNNExplorer(**{name: GOOD[name]})
    assert getattr(w, name) == GOOD[name]
    assert w._frame["params"][name] == GOOD[name]


@pytest.mark.parametrize("name", PARAMETERS)
def test_bad_values_are_refused_and_the_last_good_state_stays(name):
    values, allowed = BAD[name]
    w = RNNExplorer()
    good, revision = getattr(w, name), w._frame["revision"]
    for value in values:
        with pytest.raises(traitlets.TraitError, match=allowed) as err:
            setattr(w, name, value)
        assert name in str(err.value)
        assert getattr(w, name) == good
        assert w._frame["revision"] == revision
        assert w.error == str(err.value)  # the view shows it too
    setattr(w, name, GOOD[name])
    assert w.error == ""


def test_a_sentence_needs_a_word():
    w = RNNExplorer(input_kind="sentence")
    with pytest.raises(traitlets.TraitError, match="at least one word"):
        w.sentence = "   "


def test_misspelt_settings_are_refused_with_a_suggestion():
    with pytest.raises(TypeError, match="'w_hh_scal'; did you mean 'w_hh_scale'"):
        RNNExplorer(w_hh_scal=1.2)
    with pytest.raises(TypeError, match="unexpected keyword argument '_frame'"):
        RNNExplorer(_frame={})


def test_diagnostics_are_plain_traits():
    w = RNNExplorer(w_hh_scale=0.5, seq_len=100)
    norms = w.frame.log10_grad_norm
    assert w.gradient_ratio_log10 == pytest.approx(norms[0] - norms[-1])
    assert w.gradient_ratio_log10 < -20  # vanishes at scale 0.5
    w.input_kind = "noise"
    cool = w.saturated_fraction
    w.saturation = 5.0
    assert w.saturated_fraction > max(0.3, 2 * cool)
    assert w.saturated_fraction == pytest.approx(np.mean(np.abs(w.trace.h) > 0.99))


def test_the_last_step_gradient_has_norm_one():
    w = RNNExplorer()
    assert arrays(w)["log10_grad_norm"][-1] == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_allclose(
        arrays(w)["log10_grad_norm"], np.log10(np.linalg.norm(w.grads.h[0], axis=1)), atol=1e-5
    )


def test_arrays_travel_as_binary_buffers_not_json_lists():
    w = RNNExplorer(seq_len=200, units=64)
    state, buffer_paths, buffers = _remove_buffers(w.get_state())
    assert ["_frame", "arrays", "layers", 0, "h", "buffer"] in buffer_paths
    assert sum(len(b) for b in buffers) >= 200 * 64 * 4 * 2  # h and the gradient, float32
    # The JSON part of the frame holds only shapes, the layout (with the templates of the words
    # the browser fills for its own frames), the words and the parameters: a few kilobytes,
    # where one of the arrays as a JSON list would be a hundred.
    assert len(json.dumps(state["_frame"])) < 5000


def test_gradient_magnitudes_past_float64_travel_as_their_logarithms():
    w = RNNExplorer(w_hh_scale=3.0, saturation=0.1, seq_len=1000, input_kind="noise")
    logs = arrays(w)["log10_grad_norm"]
    assert np.isfinite(logs).all()
    assert logs[0] < -308  # below float64's smallest normal number, yet a true, finite log
    np.testing.assert_allclose(logs, w.frame.log10_grad_norm, rtol=1e-6)


# -- a browser's messages ----------------------------------------------------------------------


def test_a_browser_update_applies_together_recomputes_once_and_is_acknowledged():
    w = RNNExplorer()
    revision = w._frame["revision"]
    w.set_state({"w_hh_scale": 0.7, "seq_len": 30, "units": 5, "_request": 12})
    assert (w.w_hh_scale, w.seq_len, w.units) == (0.7, 30, 5)
    assert w._frame["revision"] == revision + 1
    assert w._ack == 12
    assert arrays(w)["h"].shape == (30, 5)


def test_a_browser_update_that_changes_nothing_is_still_acknowledged():
    w = RNNExplorer()
    revision = w._frame["revision"]
    w.set_state({"w_hh_scale": w.w_hh_scale, "_request": 3})
    assert w._ack == 3
    assert w._frame["revision"] == revision


def test_a_refused_browser_update_changes_nothing_and_says_why():
    w = RNNExplorer()
    revision = w._frame["revision"]
    w.set_state({"w_hh_scale": 0.7, "seq_len": 5000, "_request": 4})
    assert (w.w_hh_scale, w.seq_len) == (1.0, 100)  # the valid half is not applied either
    assert w._frame["revision"] == revision
    assert "seq_len must be a whole number from 1 to 1000" in w.error
    assert w._ack == 4  # answered, so the browser sends its next change


def test_an_accepted_update_that_changes_nothing_clears_an_old_refusal():
    w = RNNExplorer()
    w.set_state({"w_hh_scale": 7.0, "_request": 1})
    assert "w_hh_scale" in w.error
    w.set_state({"w_hh_scale": w.w_hh_scale, "_request": 2})  # found by test_robustness.py
    assert w.error == ""


def test_a_browser_cannot_set_what_the_kernel_computes():
    w = RNNExplorer()
    frame, radius = w._frame, w.spectral_radius
    w.set_state(
        {
            "_frame": {},
            "spectral_radius": 99.0,
            "error": "hacked",
            "_ack": 5,
            "no_such_trait": 1,
            "_request": 6,
        }
    )
    assert w._frame is frame
    assert w.spectral_radius == radius
    assert w.error == ""
    assert w._ack == 6


# -- export --------------------------------------------------------------------------------------


def test_save_png_and_svg_draw_the_views_picture_without_a_browser(tmp_path):
    from PIL import Image

    from rnnwidget.colormaps import colourize
    from rnnwidget.explorer.figure_layout import panel_boxes
    from rnnwidget.explorer.words import caption

    w = RNNExplorer(w_hh_scale=1.2, seq_len=40, units=10)
    png = w.save_png(tmp_path / "fig.png", scale=1.0)
    image = Image.open(png)
    assert image.text["Description"] == caption(w.params)
    box = panel_boxes(w.frame, scale=1.0)["hidden"]
    for t, unit in [(0, 0), (20, 5), (39, 9)]:
        expected = colourize(np.float32(w.frame.h[t, unit]), -1, 1, role="diverging")
        assert image.getpixel(box.cell_centre(t, unit))[:3] == tuple(expected)
    svg = w.save_svg(tmp_path / "fig.svg").read_text()
    assert caption(w.params) in svg


def test_export_paths_are_checked_before_anything_is_written(tmp_path):
    w = RNNExplorer()
    with pytest.raises(ValueError, match=r"must end in \.png"):
        w.save_png(tmp_path / "fig.svg")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        w.save_png(tmp_path / "missing" / "fig.png")
    with pytest.raises(LookupError, match="no snapshot yet"):
        w.save_snapshot(tmp_path / "snap.png")
    assert list(tmp_path.iterdir()) == []
