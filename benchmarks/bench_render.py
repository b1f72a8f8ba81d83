"""What a headless figure costs: one PNG of the explorer (drawing.render_png) from a
computed frame, at scale 1 (the size a display bundle would use) and 2 (the slide default),
and one SVG; one layer, two stacked layers, and the sentence input (its "Why order matters"
panel).

Run: python benchmarks/bench_render.py
"""

from __future__ import annotations

import timeit

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


def main() -> None:
    print("rnnwidget.explorer.drawing: one figure from a computed frame, best of 7 (ms)")
    header = ["seq_len", "units", "layers", "input", "PNG x1", "PNG x2", "SVG", "x1 kB", "x2 kB"]
    print(" ".join(f"{name:>8}" for name in header))
    for seq_len, units, layers, kind in SETTINGS:
        params = Params(
            w_hh_scale=1.0, seq_len=seq_len, units=units, layers=layers, input_kind=kind
        )
        frame = compute_frame(params)
        render_png(frame, scale=1.0)  # warm up: imports, font caches
        number = 5
        times = {
            name: min(timeit.repeat(run, number=number, repeat=7)) / number * 1e3
            for name, run in {
                "x1": lambda frame=frame: render_png(frame, scale=1.0),
                "x2": lambda frame=frame: render_png(frame, scale=2.0),
                "svg": lambda frame=frame: render_svg(frame),
            }.items()
        }
        size1 = len(render_png(frame, scale=1.0)) / 1e3
        size2 = len(render_png(frame, scale=2.0)) / 1e3
        print(
            f"{seq_len:>8} {units:>8} {layers:>8} {kind:>8} {times['x1']:>8.1f} "
            f"{times['x2']:>8.1f} {times['svg']:>8.1f} {size1:>8.0f} {size2:>8.0f}"
        )


if __name__ == "__main__":
    main()
