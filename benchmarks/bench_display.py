"""What displaying an RNNExplorer costs for its picture: the ``image/png`` its display bundle
carries beside the widget view (rnnwidget.explorer.preview), at scale 1.

Each repetition draws a frame it has not drawn before (a new ``w_hh_scale``), as a new display
does, so no text is cached from the last one. The first display in a fresh kernel also imports
matplotlib and warms its caches: measured apart, in a new process.

Run: python benchmarks/bench_display.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from rnnwidget import RNNExplorer
from rnnwidget.explorer.preview import png_base64

SETTINGS = [(100, 32), (200, 64), (1000, 64)]  # (seq_len, units)
REPEAT = 15

FIRST_DISPLAY = """
import time
from rnnwidget import RNNExplorer
w = RNNExplorer(seq_len=200, units=64)
start = time.perf_counter()
w._repr_mimebundle_()
print((time.perf_counter() - start) * 1e3)
"""


def main() -> None:
    print(f"image/png of a display bundle, a new frame each time, {REPEAT} runs (ms)")
    print(f"{'seq_len':>7} {'units':>5} {'best':>6} {'median':>6} {'kB':>5}")
    for seq_len, units in SETTINGS:
        w = RNNExplorer(seq_len=seq_len, units=units)
        png_base64(w.frame)  # warm up: imports, fonts
        times = []
        for i in range(REPEAT):
            w.w_hh_scale = 0.5 + 0.05 * i
            start = time.perf_counter()
            png = png_base64(w.frame)
            times.append((time.perf_counter() - start) * 1e3)
        size = len(png or "") * 3 / 4 / 1e3
        best, median = min(times), statistics.median(times)
        print(f"{seq_len:>7} {units:>5} {best:>6.1f} {median:>6.1f} {size:>5.0f}")
    first = subprocess.run(
        [sys.executable, "-c", FIRST_DISPLAY], capture_output=True, text=True, check=True
    )
    print(f"first display in a new process (matplotlib imported): {float(first.stdout):.0f} ms")


if __name__ == "__main__":
    main()
