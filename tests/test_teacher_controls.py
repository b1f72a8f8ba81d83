"""The teacher's controls on the kernel's side: Reset goes back to the settings a widget was
constructed with (not the library's defaults), from Python and from the view's button, and
brings back the very arrays (or, for the trainer, the very run) the constructor made; a typed
value the kernel refuses is quoted back as typed, with the range, and changes nothing; the
text view's sample box always has text to show."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import traitlets

from rnnwidget import RNNExplorer, RNNTrainer, compare
from rnnwidget.training.textview import shown_sample

# Settings away from every default, so that a reset to the defaults would fail the tests.
EXPLORER = {"w_hh_scale": 0.7, "seq_len": 30, "saturation": 1.5, "units": 6, "seed": 3,
            "input_kind": "noise", "palette": "colorblind"}  # fmt: skip
TRAINER = {"task": "adding", "seq_len": 12, "units": 6, "w_hh_scale": 0.8, "seed": 5,
           "batch_size": 8, "learning_rate": 0.02, "clip": False}  # fmt: skip


def browser_reset(widget):
    """What the view's Reset button sends."""
    widget._on_custom_message(None, {"reset": True}, [])


@pytest.mark.parametrize("how", ["python", "button"])
def test_explorer_reset_returns_to_the_constructors_settings_and_arrays(how):
    w = RNNExplorer(**EXPLORER)
    fresh = RNNExplorer(**EXPLORER)
    try:
        constructed = w.config
        w.w_hh_scale = 2.5
        w.set_state({"seq_len": 80, "seed": 9, "_request": 1})  # a browser's change
        w.apply_preset("saturated")
        w.presentation = True
        assert w.config != constructed
        revision = w._frame["revision"]
        w.reset() if how == "python" else browser_reset(w)
        # Presentation is how the room sees the view, not a setting of the lesson: it stays.
        assert w.config == {**constructed, "presentation": True}
        assert w._frame["revision"] == revision + 1  # one recompute for every setting
        assert (w.preset_note, w.error) == ("", "")
        np.testing.assert_array_equal(w.trace.h, fresh.trace.h)
        assert w.summary == fresh.summary
    finally:
        w.close()
        fresh.close()


def test_reset_after_no_change_changes_nothing():
    w = RNNExplorer(**EXPLORER)
    try:
        revision = w._frame["revision"]
        w.reset()
        assert w._frame["revision"] == revision
    finally:
        w.close()


def test_comparison_reset_returns_every_column_to_its_own_constructed_settings():
    c = compare(cell=["elman", "gru"], seq_len=30, units=4, w_hh_scale=0.8)
    try:
        c.seq_len = 60
        c.w_hh_scale = 1.4
        c[1].cell = "lstm"  # the compared setting: that column's own
        browser_reset(c)
        assert (c.seq_len, c.w_hh_scale) == (30, 0.8)
        assert [w.cell for w in c] == ["elman", "gru"]
        assert all((w.seq_len, w.w_hh_scale, w.units) == (30, 0.8, 4) for w in c)
        assert [column["label"] for column in c._columns] == [
            column["label"] for column in compare(cell=["elman", "gru"], units=4)._columns
        ]
    finally:
        c.close()


def test_trainer_reset_stops_training_and_restores_the_constructors_settings_and_network():
    w = RNNTrainer(**TRAINER)
    fresh = RNNTrainer(**TRAINER)
    try:
        constructed = {name: getattr(w, name) for name in w.SETTINGS}
        first = fresh.run(4)
        first_losses = fresh.history().loss.copy()
        w.seed = 11  # a model setting: a new run
        w.learning_rate = 0.5  # a live one: this run goes on with it
        w.clip = True
        w.start()
        w.reset()
        assert (w.status, w.steps, w.trainer.steps, w.error) == ("ready", 0, 0, "")
        assert {name: getattr(w, name) for name in w.SETTINGS} == constructed
        # The network and the run the constructor made, step for step.
        evaluation = w.run(4)
        np.testing.assert_array_equal(w.history().loss, first_losses)
        assert evaluation.accuracy == first.accuracy
    finally:
        w.close()
        fresh.close()


def test_trainer_reset_button_and_restart_button():
    w = RNNTrainer(**TRAINER)
    try:
        w.w_hh_scale = 1.2
        w.run(2)
        w._on_custom_message(None, {"command": "restart"}, [])  # step 0, these settings
        assert (w.steps, w.w_hh_scale) == (0, 1.2)
        w.run(2)
        w._on_custom_message(None, {"command": "reset"}, [])  # step 0, the constructor's
        assert (w.steps, w.w_hh_scale) == (0, 0.8)
    finally:
        w.close()


def test_trainer_reset_brings_back_the_constructors_text():
    w = RNNTrainer(task="text", text="abc abd abe " * 40, units=4, batch_size=4)
    try:
        w.text = "xyz xyw " * 60
        w.reset()
        assert w.text == "abc abd abe " * 40
        assert set(w.trainer.task.vocabulary.chars) == set("abcde ")
    finally:
        w.close()


# -- typed values ----------------------------------------------------------------------------------


def typed_knobs(widget):
    """The knobs a value can be typed into: sliders and number boxes."""
    return [spec for spec in widget._knobs if spec["kind"] in ("slider", "number")]


def allowed(spec):
    """The range as the refusal words it: whole numbers in full, floats as :g does."""
    if spec["integer"]:
        return f"from {spec['min']} to {spec['max']}"
    return f"from {spec['min']:g} to {spec['max']:g}"


WIDGETS = {
    "explorer": lambda: RNNExplorer(seq_len=10, units=4),
    "trainer": lambda: RNNTrainer(units=4),
}


@pytest.mark.parametrize("make", WIDGETS.values(), ids=WIDGETS.keys())
def test_a_refused_typed_value_is_quoted_with_the_range_and_changes_nothing(make):
    w = make()
    try:
        specs = typed_knobs(w)
        assert specs
        for request, spec in enumerate(specs, start=1):
            name = spec["name"]
            before = getattr(w, name)
            for typed in ["abc", "", "nan", "1,5", spec["max"] + 1, spec["min"] - 1]:
                w.set_state({name: typed, "_request": request})
                assert getattr(w, name) == before, (name, typed)
                assert w._ack == request
                assert repr(typed) in w.error, (name, typed, w.error)
                assert allowed(spec) in w.error, (name, typed, w.error)
    finally:
        w.close()


def test_a_refused_typed_value_leaves_the_explorers_picture_alone():
    w = RNNExplorer(seq_len=10, units=4)
    try:
        revision = w._frame["revision"]
        w.set_state({"w_hh_scale": "abc", "_request": 1})
        assert w.error == "w_hh_scale must be a number from 0 to 3; got 'abc' (str)"
        assert w._frame["revision"] == revision
        w.set_state({"seed": "abc", "_request": 2})  # the seed box: what was typed, quoted
        assert "got 'abc'" in w.error
        w.set_state({"w_hh_scale": 1.25, "_request": 3})  # a good value clears the message
        assert (w.w_hh_scale, w.error) == (1.25, "")
    finally:
        w.close()


def test_python_gets_the_same_refusal_as_the_view():
    w = RNNExplorer(seq_len=10, units=4)
    try:
        with pytest.raises(traitlets.TraitError, match=r"from 0 to 3; got nan \(float\)"):
            w.w_hh_scale = math.nan
    finally:
        w.close()


# -- the sample box ------------------------------------------------------------------------------


def test_the_sample_box_shows_text_however_many_spaces_the_network_writes():
    sample = "def f(x):" + " " * 250 + "return x\n    y = 1" + "\n" * 30 + "z" + " " * 9
    shown = shown_sample(sample)
    assert shown == (
        "def f(x): \u2423\u00d7250 return x\n    y = 1\n\u21b5\u00d730\nz \u2423\u00d79 "
    )
    # Nothing the network wrote besides the long runs is lost or moved: the same words, in order.
    marks = re.compile("[\u2423\u21b5]\u00d7\\d+")
    assert marks.sub("", shown).split() == sample.split()
    assert "  " * 5 not in shown  # no run of spaces long enough to fill the box with nothing
    assert shown_sample("a  b\n\nc") == "a  b\n\nc"  # short runs and one blank line stay


def test_the_view_gets_the_sample_as_the_box_shows_it():
    w = RNNTrainer(task="text", corpus="python", units=8, batch_size=4)
    try:
        text = w._progress["text"]
        assert text["sample_shown"] == shown_sample(text["sample"])
    finally:
        w.close()
