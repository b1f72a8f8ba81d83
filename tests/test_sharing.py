"""Lessons that travel, on the Python side: a setting is one line (``w.config``, ``repr(w)``,
the synced ``code``), a classroom view shows only the named controls, the display bundle
carries a PNG of the view, and ``to_html`` embeds the whole computed state in one page."""

from __future__ import annotations

import base64
import io
import json
import re
import sys
import warnings

import numpy as np
import pytest
import traitlets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnwidget import RNNExplorer
from rnnwidget._widget import BaseWidget
from rnnwidget.cells.inputs import INPUT_KINDS, tokenize
from rnnwidget.explorer import page as html
from rnnwidget.explorer.widget import CONFIG, PARAMETERS, VIEW_OPTIONS

from .test_widget import GOOD

NON_DEFAULT = {
    **GOOD,
    "palette": "colorblind",
    "presentation": True,
    "gradient_range": [-9.0, 0.5],
    "norm_range": [-12, 2],
    "hold_scales": True,
    "controls": ["seq_len", "w_hh_scale"],
}


def buffers(value, path=()):
    """Every binary buffer in a frame payload, by its path."""
    if isinstance(value, dict) and "buffer" in value:
        yield path, bytes(value["buffer"])
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from buffers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from buffers(item, (*path, index))


def explorer(**settings) -> RNNExplorer:
    """An explorer whose settings all matter: a sentence setting needs the sentence input."""
    if "sentence" in settings:
        settings.setdefault("input_kind", "sentence")
    return RNNExplorer(**settings)


def assert_same_view(a: RNNExplorer, b: RNNExplorer) -> None:
    """The two explorers show the very same thing: settings, float32 buffers, float64 frame."""
    assert a.config == b.config
    assert a._frame["params"] == b._frame["params"]
    assert dict(buffers(a._frame["arrays"])) == dict(buffers(b._frame["arrays"]))
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
        "RNNExplorer(w_hh_scale=1.2, seq_len=200, saturation=1.0, bias=0.0, units=32, "
        "input_kind='impulse', seed=0, sentence='The cat sat on the mat', layers=1, "
        "cell='elman', gate_init='chrono')"
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
    bias=st.floats(0.0, 10.0),
    units=st.integers(1, 48),
    input_kind=st.sampled_from(INPUT_KINDS),
    seed=st.integers(0, 2**32 - 1),
    sentence=st.text(min_size=1, max_size=40).filter(tokenize),
    controls=st.none() | st.lists(st.sampled_from(PARAMETERS), unique=True),
    cell=st.sampled_from(["elman", "lstm", "gru"]),
    gate_init=st.sampled_from(["chrono", "constant"]),
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

    from rnnwidget.explorer.drawing import render_png

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


# -- to_html --------------------------------------------------------------------------------------


def embedded(page: str) -> dict:
    """The state a page embeds, read back as the browser reads it."""
    match = re.search(r'<script type="application/json" id="rnnwidget-state">(.*?)</script>', page)
    assert match, "no embedded state"
    return json.loads(match.group(1))


def test_to_html_writes_one_self_contained_page(tmp_path):
    w = RNNExplorer(w_hh_scale=1.2, seq_len=80, units=12)
    path = w.to_html(tmp_path / "lesson.html", title="Exploding gradients")
    assert path == tmp_path / "lesson.html"
    assert list(tmp_path.iterdir()) == [path]  # nothing beside it, no temporary file left
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "<title>Exploding gradients</title>" in page
    # Nothing to fetch: no external script, style sheet, image or font.
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert not re.search(r"url\((?!#)|@import", page)  # url(#id) points inside the page
    assert page.count("<script") == 2  # the state and the inlined bundle
    assert html._read_static("standalone.js").strip()[:200] in page
    assert f"<code>{w.code.replace(chr(39), '&#x27;')}</code>" in page


def test_the_page_embeds_every_trait_and_every_array(tmp_path):
    w = RNNExplorer(w_hh_scale=0.8, seq_len=30, units=6)
    state = embedded(w.to_html(tmp_path / "lesson.html").read_text())
    assert state["format"] == html.FORMAT
    own = {*RNNExplorer.class_own_traits(sync=True), *BaseWidget.class_own_traits(sync=True)}
    # With defaults; no live-only view, and the twin's given is the page's choices' own.
    assert own - {"_companion", "_twin"} == set(state["state"])
    assert state["state"]["_request"] == 0
    assert state["state"]["error"] == ""
    assert state["state"]["controls"] is None
    assert state["state"]["code"] == repr(w)
    # The frame's arrays; the twin's weights and input are the page's choices' (page_choices).
    sent = dict(buffers({"_frame": {"arrays": w._frame["arrays"]}}))
    paths = {tuple(b["path"]) for b in state["buffers"]}
    assert paths == {("state", *path, "buffer") for path in sent} | {
        tuple(b["path"]) for b in state["buffers"] if b["path"][0] == "choices"
    }
    for buffer in state["buffers"]:
        assert buffer["encoding"] == "base64"
        if buffer["path"][0] == "state":
            assert base64.b64decode(buffer["data"]) == sent[tuple(buffer["path"][1:-1])]
    hidden = state["state"]["_frame"]["arrays"]["layers"][0]["h"]
    h = sent[("_frame", "arrays", "layers", 0, "h")]
    h = np.frombuffer(h, dtype=np.float32).reshape(hidden["shape"])
    assert np.array_equal(h, w.frame.h.astype(np.float32))


def test_markup_in_a_sentence_stays_data_in_the_page(tmp_path):
    sentence = "</script><script>alert(1)</script> <!-- & -->"
    w = RNNExplorer(input_kind="sentence", sentence=sentence)
    page = w.to_html(tmp_path / "lesson.html").read_text()
    assert page.count("<script") == 2
    assert "alert(1)</script>" not in page
    assert embedded(page)["state"]["sentence"] == sentence


def test_to_html_checks_the_path_before_writing(tmp_path):
    w = RNNExplorer()
    with pytest.raises(ValueError, match=r"must end in \.html or \.htm"):
        w.to_html(tmp_path / "lesson.png")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        w.to_html(tmp_path / "missing" / "lesson.html")
    assert list(tmp_path.iterdir()) == []
    assert w.to_html(tmp_path / "LESSON.HTM").exists()


def test_to_html_says_when_the_front_end_is_not_built(tmp_path, monkeypatch):
    monkeypatch.setattr(html, "STATIC", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"not built \(npm install && npm run build\)"):
        RNNExplorer().to_html(tmp_path / "lesson.html")


def test_a_closed_explorer_has_no_page(tmp_path):
    w = RNNExplorer()
    w.close()
    with pytest.raises(RuntimeError, match="closed"):
        w.to_html(tmp_path / "lesson.html")
