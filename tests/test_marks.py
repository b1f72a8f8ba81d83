"""The steps that matter to a trained network's task (``layout.marks``), as the browser's panels
draw them (run with Node): a dashed line at each mark's step across every heatmap and the norm
chart, in the theme's muted colour and geometry.json's dash, and on the chart each mark's label
at the top of the plot, inside it, never over another label."""

from __future__ import annotations

from typing import Any

import pytest

from rnnwidget.explorer.frame import Params, compute_frame
from rnnwidget.explorer.layout import view_layout
from rnnwidget.geometry import GEOMETRY
from rnnwidget.training.mechanism import frame_of, network_of
from rnnwidget.training.trainer import Trainer

from .test_render import CANVAS_PRELUDE, ROOT, run_js

MARKS = GEOMETRY.marks
CHAR = 7  # px per character: what the recording context's measureText says a text is wide

# One norm chart and one heatmap, drawn by the browser's classes with the kernel's marks; the
# calls each made, and each canvas's data attributes.
SCRIPT = """
ctx.measureText = (text) => ({ width: data.char * text.length });
const { NormChart } = await import(data.modules.linechart);
const { Heatmap } = await import(data.modules.heatmap);
const theme = { ...data.theme, font: "F", scale: data.scale };
const T = data.T;
const chart = new NormChart({ height: 190 });
chart.setData([{ label: "layer 1", values: Float32Array.from({ length: T }, () => -2) }],
  { title: "norms", axis_label: "", range: [-4, 0], ticks: [], time_ticks: [1, T],
    marks: data.marks });
chart.draw(data.width, theme);
const drawn = { chart: { calls: [...calls], rect: chart.rect, dataset: chart.canvas.dataset } };
calls.length = 0;
const heatmap = new Heatmap({ name: "hidden", titles: ["h"], rowLabel: "unit", colourLabel: "h",
  height: 160 });
heatmap.setData({ values: new Float32Array(T * 2), timesteps: T, rows: 2, vmin: -1, vmax: 1,
  table: [[0, 0, 0], [255, 255, 255]], colourTicks: [], rowTicks: [], timeTicks: [1, T],
  marks: data.marks });
heatmap.draw(data.width, theme);
drawn.heatmap = { calls: [...calls], rect: heatmap.rect, dataset: heatmap.canvas.dataset };
print(drawn);
"""

THEME = {"background": "#ffffff", "text": "#000000", "muted": "#777777", "grid": "#eeeeee",
         "panel": "#dddddd", "line": "#1976d2", "warn": "#e65100"}  # fmt: skip


def draw(marks: list[dict[str, Any]], T: int, width: int = 600, scale: float = 1) -> Any:
    modules = {
        "heatmap": str(ROOT / "js" / "explorer" / "heatmap.js"),
        "linechart": str(ROOT / "js" / "common" / "linechart.js"),
    }
    data = {"marks": marks, "T": T, "width": width, "scale": scale, "theme": THEME,
            "char": CHAR, "modules": modules}  # fmt: skip
    return run_js(CANVAS_PRELUDE + SCRIPT, data)


def mark_lines(drawn: Any) -> list[float]:
    """The x of every line from the plot's top edge in the muted colour (the marks' lines), once
    the marks' dash is set."""
    calls = drawn["calls"]
    dashed = [call["args"][0] for call in calls if call["call"] == "setLineDash"]
    assert list(MARKS.dash) in dashed
    return sorted(
        call["args"][0]
        for call in calls
        if call["call"] == "moveTo" and call.get("strokeStyle") == THEME["muted"]
        and call["args"][1] == drawn["rect"]["y"]
    )  # fmt: skip


def labels(drawn: Any, marks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    texts = {mark["label"] for mark in marks}
    calls = drawn["calls"]
    return [call for call in calls if call["call"] == "fillText" and call["args"][0] in texts]


def centre(rect: dict[str, float], t: int, T: int) -> float:
    """The x of the centre of step t's column (1-based)."""
    return rect["x"] + (t - 0.5) / T * rect["width"]


def test_a_trained_networks_frame_marks_its_tasks_steps() -> None:
    # The kernel's marks for recall: where the symbol is shown, and where it is asked for.
    trainer = Trainer(task="recall", lag=20, units=8, seed=0)
    layout = view_layout(frame_of(network_of(trainer)))
    assert layout["marks"] == [{"t": 1, "label": "symbol shown"}, {"t": 22, "label": "asked for"}]
    drawn = draw(layout["marks"], T=22)
    for panel in ("chart", "heatmap"):
        rect = drawn[panel]["rect"]
        assert drawn[panel]["dataset"]["marks"] == "1 22"
        xs = [centre(rect, 1, 22), centre(rect, 22, 22)]
        assert mark_lines(drawn[panel]) == pytest.approx(xs)
    # The explorer's own frames have no task, and no marks.
    assert view_layout(compute_frame(Params(seq_len=22, units=8)))["marks"] == []


@pytest.mark.parametrize("scale", [1, GEOMETRY.presentation.scale])
def test_each_label_sits_beside_its_line_inside_the_plot(scale: float) -> None:
    marks = [{"t": 1, "label": "symbol shown"}, {"t": 102, "label": "asked for"}]
    drawn = draw(marks, T=102, scale=scale)["chart"]
    rect = drawn["rect"]
    first, last = labels(drawn, marks)
    inset = MARKS.label_inset * scale
    # Right of the first line; left of the last, which stands at the plot's right end.
    assert first["args"][1] == pytest.approx(centre(rect, 1, 102) + inset)
    end = last["args"][1] + CHAR * len("asked for")
    assert end == pytest.approx(centre(rect, 102, 102) - inset)
    assert end <= rect["x"] + rect["width"]
    # One row at the top of the plot, in the note's size and the muted colour.
    top = rect["y"] + MARKS.label_top * scale
    assert first["args"][2] == last["args"][2] == pytest.approx(top)
    assert {call["fillStyle"] for call in (first, last)} == {THEME["muted"]}
    assert {call["font"] for call in (first, last)} == {f"normal {GEOMETRY.text.note * scale}px F"}
    # The heatmaps draw the lines, not the words.
    assert labels(draw(marks, T=102, scale=scale)["heatmap"], marks) == []


def test_labels_of_close_marks_take_rows_of_their_own() -> None:
    # Three marks a step apart: each label would run into the one before it, so each moves a
    # row lower; none overlaps another.
    marks = [{"t": 10, "label": "first"}, {"t": 11, "label": "second"}, {"t": 12, "label": "third"}]
    drawn = draw(marks, T=100)["chart"]
    boxes = [
        (call["args"][1], call["args"][1] + CHAR * len(call["args"][0]), call["args"][2])
        for call in labels(drawn, marks)
    ]
    rows = sorted({y for _, _, y in boxes})
    assert len(rows) == 3
    assert rows[1] - rows[0] == pytest.approx(MARKS.label_row)
    for i, (left, right, y) in enumerate(boxes):
        for other_left, other_right, other_y in boxes[i + 1 :]:
            assert y != other_y or right + MARKS.label_gap <= other_left or other_right <= left


def test_labels_of_distant_marks_share_the_top_row() -> None:
    marks = [{"t": 1, "label": "a"}, {"t": 50, "label": "b"}, {"t": 100, "label": "c"}]
    ys = {call["args"][2] for call in labels(draw(marks, T=100)["chart"], marks)}
    assert len(ys) == 1
