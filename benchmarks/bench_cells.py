"""Forward pass and forward + BPTT time of rnnwidget's three cells against PyTorch's, side by side.

Run: python benchmarks/bench_cells.py [--repeat N]
(PyTorch from the ``bench`` extra: ``pip install -e ".[bench]"``.)

One sequence (batch 1), 200 steps, 64 units, 8 features, a loss on the last state: the size of
one explorer frame. Both sides on one thread (``torch.set_num_threads(1)``; numpy's BLAS limited
with threadpoolctl, as the widget's recompute is), float64 both, best of N repeats of a loop
long enough to time (like ``timeit``). PyTorch runs its fused ``nn.RNN``/``nn.LSTM``/``nn.GRU``
forward (under ``no_grad`` for the forward pass alone) and autograd's backward; the anchor of
each numpy time is PyTorch's time for the same work in the same run.
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from _report import Table, number, ratio, run_line

from rnnwidget import from_torch
from rnnwidget._threads import single_threaded_blas

TIMESTEPS, UNITS, FEATURES = 200, 64, 8


def best_ms(step: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` timings of a loop of ``step`` calls, in ms per call."""
    number = max(1, int(0.2 / max(timeit.timeit(step, number=1), 1e-6)))
    return min(timeit.repeat(step, number=number, repeat=repeat)) / number * 1e3


@dataclass(frozen=True)
class Timings:
    """Milliseconds per call: numpy's and PyTorch's forward pass, and forward + BPTT."""

    forward: float
    torch_forward: float
    both: float
    torch_both: float


def time_cell(module: torch.nn.Module, timesteps: int, repeat: int) -> Timings:
    """Time the numpy cell built from ``module`` (same weights) against ``module`` itself, on
    one random sequence of ``timesteps`` steps with a loss on the last state."""
    module = module.double()
    cell = from_torch(module)  # the same weights, so both sides compute the same numbers
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, timesteps, module.input_size))
    dh = np.zeros((1, timesteps, module.hidden_size))
    dh[:, -1] = 1.0  # a loss on the last state
    x_torch = torch.tensor(x)

    def torch_forward() -> None:
        with torch.no_grad():
            module(x_torch)

    def torch_forward_backward() -> None:
        module.zero_grad(set_to_none=True)
        x_leaf = x_torch.clone().requires_grad_(True)  # dL/dx too, as the numpy side computes
        output, _ = module(x_leaf)
        output[:, -1].sum().backward()

    with single_threaded_blas():
        forward = best_ms(lambda: cell.forward(x), repeat)
        both = best_ms(lambda: cell.backward(cell.forward(x), dh), repeat)
    return Timings(
        forward=forward,
        torch_forward=best_ms(torch_forward, repeat),
        both=both,
        torch_both=best_ms(torch_forward_backward, repeat),
    )


def timing_columns(t: Timings) -> list[str]:
    """The table cells of one timing: each numpy time, PyTorch's, and their ratio."""
    return [
        number(t.forward), number(t.torch_forward), ratio(t.forward, t.torch_forward),
        number(t.both), number(t.torch_both), ratio(t.both, t.torch_both),
    ]  # fmt: skip


TIMING_HEADERS = [
    "numpy forward ms", "PyTorch forward ms", "ratio",
    "numpy forward + BPTT ms", "PyTorch forward + BPTT ms", "ratio",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="best of this many (default 7)")
    repeat = parser.parse_args().repeat
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print(run_line(torch=torch.__version__))
    print()
    table = Table(
        f"Forward pass and forward + BPTT, {TIMESTEPS} steps, {UNITS} units, {FEATURES} "
        f"features, batch 1, float64, one thread, best of {repeat}; ratio: numpy's time over "
        "PyTorch's for the same work.",
        ["cell", *TIMING_HEADERS],
    )
    modules = {"Elman": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}
    for name, module in modules.items():
        timings = time_cell(module(FEATURES, UNITS, batch_first=True), TIMESTEPS, repeat)
        table.add(name, *timing_columns(timings))
    print(table)


if __name__ == "__main__":
    main()
