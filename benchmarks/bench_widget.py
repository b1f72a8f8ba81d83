"""What one slider move costs the kernel: recompute (forward, BPTT, log-space gradients,
diagnostics) plus packing the arrays into float32 buffers, as RNNExplorer does it.

Run: python benchmarks/bench_widget.py
"""

from __future__ import annotations

import functools
import itertools
import timeit
from collections.abc import Callable

from ipywidgets.widgets.widget import _remove_buffers

from rnnwidget import RNNExplorer
from rnnwidget.explorer.frame import compute_frame

SETTINGS = [(100, 32), (200, 64), (1000, 64), (200, 256)]  # (seq_len, units)


def slider_moves(w: RNNExplorer) -> Callable[[], None]:
    """One slider move: a new w_hh_scale, then what ipywidgets does to the state it sends."""
    scales = itertools.cycle([0.9, 1.1])

    def move() -> None:
        w.w_hh_scale = next(scales)  # validate, recompute, publish
        _remove_buffers(w.get_state(["_frame"]))

    return move


def main() -> None:
    print("RNNExplorer: one w_hh_scale change, best of 7 (ms)")
    print(f"{'seq_len':>7} {'units':>5} {'compute':>8} {'change+pack':>11} {'payload kB':>10}")
    for seq_len, units in SETTINGS:
        w = RNNExplorer(seq_len=seq_len, units=units)
        number = 50
        recompute = functools.partial(compute_frame, w.params)
        compute = min(timeit.repeat(recompute, number=number, repeat=7))
        total = min(timeit.repeat(slider_moves(w), number=number, repeat=7))
        _, _, buffers = _remove_buffers(w.get_state(["_frame"]))
        kilobytes = sum(len(b) for b in buffers) / 1e3
        print(
            f"{seq_len:>7} {units:>5} {compute / number * 1e3:>8.2f} "
            f"{total / number * 1e3:>11.2f} {kilobytes:>10.1f}"
        )


if __name__ == "__main__":
    main()
