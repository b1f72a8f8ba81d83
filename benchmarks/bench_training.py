"""Training speed of rnnwidget.training.Trainer: steps per second, and time to learn recall.

Run: python benchmarks/bench_training.py

1. Steps per second at units=32, 32 sequences of 50 steps per batch: one full
   ``Trainer.step()`` (a fresh batch, forward, loss, BPTT, clipping, Adam update, and the
   recorded diagnostics: log10 ||dL/dh_t|| and the spectral radius of W_hh). Best of 5 runs of
   200 steps, for the adding problem (seq_len=50) and recall (lag=48, so 50 steps too).
2. Wall time and steps until the validation accuracy reaches 95% on recall with lag=10 (and
   lag=80, for scale), at the trainer's defaults (w_hh_scale 1, Adam, lr 1e-2, clipping at 1,
   batch 32, 4 symbols), evaluating on the 512-sequence validation batch after every step (its
   cost included), for seeds 0-4.

numpy's BLAS may use several threads for the larger products; on a busy 2-core machine that
costs more than it gains. Compare with ``OPENBLAS_NUM_THREADS=1 python benchmarks/...``.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from rnnwidget.training import Trainer

REPEATS, STEPS = 5, 200
SEEDS = range(5)
LAGS = (10, 80)


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


def time_to_accuracy(lag: int, seed: int, target: float = 0.95) -> tuple[int, float]:
    """Steps and wall seconds (building the trainer included) until recall at ``lag`` reaches
    ``target`` validation accuracy."""
    start = time.perf_counter()
    trainer = Trainer("recall", lag=lag, seed=seed)
    evaluation = trainer.train(10_000, eval_every=1, target_accuracy=target)
    seconds = time.perf_counter() - start
    if evaluation.accuracy < target:
        raise RuntimeError(f"lag {lag}, seed {seed}: accuracy {evaluation.accuracy} at 10 000")
    return evaluation.step, seconds


def main() -> None:
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"numpy {np.__version__}, OPENBLAS_NUM_THREADS={threads}, {os.cpu_count()} CPUs")
    print("\nTrainer.step(), units=32, batch_size=32, 50 timesteps (best of 5 x 200 steps)")
    print(f"{'task':>24} {'steps/s':>8} {'ms/step':>8}")
    for name, trainer in [
        ("adding, seq_len=50", Trainer("adding", seq_len=50)),
        ("recall, lag=48", Trainer("recall", lag=48)),
    ]:
        rate = steps_per_second(trainer)
        print(f"{name:>24} {rate:>8.0f} {1e3 / rate:>8.2f}")

    print("\nRecall, defaults: until 95% validation accuracy (evaluated every step)")
    print(f"{'lag':>4} {'seed':>6} {'steps':>6} {'seconds':>8}")
    for lag in LAGS:
        results = [time_to_accuracy(lag, seed) for seed in SEEDS]
        for seed, (steps, seconds) in zip(SEEDS, results):
            print(f"{lag:>4} {seed:>6} {steps:>6} {seconds:>8.3f}")
        median_steps = statistics.median(steps for steps, _ in results)
        median_seconds = statistics.median(seconds for _, seconds in results)
        print(f"{lag:>4} {'median':>6} {median_steps:>6.0f} {median_seconds:>8.3f}")


if __name__ == "__main__":
    main()
