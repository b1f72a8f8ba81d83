"""What a headless figure costs: one PNG of the explorer (drawing.render_png) from a
computed frame, at scale 1 (the size a display bundle would use) and 2 (the slide default),
and one SVG; one layer, two stacked layers, and the sentence input (its "Why order matters"
panel). The anchor of each time is the recompute of the same frame (``compute_frame``),
measured in the same run: the figure's cost in slider moves.

Run: python benchmarks/bench_render.py
"""

from __future__ import annotations

import functools
import timeit

import matplotlib
from _report import Table, number, ratio, run_line

from rnnwidget.explorer.drawing import render_png, render_svg
from rnnwidget.explorer.frame import Params, compute_frame

# (seq_len, units, layers, input_kind); the budget: under 100 ms at scale 1 for (200, 64, 1)
SETTINGS = [
    (100, 32, 1, "impulse"),
    (200, 64, 1, "impulse"),
    (1000, 64, 1, "impulse"),
    (200, 64, 2, "impulse"),
    (200, 64, 2, "sentence"),
]


def best_ms(run: functools.partial[object], number: int) -> float:
    return min(timeit.repeat(run, number=number, repeat=7)) / number * 1e3


def main() -> None:
    print(run_line(matplotlib=matplotlib.__version__))
    print()
    table = Table(
        "rnnwidget.explorer.drawing: one figure from a computed frame, best of 7; ratio: the "
        "time over one recompute of the same frame.",
        [
            "seq_len", "units", "layers", "input", "PNG scale 1 ms", "ratio", "PNG scale 2 ms",
            "ratio", "SVG ms", "ratio", "recompute ms", "scale 1 kB", "scale 2 kB",
        ],
        text_columns=0,
    )  # fmt: skip
    for seq_len, units, layers, kind in SETTINGS:
        params = Params(
            w_hh_scale=1.0, seq_len=seq_len, units=units, layers=layers, input_kind=kind
        )
        frame = compute_frame(params)
        render_png(frame, scale=1.0)  # warm up: imports, font caches
        x1 = best_ms(functools.partial(render_png, frame, scale=1.0), 5)
        x2 = best_ms(functools.partial(render_png, frame, scale=2.0), 5)
        svg = best_ms(functools.partial(render_svg, frame), 5)
        anchor = best_ms(functools.partial(compute_frame, params), 10)
        size1 = len(render_png(frame, scale=1.0)) / 1e3
        size2 = len(render_png(frame, scale=2.0)) / 1e3
        table.add(
            seq_len, units, layers, kind, number(x1), ratio(x1, anchor), number(x2),
            ratio(x2, anchor), number(svg), ratio(svg, anchor), number(anchor), f"{size1:.0f}",
            f"{size2:.0f}",
        )  # fmt: skip
    print(table)


if __name__ == "__main__":
    main()
