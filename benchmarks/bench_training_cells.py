"""Training speed of each cell in rnnwidget.training.Trainer against the same network in PyTorch.

Run: python benchmarks/bench_training_cells.py [--repeat N]
(PyTorch from the ``bench`` extra: ``pip install -e ".[bench]"``.)

One training step at units=32, recall with lag 48 (T = 50 steps, 6 features, 4 symbols), a
batch of 32 sequences, Adam at lr 1e-2, gradient norm clipping at 1:

- numpy: ``Trainer(cell=..., dtype=...).step()``, in float32 (the trainer's default) and in
  float64: a fresh batch, forward, loss, BPTT, clipping,
  Adam, and what a step records besides (``log10 ||dL/dh_t||`` for every t; the spectral radius
  of W_hh for the Elman cell, the mean forget/update gate for the gated cells).
- PyTorch: ``nn.RNN`` (tanh) / ``nn.LSTM`` / ``nn.GRU`` and an ``nn.Linear`` read-out on the last
  state, ``cross_entropy``, ``backward()``, ``clip_grad_norm_``, ``torch.optim.Adam``, on a
  batch drawn by the same numpy sampler and converted with ``torch.from_numpy``; in float32 and
  in float64. It records nothing.

Both sides on one thread: ``torch.set_num_threads(1)``, and numpy's BLAS limited to one thread
with threadpoolctl as :func:`rnnwidget._threads.single_threaded_blas` does for live training.
Steps per second are the best of N repeats of a loop of about 0.1 s (like ``timeit``), after a
warm-up: many short loops, so that the best of them misses what other processes on a shared
machine take.
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable

import numpy as np
import torch
from _report import Table, number, ratio, run_line

from rnnwidget._threads import single_threaded_blas
from rnnwidget.training import Trainer
from rnnwidget.training.tasks import Adding, Recall

UNITS, LAG, BATCH = 32, 48, 32
CELLS = ("elman", "lstm", "gru")
TORCH_MODULES = {"elman": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def steps_per_second(step: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` timings of a loop of ``step`` calls (about 0.1 s each)."""
    for _ in range(10):  # warm-up: caches, allocator, Adam's moments
        step()
    number = max(1, int(0.1 / max(timeit.timeit(step, number=3) / 3, 1e-6)))
    return number / min(timeit.repeat(step, number=number, repeat=repeat))


def numpy_step(cell: str, dtype: str) -> Callable[[], object]:
    trainer = Trainer("recall", lag=LAG, cell=cell, units=UNITS, batch_size=BATCH, dtype=dtype)
    return trainer.step


def torch_step(
    cell: str, dtype: torch.dtype, task: Recall | Adding | None = None
) -> Callable[[], object]:
    """One PyTorch training step of the same network on ``task`` (recall at lag 48 unless
    given): a fresh batch from the task's own numpy sampler, forward, the task's loss, backward,
    clipping at 1 and Adam."""
    torch.manual_seed(0)
    task = task or Recall(lag=LAG)
    rnn = TORCH_MODULES[cell](task.features, UNITS, batch_first=True).to(dtype)
    readout = torch.nn.Linear(UNITS, task.outputs).to(dtype)
    params = [*rnn.parameters(), *readout.parameters()]
    optimizer = torch.optim.Adam(params, lr=1e-2)
    rng = np.random.default_rng(0)

    def step() -> float:
        x, targets = task.sample(BATCH, rng)
        states, _ = rnn(torch.from_numpy(x).to(dtype))
        outputs = readout(states[:, -1])
        if task.loss == "cross_entropy":
            loss = torch.nn.functional.cross_entropy(outputs, torch.from_numpy(targets))
        else:
            loss = torch.nn.functional.mse_loss(outputs, torch.from_numpy(targets).to(dtype))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        return float(loss.detach())

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timings per entry (best taken)")
    repeat = parser.parse_args().repeat
    torch.set_num_threads(1)
    print(run_line(torch=torch.__version__))
    print()
    table = Table(
        f"Training steps per second, units={UNITS}, recall at lag {LAG} (T={LAG + 2}), batch "
        f"{BATCH}, Adam, clipping at 1, one thread each, best of {repeat} loops of about 0.1 s; "
        "ratio: numpy's rate over PyTorch's in the same precision (above 1: numpy is faster).",
        ["cell", "numpy float32", "PyTorch float32", "ratio", "numpy float64", "PyTorch float64",
         "ratio"],
    )  # fmt: skip
    with single_threaded_blas():
        for cell in CELLS:
            ours32 = steps_per_second(numpy_step(cell, "float32"), repeat)
            f32 = steps_per_second(torch_step(cell, torch.float32), repeat)
            ours64 = steps_per_second(numpy_step(cell, "float64"), repeat)
            f64 = steps_per_second(torch_step(cell, torch.float64), repeat)
            table.add(
                cell, number(ours32), number(f32), ratio(ours32, f32), number(ours64),
                number(f64), ratio(ours64, f64),
            )  # fmt: skip
    print(table)


if __name__ == "__main__":
    main()
