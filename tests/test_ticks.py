"""One tick rule for every chart (rnnwidget._axes): round numbers, steps of 1, 2 or 5 times a
power of ten, for any range; the trainer's charts get theirs from the kernel, placed around
what they draw, as the explorer's always have."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnwidget import RNNTrainer
from rnnwidget._axes import fitted_axis, nice_ticks, step_ticks, time_ticks
from rnnwidget._wire import decode_array

RNG = np.random.default_rng(20261207)
RANGES = [(0, 1), (0, 1.02), (1, 50), (1, 100), (0, 3.7), (-6, 2), (0.013, 0.021), (1, 1000),
          (0, 20_000), (-523, 126), (2.5, 2.6)] + [
    tuple(sorted(RNG.uniform(-1e4, 1e4, 2))) for _ in range(200)] + [
    tuple(sorted(10.0 ** RNG.uniform(-5, 5, 2))) for _ in range(200)]  # fmt: skip


def round_step(step: float) -> bool:
    """Whether ``step`` is 1, 2 or 5 times a power of ten."""
    mantissa = step / 10.0 ** math.floor(math.log10(step) + 1e-12)
    return any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (1, 2, 5, 10))


@pytest.mark.parametrize("count", [4, 5, 8])
def test_ticks_are_round_numbers_inside_the_range_for_any_range(count):
    for lo, hi in RANGES:
        ticks = nice_ticks(lo, hi, count)
        assert len(ticks) >= 2, (lo, hi, ticks)
        steps = np.diff(ticks)
        step = float(steps[0])
        # Inside the range (to a billionth of a step, for the rounding of lo / step).
        assert lo - 1e-9 * step <= ticks[0]
        assert ticks[-1] <= hi + 1e-9 * step
        assert np.allclose(steps, step), (lo, hi, ticks)
        assert round_step(step), (lo, hi, ticks)
        assert all(math.isclose(t / step, round(t / step), abs_tol=1e-6) for t in ticks)
        assert len(ticks) <= 2 * count + 1
        assert step <= (hi - lo)  # at least two ticks apart: the axis reads


@pytest.mark.parametrize("T", [*range(2, 120), 200, 255, 999, 1000])
def test_time_ticks_are_round_after_t_equals_1(T):
    ticks = time_ticks(T)
    assert ticks[-1] <= T
    rest = ticks[1:] if ticks[0] == 1 and len(ticks) > 1 and ticks[1] != 2 else ticks
    if len(rest) > 1:
        step = rest[1] - rest[0]
        assert round_step(step), ticks
        assert all(t % step == 0 for t in rest), ticks


def test_the_text_views_gradient_axis_is_round():
    """The 50 steps of a text's chunk: not 1, 10, 19, 28 as an even split gave."""
    assert time_ticks(50) == [1, 10, 20, 30, 40, 50]
    assert time_ticks(100) == [1, 20, 40, 60, 80, 100]
    assert time_ticks(86) == [1, 20, 40, 60, 80]
    assert step_ticks(86) == [(0, "0"), (20, "20"), (40, "40"), (60, "60"), (80, "80")]
    assert step_ticks(12_000)[-1] == (12_000, "12,000")


def test_a_fitted_axis_covers_every_value_and_reference_with_round_ticks():
    values = [np.array([0.31, np.nan, 2.9, -np.inf]), np.array([1.7])]
    axis = fitted_axis(values, [3.2])
    lo, hi = axis["range"]
    assert lo <= 0.31
    assert hi >= 3.2
    assert [v for v, _ in axis["ticks"]] == nice_ticks(lo, hi, 4)
    log = fitted_axis([np.array([-3.4, 0.2])], [], log=True)
    assert log["range"] == [-4, 1]
    assert log["ticks"] == [[-4, "1e-4"], [-3, "1e-3"], [-2, "1e-2"], [-1, "1e-1"], [0, "1"],
                            [1, "10"]]  # fmt: skip
    assert fitted_axis([], fixed=(0.0, 1.02))["range"] == [0.0, 1.02]


@pytest.mark.parametrize("task", ["recall", "text"])
def test_every_trainer_chart_gets_its_axes_from_the_kernel_around_what_it_draws(task):
    settings = {"units": 8, "batch_size": 8}
    if task == "text":
        settings.update(task="text", corpus="brackets", bptt_steps=50)
    w = RNNTrainer(**settings)
    try:
        w.run(30)
        charts, arrays = w._progress["charts"], w._progress["arrays"]
        drawn = {
            "loss": ["loss_bits", "val_loss_bits"] if task == "text" else ["log10_loss",
                                                                           "log10_val_loss"],
            "norm": ["log10_grad_norm"],
            "accuracy": ["val_accuracy"],
        }  # fmt: skip
        for name, keys in drawn.items():
            chart = charts[name]
            lo, hi = chart["range"]
            for key in keys:
                values = decode_array(arrays[key]).astype(np.float64)
                values = values[np.isfinite(values)]
                assert lo <= values.min(), (name, key)
                assert values.max() <= hi, (name, key)
            for reference in chart.get("references", []):
                assert lo <= reference["value"] <= hi
            ticks = [value for value, _ in chart["ticks"]]
            assert all(lo <= t <= hi for t in ticks)
            assert len(ticks) >= 2
            assert round_step(ticks[1] - ticks[0]), (name, ticks)
            assert chart["step_ticks"] == [list(tick) for tick in step_ticks(30)]
        T = len(decode_array(arrays["log10_grad_norms"]))
        assert charts["gradient"]["time_ticks"] == time_ticks(T)
        if task == "text":
            assert charts["gradient"]["time_ticks"] == [1, 10, 20, 30, 40, 50]
    finally:
        w.close()
