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

import base64
import json
import math
import subprocess
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rnnwidget import formatting

ROOT = Path(__file__).resolve().parent.parent
NODE = "node"


def num(value: float) -> dict[str, str]:
    """A number, exactly, as the runner reads it."""
    return {"num": repr(float(value))}


def f8(array: Any) -> dict[str, str]:
    """A float64 array, bit for bit, as the runner reads it."""
    data = np.ascontiguousarray(array, dtype="<f8")
    return {"f8": base64.b64encode(data.tobytes()).decode("ascii")}


def run_node(jobs: list[dict[str, Any]], folder: Path) -> list[Any]:
    """What the browser's code writes for each job, in order."""
    path, results = folder / "jobs.json", folder / "results.json"
    path.write_text(json.dumps(jobs), "utf-8")
    subprocess.run(
        [NODE, str(ROOT / "tests" / "sentences_runner.mjs"), str(path), str(results)],
        check=True, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(results.read_text("utf-8"))


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


def test_the_browser_formats_numbers_as_python_does(tmp_path: Path) -> None:
    cases = format_cases()
    cases += [
        ({"kind": "fill", "template": t, "fields": {k: num(v) if isinstance(v, float) else v
                                                    for k, v in fields.items()}},
         formatting.fill(t, fields))
        for t, fields in FILLS
    ]  # fmt: skip
    results = run_node([job for job, _ in cases], tmp_path)
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
    assert {0.125, 2.5, 1e-05, 1e21, -0.0} <= set(NUMBERS)


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
    float_error, missing = run_node(jobs, tmp_path)
    assert float_error == {"error": 'RangeError: format spec "" is for integers; got 1.5'}
    assert missing == {"error": "RangeError: template field y has no value: {y}"}
