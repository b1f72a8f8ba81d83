"""Lessons that travel, on the Python side: a setting is one line (``w.config``, ``repr(w)``,
the synced ``code``), a classroom view shows only the named controls, and the display bundle
carries a PNG of the view."""

from __future__ import annotations

import base64
import io
import json
import sys
import warnings

import numpy as np
import pytest
import traitlets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnwidget import RNNExplorer
from rnnwidget.inputs import INPUT_KINDS, tokenize
from rnnwidget.widget import CONFIG, PARAMETERS, VIEW_OPTIONS

from .test_widget import GOOD

NON_DEFAULT = {**GOOD, "controls": ["seq_len", "w_hh_scale"]}


def explorer(**settings) -> RNNExplorer:
    """An explorer whose settings all matter: a sentence setting needs the sentence input."""
    if "sentence" in settings:
        settings.setdefault("input_kind", "sentence")
    return RNNExplorer(**settings)


def assert_same_view(a: RNNExplorer, b: RNNExplorer) -> None:
    """The two explorers show the very same thing: settings, float32 buffers, float64 frame."""
    assert a.config == b.config
    assert a._frame["params"] == b._frame["params"]
    assert a._frame["arrays"].keys() == b._frame["arrays"].keys()
    for name, encoded in a._frame["arrays"].items():
        assert bytes(encoded["buffer"]) == bytes(b._frame["arrays"][name]["buffer"]), name
    for name in ("x", "h", "log10_abs_grad", "log10_grad_norm"):
        assert np.array_equal(getattr(a.frame, name), getattr(b.frame, name)), name
    assert np.array_equal(a.model.W_hh, b.model.W_hh)


# -- w.config and repr(w) ------------------------------------------------------------------------


def test_config_is_a_plain_dict_of_every_setting_in_order():
    w = RNNExplorer()
    assert list(w.config) == list(CONFIG) == [*PARAMETERS, *VIEW_OPTIONS]
    assert json.loads(json.dumps(w.config)) == w.config
    assert w.config["controls"] is None
    w.config["w_hh_scale"] = 2.0  # a copy: changing it changes nothing
    assert w.w_hh_scale == 1.0


@pytest.mark.parametrize("name", CONFIG)
def test_config_round_trips_every_setting_to_bit_identical_arrays(name):
    w = explorer(**{name: NON_DEFAULT[name]})
    assert w.config[name] == NON_DEFAULT[name]
    assert_same_view(w, RNNExplorer(**w.config))


def test_config_round_trips_all_settings_at_once():
    everything = {**NON_DEFAULT, "input_kind": "sentence"}  # so that the sentence matters
    w = RNNExplorer(**everything)
    assert w.config == everything
    assert_same_view(w, RNNExplorer(**w.config))
    w.config["controls"].append("units")  # a copy of the list
    assert w.controls == ["seq_len", "w_hh_scale"]


def test_repr_is_the_constructor_call_that_recreates_the_view():
    w = RNNExplorer(w_hh_scale=1.2, seq_len=200)
    assert repr(w) == (
        "RNNExplorer(w_hh_scale=1.2, seq_len=200, saturation=1.0, units=32, "
        "input_kind='impulse', seed=0, sentence='The cat sat on the mat')"
    )
    w.controls = ["w_hh_scale"]  # a view option appears once it is not the default
    assert repr(w).endswith(", controls=['w_hh_scale'])")
    assert_same_view(w, eval(repr(w), {"RNNExplorer": RNNExplorer}))


def test_repr_is_one_line_whatever_the_sentence():
    sentence = "one \"two\"\nthree 'four' \\ ünïcode </script>"
    w = RNNExplorer(input_kind="sentence", sentence=sentence, w_hh_scale=1 / 3)
    assert "\n" not in repr(w)
    again = eval(repr(w), {"RNNExplorer": RNNExplorer})
    assert again.sentence == sentence
    assert again.w_hh_scale == 1 / 3  # the shortest repr of a float gives back the same bits
    assert_same_view(w, again)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    w_hh_scale=st.floats(0.0, 3.0),
    seq_len=st.integers(1, 300),
    saturation=st.floats(0.1, 5.0),
    units=st.integers(1, 48),
    input_kind=st.sampled_from(INPUT_KINDS),
    seed=st.integers(0, 2**32 - 1),
    sentence=st.text(min_size=1, max_size=40).filter(tokenize),
    controls=st.none() | st.lists(st.sampled_from(PARAMETERS), unique=True),
)
def test_any_setting_round_trips_through_its_repr(**settings):
    w = RNNExplorer(**settings)
    assert_same_view(w, eval(repr(w), {"RNNExplorer": RNNExplorer}))
    assert_same_view(w, RNNExplorer(**w.config))


def test_code_is_the_repr_line_and_follows_every_change():
    w = RNNExplorer()
    assert w.code == repr(w)
    w.w_hh_scale = 1.5
    assert w.code == repr(w)
    assert "w_hh_scale=1.5" in w.code
    w.set_state({"seq_len": 42, "_request": 1})  # a browser's change
    assert "seq_len=42" in w.code
    w.controls = ["seq_len"]
    assert w.code.endswith("controls=['seq_len'])")
    with pytest.raises(traitlets.TraitError):
        w.units = 0
    assert w.code == repr(w)
    with pytest.raises(traitlets.TraitError, match="read-only"):
        w.code = "import os"


def test_a_browser_cannot_set_the_code_or_the_controls():
    w = RNNExplorer()
    code = w.code
    w.set_state({"code": "import os", "controls": ["seed"], "_request": 2})
    assert w.code == code
    assert w.controls is None
    assert w._ack == 2


def test_unknown_keywords_name_the_view_options_too():
    with pytest.raises(TypeError, match=r"did you mean 'controls'.*controls"):
        RNNExplorer(control=["w_hh_scale"])


# -- controls= -------------------------------------------------------------------------------------


def test_controls_name_what_the_view_shows_and_the_rest_keep_their_values():
    w = RNNExplorer(controls=("w_hh_scale", "seq_len", "w_hh_scale"), units=9)
    assert w.controls == ["w_hh_scale", "seq_len"]  # a list, without repeats
    assert w.get_state(["controls"]) == {"controls": ["w_hh_scale", "seq_len"]}
    w.units = 10  # a hidden control is still a Python attribute
    assert w._frame["params"]["units"] == 10
    w.controls = None
    assert w.controls is None
    w.controls = []  # a view with no knobs at all: the picture and its hover
    assert w.controls == []


@pytest.mark.parametrize(
    ("controls", "message"),
    [
        (["w_hh_scal"], r"unknown control 'w_hh_scal' \(str\) \(did you mean 'w_hh_scale'\?\)"),
        (["w_hh_scale", "palette"], r"unknown control 'palette'"),
        ([1], r"unknown control 1 \(int\)"),
        ("w_hh_scale", r"must be a list of control names such as \['w_hh_scale'\]"),
        ({"w_hh_scale": True}, r"must be a list of control names"),
    ],
)
def test_unknown_controls_are_refused_naming_the_allowed_ones(controls, message):
    allowed = "the controls are " + ", ".join(map(repr, PARAMETERS))
    with pytest.raises(traitlets.TraitError, match=message) as error:
        RNNExplorer(controls=controls)
    if "unknown" in message:
        assert str(error.value).endswith(allowed)
    w = RNNExplorer(controls=["seed"])
    with pytest.raises(traitlets.TraitError, match=message):
        w.controls = controls
    assert w.controls == ["seed"]


# -- the display bundle's picture ----------------------------------------------------------------


def test_the_display_bundle_carries_a_png_of_the_view():
    from PIL import Image

    from rnnwidget.render import render_png

    w = RNNExplorer(w_hh_scale=1.3, seq_len=50, units=10)
    data, _ = w._repr_mimebundle_()
    assert data["text/plain"] == repr(w)
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    png = base64.b64decode(data["image/png"], validate=True)
    shown = np.asarray(Image.open(io.BytesIO(png)))
    expected = np.asarray(Image.open(io.BytesIO(render_png(w.frame, scale=1.0))))
    assert shown.shape == expected.shape == (shown.shape[0], 880, 3)
    assert np.array_equal(shown, expected)


def test_without_matplotlib_the_bundle_has_no_picture_and_no_complaint(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    w = RNNExplorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data, _ = w._repr_mimebundle_()
    assert "image/png" not in data
    assert "application/vnd.jupyter.widget-view+json" in data
