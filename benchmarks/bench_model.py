"""Forward pass and forward + BPTT time of rnnwidget's SimpleRNN as the sequence and the layer
grow, against PyTorch's ``nn.RNN`` with the same weights.

Run: python benchmarks/bench_model.py [--repeat N]
(PyTorch from the ``bench`` extra: ``pip install -e ".[bench]"``.)

Batch 1, 8 features, a loss on the last state, float64, one thread each, best of N repeats (like
``timeit``; the method of bench_cells.py). The cost should grow linearly with the timesteps: the
whole-sequence products sit outside the time loop, so each step does one small product and one
tanh.
"""

from __future__ import annotations

import argparse

import torch
from _report import Table, run_line
from bench_cells import TIMING_HEADERS, time_cell, timing_columns

SHAPES = [(50, 16), (200, 64), (1000, 64), (200, 256)]  # (timesteps, units)
FEATURES = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="best of this many (default 7)")
    repeat = parser.parse_args().repeat
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print(run_line(torch=torch.__version__))
    print()
    table = Table(
        f"SimpleRNN against nn.RNN, batch 1, {FEATURES} features, float64, one thread, best of "
        f"{repeat}; ratio: numpy's time over PyTorch's for the same work.",
        ["timesteps", "units", *TIMING_HEADERS],
        text_columns=0,
    )
    for timesteps, units in SHAPES:
        module = torch.nn.RNN(FEATURES, units, batch_first=True)
        table.add(timesteps, units, *timing_columns(time_cell(module, timesteps, repeat)))
    print(table)


if __name__ == "__main__":
    main()
