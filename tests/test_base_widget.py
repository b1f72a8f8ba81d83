"""What both widgets share through rnnwidget._widget.BaseWidget: knob specs from the traits,
refusals that say why and clear when a good value arrives, the request/ack protocol after a
refusal, short tracebacks, presets from Python and from the browser."""

from __future__ import annotations

import traceback

import pytest
import traitlets

from rnnwidget import RNNExplorer, RNNTrainer
from rnnwidget._widget import MALFORMED


@pytest.fixture(params=["explorer", "trainer"])
def widget(request):
    w = RNNExplorer(seq_len=20, units=4) if request.param == "explorer" else RNNTrainer(units=4)
    yield w
    w.close()


def test_every_knob_spec_is_its_traits_range_label_and_help(widget):
    traits = widget.traits()
    specs = {spec["name"]: spec for spec in widget._knobs}
    assert specs, "a widget with no knobs"
    for name, spec in specs.items():
        trait = traits[name]
        assert name in widget.SETTINGS
        assert spec["help"] == trait.help
        assert spec["label"] == trait.metadata["label"]
        if spec["kind"] in ("slider", "number"):
            assert (spec["min"], spec["max"]) == (trait.low, trait.high)
        if spec["kind"] == "choice" and hasattr(trait, "choices"):
            assert [value for value, _ in spec["options"]] == list(trait.choices)
    # Every setting the view shows is a knob; the others are settings a view does not show.
    hidden = {name for name in widget.SETTINGS if not traits[name].metadata.get("view", True)}
    assert set(specs) == set(widget.SETTINGS) - hidden


def test_the_trainers_knobs_say_what_a_change_does():
    w = RNNTrainer(units=4)
    try:
        specs = {spec["name"]: spec for spec in w._knobs}
        assert specs["lag"]["help"].endswith("A change starts a new run.")
        assert specs["learning_rate"]["help"].endswith("Applies from the next step.")
        assert specs["learning_rate"]["scale"] == "log"
        assert "eval_every" not in specs  # a setting with no control in the view
    finally:
        w.close()


def test_inactive_knobs_follow_the_settings():
    explorer = RNNExplorer(seq_len=10, units=4)
    assert explorer._inactive == ["sentence", "gate_init"]  # the Elman cell has no gates
    explorer.input_kind = "sentence"
    assert explorer._inactive == ["gate_init"]
    trainer = RNNTrainer(units=4)
    try:
        text = ["corpus", "bptt_steps", "temperature", "unit", "unit_state", "feature"]
        assert trainer._inactive == ["seq_len", *text, "gate_init"]  # no gates in Elman
        trainer.task = "adding"
        assert trainer._inactive == ["lag", *text, "gate_init"]
        run = trainer.trainer
        trainer.lag = 30  # the adding task does not read the lag: the run goes on
        assert trainer.trainer is run
    finally:
        trainer.close()


def test_a_refusal_shows_until_an_accepted_change_even_of_a_view_option():
    w = RNNExplorer(seq_len=10, units=4)
    with pytest.raises(traitlets.TraitError, match="palette must be one of"):
        w.palette = "bad"
    assert "palette must be one of" in w.error
    w.palette = "colorblind"  # a view option: nothing is recomputed, the refusal is over
    assert w.error == ""


def test_a_refused_value_raises_from_the_widget_not_from_traitlets(widget):
    with pytest.raises(traitlets.TraitError) as err:
        widget.seed = -1
    frames = traceback.extract_tb(err.value.__traceback__)
    # The test's own line and the widget's __setattr__: no trip through traitlets' internals.
    assert len(frames) == 2, [frame.filename for frame in frames]
    assert frames[-1].filename.endswith("_widget.py")
    with pytest.raises(traitlets.TraitError) as err:
        type(widget)(seed=-1)
    assert len(traceback.extract_tb(err.value.__traceback__)) <= 3


def test_a_refused_browser_change_still_adopts_and_acknowledges_its_request_id(widget):
    widget.set_state({"seed": 5, "_request": 2})
    assert (widget.seed, widget._request, widget._ack) == (5, 2, 2)
    widget.set_state({"seed": -1, "_request": 3})  # refused
    assert widget.seed == 5
    # A view that reloads reads _request and numbers its next change 4, which the kernel then
    # answers with a new _ack: had _request stayed at 2, the next id would be 3 again, the
    # kernel's _ack would not change, and the view would wait for an answer that never comes.
    assert (widget._request, widget._ack) == (3, 3)
    assert "seed must be a whole number" in widget.error


def test_presets_from_python_are_the_buttons_own_code(widget):
    name = widget.PRESETS[0].name
    widget.apply_preset(name)
    values = widget._preset_values(name)
    assert {key: getattr(widget, key) for key in values} == values
    with pytest.raises(ValueError, match="preset must be one of"):
        widget.apply_preset("no such preset")
    # The view's button sends {"preset": name}: the same call.
    other = widget.PRESETS[-1].name
    widget._on_custom_message(None, {"preset": other}, [])
    expected = widget._preset_values(other)
    assert {key: getattr(widget, key) for key in expected} == expected
    widget._on_custom_message(None, {"preset": "nonsense"}, [])
    assert "preset must be one of" in widget.error


def test_a_preset_is_applied_together_in_one_recompute():
    w = RNNExplorer(seq_len=10, units=4)
    revision = w._frame["revision"]
    w.apply_preset("saturated")  # sets three knobs
    assert w._frame["revision"] == revision + 1


def test_each_widget_keeps_the_protocol_for_browsers_and_python(widget, monkeypatch):
    """The base's promises, on each widget, through the way a browser's message comes in (its
    comm) and a notebook's assignment: a widget that redefined ``_handle_msg``, ``set_state``
    or ``__setattr__`` without them would fail here."""
    changed = []
    own = widget._settings_changed

    def settings_changed(names):
        changed.append(sorted(names))
        own(names)

    monkeypatch.setattr(widget, "_settings_changed", settings_changed)

    def update(state, buffers=()):
        paths = [["seed"]] if buffers else []
        data = {"method": "update", "state": state, "buffer_paths": paths}
        widget.comm.handle_msg({"content": {"data": data}, "buffers": list(buffers)})

    seed, units, version = widget.seed, widget.units, widget.version
    update({"seed": seed + 1, "_request": 1}, buffers=[b"\x00"])  # no binary in settings
    assert (widget.seed, widget._ack, widget.error) == (seed, 0, MALFORMED)
    # Settings only, applied together, one call of the widget's own update, acknowledged.
    update({"seed": seed + 1, "units": units + 2, "version": "0", "error": "x", "_ack": 9,
            "_request": 2})  # fmt: skip
    assert (widget.seed, widget.units, widget.version) == (seed + 1, units + 2, version)
    assert (widget.error, widget._ack, changed) == ("", 2, [["seed", "units"]])
    widget.comm.handle_msg({"content": {"data": {"method": 7}}})
    assert widget.error == MALFORMED  # dropped, and the view says so
    # One refused value refuses the whole update, which is acknowledged all the same.
    update({"seed": seed + 2, "units": 0, "_request": 3})
    assert (widget.seed, widget.units, widget._ack, len(changed)) == (seed + 1, units + 2, 3, 1)
    assert "units must be a whole number" in widget.error
    # From Python: a refusal raises and shows in the view; an accepted value ends it.
    with pytest.raises(traitlets.TraitError, match="seed must be a whole number"):
        widget.seed = -1
    assert (widget.seed, len(changed)) == (seed + 1, 1)
    assert "seed must be a whole number" in widget.error
    widget.seed = seed
    assert (widget.error, changed[-1]) == ("", ["seed"])
