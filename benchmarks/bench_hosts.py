"""Slider to redrawn picture for RNNExplorer in each host: marimo, Voila and JupyterLab 4, in
Debian's Chromium, measured the way benchmarks/bench_latency.py measures JupyterLab.

Run: python benchmarks/bench_hosts.py [--seq-len 200] [--units 64]
(needs the ``test`` extra and /usr/bin/chromium)

For each host it focuses the W_hh slider, presses the right arrow key 50 times (after 5 warm-up
presses), waits for each redraw before the next key (Playwright polling on a 100 ms timer, not
on animation frames), and prints the milliseconds from the slider's keydown to the view's
``rnnwidget:drawn`` event for the new value, as measured inside the page (bench_latency's probe
and loop). The hosts:
- marimo: ``marimo run`` of an app showing ``mo.ui.anywidget(RNNExplorer(...))``, and the same
  app with a reactive cell reading ``w.value["w_hh_scale"]`` (marimo runs it on every change);
- Voila: ``voila`` of a notebook showing the explorer;
- JupyterLab 4 with rnnwidget's server extension (the default after ``pip install``), through
  bench_latency's own setup, which also times interact + matplotlib and a bare anywidget.
Every server imports this checkout's rnnwidget (PYTHONPATH). The anchor of every time is the
same statistic of the bare anywidget in JupyterLab 4, in the same run."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import marimo
import voila
from playwright.sync_api import BrowserContext, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _report import Table, number, ratio, run_line  # noqa: E402
from bench_latency import (  # noqa: E402
    EXPLORER_PROBE,
    chromium_version,
    measure,
    run_setup,
    statistics_of,
)

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.hosts import HostPage, run_marimo, run_voila  # noqa: E402
from tests.browser.jupyter import isolated_environment  # noqa: E402
from tests.browser.test_harness import write_notebook  # noqa: E402

SLIDER = ".rnnwidget input[data-trait='w_hh_scale']"
EXPLORER = 'RNNExplorer(seq_len={seq_len}, units={units}, input_kind="noise")'

MARIMO_APP = """\
import marimo

app = marimo.App(width="full")


@app.cell
def _():
    import marimo as mo
    from rnnwidget import RNNExplorer

    w = mo.ui.anywidget({explorer})
    w
    return (w,)
{reactive}
"""

REACTIVE_CELL = """

@app.cell
def _(w):
    w.value["w_hh_scale"]
    return
"""

VOILA_CELL = "from rnnwidget import RNNExplorer\n\nw = {explorer}\nw"


def measure_page(context: BrowserContext, server) -> list[float]:
    page = HostPage(server, context.new_page())
    try:
        page.load()
        return measure(page.page, SLIDER, EXPLORER_PROBE, [SLIDER])
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seq-len", type=int, default=200)
    parser.add_argument("--units", type=int, default=64)
    args = parser.parse_args()
    size = {"seq_len": args.seq_len, "units": args.units}
    explorer = EXPLORER.format(**size)
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        workdir = Path(tmp)
        context = playwright.chromium.launch_persistent_context(
            workdir / "profile",
            env=isolated_environment(workdir / "home"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            for name, reactive in [
                ("marimo", ""),
                ("marimo, a cell reads w.value", REACTIVE_CELL),
            ]:
                folder = workdir / name.replace(" ", "_").replace(",", "")
                folder.mkdir()
                app = folder / "app.py"
                app.write_text(MARIMO_APP.format(explorer=explorer, reactive=reactive))
                with run_marimo(app, folder / "server") as server:
                    results[name] = measure_page(context, server)

            (workdir / "voila").mkdir()
            notebook = write_notebook(
                workdir / "voila" / "latency.ipynb", VOILA_CELL.format(explorer=explorer)
            )
            with run_voila(notebook, workdir / "voila" / "server") as server:
                results["Voila"] = measure_page(context, server)

            lab = run_setup(context, workdir / "lab", size)
            results["JupyterLab 4"] = lab["RNNExplorer"]
            results["JupyterLab 4, bare anywidget (floor)"] = lab["bare anywidget (floor)"]
        finally:
            context.close()

    print(run_line(marimo=marimo.__version__, voila=voila.__version__,
                   Chromium=chromium_version(CHROMIUM)))  # fmt: skip
    print()
    table = Table(
        f"Slider to redrawn RNNExplorer, Chromium, seq_len={args.seq_len}, units={args.units}, "
        f"{len(next(iter(results.values())))} arrow-key steps, ms; ratio: over the same "
        "statistic of the bare anywidget in JupyterLab 4.",
        ["host", "p50 ms", "ratio", "p95 ms", "ratio", "max ms", "ratio"],
    )
    floor = statistics_of(results["JupyterLab 4, bare anywidget (floor)"])
    for host, latencies in results.items():
        found = statistics_of(latencies)
        table.add(host, *[text for t, a in zip(found, floor) for text in (number(t), ratio(t, a))])
    print(table)


if __name__ == "__main__":
    main()
