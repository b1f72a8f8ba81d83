"""Does the kernel stay responsive while RNNTrainer trains in its background thread?

Run: python benchmarks/bench_live.py

A real IPython kernel (jupyter_client, as a notebook server starts one) creates
``RNNTrainer(units=32, task="adding", seq_len=50, batch_size=32)``, the issue's lecture size.
Then, with the kernel idle and again while it trains in the background, it times:

1. a cell: ``execute("1")`` from the request to the reply, 50 times;
2. ``w.pause()`` inside the kernel: from the call to its return (the step in progress finishes
   first), 20 times, each after 0.3 s of training;

and the training rate (``steps_per_second`` as published: steps per second of training, its
evaluations and publishing included), alone for 3 s and while it answers the cells. The widget has
no browser here: the comm messages go nowhere, but the kernel builds and sends them all the same.
"""

from __future__ import annotations

import statistics
import time

from jupyter_client.manager import start_new_kernel

CELLS = 50
PAUSES = 20

SETUP = """
import time
from rnnwidget import RNNTrainer
w = RNNTrainer(units=32, task="adding", seq_len=50, batch_size=32)
"""

RATE = """
w.reset(); w.start(); time.sleep(3); w.pause()
print(w._progress["steps_per_second"])
"""

PAUSE = """
w.start(); time.sleep(0.3)
_t = time.perf_counter(); w.pause(); _pause_ms = (time.perf_counter() - _t) * 1e3
print(_pause_ms)
"""


def run(client, code: str) -> str:
    """Execute ``code``; return its stdout (raise on an error)."""
    out: list[str] = []

    def collect(message):
        if message["msg_type"] == "stream":
            out.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            raise RuntimeError("\n".join(message["content"]["traceback"]))

    client.execute_interactive(code, output_hook=collect, timeout=120)
    return "".join(out)


def cell_latencies(client) -> list[float]:
    """Milliseconds from sending ``1`` to the kernel's reply, CELLS times."""
    times = []
    for _ in range(CELLS):
        start = time.perf_counter()
        client.execute_interactive("1", output_hook=lambda message: None, timeout=30)
        times.append((time.perf_counter() - start) * 1e3)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   max {max(times):6.1f} ms"


def main() -> None:
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        run(client, SETUP)
        print("RNNTrainer(units=32, task='adding', seq_len=50, batch_size=32), Adam, clipping on")
        print(f"\ncell '1', request to reply ({CELLS} times)")
        print(f"  {'kernel idle':>22}  {summary(cell_latencies(client))}")
        run(client, "w.start()")
        training = cell_latencies(client)
        busy = float(run(client, "w.pause(); print(w._progress['steps_per_second'])"))
        print(f"  {'training in background':>22}  {summary(training)}")
        alone = float(run(client, RATE))
        print(f"\ntraining rate: {alone:.0f} steps/s alone, {busy:.0f} while answering the cells")
        pauses = [float(run(client, PAUSE)) for _ in range(PAUSES)]
        print(f"\nw.pause() while training ({PAUSES} times): {summary(pauses)}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
