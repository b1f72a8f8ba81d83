"""A misbehaving front end: messages arrive through the comm, as a browser's do, and hold
anything JSON can hold. Each is refused or ignored; the kernel keeps its last good state, says
why in the view, and does not grow."""

from __future__ import annotations

import gc
import math
import tracemalloc
import weakref

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnwidget import RNNExplorer
from rnnwidget._wire import decode_array
from rnnwidget.cells.inputs import INPUT_KINDS, tokenize
from rnnwidget.explorer.widget import PARAMETERS


def number_in(low, high, *, whole=False):
    def accepts(value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if whole and not isinstance(value, int):
            return False
        return math.isfinite(value) and low <= value <= high

    return accepts


# What each parameter accepts, written independently of the widget's own checks.
ACCEPTS = {
    "w_hh_scale": number_in(0, 3),
    "seq_len": number_in(1, 1000, whole=True),
    "saturation": number_in(0.1, 5),
    "bias": number_in(0, 10),
    "units": number_in(1, 256, whole=True),
    "input_kind": lambda v: isinstance(v, str) and v in INPUT_KINDS,
    "seed": number_in(0, 2**32 - 1, whole=True),
    "sentence": lambda v: isinstance(v, str) and len(v) <= 500 and bool(tokenize(v)),
    "layers": number_in(1, 2, whole=True),
    "cell": lambda v: isinstance(v, str) and v in ("elman", "lstm", "gru"),
    "gate_init": lambda v: isinstance(v, str) and v in ("chrono", "constant"),
}

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


def update_message(state, buffer_paths=(), buffers=()):
    """A comm message as the browser's widget manager sends it."""
    return {
        "content": {
            "data": {"method": "update", "state": state, "buffer_paths": list(buffer_paths)}
        },
        "buffers": list(buffers),
    }


def send(widget, message):
    widget.comm.handle_msg(message)


@pytest.fixture(scope="module")
def explorer():
    return RNNExplorer(seq_len=40, units=8)


@pytest.mark.parametrize("name", PARAMETERS)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.one_of(
        JSON, st.sampled_from([0.5, 2, 1000, 257, "sine", "The cat", 2**64, "lstm", "constant"])
    )
)
def test_any_json_value_for_any_parameter_is_applied_or_refused_whole(explorer, name, value):
    w = explorer
    before = getattr(w, name)
    request = w._ack + 1
    send(w, update_message({name: value, "_request": request}))
    assert w._ack == request  # answered either way, so the browser never waits forever
    if ACCEPTS[name](value):
        assert getattr(w, name) == value
        assert w.error == ""
    else:
        assert getattr(w, name) == before
        assert name in w.error
    # Whatever happened, what the view shows is the model for the current settings.
    assert w._frame["params"] == w.params.as_dict()
    assert decode_array(w._frame["arrays"]["layers"][0]["h"]).shape == (w.seq_len, w.units)


@pytest.mark.parametrize(
    "message",
    [
        {},
        {"content": {}},
        {"content": {"data": None}},
        {"content": {"data": {"method": 7}}},
        {"content": {"data": {"method": "update", "state": [1, 2, 3]}}},
        {"content": {"data": {"method": "update", "state": "w_hh_scale"}}},
        update_message({"w_hh_scale": 1.0}, buffer_paths=[["nowhere", "deep"]], buffers=[b"x"]),
        update_message({"w_hh_scale": 1.0}, buffer_paths=["w_hh_scale"], buffers=[b"x"]),
        update_message({"w_hh_scale": 1.0}, buffer_paths=[[]], buffers=[b"x"]),
    ],
)
def test_malformed_messages_are_dropped_with_a_note_in_the_view(message):
    w = RNNExplorer()
    frame = w._frame
    send(w, message)
    assert w._frame is frame
    assert "malformed" in w.error


def test_a_buffer_smuggled_into_a_parameter_is_refused():
    w = RNNExplorer()
    send(w, update_message({"w_hh_scale": None}, buffer_paths=[["w_hh_scale"]], buffers=[b"1234"]))
    assert w.w_hh_scale == 1.0
    assert "malformed" in w.error  # settings are JSON values: no binary in an update


def test_unknown_methods_and_keys_are_ignored():
    w = RNNExplorer()
    frame = w._frame
    send(w, {"content": {"data": {"method": "explode"}}, "buffers": []})
    send(w, update_message({"not_a_trait": 1, "__class__": "x", "_frame": {}}))
    assert w._frame is frame
    assert w.error == ""


def test_a_refused_change_puts_the_browsers_controls_back(monkeypatch):
    w = RNNExplorer()
    sent = []
    monkeypatch.setattr(w.comm, "send", lambda data=None, buffers=None, **_: sent.append(data))
    send(w, update_message({"w_hh_scale": 7.0, "seq_len": 3, "_request": 1}))
    restored = [m["state"] for m in sent if m.get("method") == "update"]
    assert {"w_hh_scale": 1.0, "seq_len": 100}.items() <= restored[-1].items()


def test_a_flood_of_changes_keeps_the_last_value_and_does_not_grow():
    w = RNNExplorer(seq_len=50, units=16)
    rng = np.random.default_rng(0)

    def flood_then_settle(count):
        """``count`` random changes, a third of them invalid, then one fixed last change (so
        that the frame held at the end is the same size every time); the bytes in use after."""
        for i in range(count):
            state = {"w_hh_scale": float(rng.uniform(-1, 4)), "_request": i}
            if i % 7 == 0:
                state["seq_len"] = int(rng.integers(-5, 1100))
            send(w, update_message(state))
        send(w, update_message({"w_hh_scale": 0.75, "seq_len": 42, "_request": 10**6}))
        gc.collect()
        return tracemalloc.get_traced_memory()[0]

    tracemalloc.start()
    try:
        before = flood_then_settle(300)  # warms up caches and interned objects
        after = flood_then_settle(2000)
    finally:
        tracemalloc.stop()
    assert after - before < 100_000, f"memory grew by {after - before} bytes over 2000 messages"
    assert (w.w_hh_scale, w.seq_len, w._ack) == (0.75, 42, 10**6)
    assert w._frame["params"]["w_hh_scale"] == 0.75


def custom_message(content, buffers=()):
    return {"content": {"data": {"method": "custom", "content": content}}, "buffers": list(buffers)}


def test_snapshots_from_the_browser_must_be_png_and_are_bounded():
    w = RNNExplorer()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    send(w, custom_message({"type": "snapshot"}, [b"GIF89a not a png"]))
    assert len(w.snapshots) == 0
    assert "not a PNG" in w.error
    send(w, custom_message({"type": "snapshot"}, [png, png]))  # one snapshot, one buffer
    assert len(w.snapshots) == 0
    send(w, custom_message({"type": "something else"}, [png]))
    assert len(w.snapshots) == 0
    for i in range(40):
        send(w, custom_message({"type": "snapshot"}, [png + bytes([i])]))
    assert len(w.snapshots) == 16
    assert w.snapshots[-1] == png + bytes([39])


def test_close_frees_the_model_and_its_arrays():
    w = RNNExplorer(seq_len=500, units=128)
    frame = weakref.ref(w.frame)
    hidden = weakref.ref(w.trace.h)
    w.snapshots.append(b"\x89PNG\r\n\x1a\n")
    w.close()
    gc.collect()
    assert frame() is None
    assert hidden() is None
    assert len(w.snapshots) == 0
    with pytest.raises(RuntimeError, match="closed"):
        _ = w.model
    w.w_hh_scale = 0.5  # setting a closed widget's knob is harmless
