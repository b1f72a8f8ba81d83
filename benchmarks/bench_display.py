"""What displaying an RNNExplorer costs for its picture: the ``image/png`` its display bundle
carries beside the widget view (rnnwidget.explorer.preview), at scale 1.

Each repetition draws a frame it has not drawn before (a new ``w_hh_scale``), as a new display
does, so no text is cached from the last one. The anchor is the recompute of the same frame
(``compute_frame``: forward, BPTT, diagnostics), measured in the same run: the picture's cost in
slider moves. The first display in a fresh kernel also imports matplotlib and warms its caches:
measured apart, in a new process, against the warm display at the same size.

Run: python benchmarks/bench_display.py
"""

from __future__ import annotations

import functools
import statistics
import subprocess
import sys
import time
import timeit

import matplotlib
from _report import Table, number, ratio, run_line

from rnnwidget import RNNExplorer
from rnnwidget.explorer.frame import compute_frame
from rnnwidget.explorer.preview import png_base64

SETTINGS = [(100, 32), (200, 64), (1000, 64)]  # (seq_len, units)
REPEAT = 15
FIRST = (200, 64)  # the size of the first display in a new process

FIRST_DISPLAY = f"""
import time
from rnnwidget import RNNExplorer
w = RNNExplorer(seq_len={FIRST[0]}, units={FIRST[1]})
start = time.perf_counter()
w._repr_mimebundle_()
print((time.perf_counter() - start) * 1e3)
"""


def main() -> None:
    print(run_line(matplotlib=matplotlib.__version__))
    print()
    table = Table(
        f"image/png of a display bundle, a new frame each time, {REPEAT} runs; ratio: the "
        "time over one recompute of the same frame.",
        ["seq_len", "units", "best ms", "ratio", "median ms", "ratio", "recompute ms", "kB"],
        text_columns=0,
    )
    warm: dict[tuple[int, int], float] = {}
    for seq_len, units in SETTINGS:
        w = RNNExplorer(seq_len=seq_len, units=units)
        png_base64(w.frame)  # warm up: imports, fonts
        times = []
        for i in range(REPEAT):
            w.w_hh_scale = 0.5 + 0.05 * i
            start = time.perf_counter()
            png = png_base64(w.frame)
            times.append((time.perf_counter() - start) * 1e3)
        recompute = functools.partial(compute_frame, w.params)
        anchor = min(timeit.repeat(recompute, number=10, repeat=7)) / 10 * 1e3
        size = len(png or "") * 3 / 4 / 1e3
        best, median = min(times), statistics.median(times)
        warm[seq_len, units] = median
        table.add(
            seq_len, units, number(best), ratio(best, anchor), number(median),
            ratio(median, anchor), number(anchor), f"{size:.0f}",
        )  # fmt: skip
        w.close()
    print(table)
    print()
    first = subprocess.run(
        [sys.executable, "-c", FIRST_DISPLAY], capture_output=True, text=True, check=True
    )
    first_ms = float(first.stdout)
    table = Table(
        f"The first display in a new process (matplotlib imported), seq_len={FIRST[0]}, "
        f"units={FIRST[1]}; ratio: the time over the median warm display above.",
        ["display", "ms", "ratio"],
    )
    table.add("first in a new process", number(first_ms), ratio(first_ms, warm[FIRST]))
    print(table)


if __name__ == "__main__":
    main()
