"""Does the kernel stay responsive while RNNTrainer trains in its background thread?

Run: python benchmarks/bench_live.py

A real IPython kernel (jupyter_client, as a notebook server starts one) creates
``RNNTrainer(units=32, task="adding", seq_len=50, batch_size=32)``, the issue's lecture size.
Then, with the kernel idle and again while it trains in the background, it times:

1. a cell: ``execute("1")`` from the request to the reply, 50 times;
2. ``w.pause()`` inside the kernel: from the call to its return (the step in progress finishes
   first), 20 times, each after 0.3 s of training;

and the training rate (the steps ``w.steps`` gained over the wall time from ``w.start()`` to
``w.pause()``, evaluations and publishing included), alone for 3 s and while it answers the
cells. The widget has
no browser here: the comm messages go nowhere, but the kernel builds and sends them all the same.
The anchor of every time is the same statistic of the idle kernel's reply, measured in the same
run; the anchor of the training rate while answering is the rate alone.
"""

from __future__ import annotations

import statistics
import time

import jupyter_client
from _kernel import kernel, run
from _report import Table, number, ratio, run_line

CELLS = 50
PAUSES = 20

SETUP = """
import time
from rnnwidget import RNNTrainer
w = RNNTrainer(units=32, task="adding", seq_len=50, batch_size=32)
def begin():
    global _since
    _since = (w.steps, time.perf_counter())
    w.start()
def rate():
    w.pause()
    steps, start = _since
    return (w.steps - steps) / (time.perf_counter() - start)
"""

RATE = """
w.restart(); begin(); time.sleep(3); print(rate())
"""

PAUSE = """
w.start(); time.sleep(0.3)
_t = time.perf_counter(); w.pause(); _pause_ms = (time.perf_counter() - _t) * 1e3
print(_pause_ms)
"""


def cell_latencies(client) -> list[float]:
    """Milliseconds from sending ``1`` to the kernel's reply, CELLS times."""
    times = []
    for _ in range(CELLS):
        start = time.perf_counter()
        client.execute_interactive("1", output_hook=lambda message: None, timeout=30)
        times.append((time.perf_counter() - start) * 1e3)
    return times


def percentiles(times: list[float]) -> tuple[float, float, float]:
    """p50, p95 and the maximum of ``times``."""
    ordered = sorted(times)
    return statistics.median(times), ordered[int(0.95 * (len(ordered) - 1))], ordered[-1]


def main() -> None:
    print(run_line(jupyter_client=jupyter_client.__version__))
    print()
    with kernel(SETUP) as client:
        idle = percentiles(cell_latencies(client))
        run(client, "begin()")
        training = percentiles(cell_latencies(client))
        busy = float(run(client, "print(rate())"))
        alone = float(run(client, RATE))
        pauses = percentiles([float(run(client, PAUSE)) for _ in range(PAUSES)])
    table = Table(
        "RNNTrainer(units=32, task='adding', seq_len=50, batch_size=32), Adam, clipping on: "
        f"a cell's reply ({CELLS} times) and w.pause() ({PAUSES} times), ms; ratio: over the "
        "same statistic of the idle kernel's reply.",
        ["measured", "p50 ms", "ratio", "p95 ms", "ratio", "max ms", "ratio"],
    )
    for name, times in [
        ("cell '1', kernel idle", idle),
        ("cell '1', training in the background", training),
        ("w.pause() while training", pauses),
    ]:
        cells = [text for t, anchor in zip(times, idle) for text in (number(t), ratio(t, anchor))]
        table.add(name, *cells)
    print(table)
    print()
    table = Table(
        "Training rate (steps per second, evaluations and publishing included); ratio: over the "
        "rate alone.",
        ["training", "steps/s", "ratio"],
    )
    table.add("alone, 3 s", number(alone), ratio(alone, alone))
    table.add("while answering the cells", number(busy), ratio(busy, alone))
    print(table)


if __name__ == "__main__":
    main()
