"""Forward pass + BPTT time of rnnwidget's SimpleRNN, batch 1, 8 features.

Run: python benchmarks/bench_model.py
Prints milliseconds per forward+backward (best of several repeats, like ``timeit``) and the cost
per timestep, which should stay flat as the sequence grows (cost linear in timesteps).
"""

from __future__ import annotations

import timeit

import numpy as np

from rnnwidget import SimpleRNN

SHAPES = [(50, 16), (200, 64), (1000, 64), (200, 256)]  # (timesteps, units)
FEATURES = 8


def time_forward_backward(timesteps: int, units: int) -> tuple[float, float]:
    """Best-of-7 milliseconds for one forward pass and one forward+backward pass."""
    rnn = SimpleRNN(FEATURES, units, seed=0)
    x = np.random.default_rng(0).standard_normal((1, timesteps, FEATURES))
    dh = np.zeros((1, timesteps, units))
    dh[:, -1] = 1.0  # a loss on the last state

    def step() -> None:
        rnn.backward(rnn.forward(x), dh)

    number = max(1, int(20_000 / timesteps))
    forward = min(timeit.repeat(lambda: rnn.forward(x), number=number, repeat=7)) / number
    both = min(timeit.repeat(step, number=number, repeat=7)) / number
    return forward * 1e3, both * 1e3


def main() -> None:
    print(f"SimpleRNN forward + BPTT, batch_size=1, features={FEATURES}, numpy {np.__version__}")
    print(f"{'timesteps':>9} {'units':>5} {'forward ms':>10} {'fwd+bptt ms':>11} {'us/step':>7}")
    for timesteps, units in SHAPES:
        forward, both = time_forward_backward(timesteps, units)
        per_step = both / timesteps * 1e3
        print(f"{timesteps:>9} {units:>5} {forward:>10.3f} {both:>11.3f} {per_step:>7.2f}")


if __name__ == "__main__":
    main()
