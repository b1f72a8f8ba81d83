"""The browser writes the explorer's numbers and sentences as the kernel does.

The sentences are templates in one data file (rnnwidget/explorer/sentences.json) that
rnnwidget/explorer/words.py fills in Python and js/twin/words.js in the browser, each with its
own filler and number formats (rnnwidget/formatting.py, js/common/format.js). Every case here is
made in Python at test time, Python's text is the reference, and one Node process
(tests/sentences_runner.mjs) writes the browser's:

- the formats, over numbers that part JavaScript's own from Python's: exact ties (Python rounds
  the float's exact value, a tie to even), the tiny and the huge (past 1e21, subnormals),
  negative zero, infinities and NaN;
- the sentences of a frame (summary, stats, shapes, caption, snapshot name) over cells x inputs
  x W_hh scales (0 included) x gains x biases x lengths (1, 2, 50, 200, 1000) x one or two
  layers, gradients past float64's range both ways among them: the browser given Python's
  numbers, and the browser's own frame (js/twin's computeFrame) where that frame is decided by
  the weights rather than by rounding (tests/test_twin.py's ``well_conditioned``);
- every preset's note, for the regimes the presets find and for regimes made to reach every
  branch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rnnwidget import formatting
from rnnwidget.explorer import presets, twin, words
from rnnwidget.explorer.frame import Frame, Measurement, Params, compute_frame
from rnnwidget.explorer.presets import Regime
from rnnwidget.explorer.widget import PRESETS

from .node import num, run_runner
from .test_twin import FrameCase, _expected_frame, well_conditioned

# ----------------------------------------------------------------------------------------------
# The formats
# ----------------------------------------------------------------------------------------------

rng = np.random.default_rng(25)

#: Numbers where JavaScript's own formatting parts from Python's, and ordinary ones.
NUMBERS = [
    # exact ties (binary fractions), and near-ties that are not exact
    0.125, 0.375, -0.125, 2.5, 0.5, 1.5, -2.5, 8.5, 9.5, 12.5, 1.25, 0.0625, 1.005, 2.675,
    0.045, 9.995, 0.9995, 99.95, 999999.5, 9999995.0, 0.9999995, 1e15 + 0.5,
    # tiny and huge
    1e-5, 0.0001, 0.00012345, 1e-7, 5e-324, 1e-310, 2.2250738585072014e-308, 1e21, 1e22,
    123456789.0, 1.7976931348623157e308, 1e300, -1e-300,
    # zeros and the non-finite
    0.0, -0.0, -0.001, math.inf, -math.inf, math.nan,
    # ordinary
    1.0, 3.0, 1.2, 2.25, 1.234, 0.1 + 0.2, 1 / 3, -2 / 3, 1.66, 0.97, 0.55, 100.0,
    *(float(v) for v in rng.normal(size=25) * 10.0 ** rng.uniform(-12, 12, 25)),
]  # fmt: skip

SPECS = [".0f", ".1f", ".2f", ".3f", ".6f", "g", ".1g", ".3g", ".2e", "e", ".0%", ".1%"]

#: Base-10 logarithms for format_pow10: integers, the plain range's ends, mantissas that round
#: up to 10, past float64 both ways, exact zero and the non-finite.
LOGS = [
    *range(-330, 331, 7), -2.0, 3.0, 3.9999, 4.0, -2.0001, -3.0, math.log10(9.96),
    math.log10(0.0996), math.log10(9996.0), math.log10(2.25), 308.3, -308.0, -6.49, -1.3, 0.0,
    -0.0, -math.inf, math.inf, math.nan,
    *(float(v) for v in rng.uniform(-700, 700, 60)), *(float(v) for v in rng.uniform(-3, 5, 60)),
]  # fmt: skip


def format_cases() -> list[tuple[dict[str, Any], str]]:
    """(job, Python's text) for every format."""
    cases: list[tuple[dict[str, Any], str]] = []
    for value, spec in product(NUMBERS, SPECS):
        cases.append(({"kind": "spec", "value": num(value), "spec": spec}, format(value, spec)))
    for value in (7, 0, -12, 123456789):
        cases.append(({"kind": "spec", "value": value, "spec": ""}, format(value, "")))
        cases.append(({"kind": "spec", "value": value, "spec": "d"}, format(value, "d")))
    for value in NUMBERS:
        positional = np.format_float_positional(value, trim="-")
        cases.append(({"kind": "positional", "value": num(value)}, positional))
        for digits in (1, 2, 3):
            text = formatting.significant(value, digits)
            cases.append(({"kind": "significant", "value": num(value), "digits": digits}, text))
        for places in (0, 1, 2):
            if math.isfinite(value):
                text = formatting.decimals(value, places)
                cases.append(({"kind": "decimals", "value": num(value), "places": places}, text))
    for log10 in LOGS:
        cases.append(({"kind": "pow10", "value": num(log10)}, formatting.format_pow10(log10)))
        cases.append(({"kind": "range_note", "value": num(log10)}, formatting.range_note(log10)))
    return cases


FILLS: list[tuple[str, dict[str, Any]]] = [
    ("W_hh scale {s:.2f}, tanh gain {g:g}, bias {b:g}.", {"s": 0.125, "g": 1e-05, "b": -0.0}),
    ("{ratio:pow10} of the one at t={T}: {verdict}", {"ratio": -6.49, "T": 200, "verdict": "x"}),
    ("w_hh_scale={s:exact.2f}  saturation={g:exact.1f}", {"s": 1.234, "g": 2.25}),
    ('sentence={text:json}', {"text": 'the "cat"\nsat ‖é\t\\ \u0001'}),
    ("{p:.0%} and {q:.1%} of {n}", {"p": 0.955, "q": 0.12345, "n": 12}),
    ("no fields at all", {}),
]  # fmt: skip


def encoded(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: num(v) if isinstance(v, float) else v for name, v in fields.items()}


def test_the_browser_formats_numbers_as_python_does(tmp_path: Path) -> None:
    """Every format spec, format_pow10, significant, decimals, range_note and a template's
    filler, on every number of the grid: the same text."""
    cases = format_cases()
    for template, fields in FILLS:
        job = {"kind": "fill", "template": template, "fields": encoded(fields)}
        cases.append((job, formatting.fill(template, fields)))
    results = run_runner("sentences_runner.mjs", [job for job, _ in cases], tmp_path)
    wrong = [
        (job, python, js) for (job, python), js in zip(cases, results, strict=True) if js != python
    ]
    assert not wrong, f"{len(wrong)} of {len(cases)} differ, e.g. {wrong[:5]}"


def test_the_formats_grid_holds_what_javascript_writes_otherwise() -> None:
    """The grid is not vacuous: Python writes these differently from JavaScript's own toFixed,
    toPrecision and String (which write 0.13, 3, 1e-5, 1e+21 and 0)."""
    assert format(0.125, ".2f") == "0.12"
    assert format(2.5, ".0f") == "2"
    assert format(1e-05, "g") == "1e-05"
    assert format(1e21, ".0f") == "1000000000000000000000"
    assert format(-0.0, ".2f") == "-0.00"
    assert {0.125, 2.5, 1e-05, 1e21} <= set(NUMBERS)
    assert any(value == 0 and math.copysign(1.0, value) < 0 for value in NUMBERS)


def test_a_template_refuses_a_float_without_a_spec_on_both_sides(tmp_path: Path) -> None:
    """A float's text without a spec is Python's repr (``1.0``) but JavaScript's ``1``: the
    fillers refuse it, and a field without a value, alike."""
    with pytest.raises(TypeError, match="is a float"):
        formatting.fill("{x}", {"x": 1.0})
    with pytest.raises(KeyError, match="'y' has no value"):
        formatting.fill("{y}", {})
    jobs = [
        {"kind": "fill", "template": "{x}", "fields": {"x": num(1.5)}},
        {"kind": "fill", "template": "{y}", "fields": {}},
    ]
    float_error, missing = run_runner("sentences_runner.mjs", jobs, tmp_path)
    assert float_error == {"error": 'RangeError: format spec "" is for integers; got 1.5'}
    assert missing == {"error": "RangeError: template field y has no value: {y}"}


# ----------------------------------------------------------------------------------------------
# The sentences of a frame
# ----------------------------------------------------------------------------------------------

#: The sentences the view shows for a frame, which the browser words too.
FRAME_WORDS = ("summary", "stats", "shapes", "caption", "snapshot_name")
INPUTS = ("impulse", "noise", "sine", "sentence")
LENGTHS = (1, 2, 50, 200, 1000)


def explorer_params() -> list[Params]:
    """The explorer's settings: every input at every length, for each cell (the gated cells at
    both gate inits); W_hh scale (0 included) x gain x bias x one or two layers, the inputs and
    lengths in turn; and long sequences whose gradients pass 1e+308 and 1e-308."""
    elman = Params(units=8, seed=3)
    grid = [replace(elman, input_kind=kind, seq_len=T) for kind in INPUTS for T in LENGTHS]
    for k, (scale, gain, bias, layers) in enumerate(
        product((0.0, 0.5, 1.0, 1.6, 3.0), (1.0, 2.5), (0.0, 0.7), (1, 2))
    ):
        grid.append(
            replace(
                elman, input_kind=INPUTS[k % 4], seq_len=LENGTHS[1:][k % 4], w_hh_scale=scale,
                saturation=gain, bias=bias, layers=layers, seed=k, units=(8, 32)[k % 2],
            )
        )  # fmt: skip
    for units, kind, scale, gain, layers in [
        (64, "impulse", 2.5, 5.0, 1), (64, "sentence", 3.0, 5.0, 2), (32, "noise", 1e-6, 1.0, 1),
        (32, "sine", 1e-6, 1.0, 2), (32, "noise", 0.0, 1.0, 2), (32, "noise", 1.234, 2.25, 1),
    ]:  # fmt: skip
        grid.append(
            replace(elman, units=units, input_kind=kind, seq_len=1000, w_hh_scale=scale,
                    saturation=gain, layers=layers, bias=0.3 if layers == 2 else 0.0)
        )  # fmt: skip
    # A sentence the caption must quote: quotes, a backslash, letters beyond ASCII.
    quoted = 'the "cat" sat on a\\mat, café ‖ naïve'
    for cell in ("elman", "gru"):
        grid.append(Params(cell=cell, units=8, input_kind="sentence", sentence=quoted, seq_len=9))
    for k, (cell, kind, T) in enumerate(product(("lstm", "gru"), INPUTS, LENGTHS)):
        grid.append(
            Params(cell=cell, units=8, seed=k % 3, input_kind=kind, seq_len=T,
                   gate_init=("chrono", "constant")[k % 2])
        )  # fmt: skip
    return grid


def network_cases() -> list[FrameCase]:
    """Gated networks that reach what the seeded ones do not: a gradient of exactly zero along
    the LSTM's cell state and through its hidden state, and the GRU's, and past 1e+308."""
    params = [
        Params(cell=cell, units=8, seed=5, input_kind="noise", seq_len=T)
        for cell, T in (("lstm", 50), ("gru", 50), ("lstm", 1000), ("gru", 1000))
    ]
    return [
        FrameCase(p, p.seq_len, network="scaled", scale=scale, bias=bias)
        for p in params
        for scale, bias in ((0.0, -800.0), (1e-6, -30.0), (3.0, 2.0), (12.0, 0.0))
    ] + [FrameCase(Params(cell=c, units=6, seed=1, seq_len=1000), 1000, network="at_rest",
                   scale=s) for c, s in (("lstm", 14.0), ("gru", 14.0))]  # fmt: skip


def matrix(array: Any) -> dict[str, Any]:
    return {"shape": list(np.shape(array)), "data": array}


def twin_frame(frame: Frame) -> dict[str, Any]:
    """Python's numbers of ``frame``, shaped as the twin's frame (js/twin/frame.js)."""
    optional = {
        name: None if value is None else num(value)
        for name, value in (
            ("gradient_ratio_log10_c", frame.gradient_ratio_log10_c),
            ("mean_memory_gate", frame.mean_memory_gate),
        )
    }
    layers = [{"h": matrix(layer.h), "log10_grad_norm": matrix(layer.log10_grad_norm)}
              for layer in frame.layers]  # fmt: skip
    return {
        "layers": layers,
        "gradient_ratio_log10": num(frame.gradient_ratio_log10),
        "saturated_fraction": num(frame.saturated_fraction),
        **optional,
    }


def twin_given(params: Params) -> dict[str, Any]:
    """What the kernel gives the twin for ``params`` (rnnwidget/explorer/twin.py), its unit
    radius an exact number."""
    made = twin.given(params, params.seq_len)
    radius = made["unit_radius"]
    return made | {"unit_radius": None if radius is None else num(radius)}


@dataclass
class Filled:
    """Every template Python filled while wording the grid (sentences.json's, by text)."""

    templates: set[str] = field(default_factory=set)


@pytest.fixture(scope="module")
def sentences(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Python's sentences and the browser's, for every case of the grid, and the templates
    Python filled."""
    filled = Filled()

    def recording(template: str, fields: Any) -> str:
        filled.templates.add(template)
        return formatting.fill(template, fields)

    jobs: list[dict[str, Any]] = []
    expected: list[tuple[str, Any]] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(words, "fill", recording)
        for params in explorer_params():
            frame = compute_frame(params)
            python = {name: words.view_words(frame)[name] for name in FRAME_WORDS}
            spec = {"params": params.as_dict(), "given": twin_given(params)}
            jobs.append({"kind": "words", "frame": twin_frame(frame), **spec})
            expected.append((f"{params} from Python's numbers", python))
            if well_conditioned(frame):
                jobs.append({"kind": "own_words", **spec})
                expected.append((f"{params} from the twin's own frame", python))
        for case in network_cases():
            frame = _expected_frame(case)
            python = {name: words.view_words(frame)[name] for name in ("summary", "stats")}
            spec = {"params": frame.params.as_dict(), "given": {"unit_radius": None}}
            jobs.append({"kind": "words", "frame": twin_frame(frame), **spec})
            expected.append((f"{case.id}: a given network", python))
        for regime, label, params in preset_cases():
            jobs.append(
                {"kind": "preset", "regime": regime_json(regime), "label": label,
                 "params": params.as_dict()}
            )  # fmt: skip
            note = words.preset_note(regime, label, params)
            expected.append((f"{label} {regime} {params}", note))
    results = run_runner("sentences_runner.mjs", jobs, tmp_path_factory.mktemp("sentences"))
    return {"expected": expected, "results": results, "filled": filled.templates}


# ----------------------------------------------------------------------------------------------
# The presets' notes
# ----------------------------------------------------------------------------------------------

LABELS = {preset.name: preset.label for preset in PRESETS}


def preset_cases() -> list[tuple[Regime, str, Params]]:
    """Every preset as it finds its settings for every input at lengths 1, 2, 50 and 200, small
    and larger layers; and regimes made to reach every branch of the notes (W_hh scale 0, each
    side of the edge's 0.95 and 1.05, each verdict, exactly zero, capped or not)."""
    cases = []
    for kind, T, units, name in product(INPUTS, (1, 2, 50, 200), (4, 32), LABELS):
        params = Params(input_kind=kind, seq_len=T, units=units)
        cases.append((presets.find(name, params), LABELS[name], params))
    for name, scale, ratio, capped, units, T in product(
        LABELS, (0.0, 0.5, 0.97, 1.0, 1.06, 1.66, 3.0), (-math.inf, -5.0, -1.5, 0.3, 3.0, 400.0),
        (False, True), (8, 32), (1, 2, 50),
    ):  # fmt: skip
        gain, bias = (4.0 if name == "high_gain" else 1.0), (3.5 if name == "saturated" else 0.0)
        measured = Measurement(ratio, 0.955, 0.4321)
        regime = Regime(name, scale, gain, bias, measured, edge=1.37, capped=capped)
        cases.append((regime, LABELS[name], Params(input_kind="noise", seq_len=T, units=units)))
    return cases


def regime_json(regime: Regime) -> dict[str, Any]:
    """``regime`` as js/twin/presets.js's ``Regime``."""
    measured = {name: num(value) for name, value in regime.measured._asdict().items()}
    return {
        "name": regime.name, "w_hh_scale": num(regime.w_hh_scale),
        "saturation": num(regime.saturation), "bias": num(regime.bias), "measured": measured,
        "edge": None if regime.edge is None else num(regime.edge), "capped": regime.capped,
    }  # fmt: skip


# ----------------------------------------------------------------------------------------------
# The tests
# ----------------------------------------------------------------------------------------------


def test_the_browser_words_every_case_as_the_kernel_does(sentences: dict[str, Any]) -> None:
    """Each sentence of each case the same string: a frame's from Python's numbers and from
    the twin's own frame, a given network's, every preset note."""
    cases = list(zip(sentences["expected"], sentences["results"], strict=True))
    wrong = []
    for (what, python), js in cases:
        if isinstance(python, dict):
            js = {name: js.get(name) for name in python} if isinstance(js, dict) else js
        if js != python:
            wrong.append((what, python, js))
    assert not wrong, f"{len(wrong)} of {len(cases)} differ, e.g. {wrong[:3]}"


def test_the_grid_fills_every_template_the_page_shows(sentences: dict[str, Any]) -> None:
    """Every template of the seeded network's sentences was filled on the way (a trained
    network's marked steps and caption are the kernel's alone)."""
    data = words.SENTENCES
    templates = [
        *(v for k, v in data["summary"].items() if k != "marked_step"),
        *(v for k, v in data["stats"].items() if k != "separator"),
        data["shapes"],
        *(v for k, v in data["caption"]["items"].items() if k != "trained"),
        data["snapshot_name"]["elman"], data["snapshot_name"]["gated"],
        *(v for k, v in data["preset_note"].items() if isinstance(v, str)),
    ]  # fmt: skip
    assert set(templates) - sentences["filled"] == set()


def test_the_grid_reaches_past_float64_and_exact_zeros(sentences: dict[str, Any]) -> None:
    """The summaries compared include gradients beyond float64 both ways and exactly zero, for
    the Elman cell in one and two layers, the GRU and the LSTM (along c and through h)."""
    summaries = [
        python["summary"] for _, python in sentences["expected"] if isinstance(python, dict)
    ]
    for needle in (
        "(beyond float64 (> 1e308))", "(underflows float64 (< 1e-308))", "In layer 1, no gradient",
        "No gradient reaches", "In the GRU, no gradient", "In layer 1, the gradient reaching",
        "along the cell state, ‖dL/dc_1‖, is none", "‖dL/dh_1‖ is none",
    ):  # fmt: skip
        assert any(needle in summary for summary in summaries), needle
    own = [what for what, _ in sentences["expected"] if what.endswith("the twin's own frame")]
    assert len(own) >= 0.7 * len(explorer_params())
