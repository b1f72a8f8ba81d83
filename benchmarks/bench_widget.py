"""What one slider move costs the kernel: recompute (forward, BPTT, log-space gradients,
diagnostics) plus packing the arrays into float32 buffers, as RNNExplorer does it; for the
Elman cell, then per cell (Elman, LSTM, GRU) at the lecture's seq_len=200, units=64. The
anchor of each time is the bare cell's forward + BPTT on the same input, measured in the same
run: what the widget adds to the model.

Run: python benchmarks/bench_widget.py
"""

from __future__ import annotations

import functools
import itertools
import timeit
from collections.abc import Callable

import numpy as np
from _report import Table, number, ratio, run_line
from ipywidgets.widgets.widget import _remove_buffers

from rnnwidget import RNNExplorer
from rnnwidget._threads import single_threaded_blas
from rnnwidget.explorer.frame import compute_frame

SETTINGS = [(100, 32), (200, 64), (1000, 64), (200, 256)]  # (seq_len, units)
CELLS = ("elman", "lstm", "gru")


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


def model_ms(w: RNNExplorer, calls: int) -> float:
    """The anchor: the bare cell's forward + BPTT on the explorer's input, a loss on the last
    state, best of 7 (ms), on one BLAS thread as the widget's recompute runs."""
    model, x = w.model, w.trace.x
    dh = np.zeros_like(w.trace.h)
    dh[:, -1] = 1.0
    with single_threaded_blas():
        best = min(
            timeit.repeat(lambda: model.backward(model.forward(x), dh), number=calls, repeat=7)
        )
    return best / calls * 1e3


def measure(w: RNNExplorer, moves: Callable[[], None]) -> list[str]:
    """One row's timing cells: recompute, change + packing, each with its ratio to the bare
    cell's forward + BPTT, that anchor, and the payload."""
    calls = 50
    recompute = functools.partial(compute_frame, w.params)
    compute = min(timeit.repeat(recompute, number=calls, repeat=7)) / calls * 1e3
    total = min(timeit.repeat(moves, number=calls, repeat=7)) / calls * 1e3
    anchor = model_ms(w, calls)
    _, _, buffers = _remove_buffers(w.get_state(["_frame"]))
    kilobytes = sum(len(b) for b in buffers) / 1e3
    return [
        number(compute), ratio(compute, anchor), number(total), ratio(total, anchor),
        number(anchor), f"{kilobytes:.0f}",
    ]  # fmt: skip


COLUMNS = [
    "recompute ms", "ratio", "change + packing ms", "ratio", "cell forward + BPTT ms",
    "payload kB",
]  # fmt: skip


def main() -> None:
    print(run_line())
    print()
    table = Table(
        "RNNExplorer, Elman cell: one w_hh_scale change, best of 7; ratio: the time over the "
        "bare cell's forward + BPTT on the same input.",
        ["seq_len", "units", *COLUMNS],
        text_columns=0,
    )
    for seq_len, units in SETTINGS:
        w = RNNExplorer(seq_len=seq_len, units=units)
        table.add(seq_len, units, *measure(w, slider_moves(w)))
        w.close()
    print(table)
    print()
    table = Table(
        "Per cell at seq_len=200, units=64, noise input: one seq_len change (a knob every cell "
        "reads), best of 7; ratio as above.",
        ["cell", *COLUMNS],
    )
    for cell in CELLS:
        w = RNNExplorer(cell=cell, seq_len=200, units=64, input_kind="noise")
        table.add(cell, *measure(w, seq_len_moves(w)))
        w.close()
    print(table)


if __name__ == "__main__":
    main()
