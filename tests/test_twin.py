"""The browser twin (js/twin) computes the explorer's numbers as the Python does.

Cases are generated here, at test time, from the Python itself: the explorer's frames
(:func:`rnnwidget.explorer.frame.compute_frame`) over cells x inputs x W_hh scales x gains x
biases x lengths (1, 2, 50, 1000) x one or two layers, reaching gradients past float64's range
both ways (1e+338 in the explorer's own Elman frames, 1e+476 and 1e+601 in cells at rest;
1e-6000) and exact zeros; and the log-space recursion
(:func:`rnnwidget.cells.log_gradients.log10_gradients`) called directly, with a direct gradient
on every step (scaled past float64 as a layer below receives it), the LSTM's dc, an input
gradient and each pass forced; and ``measure``, the headline numbers a preset's search reads.
One Node process (tests/twin_runner.mjs) runs the twin on every case; numpy is the reference.

What is held to what:

- Exact: where a gradient is exactly zero (-inf in logarithms), ``saturated_fraction``, and
  the states the twin is given.
- 1e-9 relative, everything else: a state (h, c, a gate, a norm, a mean) within 1e-9 of the
  largest magnitude in its array; a gradient's logarithm such that the gradient is within 1e-9
  of the largest at its step (per unit) or of itself (a norm, a ratio). Neither side is exact:
  numpy's matrix products (OpenBLAS, summed in its own order with fused multiply-adds), its exp
  and tanh round differently from JavaScript's loops and Math functions, by an ulp or so; and
  the gated cells' tanh, ``2 sigmoid(2 z) - 1``, holds an ulp of 1, not of tanh(z), so a state
  decayed to 1e-20 is held within its array's largest, not within itself.

A frame is compared twice. From the twin's own forward pass, wherever that pass is well
conditioned: where numpy's own states move by more than 1e-12 when W_hh moves by 1e-15 (the
chaotic regimes in which gradients explode, every explorer frame past 1e+308 among them),
rounding alone decides the states, and no other float64 program reproduces them. And from
numpy's forward pass (``frameOfTraces``), for every case: the gradients and every number
derived from the states, the exploding ones included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pytest

from rnnwidget.cells import GRU, LSTM, SimpleRNN
from rnnwidget.cells.inputs import make_input
from rnnwidget.cells.log_gradients import log10_gradients
from rnnwidget.explorer import twin
from rnnwidget.explorer.frame import FEATURES, Frame, Network, Params, compute_frame, measure

from .node import run_runner, run_script

RTOL = 1e-9
LN10 = math.log(10.0)

# ----------------------------------------------------------------------------------------------
# The cases
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameCase:
    """One explorer frame for ``params``, or for a given network (:class:`Network`):

    - ``"scaled"``: the gated cell the explorer builds, W_hh times ``scale``, every bias plus
      ``bias``;
    - ``"at_rest"``: a cell whose states stay exactly 0 on zero input (zero biases), with
      ``scale`` times an orthogonal matrix where the gradient passes back (the Elman cell's
      W_hh, the gated cells' candidate block), so that the gradient grows by a constant factor
      per step: past 1e+308 with numpy's states and the twin's alike exactly 0.
    """

    params: Params
    given_length: int  # the input the twin is given: at least params.seq_len steps
    network: str | None = None
    scale: float = 1.0
    bias: float = 0.0

    @property
    def id(self) -> str:
        p = self.params
        knobs = f"{p.cell}-{p.input_kind}-T{p.seq_len}-u{p.units}"
        if self.network is not None:
            return f"{p.cell}-{self.network}-T{p.seq_len}-u{p.units}-s{self.scale:g}-b{self.bias:g}"
        if p.cell == "elman":
            return knobs + f"-s{p.w_hh_scale:g}-g{p.saturation:g}-b{p.bias:g}-L{p.layers}"
        return knobs + f"-{p.gate_init}"


def _frame_cases() -> list[FrameCase]:
    cases: list[FrameCase] = []
    inputs = ("impulse", "noise", "sine", "sentence")
    lengths = (1, 2, 50, 1000)
    elman = Params(units=8, seed=3)
    # Every input at every length.
    for k, kind in enumerate(inputs):
        for T in lengths:
            params = replace(elman, input_kind=kind, seq_len=T)
            cases.append(FrameCase(params, given_length=T + 5 * (k % 2)))
    # W_hh scale x gain x bias, two layers as well as one (T = 50, the inputs in turn).
    k = 0
    for scale in (0.0, 1e-6, 0.5, 1.0, 1.6, 3.0):
        for gain in (0.3, 1.0, 2.5):
            for bias in (0.0, 0.7):
                layers = 1 + k % 2
                kind = inputs[k % 4]
                params = replace(
                    elman, input_kind=kind, seq_len=50, w_hh_scale=scale, saturation=gain,
                    bias=bias, layers=layers, seed=k,
                )  # fmt: skip
                cases.append(FrameCase(params, given_length=50))
                k += 1
    # Long sequences: vanishing past 1e-308 (scale 1e-6), exploding past 1e+308 (scale 2.5 with
    # gain 5 at 64 units reaches 1e+338), exact zeros (scale 0), one and two layers.
    for units, kind, scale, gain, layers in [
        (32, "noise", 0.0, 1.0, 1), (32, "noise", 1e-6, 1.0, 1), (32, "sine", 1e-6, 1.0, 2),
        (32, "noise", 0.9, 1.0, 1), (32, "sentence", 1.0, 2.5, 1), (32, "noise", 3.0, 1.0, 1),
        (32, "impulse", 3.0, 1.0, 2), (64, "impulse", 2.5, 5.0, 1), (64, "sentence", 3.0, 5.0, 2),
    ]:  # fmt: skip
        params = replace(
            elman, units=units, input_kind=kind, seq_len=1000, w_hh_scale=scale,
            saturation=gain, layers=layers, bias=0.3 if layers == 2 else 0.0,
        )  # fmt: skip
        cases.append(FrameCase(params, given_length=1000))
    cases.append(FrameCase(replace(elman, units=1, seq_len=50, w_hh_scale=1.5), given_length=50))
    # The gated cells as the explorer builds them: every input, length and gate init.
    for cell in ("lstm", "gru"):
        for k, kind in enumerate(inputs):
            for T in lengths:
                init = ("chrono", "constant")[(k + T) % 2]
                params = Params(
                    cell=cell, units=8, seed=k, input_kind=kind, seq_len=T, gate_init=init
                )
                cases.append(FrameCase(params, given_length=T))
        # Their weights changed: W_hh scaled, biases moved (-30: forgetting fast, past 1e-308;
        # -800 with W_hh 0: gates of exactly 0, so gradients of exactly 0).
        for scale, bias, T in [
            (0.0, 0.0, 50), (1e-6, 0.0, 50), (3.0, -2.0, 50), (3.0, 2.0, 1000), (12.0, 0.0, 1000),
            (1e-6, -30.0, 1000), (0.0, -800.0, 50),
        ]:  # fmt: skip
            params = Params(cell=cell, units=8, seed=5, input_kind="noise", seq_len=T)
            cases.append(FrameCase(params, T, network="scaled", scale=scale, bias=bias))
    # At rest: gradients that grow by 3 (Elman: 1e+476 at T = 1000) or 4 (gated) per step.
    for cell, scale in (("elman", 3.0), ("lstm", 14.0), ("gru", 14.0)):
        params = Params(cell=cell, units=6, seed=1, seq_len=1000)
        cases.append(FrameCase(params, 1000, network="at_rest", scale=scale))
    return cases


FRAME_CASES = _frame_cases()


@dataclass(frozen=True)
class RecursionCase:
    """:func:`log10_gradients` called directly on a layer of ``cell``: a direct gradient of
    size 10**``magnitude`` on every step, the LSTM's dc too, with the input gradient and the
    pass ``log_space`` (None: the default choice)."""

    cell: str
    magnitude: float
    log_space: bool | None
    with_dc: bool = False
    dh_scale: bool = False  # dh given as 10**scale[t] * dh[t], as a layer below receives it
    seq_len: int = 40
    id: str = field(default="", compare=False)


RECURSION_CASES = [
    RecursionCase(cell, magnitude, log_space, with_dc, dh_scale, id=f"{cell}-{magnitude:g}-{ls}")
    for cell in ("elman", "lstm", "gru")
    for magnitude, log_space, with_dc, dh_scale, ls in [
        (0.0, None, False, False, "default"),
        (0.0, True, cell == "lstm", False, "log-space"),
        (0.0, False, cell == "lstm", False, "plain"),
        (5.0, None, cell == "lstm", True, "scaled-plain"),
        (-200.0, None, cell == "lstm", True, "scaled"),
        (250.0, None, False, True, "scaled-large"),
    ]
]

#: What a preset's search measures (``measure``, the Elman cell at T = 100): settings that
#: vanish, hold, grow and saturate, one and two layers; each forward pass well conditioned, so
#: the twin's own forward pass is compared.
MEASURE_CASES = [
    replace(Params(units=32, seq_len=100), input_kind=kind, w_hh_scale=scale, saturation=gain,
            bias=bias, layers=layers, seed=seed)
    for kind, scale, gain, bias, layers, seed in [
        ("noise", 0.5, 1.0, 0.0, 1, 0), ("sentence", 1.0, 1.0, 0.0, 2, 1),
        ("noise", 0.9, 3.0, 0.7, 1, 0), ("sine", 1.1, 1.5, 0.0, 1, 0),
        ("impulse", 0.3, 8.0, 0.7, 1, 0), ("sine", 1.2, 0.3, 0.7, 2, 1),
    ]
]  # fmt: skip


def _measure_id(params: Params) -> str:
    p = params
    return f"measure-{p.input_kind}-s{p.w_hh_scale:g}-g{p.saturation:g}-b{p.bias:g}-L{p.layers}"


# ----------------------------------------------------------------------------------------------
# Building the cases in Python
# ----------------------------------------------------------------------------------------------


def _weights(model: Any) -> dict[str, Any]:
    names = ("W_xh", "W_hh", "b_xh", "b_hh") if isinstance(model, GRU) else ("W_xh", "W_hh", "b")
    weights = {name: getattr(model, name) for name in names}
    return {**weights, "units": model.units, "features": model.features}


def _trace(trace: Any) -> dict[str, Any]:
    """A trace's arrays of the one sequence, by their names (the twin's traces have the same)."""
    names = ("x", "h0", "c0", "h", "c", "i", "f", "g", "o", "tanh_c", "r", "z", "n")
    arrays = {name: getattr(trace, name)[0] for name in names if hasattr(trace, name)}
    return {**arrays, "timesteps": trace.timesteps}


def _network(case: FrameCase) -> Network:
    """The given network of ``case`` (see :class:`FrameCase`)."""
    p = case.params
    kind: Any = {"elman": SimpleRNN, "lstm": LSTM, "gru": GRU}[p.cell]
    bias_names = {"elman": ("b",), "lstm": ("b",), "gru": ("b_xh", "b_hh")}[p.cell]
    if case.network == "scaled":
        model = kind(FEATURES, p.units, seed=p.seed, init=p.gate_init)
        weights = {"W_xh": model.W_xh, "W_hh": case.scale * model.W_hh}
        for name in bias_names:
            weights[name] = getattr(model, name) + case.bias
        x = make_input(p.input_kind, p.seq_len, FEATURES, seed=p.seed)[0]
    else:
        rng = np.random.default_rng(p.seed)
        gates = kind.gates
        q, _ = np.linalg.qr(rng.normal(size=(p.units, p.units)))
        W_hh = rng.normal(0.0, 0.3, (gates * p.units, p.units))
        block = slice(0, p.units) if gates == 1 else slice(2 * p.units, 3 * p.units)
        W_hh[block] = case.scale * q  # the candidate's block (g, n), or the Elman W_hh
        weights = {"W_xh": rng.normal(size=(gates * p.units, FEATURES)), "W_hh": W_hh}
        for name in bias_names:
            weights[name] = np.zeros(gates * p.units)
        x = np.zeros((p.seq_len, FEATURES))
    units = p.units
    return Network(
        cell=p.cell, weights=weights, saturation=1.0, x=x,
        loss_gradient=lambda h_T: np.full_like(h_T, 1.0 / np.sqrt(units)),  # the explorer's
        marks=(), step=0, caption="", description="",
    )  # fmt: skip


def _expected_frame(case: FrameCase) -> Frame:
    if case.network is None:
        return compute_frame(case.params)
    network = _network(case)
    # The Elman cell's W_hh scale is its spectral radius: at its own, W_hh crosses unchanged.
    return compute_frame(replace(case.params, w_hh_scale=network.spectral_radius or 1.0), network)


def _frame_case(case: FrameCase) -> tuple[dict[str, Any], Frame]:
    """What the twin is given for ``case``, and the Python frame it must equal."""
    p = case.params
    frame = _expected_frame(case)
    knobs = {knob: getattr(p, knob) for knob in ("cell", "seq_len", "saturation", "layers")}
    knobs.update(w_hh_scale=p.w_hh_scale, bias=p.bias)
    if case.network is not None:  # the network's weights, as they are
        x = frame.x
        layers = [_weights(frame.model)]
        knobs.update(w_hh_scale=1.0, bias=0.0, seq_len=len(x))
        if p.cell == "elman":
            layers[0]["bias_signs"] = np.ones(p.units)  # bias 0: the signs do not count
    else:  # what the explorer gives the twin: the discrete settings' weights and input
        made = twin.given(p, case.given_length)
        x, layers = made["x"], made["layers"]
    given = {"x": x, "timesteps": len(x), "features": FEATURES, "layers": layers}
    spec = {
        "kind": "frame",
        "id": case.id,
        "params": knobs,
        "given": given,
        "traces": [_trace(layer.trace) for layer in frame.layers],
    }
    return spec, frame


def _measure_case(params: Params) -> dict[str, Any]:
    """What the twin is given to measure ``params``: the explorer's given, as a frame's."""
    made = twin.given(params, params.seq_len)
    knobs = {k: getattr(params, k) for k in ("cell", "seq_len", "w_hh_scale", "saturation")}
    knobs.update(bias=params.bias, layers=params.layers)
    given = {
        "x": made["x"],
        "timesteps": params.seq_len,
        "features": FEATURES,
        "layers": made["layers"],
    }
    return {"kind": "measure", "id": _measure_id(params), "params": knobs, "given": given}


#: Runs of settings through one FrameSource (js/twin/frame.js), by cell: each step's knobs, and
#: whether the source holds the forward pass that step needs. A gated cell's first frame runs
#: the whole given input (300 steps here); the Elman cell's runs as long as asked, for its knobs.
SOURCE_RUNS: dict[str, list[tuple[dict[str, Any], bool]]] = {
    "lstm": [({"seq_len": 200}, False), ({"seq_len": 201}, True), ({"seq_len": 300}, True),
             ({"seq_len": 1}, True)],
    "gru": [({"seq_len": 50}, False), ({"seq_len": 299}, True), ({"seq_len": 7}, True)],
    "elman": [
        ({"seq_len": 100}, False), ({"seq_len": 60}, True),  # shorter: its first steps
        ({"seq_len": 120}, False),  # longer than the run kept
        ({"seq_len": 120, "w_hh_scale": 1.3}, False), ({"seq_len": 40, "w_hh_scale": 1.3}, True),
        ({"seq_len": 40, "w_hh_scale": 1.3, "saturation": 2.0}, False),
        ({"seq_len": 40, "w_hh_scale": 1.3, "saturation": 2.0, "bias": 0.5}, False),
        ({"seq_len": 30, "w_hh_scale": 1.3, "saturation": 2.0, "bias": 0.5, "layers": 2}, False),
        ({"seq_len": 20, "w_hh_scale": 1.3, "saturation": 2.0, "bias": 0.5, "layers": 2}, True),
        ({"seq_len": 20, "w_hh_scale": 0.0}, False), ({"seq_len": 10, "w_hh_scale": -0.0}, False),
    ],
}  # fmt: skip


def _source_case(cell: str) -> dict[str, Any]:
    layers = 2 if cell == "elman" else 1
    params = Params(cell=cell, units=8, seed=3, input_kind="noise", layers=layers)
    made = twin.given(params, 300)
    base = {"cell": cell, "w_hh_scale": 1.0, "saturation": 1.0, "bias": 0.0, "layers": 1}
    sequence = [base | knobs for knobs, _ in SOURCE_RUNS[cell]]
    given = {"x": made["x"], "timesteps": 300, "features": FEATURES, "layers": made["layers"]}
    return {"kind": "source", "id": f"source-{cell}", "sequence": sequence, "given": given}


def _recursion_model(case: RecursionCase) -> tuple[Any, Any]:
    rng = np.random.default_rng(7)
    units = 6
    if case.cell == "elman":
        model: Any = SimpleRNN(FEATURES, units, w_hh_scale=1.2, saturation=1.3, seed=1)
        model = SimpleRNN.from_weights(
            model.W_xh, model.W_hh, rng.normal(0, 0.3, units), saturation=1.3
        )
    elif case.cell == "lstm":
        model = LSTM(FEATURES, units, seed=1)
    else:
        model = GRU(FEATURES, units, seed=1)
    x = make_input("noise", case.seq_len, FEATURES, seed=2)
    return model, model.forward(x)


def _recursion_case(case: RecursionCase) -> tuple[dict[str, Any], Any]:
    model, trace = _recursion_model(case)
    rng = np.random.default_rng(11)
    shape = trace.h.shape
    dh = rng.normal(size=shape) * 10.0 ** (0.0 if case.dh_scale else case.magnitude)
    dh[0, rng.integers(0, shape[1])] = 0.0  # a step with no direct gradient
    dc = rng.normal(size=shape) if case.with_dc else None
    scale = None
    if case.dh_scale:
        scale = np.full(shape[1], case.magnitude) + rng.normal(size=shape[1])
        scale[-3] = -np.inf  # a step whose direct gradient is exactly zero
    logs = log10_gradients(
        model, trace, dh, dc, dh_log10_scale=scale, input_gradient=True, log_space=case.log_space
    )
    weights = _weights(model)
    if case.cell == "elman":
        weights["saturation"] = model.saturation
    options: dict[str, Any] = {"inputGradient": True, "logSpace": case.log_space}
    if dc is not None:
        options["dc"] = dc[0]
    if scale is not None:
        options["dhLog10Scale"] = scale
    spec = {
        "kind": "recursion",
        "id": case.id,
        "cell": case.cell,
        "weights": weights,
        "trace": _trace(trace),
        "dh": dh[0],
        "options": options,
    }
    return spec, logs


# ----------------------------------------------------------------------------------------------
# One Node run for every case
# ----------------------------------------------------------------------------------------------


@dataclass
class Run:
    frames: dict[str, Frame]  # the Python's, by case id
    conditioned: dict[str, bool]  # whether each frame's forward pass is well conditioned
    recursions: dict[str, Any]  # the Python's LogGradients, by case id
    results: dict[str, Any]  # the twin's, by case id


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("twin")
    specs: list[dict[str, Any]] = []
    frames: dict[str, Frame] = {}
    recursions: dict[str, Any] = {}
    for case in FRAME_CASES:
        spec, frame = _frame_case(case)
        specs.append(spec)
        frames[case.id] = frame
    for rcase in RECURSION_CASES:
        spec, logs = _recursion_case(rcase)
        specs.append(spec)
        recursions[rcase.id] = logs
    specs += [_measure_case(params) for params in MEASURE_CASES]
    specs += [_source_case(cell) for cell in SOURCE_RUNS]
    results = run_runner("twin_runner.mjs", specs, folder)
    conditioned = {name: well_conditioned(frame) for name, frame in frames.items()}
    return Run(frames, conditioned, recursions, results)


# ----------------------------------------------------------------------------------------------
# The comparisons
# ----------------------------------------------------------------------------------------------


def state_error(js: np.ndarray, py: np.ndarray) -> float:
    """The largest ``|js - py|`` over the largest ``|py|`` in the array; 0 where both are zero."""
    assert np.isfinite(js).all()
    assert np.isfinite(py).all()
    size = float(np.abs(py).max())
    return float(np.abs(js - py).max()) / size if size > 0 else float(np.abs(js).max())


def log_error(js: np.ndarray, py: np.ndarray, width: int) -> float:
    """For logarithms of gradient magnitudes: the largest ``|10**js - 10**py|`` over the largest
    ``10**py`` at the same step (rows of ``width``), computed in logarithms. ``-inf`` must sit in
    the same places (an exact zero on both sides)."""
    js, py = js.reshape(-1, width), py.reshape(-1, width)
    assert not np.isnan(js).any()
    assert not np.isnan(py).any()
    np.testing.assert_array_equal(js == -np.inf, py == -np.inf, "exact zeros differ")
    assert np.isfinite(js[py != -np.inf]).all()
    top = py.max(axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(invalid="ignore"):
        diff = np.abs(10.0 ** (js - top) - 10.0 ** (py - top))
    return float(np.nanmax(np.where(py == -np.inf, 0.0, diff), initial=0.0))


def scalar_log_error(js: float, py: float) -> float:
    if py == -np.inf or js == -np.inf:
        assert js == py
        return 0.0
    return abs(math.expm1((js - py) * LN10))


#: How each array of a layer is compared: as a state, or as a gradient's logarithm; and its
#: rows' width (units, or 1 for a series).
LAYER_ARRAYS = {
    "h": ("state", "units"), "c": ("state", "units"), "gate": ("state", "units"),
    "h_norm": ("state", 1), "c_norm": ("state", 1), "tanh_slope": ("state", 1),
    "gate_mean": ("state", 1),
    "log10_abs_grad": ("log", "units"), "log10_abs_grad_c": ("log", "units"),
    "log10_grad_norm": ("log", 1), "log10_grad_norm_c": ("log", 1),
}  # fmt: skip

#: The largest error seen per array over the cases compared so far: what the tolerance leaves.
WORST: dict[str, float] = {}


def record(name: str, error: float) -> float:
    WORST[name] = max(WORST.get(name, 0.0), error)
    return error


def compare_frame(js: dict[str, Any], frame: Frame, own_forward: bool) -> None:
    """The twin's frame ``js`` against numpy's; ``own_forward``: the twin ran its own forward
    pass (else it was given numpy's states)."""
    label = "from its own forward pass:" if own_forward else "from numpy's states:"
    assert len(js["layers"]) == len(frame.layers)
    for depth, (js_layer, layer) in enumerate(zip(js["layers"], frame.layers)):
        expected = layer.arrays()
        assert set(js_layer) == set(expected), f"layer {depth} arrays"
        units = layer.h.shape[1]
        for name, py in expected.items():
            how, width = LAYER_ARRAYS[name]
            width = units if width == "units" else 1
            js_array, py_array = js_layer[name], np.asarray(py).ravel()
            if how == "state":
                error = state_error(js_array, py_array)
            else:
                error = log_error(js_array, py_array, width)
            assert record(f"{label} {name}", error) <= RTOL, f"layer {depth} {name}: {error:.3g}"
    ratio = scalar_log_error(float(js["gradient_ratio_log10"]), frame.gradient_ratio_log10)
    assert record(f"{label} gradient_ratio_log10", ratio) <= RTOL
    py_c = frame.gradient_ratio_log10_c
    if py_c is None:
        assert js["gradient_ratio_log10_c"] is None
    else:
        ratio_c = scalar_log_error(float(js["gradient_ratio_log10_c"]), py_c)
        assert record(f"{label} gradient_ratio_log10_c", ratio_c) <= RTOL
    assert float(js["saturated_fraction"]) == frame.saturated_fraction  # exact
    compare_colour_scales(js["colour_scales"], frame.colour_scales, label, own_forward)
    memory_gate = frame.mean_memory_gate
    if memory_gate is None:
        assert js["mean_memory_gate"] is None
    else:
        error = state_error(np.array([float(js["mean_memory_gate"])]), np.array([memory_gate]))
        assert record(f"{label} mean_memory_gate", error) <= RTOL
    if frame.cell == "elman":  # measure()'s mean_tanh_slope, over the first layer
        mean_slope = float(np.mean(1.0 - frame.h**2))
        assert (
            record(
                f"{label} mean_tanh_slope",
                state_error(np.array([float(js["mean_tanh_slope"])]), np.array([mean_slope])),
            )
            <= RTOL
        )
    else:
        assert js["mean_tanh_slope"] is None


def compare_colour_scales(
    js: dict[str, Any], scales: dict[str, Any], label: str, own_forward: bool
) -> None:
    """The colour bars' ranges: the states' as values, the gradients' as logarithms.

    The gradients' lower end is the 1st percentile of every per-unit logarithm: an entry far
    below the largest at its step (1e-21 against 1e-5), where float64 holds only the step's
    absolute precision, and a forward pass rounded differently moves it by 1e-4 of itself. From
    the twin's own forward pass it is held as the states are, within 1e-9 of the largest
    gradient; from numpy's states, to 1e-9 of itself."""
    assert set(js) == set(scales)
    for name, (lo, hi) in scales.items():
        js_lo, js_hi = (float(v) for v in js[name])
        if name != "log10_abs_grad":
            error = state_error(np.array([js_lo, js_hi]), np.array([lo, hi]))
        elif own_forward:
            error = max(abs(10.0 ** (js_lo - hi) - 10.0 ** (lo - hi)), scalar_log_error(js_hi, hi))
        else:
            error = max(scalar_log_error(js_lo, lo), scalar_log_error(js_hi, hi))
        assert record(f"{label} colour_scales[{name}]", error) <= RTOL, name


def well_conditioned(frame: Frame) -> bool:
    """Whether numpy's own forward pass is decided by the weights rather than by rounding: its
    states move by at most 1e-12 when W_hh moves by a relative 1e-15."""
    x = frame.x[np.newaxis]
    rng = np.random.default_rng(0)
    moved = 0.0
    for layer in frame.layers:
        model: Any = layer.model
        nudged = model.W_hh * (1.0 + 1e-15 * rng.choice([-1.0, 1.0], model.W_hh.shape))
        if isinstance(model, SimpleRNN):
            gain = model.saturation
            other: Any = SimpleRNN.from_weights(model.W_xh, nudged, model.b, saturation=gain)
        elif isinstance(model, LSTM):
            other = LSTM.from_weights(model.W_xh, nudged, model.b)
        else:
            other = GRU.from_weights(model.W_xh, nudged, model.b_xh, model.b_hh)
        trace = other.forward(x)
        moved = max(moved, float(np.abs(trace.h - layer.trace.h).max()))
        x = layer.trace.h  # the next layer reads this layer's states, as in the frame
    return moved <= 1e-12


# ----------------------------------------------------------------------------------------------
# The tests
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", FRAME_CASES, ids=lambda case: case.id)
def test_the_twins_frame_equals_pythons(run: Run, case: FrameCase) -> None:
    frame = run.frames[case.id]
    result = run.results[case.id]
    compare_frame(result["from_traces"], frame, own_forward=False)
    if run.conditioned[case.id]:
        compare_frame(result["frame"], frame, own_forward=True)


@pytest.mark.parametrize("case", RECURSION_CASES, ids=lambda case: case.id)
def test_the_twins_log10_gradients_equal_pythons(run: Run, case: RecursionCase) -> None:
    logs = run.recursions[case.id]
    js = run.results[case.id]
    assert js["log_space"] == logs.log_space
    units = logs.log10_abs.shape[2]
    for name in ("log10_norm", "log10_norm_c", "log10_scale"):
        py = getattr(logs, name)
        if py is None:
            assert js[name] is None
            continue
        assert record(f"log10_gradients: {name}", log_error(js[name], py, 1)) <= RTOL
    for name in ("log10_abs", "log10_abs_c"):
        py = getattr(logs, name)
        if py is None:
            assert js[name] is None
            continue
        error = log_error(js[name], py[0].ravel(), units)
        assert record(f"log10_gradients: {name}", error) <= RTOL
    error = state_error(js["x_scaled"], logs.x_scaled[0].ravel())
    assert record("log10_gradients: x_scaled", error) <= RTOL


@pytest.mark.parametrize("params", MEASURE_CASES, ids=_measure_id)
def test_the_twins_measure_equals_pythons_and_its_own_frame(run: Run, params: Params) -> None:
    """``measure`` gives Python's ``measure`` numbers, and exactly the numbers of the twin's own
    frame for the same setting (which it computes without the rest of the frame)."""
    assert well_conditioned(compute_frame(params))
    js = run.results[_measure_id(params)]
    py = measure(params)
    ratio = scalar_log_error(float(js["measure"]["gradient_ratio_log10"]), py.gradient_ratio_log10)
    assert record("measure: gradient_ratio_log10", ratio) <= RTOL
    assert float(js["measure"]["saturated_fraction"]) == py.saturated_fraction  # exact
    slope = float(js["measure"]["mean_tanh_slope"])
    error = state_error(np.array([slope]), np.array([py.mean_tanh_slope]))
    assert record("measure: mean_tanh_slope", error) <= RTOL
    assert js["measure"] == {name: js["frame"][name] for name in py._fields}


@pytest.mark.parametrize("cell", SOURCE_RUNS)
def test_a_frame_source_gives_the_frames_of_computeFrame_and_keeps_the_forward_pass(
    run: Run, cell: str
) -> None:
    """The view's FrameSource computes a frame from the forward pass the one before left
    where its knobs allow (the first steps of a longer run are the shorter run): every frame is
    ``computeFrame``'s, bit for bit, and the forward pass is kept exactly where it can be (a
    new W_hh scale, gain, bias or layer count runs it anew, -0.0 as well as 0.0), in the
    source that ran it and in one it is handed to."""
    steps = run.results[f"source-{cell}"]
    assert [step["same"] for step in steps] == [True] * len(steps)
    # A forward pass handed over (from a Worker, FrameSource.adopt) serves the same frames.
    assert [step["adopted"] for step in steps] == [True] * len(steps)
    assert [step["held"] for step in steps] == [held for _, held in SOURCE_RUNS[cell]]


def test_the_cases_reach_past_float64_both_ways_and_exact_zeros(run: Run) -> None:
    """The grid holds what the twin must survive, for every cell: norms above 1e+308 and below
    1e-308 (finite, in logarithms) and exact zeros (-inf), in frames the twin computes from its
    own forward pass as well as from numpy's states; the explorer's own Elman frames past
    1e+308 among them."""
    for cell in ("elman", "lstm", "gru"):
        norms = [
            (run.conditioned[case.id], _gradient_norms(run.frames[case.id]))
            for case in FRAME_CASES
            if case.params.cell == cell
        ]
        assert any(n.max() > 308 and conditioned for conditioned, n in norms), cell
        assert any(n.min() < -308 and np.isfinite(n).all() and c for c, n in norms), cell
        assert any((n == -np.inf).any() and conditioned for conditioned, n in norms), cell
    explorer = [run.frames[case.id] for case in FRAME_CASES if case.network is None]
    assert any(f.cell == "elman" and f.log10_grad_norm.max() > 308 for f in explorer)
    assert sum(run.conditioned.values()) >= 0.7 * len(FRAME_CASES)


def _gradient_norms(frame: Frame) -> np.ndarray:
    """Every ``log10 ||dL/dh_t||`` (and ``||dL/dc_t||``) of every layer of ``frame``."""
    norms = [layer.log10_grad_norm for layer in frame.layers]
    norms += [
        layer.log10_grad_norm_c for layer in frame.layers if layer.log10_grad_norm_c is not None
    ]
    return np.concatenate(norms)


def test_the_comparisons_see_an_error_of_1e_8() -> None:
    """The tolerance is not vacuous: 1e-8 off, a state or a gradient fails, and so does an
    exact zero on one side only."""
    rng = np.random.default_rng(0)
    states = rng.normal(size=(5, 4))
    assert state_error(states * (1 + 1e-8), states) > RTOL
    logs = rng.normal(-300.0, 100.0, size=(5, 4))
    assert log_error(logs + math.log10(1 + 1e-8), logs, 4) > RTOL
    zeroed = logs.copy()
    zeroed[2, 1] = -np.inf
    with pytest.raises(AssertionError, match="exact zeros differ"):
        log_error(zeroed, logs, 4)


def test_the_twin_says_what_it_expected() -> None:
    """Bad weights or knobs: a RangeError naming what was expected and what arrived."""
    script = """
    import { LSTM, computeFrame, measure } from "./js/twin/index.js";
    const messages = [];
    const attempt = (f) => { try { f(); messages.push(null); } catch (e) {
      messages.push(`${e.name}: ${e.message}`); } };
    const layer = { W_xh: new Float64Array(8), W_hh: new Float64Array(4), units: 2, features: 4,
                    bias_signs: new Float64Array(2) };
    const given = { x: new Float64Array(12), timesteps: 3, features: 4, layers: [layer] };
    attempt(() => new LSTM({ ...layer, b: new Float64Array(8) }));
    attempt(() => computeFrame({ cell: "elman", seq_len: 4 }, given));
    attempt(() => computeFrame({ cell: "rnn", seq_len: 3 }, given));
    attempt(() => computeFrame({ cell: "elman", seq_len: 3, saturation: 0 }, given));
    attempt(() => computeFrame({ cell: "elman", seq_len: 3 }, given));
    attempt(() => measure({ cell: "gru", seq_len: 3 }, given));
    console.log(JSON.stringify(messages));
    """
    lstm, too_long, cell, gain, good, gated = run_script(script)
    assert lstm == "RangeError: W_xh must be a Float64Array of shape (8, 4); got 8 numbers"
    assert too_long == "RangeError: seq_len must be 1 ... 3; got 4"
    assert cell == "RangeError: cell must be one of elman, lstm, gru; got rnn"
    assert gain == "RangeError: saturation must be a positive number; got 0"
    assert good is None
    assert gated == "RangeError: measure() measures the Elman cell; got cell gru"
