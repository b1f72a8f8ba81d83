"""How long the browser twin (js/twin) takes to compute one explorer frame in Node, per cell
and size: the number a slider pays in the page before it draws.

Run: python benchmarks/bench_twin.py [--sizes 100x32 200x64 1000x64] [--seconds 2]

Each row is ``computeFrame`` (js/twin/frame.js) for the explorer's default setting of one cell
(``Params(cell=..., seq_len=T, units=n)``, the weights and input
:func:`rnnwidget.explorer.twin.given` makes), and for the Elman cell at W_hh scale 0.5 too, whose
gradient vanishes past 1e-150 at T = 1000 and so takes the log-space pass: the median over the
runs that fit in ``--seconds``, after a warm-up. Beside it, the kernel's ``compute_frame`` for
the same setting (the best of several repeats, numpy in the same run), the twin's time as a
ratio to it, a ``FrameSource``'s frame of the same setting when it holds the forward pass
(what the view pays for a move of the sequence length alone), and ``computeFrame`` again with
its matrix-vector products in JavaScript's loop rather than WebAssembly (js/twin/kernel.js; what
a browser without WebAssembly SIMD pays). Node times the twin in its own V8, which reads typed
arrays faster than Chromium's (whose memory sandbox checks every read): the browser's own times
are bench_latency.py's.
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path
from typing import Any

from _report import ROOT, Table, number, ratio, run_line

from rnnwidget.explorer import twin
from rnnwidget.explorer.frame import CELLS, Params, compute_frame

sys.path.insert(0, str(ROOT))  # for tests.node: the cases cross as the tests' runners read them

from tests.node import IMPORT_HOOKS, encode

NODE = "node"

#: The settings timed, by their label in the table: each cell's default, and the Elman cell
#: where its gradient vanishes (the log-space pass at T = 1000).
SETTINGS: dict[str, dict[str, Any]] = {cell: {"cell": cell} for cell in CELLS}
SETTINGS["elman, W_hh scale 0.5"] = {"cell": "elman", "w_hh_scale": 0.5}


def size(text: str) -> tuple[int, int]:
    """``"200x64"`` -> (200, 64): steps by units."""
    steps, units = text.lower().split("x")
    return int(steps), int(units)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=size, nargs="+", default=[(100, 32), (200, 64), (1000, 64)],
        help="steps x units, e.g. 200x64",
    )  # fmt: skip
    parser.add_argument("--seconds", type=float, default=2.0, help="timed runs per case")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = args.sizes

    cases, kernel = [], {}
    for steps, units in sizes:
        for label, settings in SETTINGS.items():
            params = Params(seq_len=steps, units=units, seed=args.seed, **settings)
            case_id = f"{label} {steps}x{units}"
            knobs = {"cell": params.cell, "seq_len": steps}
            if params.cell == "elman":
                knobs |= {k: getattr(params, k) for k in ("w_hh_scale", "saturation", "bias")}
            given = twin.given(params, steps)
            cases.append(
                {"id": case_id, "params": knobs, "given": given, "warmup": 50,
                 "seconds": args.seconds, "least": 20}
            )  # fmt: skip
            runs = timeit.repeat(functools.partial(compute_frame, params), number=5, repeat=5)
            kernel[case_id] = min(runs) / 5 * 1e3

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.json"
        path.write_text(json.dumps(encode(cases)), "utf-8")
        script = ROOT / "benchmarks" / "bench_twin.mjs"
        out = subprocess.run(
            [NODE, "--import", IMPORT_HOOKS.as_uri(), str(script), str(path)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    medians = json.loads(out.stdout)
    node = subprocess.run([NODE, "--version"], check=True, capture_output=True, text=True)

    print(run_line(Node=node.stdout.strip()))
    print()
    table = Table(
        "The twin's computeFrame in Node, per setting (the explorer's defaults otherwise, seed "
        f"{args.seed}): median ms; the kernel's compute_frame in numpy for the same setting; "
        "ratio: the twin's time over the kernel's; forward kept: a FrameSource's frame when it "
        "holds the forward pass (a move of the sequence length alone); JavaScript loop: the "
        "twin's time with its matrix-vector products in JavaScript rather than WebAssembly.",
        [
            "setting",
            "T x units",
            "twin ms",
            "kernel ms",
            "ratio",
            "forward kept ms",
            "JavaScript loop ms",
        ],
        text_columns=2,
    )
    for steps, units in sizes:
        for label in SETTINGS:
            case_id = f"{label} {steps}x{units}"
            (twin_ms, kept_ms, loop_ms), kernel_ms = medians[case_id], kernel[case_id]
            table.add(
                label, f"{steps} x {units}", number(twin_ms), number(kernel_ms),
                ratio(twin_ms, kernel_ms), number(kept_ms), number(loop_ms),
            )  # fmt: skip
    print(table)


if __name__ == "__main__":
    main()
