"""What the live mechanism panels cost training, and what the film of snapshots holds.

Run: python benchmarks/bench_mechanism.py

1. The training rate of ``RNNTrainer`` in its background thread with the mechanism panels on
   (``mechanism=True``, the default) and off (the anchor), at the lecture's sizes: recall at
   lag 100, batch 32, the Elman cell, the LSTM and the GRU at 32 units, and the LSTM at 128. A
   real IPython kernel (jupyter_client, as a notebook server starts one) builds one view of each
   kind; each measurement restarts the run at step 0, starts it, sleeps, pauses, and divides the
   steps gained by the wall time from ``w.start()`` to ``w.pause()`` (evaluations, snapshots
   and publishing included). With the panels on, the worker thread that trains also computes
   the explorer's frame of the network on the validation sequence and packs it (at most every
   ``MECHANISM_INTERVAL`` seconds); the widget has no browser here, so the comm messages go
   nowhere, but the kernel builds and sends them all the same. Off and on alternate, REPEATS
   times each, and the table shows the best run of each (the one least disturbed by anything
   else on the machine); its refreshes per second count the frames the panels were sent. Beside
   them, what one refresh costs the worker (the frame of the network now and its packing, one
   BLAS thread, as the view computes it; best of FRAMES) and its share of a second at that
   rate: the cost the panels add, free of the noise between two runs.
2. The film after 10,000 steps at each size: ``Snapshots.take`` with the run's weights at every
   step, as ``Trainer.step`` calls it (10,000 steps of training would take minutes and keep the
   same steps), against its memory bound.
"""

from __future__ import annotations

import jupyter_client
from _kernel import kernel, run
from _report import Table, number, ratio, run_line

from rnnwidget.training import Trainer
from rnnwidget.training.snapshots import MAX_BYTES
from rnnwidget.training.widget import MECHANISM_INTERVAL

REPEATS = 5
FRAMES = 20
LAG, BATCH = 100, 32
#: (cell, units, seconds of training per measurement): a slower network trains longer, so that
#: every measurement counts well over a hundred steps.
SIZES = [("elman", 32, 3.0), ("lstm", 32, 3.0), ("gru", 32, 3.0), ("lstm", 128, 8.0)]
FILM_STEPS = 10_000

SETUP = """
import time
from rnnwidget import RNNTrainer
from rnnwidget._threads import single_threaded_blas
from rnnwidget.explorer.widget import frame_payload
from rnnwidget.training.mechanism import frame_of, network_of

def rate(w, seconds):
    w.restart()
    revision = w._mechanism_revision
    steps, start = w.steps, time.perf_counter()
    w.start()
    time.sleep(seconds)
    w.pause()
    elapsed = time.perf_counter() - start
    print((w.steps - steps) / elapsed, (w._mechanism_revision - revision) / elapsed)

def refresh_ms(w, frames):
    best = float("inf")
    for _ in range(frames):
        start = time.perf_counter()
        with single_threaded_blas():
            frame_payload(frame_of(network_of(w.trainer)), 0)
        best = min(best, time.perf_counter() - start)
    print(best * 1e3)
"""

VIEWS = """
views = {{
    shown: RNNTrainer(task="recall", lag={lag}, cell={cell!r}, units={units},
                      batch_size={batch}, mechanism=shown)
    for shown in (False, True)
}}
"""


def rates(
    client, cell: str, units: int, seconds: float
) -> tuple[dict[bool, tuple[float, float]], float]:
    """The best run's steps per second and mechanism refreshes per second, panels off and on;
    and the milliseconds of one refresh."""
    run(client, VIEWS.format(lag=LAG, cell=cell, units=units, batch=BATCH))
    measured: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(REPEATS):
        for shown in (False, True):
            steps, refreshes = run(client, f"rate(views[{shown}], {seconds})").split()
            measured[shown].append((float(steps), float(refreshes)))
    refresh = float(run(client, f"refresh_ms(views[True], {FRAMES})"))
    run(client, "for w in views.values(): w.close()")
    return {shown: max(runs) for shown, runs in measured.items()}, refresh


def film(cell: str, units: int) -> tuple[int, int, int, int, int]:
    """The film of a recall run at this size after FILM_STEPS steps: the bytes of one snapshot,
    the limit, the spacing, the snapshots kept and their bytes."""
    trainer = Trainer("recall", lag=LAG, cell=cell, units=units, batch_size=BATCH)
    snapshots = trainer.snapshots
    for step in range(1, FILM_STEPS + 1):
        snapshots.take(step, trainer.params)
    per_snapshot = sum(array.nbytes for array in trainer.params.values())
    return per_snapshot, snapshots.limit, snapshots.every, len(snapshots), snapshots.nbytes


def main() -> None:
    print(run_line(jupyter_client=jupyter_client.__version__))
    print()
    with kernel(SETUP) as client:
        measured = {(cell, units): rates(client, cell, units, t) for cell, units, t in SIZES}
    table = Table(
        f"RNNTrainer(task='recall', lag={LAG}, batch_size={BATCH}), Adam, clipping on, training "
        f"in its background thread: steps per second (evaluations, snapshots and publishing "
        f"included), the best of {REPEATS} runs each, with the mechanism panels off and on "
        f"(refreshed at most every {MECHANISM_INTERVAL} s); ratio: on over off (the panels' "
        f"budget: 0.90 or more). One refresh: the frame and its packing, best of {FRAMES}; "
        "share: of each second, at the refreshes per second measured.",
        ["cell", "units", "off steps/s", "on steps/s", "ratio", "refreshes/s", "ms a refresh",
         "share"],
    )  # fmt: skip
    for (cell, units), (by_shown, refresh) in measured.items():
        (off, _), (on, refreshes) = by_shown[False], by_shown[True]
        share = f"{refreshes * refresh / 1e3:.1%}"
        table.add(cell, units, number(off), number(on), ratio(on, off), number(refreshes, 2),
                  number(refresh), share)  # fmt: skip
    print(table)
    print()
    table = Table(
        f"The film of a recall run (lag {LAG}, float32 weights) after {FILM_STEPS:,} steps: "
        "step 0 and every `every` steps, at most `limit` snapshots; ratio: the bytes kept over "
        f"the bound (MAX_BYTES, {MAX_BYTES / 2**20:.0f} MiB).",
        ["cell", "units", "kB a snapshot", "limit", "every", "snapshots", "MB kept", "ratio"],
    )
    for cell, units, _ in SIZES:
        per_snapshot, limit, every, kept, nbytes = film(cell, units)
        table.add(cell, units, number(per_snapshot / 1e3), limit, every, kept,
                  number(nbytes / 1e6), ratio(nbytes, MAX_BYTES))  # fmt: skip
    print(table)


if __name__ == "__main__":
    main()
