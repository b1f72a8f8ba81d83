"""What a headless figure costs: one PNG of the explorer (rnnwidget.render.render_png) from a
computed frame, at scale 1 (the size a display bundle would use) and 2 (the slide default),
and one SVG.

Run: python benchmarks/bench_render.py
"""

from __future__ import annotations

import timeit

from rnnwidget.frame import Params, compute_frame
from rnnwidget.render import render_png, render_svg

SETTINGS = [(100, 32), (200, 64), (1000, 64)]  # (seq_len, units)


def main() -> None:
    print("rnnwidget.render: one figure from a computed frame, best of 7 (ms)")
    header = ["seq_len", "units", "PNG x1", "PNG x2", "SVG", "x1 kB", "x2 kB"]
    print(" ".join(f"{name:>7}" for name in header))
    for seq_len, units in SETTINGS:
        frame = compute_frame(Params(w_hh_scale=1.0, seq_len=seq_len, units=units))
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
            f"{seq_len:>7} {units:>5} {times['x1']:>7.1f} {times['x2']:>7.1f} "
            f"{times['svg']:>7.1f} {size1:>7.0f} {size2:>7.0f}"
        )


if __name__ == "__main__":
    main()
