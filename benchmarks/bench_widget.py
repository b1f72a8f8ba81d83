"""What one slider move costs the kernel: recompute (forward, BPTT, log-space gradients,
diagnostics) plus packing the arrays into float32 buffers, as RNNExplorer does it; for the
Elman cell, then per cell (Elman, LSTM, GRU) at the lecture's seq_len=200, units=64, where
each must stay under 5 ms.

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
CELLS = ("elman", "lstm", "gru")
BUDGET_MS = 5.0


def slider_moves(w: RNNExplorer) -> Callable[[], None]:
    """One slider move: a new w_hh_scale, then what ipywidgets does to the state it sends."""
    scales = itertools.cycle([0.9, 1.1])

    def move() -> None:
        w.w_hh_scale = next(scales)  # validate, recompute, publish
        _remove_buffers(w.get_state(["_frame"]))

    return move


def seq_len_moves(w: RNNExplorer) -> Callable[[], None]:
    """One move of a knob every cell reads (seq_len 200 <-> 199), then the packing."""
    lengths = itertools.cycle([199, 200])

    def move() -> None:
        w.seq_len = next(lengths)
        _remove_buffers(w.get_state(["_frame"]))

    return move


def per_cell() -> None:
    print("\nPer cell at seq_len=200, units=64: one seq_len change, best of 7 (ms), noise input")
    print(
        f"{'cell':>5} {'compute':>8} {'change+pack':>11} {'payload kB':>10}  budget {BUDGET_MS} ms"
    )
    for cell in CELLS:
        w = RNNExplorer(cell=cell, seq_len=200, units=64, input_kind="noise")
        number = 50
        recompute = functools.partial(compute_frame, w.params)
        compute = min(timeit.repeat(recompute, number=number, repeat=7))
        total = min(timeit.repeat(seq_len_moves(w), number=number, repeat=7))
        _, _, buffers = _remove_buffers(w.get_state(["_frame"]))
        kilobytes = sum(len(b) for b in buffers) / 1e3
        ms = total / number * 1e3
        verdict = "ok" if ms < BUDGET_MS else "OVER"
        print(f"{cell:>5} {compute / number * 1e3:>8.2f} {ms:>11.2f} {kilobytes:>10.1f}  {verdict}")
        w.close()


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
    per_cell()


if __name__ == "__main__":
    main()
