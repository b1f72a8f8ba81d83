"""Slider to redrawn picture, in a real JupyterLab 4 in Debian's Chromium: RNNExplorer against the
lecturer's do-it-yourself path, ``ipywidgets.interact`` + matplotlib ``imshow`` of the same array.

Run: python benchmarks/bench_latency.py [--seq-len 200] [--units 64]
(needs the ``test`` extra and /usr/bin/chromium)

For each setup it focuses the W_hh slider, presses the right arrow key 50 times (after 5 warm-up
presses), waits for each redraw before the next key, and prints the milliseconds from the key
to the finished drawing, as measured inside the page:
- RNNExplorer: from the slider's keydown to the end of the canvas redraw for the new value
  (its ``rnnwidget:drawn`` event);
- interact + matplotlib: from the slider's keydown to the new PNG in the output, decoded;
- a bare anywidget, the floor for any kernel-backed picture: from the keydown to a
  units x seq_len float32 array from the kernel painted with ImageData.
All three run with rnnwidget's server extension (TCP_NODELAY on kernel websockets, the default
after ``pip install rnnwidget``) and without it (a stock jupyter_server). The anchor of every
time is the bare anywidget's same statistic on the same server, in the same run."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import jupyterlab
import nbformat
from _report import Table, number, ratio, run_line
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.jupyter import NotebookPage, isolated_environment, run_server  # noqa: E402

STEPS, WARM_UP = 50, 5
POLL_MS = 100  # how often the benchmark looks for the next measurement

EXPLORER_CELL = """\
from rnnwidget import RNNExplorer

w = RNNExplorer(seq_len={seq_len}, units={units}, input_kind="noise")
w"""

INTERACT_CELL = """\
import ipywidgets
import matplotlib.pyplot as plt

from rnnwidget import SimpleRNN
from rnnwidget.cells.inputs import white_noise

x = white_noise({seq_len}, 4)


def show(w_hh_scale=1.0):
    h = SimpleRNN(4, {units}, w_hh_scale=w_hh_scale).forward(x).h[0]
    fig, ax = plt.subplots(figsize=(9, 3))
    image = ax.imshow(h.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1, origin="lower")
    ax.set(xlabel="timestep t", ylabel="unit")
    fig.colorbar(image)
    plt.show()


ipywidgets.interact(show, w_hh_scale=ipywidgets.FloatSlider(1.0, min=0, max=3, step=0.01))"""

# The floor for any kernel-backed picture: a bare anywidget whose slider sends a value and whose
# kernel answers with a units x seq_len float32 array, painted with ImageData (no axes, no model).
BARE_ESM = """
export default { render({ model, el }) {
  const slider = Object.assign(document.createElement("input"),
    { type: "range", min: "0", max: "3", step: "0.01", className: "bare-slider" });
  slider.setAttribute("data-lm-suppress-shortcuts", "true");
  slider.value = String(model.get("value"));
  const [width, height] = [model.get("cols"), model.get("rows")];
  const canvas = Object.assign(document.createElement("canvas"), { width, height });
  slider.addEventListener("input", () => {
    model.set("value", Number(slider.value));
    model.save_changes();
  });
  model.on("change:data", () => {
    const view = model.get("data");
    const end = view.byteOffset + view.byteLength;
    const values = new Float32Array(view.buffer.slice(view.byteOffset, end));
    const image = canvas.getContext("2d").createImageData(width, height);
    values.forEach((v, i) => image.data.set([128 + 127 * v, 128, 128 - 127 * v, 255], 4 * i));
    canvas.getContext("2d").putImageData(image, 0, 0);
    el.dispatchEvent(new CustomEvent("bare:drawn", { bubbles: true, detail: model.get("value") }));
  });
  el.append(slider, canvas);
} };
"""

BARE_CELL = """\
import anywidget
import numpy as np
import traitlets


class Bare(anywidget.AnyWidget):
    _esm = {esm!r}
    rows = traitlets.Int({units}).tag(sync=True)
    cols = traitlets.Int({seq_len}).tag(sync=True)
    value = traitlets.Float(1.0).tag(sync=True)
    data = traitlets.Bytes(b"").tag(sync=True)

    @traitlets.observe("value")
    def _draw(self, change):
        rng = np.random.default_rng(round(self.value * 100))
        h = np.tanh(rng.standard_normal(({units}, {seq_len})))
        self.data = h.astype(np.float32).tobytes()


Bare()"""

BARE_PROBE = """
(slider) => {
  window.latencies = [];
  let start = null;
  slider.addEventListener("keydown", () => { start = performance.now(); }, true);
  slider.parentElement.addEventListener("bare:drawn", (event) => {
    if (start !== null && event.detail === Number(slider.value)) {
      window.latencies.push(performance.now() - start);
      start = null;
    }
  });
}
"""

# Installed in the page: time from each keydown on `target` to the matching redraw.
EXPLORER_PROBE = """
(slider) => {
  window.latencies = [];
  let start = null;
  slider.addEventListener("keydown", () => { start = performance.now(); }, true);
  slider.closest(".rnnwidget").addEventListener("rnnwidget:drawn", (event) => {
    if (start !== null && event.detail.params.w_hh_scale === Number(slider.value)) {
      window.latencies.push(performance.now() - start);
      start = null;
    }
  });
}
"""

INTERACT_PROBE = """
([handle, output]) => {
  // Without this attribute JupyterLab takes the arrow keys of the focused handle for its own
  // shortcuts; rnnwidget's sliders carry it too.
  handle.setAttribute("data-lm-suppress-shortcuts", "true");
  window.latencies = [];
  let start = null;
  handle.addEventListener("keydown", () => { start = performance.now(); }, true);
  new MutationObserver(async (records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        const img = node.nodeName === "IMG" ? node : node.querySelector?.("img");
        if (img && start !== null) {
          const began = start;
          start = null;
          await img.decode();
          window.latencies.push(performance.now() - began);
        }
      }
    }
  }).observe(output, { childList: true, subtree: true });
}
"""


def measure(page: Page, control_selector: str, probe: str, probe_args: list[str]) -> list[float]:
    """Press the right arrow STEPS + WARM_UP times on a control; the latencies after warm-up."""
    handles = [page.locator(selector).first.element_handle() for selector in probe_args]
    page.evaluate(probe, handles[0] if len(handles) == 1 else handles)
    control = page.locator(control_selector).first
    control.focus()
    for step in range(STEPS + WARM_UP):
        page.keyboard.press("ArrowRight")
        # Poll on a timer, not Playwright's default requestAnimationFrame: that asks the page for
        # a frame every 16 ms, and those frames (paint and layerize of all of JupyterLab) delay
        # the handling of the kernel's reply by several milliseconds, an artefact no lecturer's
        # page has.
        page.wait_for_function("(n) => window.latencies.length >= n", arg=step + 1, polling=POLL_MS)
    return page.evaluate("window.latencies")[WARM_UP:]


def run_setup(
    browser_context, workdir: Path, size: dict[str, int], *server_options: str
) -> dict[str, list[float]]:
    workdir.mkdir(parents=True)
    notebook = workdir / "latency.ipynb"
    cells = [
        cell.format(esm=BARE_ESM, **size) for cell in (EXPLORER_CELL, INTERACT_CELL, BARE_CELL)
    ]
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(c) for c in cells],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        ),
        notebook,
    )
    (workdir / "server").mkdir(parents=True)
    with run_server("lab", workdir / "server", *server_options) as server:
        nb = NotebookPage(server, server.add_notebook(notebook), browser_context.new_page())
        try:
            nb.load()
            nb.run_all()
            explorer_slider = ".rnnwidget input[data-trait='w_hh_scale']"
            handle = ".widget-interact .noUi-handle"
            output = ".widget-interact .widget-output"
            bare = ".bare-slider"
            return {
                "RNNExplorer": measure(nb.page, explorer_slider, EXPLORER_PROBE, [explorer_slider]),
                "interact + matplotlib": measure(nb.page, handle, INTERACT_PROBE, [handle, output]),
                "bare anywidget (floor)": measure(nb.page, bare, BARE_PROBE, [bare]),
            }
        finally:
            nb.close()


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seq-len", type=int, default=200)
    parser.add_argument("--units", type=int, default=64)
    args = parser.parse_args()
    size = {"seq_len": args.seq_len, "units": args.units}
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
            results = {
                "with rnnwidget's server extension": run_setup(context, workdir / "fast", size),
                "stock jupyter_server": run_setup(
                    context,
                    workdir / "stock",
                    size,
                    "--ServerApp.jpserver_extensions=rnnwidget.server_extension=False",
                ),
            }
        finally:
            context.close()

    print(run_line(jupyterlab=jupyterlab.__version__, Chromium=chromium_version(CHROMIUM)))
    print()
    table = Table(
        f"Slider to redrawn picture, JupyterLab 4, Chromium, seq_len={args.seq_len}, "
        f"units={args.units}, {STEPS} arrow-key steps, ms; ratio: over the bare anywidget's "
        "same statistic on the same server (the floor for any kernel-backed picture).",
        ["server", "widget", "p50 ms", "ratio", "p95 ms", "ratio", "max ms", "ratio"],
        text_columns=2,
    )
    for server, widgets in results.items():
        floor = statistics_of(widgets["bare anywidget (floor)"])
        for widget, latencies in widgets.items():
            found = statistics_of(latencies)
            cells = [text for t, a in zip(found, floor) for text in (number(t), ratio(t, a))]
            table.add(server, widget, *cells)
    print(table)


def statistics_of(latencies: list[float]) -> tuple[float, float, float]:
    """p50, p95 and the maximum, in ms."""
    return percentile(latencies, 50), percentile(latencies, 95), max(latencies)


def chromium_version(path: Path) -> str:
    """The browser's version, as it reports it (``Chromium 156.0...``: the number)."""
    found = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=True)
    return found.stdout.split()[1]


if __name__ == "__main__":
    main()
