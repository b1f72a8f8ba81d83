"""What the explorer gives its view's twin (``_twin``): the weights and input of the discrete
settings as float64 buffers, bit for bit what :func:`rnnwidget.explorer.twin.given` makes with the
input at the sequence length's maximum; sent again when a discrete setting changes and only
then; none on a trained network; never written by a browser."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import pytest

from rnnwidget import RNNExplorer
from rnnwidget._wire import decode_array, encode_array
from rnnwidget.explorer import twin
from rnnwidget.explorer.frame import Params
from rnnwidget.training import Trainer

MAX_SEQ_LEN = 1000  # the seq_len knob's maximum: every shorter input is its first steps


def twin_sends(w: RNNExplorer) -> list[dict[str, Any]]:
    """Every value of ``w._twin`` from now on, as it is set."""
    sent: list[dict[str, Any]] = []
    w.observe(lambda change: sent.append(change["new"]), names=["_twin"])
    return sent


def assert_given_exactly(wire: dict[str, Any], w: RNNExplorer) -> None:
    """``wire`` is ``twin.given(w.params, 1000)``, every array float64 and equal bit for bit."""
    made = twin.given(w.params, MAX_SEQ_LEN)
    assert wire["settings"] == {name: getattr(w, name) for name in twin.DISCRETE}
    assert wire["continuous"] == list(twin.CONTINUOUS)
    assert (wire["timesteps"], wire["features"]) == (MAX_SEQ_LEN, made["features"])
    assert wire["unit_radius"] == made["unit_radius"]
    tokens = RNNExplorer(**(w.config | {"seq_len": MAX_SEQ_LEN})).frame.tokens
    assert wire["tokens"] == list(tokens)  # every seq_len's are their first seq_len
    pairs = [(wire["x"], made["x"])]
    assert len(wire["layers"]) == len(made["layers"])
    for sent, expected in zip(wire["layers"], made["layers"], strict=True):
        assert sent.keys() == expected.keys()
        for name, value in expected.items():
            if isinstance(value, np.ndarray):
                pairs.append((sent[name], value))
            else:
                assert sent[name] == value
    for encoded, expected in pairs:
        assert encoded["dtype"] == "float64"
        decoded = decode_array(encoded)
        assert decoded.dtype == np.float64
        assert decoded.shape == expected.shape
        assert decoded.tobytes() == np.ascontiguousarray(expected, dtype=np.float64).tobytes()


@pytest.mark.parametrize(
    "settings",
    [
        {"cell": "elman", "units": 8, "input_kind": "noise"},
        {"cell": "elman", "units": 6, "layers": 2, "input_kind": "sine", "seed": 3},
        {"cell": "lstm", "units": 5, "input_kind": "sine", "gate_init": "chrono"},
        {"cell": "gru", "units": 7, "input_kind": "impulse", "seed": 2},
    ],
)
def test_the_view_is_given_the_weights_and_input_in_float64(settings: dict[str, Any]) -> None:
    w = RNNExplorer(seq_len=30, **settings)
    assert_given_exactly(w._twin, w)


def test_every_setting_is_either_chosen_by_the_given_or_turned_by_the_twin() -> None:
    # A knob in neither list would be drawn by no one while it moves; one in both, twice.
    names = [field.name for field in fields(Params)]
    assert sorted(twin.DISCRETE + twin.CONTINUOUS) == sorted(names)
    # The twin's are the sliders, but for the units: every number of them makes new weights.
    w = RNNExplorer()
    sliders = {spec["name"] for spec in w._knobs if spec["kind"] == "slider"}
    assert set(twin.CONTINUOUS) == sliders - {"units"}


def test_the_given_is_sent_when_a_discrete_setting_changes_and_only_then() -> None:
    w = RNNExplorer(seq_len=40, units=8, input_kind="noise")
    sent = twin_sends(w)
    w.w_hh_scale, w.saturation, w.bias, w.seq_len = 1.3, 2.0, 0.5, 70
    w.hold_scales, w.palette = True, "colorblind"
    assert sent == []  # the twin turns those itself
    for name, value in [("seed", 4), ("units", 9), ("input_kind", "sine"), ("layers", 2),
                        ("cell", "lstm"), ("gate_init", "constant")]:  # fmt: skip
        setattr(w, name, value)
        assert len(sent) == 1, name
        assert sent.pop()["settings"][name] == value
        assert_given_exactly(w._twin, w)
    w.set_state({"seq_len": 12, "_request": 1})  # a browser's continuous change
    assert sent == []
    w.set_state({"seed": 11, "_request": 2})  # and a discrete one
    assert [given["settings"]["seed"] for given in sent] == [11]


def test_the_sentence_inputs_twin_also_holds_the_shuffled_words() -> None:
    """With the sentence input "Why order matters" runs the shuffled words too: the given holds
    their input and the dense model's outputs (``order``), float64 bit for bit, and none of the
    twin's knobs sends them again."""
    w = RNNExplorer(seq_len=20, units=4, input_kind="sentence", sentence="the dog ran home")
    assert_given_exactly(w._twin, w)
    order = twin.order_given(w.params, MAX_SEQ_LEN)
    for name, value in order.items():
        sent = w._twin["order"][name]
        assert sent["dtype"] == "float64"
        assert np.array_equal(decode_array(sent), value)
    # The shuffled words' input is the words of the frame's shuffle, in that order.
    shuffled = RNNExplorer(**(w.config | {"seq_len": MAX_SEQ_LEN})).frame.order
    assert shuffled is not None
    expected = RNNExplorer(
        **(w.config | {"seq_len": MAX_SEQ_LEN, "sentence": " ".join(shuffled.shuffled)})
    ).frame.x
    assert np.array_equal(order["x"], expected)
    sent = twin_sends(w)
    w.w_hh_scale = 1.4
    w.seq_len = 12
    assert sent == []
    w.input_kind = "noise"
    assert "order" not in w._twin


def test_a_trained_network_has_no_twin() -> None:
    trainer = Trainer("recall", lag=3, units=4, batch_size=2)
    w = RNNExplorer.from_trainer(trainer)
    try:
        assert w._twin is None
        w.w_hh_scale = 0.5
        assert w._twin is None  # the twin does not compute the task's loss
    finally:
        w.close()


def test_a_browser_cannot_write_the_given() -> None:
    w = RNNExplorer(seq_len=20, units=4)
    before = w._twin
    forged = {"settings": before["settings"], "x": encode_array(np.zeros((1000, 4)), "float64")}
    w.set_state({"_twin": forged, "_request": 1})
    assert w._twin is before
    assert w._ack == 1  # the request is answered, the forgery ignored


def test_closing_frees_the_given() -> None:
    w = RNNExplorer(seq_len=20, units=4)
    w.close()
    assert w._twin is None


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_arrays_cross_in_their_dtype(dtype: str) -> None:
    values = np.array([[0.0, -0.0, 1e-300, np.pi], [np.inf, -np.inf, 5e-324, -1.5]])
    encoded = encode_array(values, dtype)  # type: ignore[arg-type]
    assert encoded["dtype"] == dtype
    assert encoded["shape"] == [2, 4]
    assert len(encoded["buffer"]) == values.size * np.dtype(dtype).itemsize
    decoded = decode_array(encoded)
    assert decoded.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(decoded, values.astype(dtype))
    assert np.signbit(decoded[0, 1])  # -0.0 stays -0.0
    if dtype == "float64":
        assert decoded.tobytes() == values.tobytes()  # bit for bit


def test_an_unknown_dtype_is_refused() -> None:
    with pytest.raises(ValueError, match="dtype must be one of float32, float64; got 'int8'"):
        encode_array([1.0], "int8")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="got 'float16'"):
        decode_array({"shape": [1], "dtype": "float16", "buffer": b"\0\0"})
