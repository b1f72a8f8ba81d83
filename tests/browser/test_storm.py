"""A slider storm: 1,000 changes as fast as the page can fire them. Nothing may queue up behind
them, break, leak, or end on a picture that does not match the last value."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from .jupyter import JupyterServer, OpenNotebook
from .test_explorer import assert_canvas_shows_the_kernels_numbers, explorer
from .test_harness import write_notebook

pytestmark = pytest.mark.browser

SETUP = "from rnnwidget import RNNExplorer\n\nw = RNNExplorer(seq_len=200, units=64)\nw"

# 1,000 input events on the W_hh slider, yielding to the event loop every 10 (as a real drag
# does, between frames), then the time from the last event to the redraw of its value.
STORM_JS = """
async (root) => {
  const slider = root.querySelector("input[data-trait='w_hh_scale']");
  const values = Array.from({ length: 1000 }, (_, i) => ((i * 37) % 300) / 100);
  values[values.length - 1] = 1.23;
  let redraws = 0;
  let redrawsAfterLastEvent = 0;
  let lastEvent = null;
  const finalDrawn = new Promise((resolve) => {
    root.addEventListener("rnnwidget:drawn", function onDrawn(event) {
      redraws += 1;
      if (lastEvent !== null) redrawsAfterLastEvent += 1;
      if (lastEvent !== null && event.detail.params.w_hh_scale === 1.23) {
        root.removeEventListener("rnnwidget:drawn", onDrawn);
        resolve(performance.now() - lastEvent);
      }
    });
  });
  const start = performance.now();
  for (const [i, value] of values.entries()) {
    slider.value = String(value);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  lastEvent = performance.now();
  const lag = await finalDrawn;
  return { stormMs: lastEvent - start, lastRedrawMs: lag, redraws, redrawsAfterLastEvent };
}
"""


def test_a_storm_of_1000_slider_changes_ends_on_the_last_value_without_backlog(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "storm.ipynb", SETUP))
    kernel = psutil.Process(int(nb.run_code("import os; print(os.getpid())")))
    for scale in (0.5, 1.5, 1.0):  # warm up: caches, buffers, the first frames
        nb.run_code(f"w.w_hh_scale = {scale}")
    memory_before = kernel.memory_info().rss
    revision_before = nb.python_value("w._frame['revision']")

    # No backlog, shown without a clock: only two answers can follow the last event, the one in
    # flight and the newest value. (How long that takes is a figure for
    # benchmarks/bench_latency.py, not an assertion here.)
    figures = explorer(nb).evaluate(STORM_JS)
    assert figures["redrawsAfterLastEvent"] <= 2, figures
    nb.wait_for_python_value("w.w_hh_scale", 1.23)
    recomputes = nb.python_value("w._frame['revision']") - revision_before
    memory_after = kernel.memory_info().rss
    print(
        f"\nstorm of 1000 changes: {figures['stormMs']:.0f} ms; {figures['redraws']} redraws; "
        f"last redraw {figures['lastRedrawMs']:.1f} ms after the last event; kernel recomputed "
        f"{recomputes} times; kernel memory {memory_before / 2**20:.1f} -> "
        f"{memory_after / 2**20:.1f} MiB"
    )
    assert recomputes < 1000  # coalesced: values in between skipped, not queued
    assert memory_after < 1.10 * memory_before
    assert nb.python_value("w.error") == ""
    assert_canvas_shows_the_kernels_numbers(nb, "hidden")
    assert nb.console_errors == []
