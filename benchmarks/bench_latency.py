"""Slider to redrawn picture, in a real JupyterLab 4 in Debian's Chromium: RNNExplorer against the
lecturer's do-it-yourself path, ``ipywidgets.interact`` + matplotlib ``imshow`` of the same array.

Run: python benchmarks/bench_latency.py [--seq-len 200] [--units 64]
(needs the ``test`` extra and /usr/bin/chromium)

For each setup it focuses a slider, presses an arrow key 50 times (after 5 warm-up presses),
waits for each redraw before the next key, and prints the milliseconds from the key to the
finished drawing, as measured inside the page:
- RNNExplorer, for each cell: from the keydown on its continuous knob (the Elman cell's W_hh
  scale; the gated cells' sequence length, one step right then one left, since it is their
  only one) to the end of the canvas redraw for the new value (its ``rnnwidget:drawn`` event).
  Twin on: the browser's twin of the kernel's numbers draws the frame first (the kernel's
  replaces it later, untimed); twin off (``data-twin="off"`` on the view's root): the view
  waits for the kernel's frame, the round trip. With the twin on, the table also gives the
  twin's computation alone, and where it ran (on the page where it takes less than a screen's
  frame, else in a Worker);
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
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jupyterlab
import nbformat
from _report import Table, number, ratio, run_line
from playwright.sync_api import Locator, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.jupyter import NotebookPage, isolated_environment, run_server  # noqa: E402

STEPS, WARM_UP = 50, 5
POLL_MS = 100  # how often the benchmark looks for the next measurement

CELLS = ("elman", "lstm", "gru")

EXPLORER_CELL = """\
from rnnwidget import RNNExplorer

w_{cell} = RNNExplorer(cell="{cell}", seq_len={seq_len}, units={units}, input_kind="noise")
w_{cell}"""

# The continuous knob each cell has, and the keys that move it without changing the size.
KNOBS = {
    "elman": ("w_hh_scale", ["ArrowRight"]),
    "lstm": ("seq_len", ["ArrowRight", "ArrowLeft"]),
    "gru": ("seq_len", ["ArrowRight", "ArrowLeft"]),
}

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

# Installed in the page: time from each keydown on `slider` to the redraw for its new value,
# and how long each twin frame took to compute. `twin` false turns the view's twin off.
EXPLORER_PROBE = """
([slider, twin]) => {
  window.latencies = [];
  window.computeMs = [];
  window.explorerProbe?.abort(); // the listeners of the measurement before, on this very view
  window.explorerProbe = new AbortController();
  const { signal } = window.explorerProbe;
  const root = slider.closest(".rnnwidget");
  if (twin) delete root.dataset.twin;
  else root.dataset.twin = "off";
  let start = null;
  slider.addEventListener("keydown", () => { start = performance.now(); },
    { capture: true, signal });
  root.addEventListener("rnnwidget:drawn", (event) => {
    const { params, source, compute_ms: ms, computed_in: where } = event.detail;
    if (start !== null && params[slider.dataset.trait] === Number(slider.value)) {
      window.latencies.push(performance.now() - start);
      if (source === "twin") window.computeMs.push([ms, where]);
      start = null;
    }
  }, { signal });
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


def measure(
    page: Page, control: Locator, probe: str, probe_arg: Any, keys: Sequence[str] = ("ArrowRight",)
) -> list[float]:
    """Press ``keys`` in turn STEPS + WARM_UP times on a control; the latencies after warm-up."""
    page.evaluate(probe, probe_arg)
    control.focus()
    for step in range(STEPS + WARM_UP):
        page.keyboard.press(keys[step % len(keys)])
        # Poll on a timer, not Playwright's default requestAnimationFrame: that asks the page for
        # a frame every 16 ms, and those frames (paint and layerize of all of JupyterLab) delay
        # the handling of the kernel's reply by several milliseconds, an artefact no lecturer's
        # page has.
        page.wait_for_function("(n) => window.latencies.length >= n", arg=step + 1, polling=POLL_MS)
    return page.evaluate("window.latencies")[WARM_UP:]


def run_setup(
    browser_context, workdir: Path, size: dict[str, int], *server_options: str
) -> tuple[dict[str, list[float]], dict[str, list[tuple[float, str]]]]:
    """The latencies of every widget on one server, and the twin's computation times (and
    where each ran) by cell."""
    workdir.mkdir(parents=True)
    notebook = workdir / "latency.ipynb"
    cells = [EXPLORER_CELL.format(cell=cell, **size) for cell in CELLS] + [
        cell.format(esm=BARE_ESM, **size) for cell in (INTERACT_CELL, BARE_CELL)
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
            page = nb.page
            latencies, compute = {}, {}
            for index, cell in enumerate(CELLS):
                trait, keys = KNOBS[cell]
                slider = page.locator(".rnnwidget").nth(index).locator(f"input[data-trait={trait}]")
                for twin in (True, False):
                    probe = [slider.element_handle(), twin]
                    found = measure(page, slider, EXPLORER_PROBE, probe, keys)
                    latencies[f"RNNExplorer {cell}, twin {'on' if twin else 'off'}"] = found
                    if twin:
                        compute[cell] = page.evaluate("window.computeMs")[WARM_UP:]
            handle = page.locator(".widget-interact .noUi-handle").first
            output = page.locator(".widget-interact .widget-output").first
            bare = page.locator(".bare-slider").first
            probe = [handle.element_handle(), output.element_handle()]
            latencies["interact + matplotlib"] = measure(page, handle, INTERACT_PROBE, probe)
            latencies["bare anywidget (floor)"] = measure(
                page, bare, BARE_PROBE, bare.element_handle()
            )
            return latencies, compute
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
    latencies = {server: found for server, (found, _) in results.items()}
    table = Table(
        f"Slider to redrawn picture, JupyterLab 4, Chromium, seq_len={args.seq_len}, "
        f"units={args.units}, {STEPS} arrow-key steps, ms; ratio: over the bare anywidget's "
        "same statistic on the same server (the floor for any kernel-backed picture).",
        ["server", "widget", "p50 ms", "ratio", "p95 ms", "ratio", "max ms", "ratio"],
        text_columns=2,
    )
    for server, widgets in latencies.items():
        floor = statistics_of(widgets["bare anywidget (floor)"])
        for widget, times in widgets.items():
            found = statistics_of(times)
            cells = [text for t, a in zip(found, floor) for text in (number(t), ratio(t, a))]
            table.add(server, widget, *cells)
    print(table)
    print()
    computing = Table(
        "The twin's computation of one frame (part of the twin-on times above), ms, and where "
        "it ran: on the page where it takes less than a screen's frame (16.7 ms), else in a "
        "Worker.",
        ["server", "cell", "p50 ms", "p95 ms", "max ms", "where"],
        text_columns=2,
    )
    for server, (_, compute) in results.items():
        for cell, found in compute.items():
            places = Counter(where for _, where in found)
            times = statistics_of([ms for ms, _ in found])
            where = ", ".join(f"{place} {count}" for place, count in places.most_common())
            computing.add(server, cell, *(number(t) for t in times), where)
    print(computing)


def statistics_of(latencies: list[float]) -> tuple[float, float, float]:
    """p50, p95 and the maximum, in ms."""
    return percentile(latencies, 50), percentile(latencies, 95), max(latencies)


def chromium_version(path: Path) -> str:
    """The browser's version, as it reports it (``Chromium 156.0...``: the number)."""
    found = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=True)
    return found.stdout.split()[1]


if __name__ == "__main__":
    main()
