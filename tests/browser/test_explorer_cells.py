"""RNNExplorer's cell switch in a real JupyterLab 4: pick the LSTM or the GRU in the Cell select
and the view lists the kernel's new panels (cell state, memory gate, |dL/dc|), paints them in
the kernel's colours, hides the Elman cell's knobs and writes the kernel's words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .jupyter import JupyterServer, NotebookPage, OpenNotebook
from .test_explorer import PIXEL_JS, explorer
from .test_harness import write_notebook

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
T, UNITS, FEATURES = 60, 12, 4
SETUP = f"from rnnwidget import RNNExplorer\n\nw = RNNExplorer(seq_len={T}, units={UNITS})\nw"

# The kernel's colour for cells of any panel it lists: the table row of the panel's value at
# (t, row) and its neighbours (float32 on the wire may round a value across a row boundary).
EXPECTED_COLOURS = """
import json
from rnnwidget.colormaps import colour_index, table
from rnnwidget.explorer.layout import heatmaps
def expected(w, name, cells):
    panel = {p.name: p for p in heatmaps(w.frame, w.gradient_range)}[name]
    values, (lo, hi) = panel.values(w.frame), panel.scale
    rgb = table("standard", panel.role)
    out = []
    for t, row in cells:
        i = int(colour_index(values[t, row], lo, hi))
        out.append([rgb[j].tolist() for j in range(max(i - 1, 0), min(i + 2, 256))])
    return out
"""

ELMAN_ONLY = ("w_hh_scale", "saturation", "bias", "layers")


def assert_panel_shows_the_kernels_numbers(nb: NotebookPage, panel: str) -> None:
    """Sample cells of any heatmap and compare their pixels with the kernel's colours."""
    revision = nb.python_value("w._frame['revision']")
    root = explorer(nb)
    expect(root).to_have_attribute("data-revision", str(revision))
    rows = FEATURES if panel == "input" else UNITS
    cells = sorted({(0, 0), (T - 1, rows - 1), (T // 2, rows // 3), (T // 3, rows - 1), (1, 1)})
    allowed = json.loads(nb.run_code(f"print(json.dumps(expected(w, {panel!r}, {cells})))"))
    shown = root.evaluate(PIXEL_JS, [panel, [[t, r, T, rows] for t, r in cells]])
    for cell, colour, choices in zip(cells, shown, allowed, strict=True):
        assert colour in choices, f"{panel} cell {cell}: canvas {colour}, kernel {choices[1:2]}"


@pytest.fixture
def nb(lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path) -> NotebookPage:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "cells.ipynb", SETUP))
    # The kernel runs this worktree's rnnwidget, not another installed copy.
    assert Path(nb.python_value("__import__('rnnwidget').__file__")).is_relative_to(ROOT)
    nb.run_code(EXPECTED_COLOURS)
    return nb


def test_switching_to_the_lstm_shows_its_panels_in_the_kernels_colours(nb: NotebookPage) -> None:
    root = explorer(nb)
    select = root.get_by_role("combobox", name="Cell")
    expect(select).to_have_value("elman")
    expect(root.locator("[data-knob='gate_init']")).to_be_hidden()
    for name in ELMAN_ONLY:
        expect(root.locator(f"[data-knob='{name}']")).to_be_visible()

    select.select_option(label="LSTM")
    nb.wait_for_python_value("w.cell", "lstm")
    for name in ("hidden", "cell_state", "memory_gate", "gradient", "gradient_c", "norms"):
        expect(root.locator(f"canvas[data-panel='{name}']")).to_be_visible()
    for name in ("input", "hidden", "cell_state", "memory_gate", "gradient", "gradient_c"):
        assert_panel_shows_the_kernels_numbers(nb, name)

    # The Elman cell's knobs mean nothing here: hidden; the memory gate's start shows.
    for name in ELMAN_ONLY:
        expect(root.locator(f"[data-knob='{name}']")).to_be_hidden()
    expect(root.locator("[data-knob='gate_init']")).to_be_visible()

    # The kernel's words: the summary, the stats line, the chart's title.
    summary = nb.python_value("w.summary")
    assert summary.startswith("In the LSTM")
    expect(root.locator(".rnnwidget-summary")).to_have_text(summary)
    expect(root.locator(".rnnwidget-stats")).to_contain_text("mean forget gate f_t")
    expect(root.locator(".rnnwidget-stats")).not_to_contain_text("spectral radius")
    expect(root.locator("canvas[data-panel='norms']")).to_have_attribute(
        "aria-label", "Gradient norms ‖dL/dh_t‖ and ‖dL/dc_t‖ reaching each step (log scale)"
    )

    # The memory gate's start is a knob of the view: "constant" makes the gates forget.
    root.get_by_role("combobox", name="Memory gate init").select_option(value="constant")
    nb.wait_for_python_value("w.gate_init", "constant")
    assert_panel_shows_the_kernels_numbers(nb, "memory_gate")
    assert_panel_shows_the_kernels_numbers(nb, "gradient_c")
    assert nb.console_errors == []


def test_hovering_a_gated_panel_reads_out_its_own_numbers(nb: NotebookPage) -> None:
    nb.run_code("w.cell = 'gru'")
    root = explorer(nb)
    expect(root.locator("canvas[data-panel='cell_state']")).to_have_count(0)  # the GRU has no c
    canvas = root.locator("canvas[data-panel='memory_gate']")
    expect(canvas).to_be_visible()
    expect(root).to_have_attribute("data-revision", str(nb.python_value("w._frame['revision']")))
    box = json.loads(canvas.evaluate("(c) => JSON.stringify(c.dataset)"))
    t, unit = 19, 5  # 0-based
    # The kernel's numbers first: running a cell may move the page under the pointer.
    z = nb.python_value(f"round(float(w.frame.gate[{t}, {unit}]), 3)")
    mean_z = nb.python_value(f"round(float(w.frame.layers[0].gate_mean[{t}]), 3)")
    canvas.hover(
        position={
            "x": float(box["plotX"]) + (t + 0.5) / T * float(box["plotWidth"]),
            "y": float(box["plotY"]) + (unit + 0.5) / UNITS * float(box["plotHeight"]),
        }
    )
    tooltip = root.locator(".rnnwidget-tooltip")
    expect(tooltip).to_contain_text(f"t={t + 1} · unit {unit} · h = ")
    expect(tooltip).to_contain_text(f" · z = {z:.3f}")
    # The unrolled loop: the kernel's numbers for the GRU, its mean update gate among them.
    caption = root.locator(".rnnwidget-unrolled-caption")
    expect(caption).to_contain_text(f"Step t={t + 1}: ‖h_{t + 1}‖ = ")
    expect(caption).to_contain_text(f"mean z_{t + 1} = {mean_z:.3f}")
    expect(caption).not_to_contain_text("tanh'")
    # the recurrent arrow's labels, W_hh above it and the memory path z⊙h below
    labels = root.locator(".rnnwidget-unrolled svg text.rnnwidget-unrolled-muted")
    expect(labels.filter(has_text="z⊙h").first).to_be_visible()
    above = labels.filter(has_text="W_hh").first.bounding_box()
    below = labels.filter(has_text="z⊙h").first.bounding_box()
    assert above is not None
    assert below is not None
    assert above["y"] + above["height"] <= below["y"]  # one above the other, not overlapping
    assert nb.console_errors == []


def test_the_elman_presets_hide_for_a_gated_cell_and_return_with_the_elman_cell(
    nb: NotebookPage,
) -> None:
    root = explorer(nb)
    presets = root.locator(".rnnwidget-presets")
    expect(presets).to_be_visible()
    nb.run_code("w.cell = 'lstm'")
    expect(root.locator("canvas[data-panel='cell_state']")).to_be_visible()
    expect(presets).to_be_hidden()  # they set only the Elman cell's knobs
    root.get_by_role("combobox", name="Cell").select_option(label="Elman (SimpleRNN)")
    nb.wait_for_python_value("w.cell", "elman")
    expect(root.locator("canvas[data-panel='cell_state']")).to_have_count(0)
    expect(root.locator("[data-knob='w_hh_scale']")).to_be_visible()
    root.get_by_role("button", name="Vanishing").click()
    nb.wait_for_python_value("w.w_hh_scale", 0.5)
    assert_panel_shows_the_kernels_numbers(nb, "hidden")
    assert_panel_shows_the_kernels_numbers(nb, "gradient")
    assert nb.console_errors == []
