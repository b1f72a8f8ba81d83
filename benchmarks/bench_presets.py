"""What each explorer preset chose and measured, for every input at two lengths, and how long
its search took: the table behind tests/test_presets.py.

Run: python benchmarks/bench_presets.py [--lengths 100 200] [--units 32] [--seed 0]

Each row is one click from a fresh explorer (the searches' cache cleared first, so the time is
the first click's): the W_hh scale, tanh gain and bias the preset set, log10 of the gradient's
trip ratio ||dL/dh_1|| / ||dL/dh_T||, and the fraction of (step, unit) cells with |h| > 0.99.
The search's time stands beside its ratio to one recompute of the explorer's frame before the
click (``compute_frame``, measured in the same run): how many recomputes the search cost.
"""

from __future__ import annotations

import argparse
import functools
import time
import timeit

from _report import Table, number, ratio, run_line

from rnnwidget import RNNExplorer
from rnnwidget.cells.inputs import INPUT_KINDS
from rnnwidget.explorer import presets
from rnnwidget.explorer.frame import compute_frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    print(run_line())
    print()
    table = Table(
        f"Each preset, one click from a fresh explorer ({args.units} units, seed {args.seed}): "
        "what it set, the log10 gradient ratio and the fraction of pinned cells it gave, and "
        "its search's time; ratio: that time over one recompute of the frame.",
        [
            "preset", "input", "T", "scale", "gain", "bias", "log10 ratio", "pinned",
            "search ms", "ratio", "recompute ms",
        ],
        text_columns=2,
    )  # fmt: skip
    for preset in RNNExplorer.PRESETS:
        for input_kind in INPUT_KINDS:
            for seq_len in args.lengths:
                w = RNNExplorer(
                    input_kind=input_kind, seq_len=seq_len, units=args.units, seed=args.seed
                )
                recompute = functools.partial(compute_frame, w.params)
                anchor = min(timeit.repeat(recompute, number=10, repeat=7)) / 10 * 1e3
                presets._find.cache_clear()
                presets._edge.cache_clear()
                presets._ratio.cache_clear()
                start = time.perf_counter()
                w.apply_preset(preset.name)
                ms = 1e3 * (time.perf_counter() - start)
                norms = w.frame.log10_grad_norm
                table.add(
                    preset.label, input_kind, seq_len, f"{w.w_hh_scale:g}", f"{w.saturation:g}",
                    f"{w.bias:g}", f"{norms[0] - norms[-1]:+.1f}", f"{w.saturated_fraction:.2f}",
                    number(ms), ratio(ms, anchor), number(anchor),
                )  # fmt: skip
                w.close()
    print(table)


if __name__ == "__main__":
    main()
