"""One lesson in light and dark: the same run drawn in JupyterLab's light and dark themes reads
the same. Every cell of the heatmaps is read back from its canvas and measured against the
panel's own background, as drawn, in CIELAB (:mod:`tests.cielab`): a fading memory leaves view
at the same step in both themes, the impulse stands out as much, and no gradient vanishes into
the panel."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from playwright.sync_api import Locator, expect

from ..cielab import JUST_NOTICEABLE, delta_e
from .jupyter import JupyterServer, NotebookPage, OpenNotebook
from .test_harness import write_notebook

pytestmark = pytest.mark.browser

T, UNITS = 200, 32
# An impulse through W_hh scale 0.9: the state shrinks about tenfold every 20 steps.
SOURCE = (
    "from rnnwidget import RNNExplorer\n\n"
    f"w = RNNExplorer(w_hh_scale=0.9, seq_len={T}, units={UNITS}, input_kind='impulse')\nw"
)
THEME = "window.jupyterapp.commands.execute('apputils:change-theme', {theme: %s})"

# Every cell of a heatmap read back from its canvas at the device pixel in the cell's centre,
# and the panel's background where nothing else is drawn (its top-left corner), in one read.
CELLS_JS = """
(root, [panel, T, rows]) => {
  const canvas = root.querySelector(`canvas[data-panel="${panel}"]`);
  const d = canvas.dataset;
  const ratio = canvas.width / parseFloat(canvas.style.width);
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  const at = (x, y) => {
    const i = 4 * (Math.floor(y) * canvas.width + Math.floor(x));
    return [data[i], data[i + 1], data[i + 2]];
  };
  const cells = [];
  for (let t = 0; t < T; t++) {
    const x = (Number(d.plotX) + ((t + 0.5) / T) * Number(d.plotWidth)) * ratio;
    cells.push(Array.from({ length: rows }, (_, row) =>
      at(x, (Number(d.plotY) + ((row + 0.5) / rows) * Number(d.plotHeight)) * ratio)));
  }
  return JSON.stringify({ background: at(1, 1), cells });
}
"""


def panel_cells(
    root: Locator, panel: str, rows: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The panel's background and its cells' colours ``(T, rows, 3)``, as drawn."""
    read = json.loads(root.evaluate(CELLS_JS, [panel, T, rows]))
    return np.array(read["background"]), np.array(read["cells"])


def seen(root: Locator) -> dict[str, NDArray[np.float64]]:
    """Each heatmap's cells' colour difference ΔE from the panel's background, ``(T, rows)``."""
    out = {}
    for panel, rows in (("input", 4), ("hidden", UNITS), ("gradient", UNITS)):
        background, cells = panel_cells(root, panel, rows)
        out[panel] = delta_e(cells, background)
    return out


def last_visible_step(difference: NDArray[np.float64], threshold: float) -> int:
    """The last timestep (1-based) with a cell at least ``threshold`` from the background."""
    stands_out = np.flatnonzero((difference >= threshold).any(axis=1))
    return int(stands_out[-1] + 1) if stands_out.size else 0


def switch_theme(nb: NotebookPage, root: Locator, name: str) -> None:
    """Switch JupyterLab's theme and wait until the heatmaps are drawn on its background."""
    hidden = root.locator("canvas[data-panel='hidden']")
    before = hidden.get_attribute("data-background")
    nb.page.evaluate(THEME % json.dumps(name))
    expect(hidden).not_to_have_attribute("data-background", str(before), timeout=15_000)


def test_the_same_run_reads_the_same_in_light_and_dark(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "themes.ipynb", SOURCE))
    root = nb.page.locator(".rnnwidget").first
    expect(root).to_have_attribute("data-revision", str(nb.python_value("w._frame['revision']")))
    light = seen(root)
    light_background, _ = panel_cells(root, "hidden", UNITS)
    switch_theme(nb, root, "JupyterLab Dark")  # the server keeps the choice: put it back after
    try:
        dark = seen(root)
        dark_background, _ = panel_cells(root, "hidden", UNITS)
        page_background = root.evaluate("(el) => getComputedStyle(el).backgroundColor")
    finally:
        switch_theme(nb, root, "JupyterLab Light")
    assert light_background.tolist() == [255, 255, 255]
    assert page_background == "rgb({}, {}, {})".format(*dark_background)  # the panel is the page
    assert dark_background.max() < 40

    # The memory fades out of view at the same step, well before the end of the run.
    for threshold in (JUST_NOTICEABLE, 10.0):
        steps = [last_visible_step(drawn["hidden"], threshold) for drawn in (light, dark)]
        assert 10 < steps[0] < T // 2, (threshold, steps)
        assert abs(steps[0] - steps[1]) <= 2, (threshold, steps)
    # Column by column, the faint end of the memory is as faint in both themes.
    columns = [drawn["hidden"].max(axis=1) for drawn in (light, dark)]
    faint = columns[0] <= 15
    assert np.abs(columns[1] - columns[0])[faint].max() <= 1.0

    # The impulse (x_1 = 1) stands out as much on the dark page as on the light one.
    impulse = [drawn["input"][0].min() for drawn in (light, dark)]
    assert impulse[1] >= 0.85 * impulse[0]
    assert impulse[1] > 60

    # No gradient vanishes into the panel: the smallest stands clearly apart in both themes.
    assert min(light["gradient"].min(), dark["gradient"].min()) >= 15
