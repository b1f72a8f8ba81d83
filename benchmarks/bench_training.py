"""Training speed of rnnwidget.training.Trainer: steps per second, and time to learn recall.

Run: python benchmarks/bench_training.py

1. Steps per second at units=32, 32 sequences of 50 steps per batch: one full
   ``Trainer.step()`` (a fresh batch, forward, loss, BPTT, clipping, Adam update, and the
   recorded diagnostics: log10 ||dL/dh_t|| and the spectral radius of W_hh). Best of 5 runs of
   200 steps, for the adding problem (seq_len=50) and recall (lag=48, so 50 steps too).
2. Wall time and steps until the validation accuracy reaches 95% on recall with lag=10 (and
   lag=80, for scale), at the trainer's defaults (w_hh_scale 1, Adam, lr 1e-2, clipping at 1,
   batch 32, 4 symbols), evaluating on the 512-sequence validation batch after every step (its
   cost included), for seeds 0-4; a seed still below 95 % after 10 000 steps is shown as such,
   with the accuracy it reached, and left out of the median.

Both with their libraries' default threads, as a script that calls ``Trainer.train`` runs
(the float32 trajectory, and with it the steps to 95 %, can depend on how many threads numpy's
BLAS sums with). The anchor is PyTorch training the same network on the same task
(bench_training_cells.py's step): its rate beside the numpy rate, and its time for as many
steps beside the time to learn. (PyTorch from the ``bench`` extra.)
"""

from __future__ import annotations

import statistics
import time

import torch
from _report import Table, number, ratio, run_line
from bench_training_cells import steps_per_second as torch_steps_per_second
from bench_training_cells import torch_step

from rnnwidget.training import Trainer
from rnnwidget.training.tasks import Adding, Recall

REPEATS, STEPS = 5, 200
SEEDS = range(5)
LAGS = (10, 80)
MAX_STEPS = 10_000


def steps_per_second(trainer: Trainer) -> float:
    """The best of REPEATS runs of STEPS steps, after a warm-up."""
    trainer.train(20)
    best = 0.0
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(STEPS):
            trainer.step()
        best = max(best, STEPS / (time.perf_counter() - start))
    return best


def time_to_accuracy(lag: int, seed: int, target: float = 0.95) -> tuple[int, float, float]:
    """Steps and wall seconds (building the trainer included) until recall at ``lag`` reaches
    ``target`` validation accuracy, or MAX_STEPS if it does not, and the accuracy reached."""
    start = time.perf_counter()
    trainer = Trainer("recall", lag=lag, seed=seed)
    evaluation = trainer.train(MAX_STEPS, eval_every=1, target_accuracy=target)
    return evaluation.step, time.perf_counter() - start, evaluation.accuracy


def main() -> None:
    print(run_line(torch=torch.__version__))
    print()
    table = Table(
        f"Trainer.step(), units=32, batch_size=32, 50 timesteps, float32, default threads, best "
        f"of {REPEATS} runs of {STEPS} steps; ratio: numpy's rate over PyTorch's (above 1: numpy "
        "is faster).",
        ["task", "numpy steps/s", "PyTorch steps/s", "ratio"],
    )
    tasks = [("adding, seq_len=50", "adding", Adding(seq_len=50), {"seq_len": 50}),
             ("recall, lag=48", "recall", Recall(lag=48), {"lag": 48})]  # fmt: skip
    for name, task_name, task, settings in tasks:
        rate = steps_per_second(Trainer(task_name, **settings))
        theirs = torch_steps_per_second(torch_step("elman", torch.float32, task), REPEATS)
        table.add(name, number(rate), number(theirs), ratio(rate, theirs))
    print(table)
    print()
    table = Table(
        "Recall at the trainer's defaults, until 95 % validation accuracy, evaluated every step; "
        "ratio: the wall time over PyTorch's time for as many training steps of the same "
        "network (which evaluates nothing).",
        ["lag", "seed", "steps", "seconds", "ratio", "accuracy"],
        text_columns=0,
    )
    for lag in LAGS:
        theirs = torch_steps_per_second(torch_step("elman", torch.float32, Recall(lag=lag)), 5)
        results = [time_to_accuracy(lag, seed) for seed in SEEDS]
        for seed, (steps, seconds, accuracy) in zip(SEEDS, results):
            # A seed that never gets there says so: its steps are the budget, not a time to learn.
            shown = steps if accuracy >= 0.95 else f"not by {steps}"
            table.add(lag, seed, shown, number(seconds), ratio(seconds, steps / theirs),
                      f"{accuracy:.2f}")  # fmt: skip
        learned = [(steps, seconds) for steps, seconds, accuracy in results if accuracy >= 0.95]
        if learned:
            steps = int(statistics.median(steps for steps, _ in learned))
            seconds = statistics.median(seconds for _, seconds in learned)
            table.add(lag, f"median of {len(learned)} that learned", steps, number(seconds),
                      ratio(seconds, steps / theirs), "")  # fmt: skip
    print(table)


if __name__ == "__main__":
    main()
