"""The page's stand-in for the kernel (js/explorer/page-kernel.js), run in Node on the very
JSON a page embeds: for every change of a discrete choice the page holds (a cell, layers, an
input) and Reset, it publishes what the kernel publishes for ``RNNExplorer(**settings)``: the
frame's arrays, the twin's given (bit for bit), the knobs the view hides, the line of code, the
spectral radius and the gradient ratio. A continuous knob's change is the view's twin's to draw:
the page answers it with the line of code and leaves the frame. A change it cannot answer goes
back, in words."""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np
import pytest

from rnnwidget import RNNExplorer
from rnnwidget._wire import decode_array
from rnnwidget.explorer.page import _json_for_script, page_state
from rnnwidget.explorer.twin import DISCRETE, given

from .node import run_script

SCRIPT = """
import { readFileSync } from "node:fs";
import { PageKernel } from "./js/explorer/page-kernel.js";
import { readEmbeddedPage, StaticModel } from "./js/explorer/static-model.js";
const { page, steps } = JSON.parse(readFileSync(0, "utf8"));
const { state, choices } = readEmbeddedPage(page);
const model = new StaticModel(state);
const kernel = new PageKernel(model, choices);
const bytes = (view) => Buffer.from(view.buffer, view.byteOffset, view.byteLength)
  .toString("base64");
const arrays = (value) => {
  if (Array.isArray(value)) return value.map(arrays);
  if (value && value.buffer instanceof DataView) {
    return { shape: value.shape, dtype: value.dtype, b64: bytes(value.buffer) };
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, arrays(v)]));
  }
  return value;
};
const out = [];
for (const step of steps) {
  if (step.send) model.send(step.send);
  else {
    // As the view's ChangeSender sends a change: the values, the request, saved.
    for (const [name, value] of Object.entries(step.set)) model.set(name, value);
    model.set("_request", Number(model.get("_request")) + 1);
    model.save_changes();
    await Promise.resolve(); // the model's answer
  }
  const frame = model.get("_frame");
  out.push({ params: frame.params, revision: frame.revision, arrays: arrays(frame.arrays),
    inactive: model.get("_inactive"), code: model.get("code"), error: model.get("error"),
    twin: arrays(model.get("_twin")), words: frame.words, order: frame.order,
    spectral_radius: model.get("spectral_radius"), ratio: model.get("gradient_ratio_log10"),
    settings: kernel.settings() });
}
console.log(JSON.stringify(out));
"""


def run_page(w: RNNExplorer, steps: list[dict[str, Any]], budget: int | None = None) -> list[Any]:
    state = page_state(w) if budget is None else page_state(w, budget=budget)
    page = _json_for_script(state)
    return run_script(SCRIPT, {"page": page, "steps": steps})  # type: ignore[no-any-return]


def decoded(value: Any) -> Any:
    if isinstance(value, list):
        return [decoded(item) for item in value]
    if isinstance(value, dict) and "b64" in value:
        raw = {"shape": value["shape"], "buffer": base64.b64decode(value["b64"]),
               "dtype": value["dtype"]}  # fmt: skip
        return decode_array(raw)
    if isinstance(value, dict):
        return {key: decoded(item) for key, item in value.items()}
    return value


def assert_publishes_as_the_kernel(published: dict[str, Any], settings: dict[str, Any]) -> None:
    kernel = RNNExplorer(**settings)
    assert published["error"] == ""
    payload = kernel._frame
    assert published["words"] == json.loads(json.dumps(payload["words"]))
    assert published["order"] == payload["order"]
    if kernel.input_kind == "sentence":  # "Why order matters": the page's, not the view's twin
        assert published["twin"] is None
        for name, array in payload["arrays"]["order"].items():
            made = decoded(published["arrays"])["order"][name]
            np.testing.assert_allclose(made, decode_array(array), rtol=2e-7, atol=1e-30)
        return assert_arrays(published, kernel)
    twin = decoded(published["twin"])
    assert twin.pop("settings") == {name: getattr(kernel, name) for name in DISCRETE}
    assert twin.pop("continuous") == kernel._twin["continuous"]
    expected_given = given(kernel.params, 1000)
    assert np.array_equal(twin.pop("x"), expected_given.pop("x"))
    for made, layer in zip(twin.pop("layers"), expected_given.pop("layers"), strict=True):
        assert made.keys() == layer.keys()
        for name, value in layer.items():
            assert np.array_equal(made[name], value), name
    assert twin == expected_given
    assert_arrays(published, kernel)


def assert_arrays(published: dict[str, Any], kernel: RNNExplorer) -> None:
    assert published["params"] == kernel.params.as_dict()
    assert published["inactive"] == kernel._inactive
    assert published["code"] == repr(kernel)
    assert published["spectral_radius"] == pytest.approx(kernel.spectral_radius, rel=1e-12)
    assert published["ratio"] == pytest.approx(kernel.gradient_ratio_log10, rel=1e-9, abs=1e-9)
    page, sent = decoded(published["arrays"]), kernel._frame["arrays"]
    expected = {"x": decode_array(sent["x"])}
    got = {"x": page["x"]}
    for depth, layer in enumerate(sent["layers"]):
        for name, array in layer.items():
            expected[f"{depth}.{name}"] = decode_array(array)
            got[f"{depth}.{name}"] = page["layers"][depth][name]
    assert got.keys() == expected.keys()
    for name, array in expected.items():
        # float32 of the twin's float64 against float32 of numpy's: one float32 step apart at
        # most, where the two float64s straddle a rounding boundary.
        np.testing.assert_allclose(got[name], array, rtol=2e-7, atol=1e-30, err_msg=name)


BASE = {"units": 6, "seq_len": 40, "seed": 5}


def test_each_change_the_page_answers_publishes_the_kernels_frame() -> None:
    w = RNNExplorer(w_hh_scale=0.9, **BASE)
    changes = [
        {"w_hh_scale": 1.37},
        {"seq_len": 25, "saturation": 1.8},
        {"bias": 0.4},
        {"layers": 2},
        {"input_kind": "noise"},
        {"cell": "lstm"},
        {"seq_len": 1000},
        {"cell": "gru"},
        {"input_kind": "sentence", "cell": "elman", "seq_len": 3},
        {"w_hh_scale": 1.6, "seq_len": 9},  # the sentence's: the page computes it
        {"layers": 1, "cell": "lstm"},
    ]
    published = run_page(w, [{"set": change} for change in changes])
    settings = w.config
    revision = w._frame["revision"]
    for change, out in zip(changes, published, strict=True):
        settings |= change
        kernel = RNNExplorer(**settings)
        assert out["settings"] == {knob["name"]: settings[knob["name"]] for knob in w._knobs}
        assert out["code"] == repr(kernel)
        assert out["spectral_radius"] == pytest.approx(kernel.spectral_radius, rel=1e-12)
        continuous = set(change) <= {"w_hh_scale", "seq_len", "saturation", "bias"}
        if continuous and settings["input_kind"] != "sentence":
            assert out["revision"] == revision  # the view's twin draws it
        else:
            assert out["revision"] > revision
            assert_publishes_as_the_kernel(out, settings)
        revision = out["revision"]


def test_reset_goes_back_to_the_saved_settings() -> None:
    w = RNNExplorer(w_hh_scale=1.1, cell="gru", **BASE)
    out = run_page(w, [{"set": {"cell": "elman", "w_hh_scale": 2.0}}, {"send": {"reset": True}}])
    assert out[0]["settings"]["cell"] == "elman"
    assert_publishes_as_the_kernel(out[1], w.config)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"units": 7}, "units=7: this page holds units=6 only; other values need a notebook."),
        ({"w_hh_scale": 4}, "w_hh_scale=4: w_hh_scale must be a number from 0 to 3."),
        ({"seq_len": "abc"}, "seq_len=abc: seq_len must be a whole number from 1 to 1000."),
        (
            {"cell": "lstm"},
            "cell=lstm: this page does not hold cell=lstm, input_kind=impulse; it needs a "
            "notebook.",
        ),
    ],
)
def test_a_change_the_page_cannot_answer_goes_back_in_words(
    change: dict[str, Any], reason: str
) -> None:
    w = RNNExplorer(**BASE)
    [out] = run_page(w, [{"set": change}], budget=0)
    assert out["error"] == reason
    assert out["settings"] | {"hold_scales": False} == {
        spec["name"]: w.config[spec["name"]] for spec in w._knobs
    }
    assert out["revision"] == w._frame["revision"]  # nothing recomputed
