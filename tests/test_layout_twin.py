"""The browser twin's layout (js/twin/layout.js) places and writes what the kernel's does.

For a frame B, the twin is given the layout the kernel sent for another setting A of the same
cell and layers (its template: other units, input, length and knobs, other exact zeros), the
twin's frame for B and B's settings; what it returns must equal ``view_layout(frame B)``: every
word, height and tick exactly, the colour scales (and the colour ticks at their ends) to 1e-9
relative, with and without the ``gradient_range`` and ``norm_range`` that ``hold_scales`` and
``compare`` fix.

The grid (generated here, at test time): every cell x input x length (1, 2, 50, 200, 1000) at
4 to 64 units, the Elman cell's W_hh scales (0 included) x gains x biases at one and two layers,
every cell in a column of ``compare()`` (its rows shared with the others'); each with none, one
or both of the fixed ranges. One Node process (tests/layout_runner.mjs)
refreshes every layout twice: for the twin's frame from numpy's states (every case) and from
the twin's own forward pass (where that pass is well conditioned: in the chaotic regimes no
float64 program reproduces numpy's states, see tests/test_twin.py). From its own pass the
gradients' colour scale starts at the 1st percentile of every per-unit logarithm, which a
forward pass rounded differently moves by more than 1e-9 of itself; it is held, as test_twin
holds it, within 1e-9 of the largest gradient.

The rules of rnnwidget/_axes.py (js/twin/axes.js) and the tick formats (js/common/format.js)
are also compared directly over every length, row count and decade range the explorer can show,
and the notes on exact zeros (filled on both sides from ``ZERO_WORDS``) over every shape of run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from rnnwidget._axes import decade_labels, decade_ticks, row_ticks, time_ticks
from rnnwidget.explorer import twin
from rnnwidget.explorer.frame import CELLS, Frame, Params, compute_frame
from rnnwidget.explorer.layout import ZERO_WORDS, shared_rows, view_layout, zero_steps
from rnnwidget.formatting import format_tick

from .node import run_runner, run_script
from .test_twin import _trace, scalar_log_error, state_error, well_conditioned

RTOL = 1e-9

# ----------------------------------------------------------------------------------------------
# The cases
# ----------------------------------------------------------------------------------------------

INPUTS = ("impulse", "noise", "sine", "sentence")
LENGTHS = (1, 2, 50, 200, 1000)
#: The fixed ranges a case is refreshed with, in turn: none, the gradients' colour scale, the
#: chart's range, both.
RANGES: tuple[tuple[tuple[float, float] | None, tuple[int, int] | None], ...] = (
    (None, None),
    ((-12.3, 1.7), None),
    (None, (-20, 5)),
    ((-300.5, 0.0), (-400, 40)),
)


@dataclass(frozen=True)
class Case:
    params: Params
    ranges: int  # which of RANGES
    rows: bool = False  # lined up with other explorers' columns (ROWS), as compare() does

    @property
    def id(self) -> str:
        p = self.params
        knobs = f"{p.cell}-{p.input_kind}-T{p.seq_len}-u{p.units}-L{p.layers}"
        if p.cell == "elman":
            knobs += f"-s{p.w_hh_scale:g}-g{p.saturation:g}-b{p.bias:g}"
        return f"{knobs}-r{self.ranges}" + ("-rows" if self.rows else "")


def _cases() -> list[Case]:
    params: list[Params] = []
    k = 0
    for cell in ("elman", "lstm", "gru"):
        for kind in INPUTS:
            for T in LENGTHS:
                units = (4, 8, 32, 64)[k % 4]
                params.append(Params(cell=cell, input_kind=kind, seq_len=T, units=units, seed=k))
                k += 1
    for scale in (0.0, 1e-6, 0.5, 1.0, 1.6, 3.0):
        for gain in (0.3, 1.0, 2.5):
            for bias in (0.0, 0.7):
                params.append(
                    Params(
                        input_kind=INPUTS[k % 4], seq_len=(50, 200)[k % 2], units=(8, 32)[k % 2],
                        w_hh_scale=scale, saturation=gain, bias=bias, layers=1 + k // 2 % 2,
                        seed=k,
                    )
                )  # fmt: skip
                k += 1
    # Exact zeros past the first step at every length, in one layer and in two.
    for T in LENGTHS:
        for layers in (1, 2):
            params.append(Params(input_kind="noise", seq_len=T, w_hh_scale=0.0, layers=layers))
    cases = [Case(p, ranges=i % len(RANGES)) for i, p in enumerate(params)]
    # In a column of compare(): every cell at one and two layers, the rows shared.
    for i, cell in enumerate(("elman", "lstm", "gru")):
        for layers in (1, 2) if cell == "elman" else (1,):
            p = Params(cell=cell, input_kind=INPUTS[i], seq_len=200, layers=layers, seed=i)
            cases.append(Case(p, ranges=(i + layers) % len(RANGES), rows=True))
    return cases


#: The rows of a comparison of every cell, the Elman cell's two layers included.
ROWS = shared_rows(
    [compute_frame(Params(cell=cell, seq_len=1, layers=1 + (cell == "elman"))) for cell in CELLS]
)


CASES = _cases()


def _template_for(case: Case) -> Case:
    """Another case of the same cell and layers, at another length: the template's layout."""
    same = [
        other
        for other in CASES
        if (other.params.cell, other.params.layers) == (case.params.cell, case.params.layers)
        and other.params.seq_len != case.params.seq_len
        and other.rows == case.rows
    ] or [
        other
        for other in CASES
        if (other.params.cell, other.params.layers) == (case.params.cell, case.params.layers)
        and other.params.seq_len != case.params.seq_len
    ]
    return same[(CASES.index(case) * 7) % len(same)]


def _layout(frame: Frame, ranges: int, rows: bool = False) -> dict[str, Any]:
    gradient_range, norm_range = RANGES[ranges]
    return view_layout(
        frame, gradient_range=gradient_range, norm_range=norm_range, rows=ROWS if rows else None
    )


def _spec(case: Case, frame: Frame, template: dict[str, Any]) -> dict[str, Any]:
    p = case.params
    made = twin.given(p, p.seq_len)
    given = {"x": made["x"], "timesteps": p.seq_len, "features": made["features"]}
    gradient_range, norm_range = RANGES[case.ranges]
    knobs = ("cell", "seq_len", "w_hh_scale", "saturation", "bias", "layers")
    return {
        "kind": "layout",
        "id": case.id,
        "params": {knob: getattr(p, knob) for knob in knobs},
        "given": given | {"layers": made["layers"]},
        "traces": [_trace(layer.trace) for layer in frame.layers],
        "template": template,
        "gradient_range": gradient_range,
        "norm_range": norm_range,
    }


#: Runs of exact zeros of every shape: (curves, steps) patterns of -inf.
ZERO_PATTERNS: dict[str, list[list[bool]]] = {
    "every": [[True] * 5],
    "before": [[True, True, True, False]],
    "after": [[False, True, True, True]],
    "one": [[False, True, False, False]],
    "between": [[False, True, True, False, False]],
    "one step in all": [[True]],
    "two curves": [
        [True, True, True, False, False, True, False],
        [True, False, True, True, False, True, True],
    ],
    "three curves": [
        [True, True, False, False, True, True, False, True],
        [False, True, True, False, True, False, False, True],
        [True, True, True, True, False, False, False, True],
    ],
    "none": [[False, False, False], [False, False, False]],
}
SYMBOLS = ("‖dL/dh1_t‖", "‖dL/dh2_t‖", "‖dL/dc_t‖")


def _zero_curves(pattern: list[list[bool]]) -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(len(pattern[0]))
    return [
        (symbol, np.where(row, -np.inf, rng.normal(-3.0, 2.0, len(row))))
        for symbol, row in zip(SYMBOLS, pattern, strict=False)
    ]


@dataclass
class Run:
    frames: dict[str, Frame]
    conditioned: dict[str, bool]
    templates: dict[str, str]  # the template's case, by case
    results: dict[str, Any]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("layout")
    frames = {case.id: compute_frame(case.params) for case in CASES}
    specs: list[dict[str, Any]] = []
    templates: dict[str, str] = {}
    for case in CASES:
        source = _template_for(case)
        other_ranges = (source.ranges + 1) % len(RANGES)  # the template's fixed ranges differ
        template = _layout(frames[source.id], other_ranges, case.rows)
        specs.append(_spec(case, frames[case.id], template))
        templates[case.id] = source.id
    for name, pattern in ZERO_PATTERNS.items():
        curves = [{"symbol": s, "logs": logs} for s, logs in _zero_curves(pattern)]
        specs.append({"kind": "zeros", "id": name, "curves": curves, "words": ZERO_WORDS})
    results = run_runner("layout_runner.mjs", specs, folder)
    conditioned = {name: well_conditioned(frame) for name, frame in frames.items()}
    return Run(frames, conditioned, templates, results)


# ----------------------------------------------------------------------------------------------
# The comparison
# ----------------------------------------------------------------------------------------------


def compare_layouts(js: dict[str, Any], py: dict[str, Any], own_forward: bool) -> None:
    """Every key of ``py`` equal in ``js`` (JSON both), exactly, but the heatmaps' colour
    scales and the colour ticks at their ends: a gradient's (logarithms) such that the
    magnitudes agree to 1e-9 (from the twin's own forward pass, the lower end within 1e-9 of
    the largest gradient), a state's to 1e-9 of its largest magnitude."""
    py = json.loads(json.dumps(py))  # as the browser receives it
    js = json.loads(json.dumps(js))  # a copy: the panels' scales are taken out below
    assert set(js) == set(py)
    assert [panel["name"] for panel in js["heatmaps"]] == [p["name"] for p in py["heatmaps"]]
    for js_panel, py_panel in zip(js["heatmaps"], py["heatmaps"], strict=True):
        name = py_panel["name"]
        js_scale, py_scale = js_panel.pop("scale"), py_panel.pop("scale")
        js_ticks, py_ticks = js_panel.pop("colour_ticks"), py_panel.pop("colour_ticks")
        assert js_panel == py_panel, name
        assert [text for _, text in js_ticks] == [text for _, text in py_ticks], name
        if py_panel["log"]:
            (js_lo, js_hi), (lo, hi) = js_scale, py_scale
            if own_forward:
                low = abs(10.0 ** (js_lo - hi) - 10.0 ** (lo - hi))
            else:
                low = scalar_log_error(js_lo, lo)
            assert max(low, scalar_log_error(js_hi, hi)) <= RTOL, name
            assert [d for d, _ in js_ticks] == [d for d, _ in py_ticks], name  # whole decades
        else:
            assert state_error(np.array(js_scale), np.array(py_scale)) <= RTOL, name
            js_values = np.array([v for v, _ in js_ticks])
            py_values = np.array([v for v, _ in py_ticks])
            assert state_error(js_values, py_values) <= RTOL, name
    for key in py:
        if key != "heatmaps":
            assert js[key] == py[key], key


# ----------------------------------------------------------------------------------------------
# The tests
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_the_twins_layout_equals_the_kernels(run: Run, case: Case) -> None:
    expected = _layout(run.frames[case.id], case.ranges, case.rows)
    template = _layout(run.frames[run.templates[case.id]], 0, case.rows)
    assert template != expected  # the template alone would not pass
    result = run.results[case.id]
    compare_layouts(result["from_traces"], expected, own_forward=False)
    if run.conditioned[case.id]:
        compare_layouts(result["own"], expected, own_forward=True)


def test_the_grid_reaches_what_the_layout_must_follow(run: Run) -> None:
    """The grid holds exact zeros in one and two layers, charts past float64 both ways, and
    frames compared from the twin's own forward pass as well as from numpy's states."""
    layouts = [_layout(run.frames[case.id], case.ranges) for case in CASES]
    notes = {zero["note"] for layout in layouts for zero in layout["chart"]["zeros"]}
    assert "‖dL/dh_t‖ = 0 exactly for t < 1000" in notes
    assert "‖dL/dh1_t‖ and ‖dL/dh2_t‖ = 0 exactly for t < 200" in notes
    ranges = [layout["chart"]["range"] for layout in layouts]
    assert min(lo for lo, _ in ranges) < -308
    assert max(hi for _, hi in ranges) > 10
    assert sum(run.conditioned.values()) >= 0.7 * len(CASES)


@pytest.mark.parametrize("name", ZERO_PATTERNS)
def test_the_notes_on_exact_zeros_are_the_kernels(run: Run, name: str) -> None:
    """Every shape of run (every t, before, after, one step, between; one to three curves)
    gets the kernel's steps and words."""
    runs = zero_steps(_zero_curves(ZERO_PATTERNS[name]))
    expected = [{"first": r.first, "last": r.last, "note": r.note} for r in runs]
    assert run.results[name] == expected
    assert (name == "none") == (not expected)


def test_the_axes_rules_are_the_kernels() -> None:
    """js/twin/axes.js against rnnwidget/_axes.py and js/common/format.js against formatting.py:
    the time ticks of every length to 5,000, the row ticks of every count to 300, the labelled
    decades of every range the chart draws, colour-bar decades of any range, and two-digit
    colour ticks of floats of every size, ties (0.125, 2.5) rounded to even as Python does."""
    rng = np.random.default_rng(0)
    data = {
        "T": list(range(1, 5001)),
        "rows": list(range(1, 301)),
        "decades": [[lo, hi] for lo in range(-700, 60, 7) for hi in range(lo, 700, 11)],
        "ranges": [sorted(rng.normal(0.0, 100.0, 2).tolist()) for _ in range(3000)],
        "values": [
            *rng.normal(0.0, 3.0, 3000).tolist(),
            *(k / 16 for k in range(-160, 161)),
            *(10.0 ** rng.uniform(-12.0, 25.0, 500)).tolist(),
            0.125, -0.375, 2.5, 1e-7, 1.5e-7, 3.25e22,
        ],
    }  # fmt: skip
    script = """
    import { readFileSync } from "node:fs";
    import * as axes from "./js/twin/axes.js";
    import { formatTick } from "./js/common/format.js";
    const data = JSON.parse(readFileSync(0, "utf8"));
    console.log(JSON.stringify({
      T: data.T.map((T) => axes.timeTicks(T)),
      rows: data.rows.map((rows) => axes.rowTicks(rows)),
      decades: data.decades.map(([lo, hi]) => axes.decadeLabels(lo, hi)),
      ranges: data.ranges.map(([lo, hi]) => axes.decadeTicks(lo, hi)),
      values: data.values.map((value) => formatTick(value)),
    }));
    """
    js = run_script(script, data)
    assert js["T"] == [time_ticks(T) for T in data["T"]]
    assert js["rows"] == [row_ticks(rows) for rows in data["rows"]]
    assert js["decades"] == [[list(t) for t in decade_labels(lo, hi)] for lo, hi in data["decades"]]
    assert js["ranges"] == [decade_ticks(lo, hi) for lo, hi in data["ranges"]]
    assert js["values"] == [format_tick(value) for value in data["values"]]
    assert format_tick(0.125) == "0.12"  # the ties are in the grid


def test_a_wrong_rule_fails(run: Run) -> None:
    """The comparison is not vacuous: the template's own chart, or a colour scale 1e-8 off,
    fails it."""
    case = next(c for c in CASES if c.params.seq_len == 1000 and c.ranges == 0)
    expected = _layout(run.frames[case.id], case.ranges)
    good = run.results[case.id]["from_traces"]
    template = _layout(run.frames[run.templates[case.id]], 0)
    with pytest.raises(AssertionError):
        compare_layouts({**good, "chart": template["chart"]}, expected, own_forward=False)
    off = json.loads(json.dumps(good))
    off["heatmaps"][0]["scale"] = [v * (1 + 1e-8) for v in off["heatmaps"][0]["scale"]]
    with pytest.raises(AssertionError):
        compare_layouts(off, expected, own_forward=False)
    compare_layouts(good, expected, own_forward=False)
