"""Forward pass + BPTT time of rnnwidget's three cells against PyTorch's, side by side.

Run: python benchmarks/bench_cells.py [--repeat N]
(PyTorch from the ``bench`` extra: ``pip install -e ".[bench]"``.)

One sequence (batch 1), 200 steps, 64 units, 8 features, a loss on the last state: the size of
one explorer frame. Both sides on one thread (``torch.set_num_threads(1)``; numpy's BLAS limited
with threadpoolctl, as the widget's recompute is), float64 both, best of N repeats of a loop
long enough to time (like ``timeit``). PyTorch runs its fused ``nn.RNN``/``nn.LSTM``/``nn.GRU``
forward and autograd's backward.
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable

import numpy as np
import torch

from rnnwidget import from_torch
from rnnwidget._threads import single_threaded_blas

TIMESTEPS, UNITS, FEATURES = 200, 64, 8


def best_ms(step: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` timings of a loop of ``step`` calls, in ms per call."""
    number = max(1, int(0.2 / max(timeit.timeit(step, number=1), 1e-6)))
    return min(timeit.repeat(step, number=number, repeat=repeat)) / number * 1e3


def bench(name: str, module: torch.nn.Module, repeat: int) -> tuple[str, float, float, float]:
    module = module.double()
    cell = from_torch(module)  # the same weights, so both sides compute the same numbers
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, TIMESTEPS, FEATURES))
    dh = np.zeros((1, TIMESTEPS, UNITS))
    dh[:, -1] = 1.0  # a loss on the last state

    def numpy_forward_backward() -> None:
        cell.backward(cell.forward(x), dh)

    x_torch = torch.tensor(x)

    def torch_forward_backward() -> None:
        module.zero_grad(set_to_none=True)
        x_leaf = x_torch.clone().requires_grad_(True)  # dL/dx too, as the numpy side computes
        output, _ = module(x_leaf)
        output[:, -1].sum().backward()

    def numpy_forward() -> None:
        cell.forward(x)

    with single_threaded_blas():
        ours = best_ms(numpy_forward_backward, repeat)
        forward = best_ms(numpy_forward, repeat)
    theirs = best_ms(torch_forward_backward, repeat)
    return name, forward, ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="best of this many (default 7)")
    repeat = parser.parse_args().repeat
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rows = [
        bench("Elman", torch.nn.RNN(FEATURES, UNITS, batch_first=True), repeat),
        bench("LSTM", torch.nn.LSTM(FEATURES, UNITS, batch_first=True), repeat),
        bench("GRU", torch.nn.GRU(FEATURES, UNITS, batch_first=True), repeat),
    ]
    print(
        f"forward + BPTT, {TIMESTEPS} steps, {UNITS} units, batch 1, float64, one thread; "
        f"numpy {np.__version__}, torch {torch.__version__}"
    )
    header = f"{'cell':<6} {'numpy fwd ms':>12} {'numpy fwd+bptt ms':>17} {'torch ms':>9}"
    print(f"{header} {'ratio':>6}")
    for name, forward, ours, theirs in rows:
        print(f"{name:<6} {forward:>12.3f} {ours:>17.3f} {theirs:>9.3f} {ours / theirs:>6.2f}")
    # The target for the gated cells: at most half PyTorch's time.
    for name, _, ours, theirs in rows:
        if name != "Elman" and ours > 0.5 * theirs:
            print(f"note: {name} took {ours / theirs:.2f} of PyTorch's time, above the 0.5 target")


if __name__ == "__main__":
    main()
