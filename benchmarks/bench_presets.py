"""What each explorer preset chose and measured, for every input at two lengths, and how long
its search took: the table behind tests/test_presets.py.

Run: python benchmarks/bench_presets.py [--lengths 100 200] [--units 32] [--seed 0]

Each row is one click from a fresh explorer (the searches' cache cleared first, so the time is
the first click's): the W_hh scale, tanh gain and bias the preset set, log10 of the gradient's
trip ratio ||dL/dh_1|| / ||dL/dh_T||, and the fraction of (step, unit) cells with |h| > 0.99.
"""

from __future__ import annotations

import argparse
import time

from rnnwidget import RNNExplorer
from rnnwidget.cells.inputs import INPUT_KINDS
from rnnwidget.explorer import presets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    header = ("preset", "input", "T", "scale", "gain", "bias", "ratio", "pinned", "ms")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for preset in RNNExplorer.PRESETS:
        for input_kind in INPUT_KINDS:
            for seq_len in args.lengths:
                w = RNNExplorer(
                    input_kind=input_kind, seq_len=seq_len, units=args.units, seed=args.seed
                )
                presets._find.cache_clear()
                presets._edge.cache_clear()
                presets._ratio.cache_clear()
                start = time.perf_counter()
                w.apply_preset(preset.name)
                ms = 1e3 * (time.perf_counter() - start)
                norms = w.frame.log10_grad_norm
                row = (
                    preset.label, input_kind, str(seq_len), f"{w.w_hh_scale:g}",
                    f"{w.saturation:g}", f"{w.bias:g}", f"{norms[0] - norms[-1]:+.1f}",
                    f"{w.saturated_fraction:.2f}", f"{ms:.0f}",
                )  # fmt: skip
                print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
