"""compare(): what the kernel sends its columns and its shared controls, and the scale each
cell's hidden state is drawn on (the live view's and the headless figure's alike)."""

from __future__ import annotations

import io

import numpy as np
import pytest
import traitlets
from PIL import Image

from rnnwidget import RNNExplorer, compare
from rnnwidget.colormaps import colourize
from rnnwidget.explorer.drawing import render_png
from rnnwidget.explorer.figure_layout import panel_boxes, text_width
from rnnwidget.explorer.frame import Params, compute_frame
from rnnwidget.explorer.layout import PANEL_ORDER, chart, heatmaps, shared_rows
from rnnwidget.geometry import GEOMETRY

from .test_robustness import send, update_message


@pytest.fixture
def cells():
    """Notebook 07's comparison."""
    c = compare(cell=["elman", "gru", "lstm"], seq_len=120, units=16, input_kind="noise")
    yield c
    c.close()


# -- each cell's state on a scale where its structure shows --------------------------------------


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("kind", ["impulse", "noise", "sine", "sentence"])
def test_a_gated_hidden_state_spans_its_own_largest_magnitude(cell, kind):
    frame = compute_frame(Params(cell=cell, seq_len=80, units=16, input_kind=kind))
    h_max = np.abs(frame.h).max()
    assert h_max < 0.5  # far inside tanh's range: on ±1 it would look blank
    assert frame.colour_scales["h"] == (-h_max, h_max)
    hidden = heatmaps(frame)[1]
    assert hidden.scale == (-h_max, h_max)
    assert [value for value, _ in hidden.colour_ticks] == [-h_max, 0.0, h_max]
    assert all("±max |h|" in title for title in hidden.titles)  # the panel says which scale


def test_the_elman_cell_keeps_tanhs_range_and_says_so():
    frame = compute_frame(Params(w_hh_scale=0.5, seq_len=80, units=16, input_kind="impulse"))
    assert np.abs(frame.h).max() < 0.9  # short of ±1, yet on tanh's fixed range: frames alike
    assert frame.colour_scales["h"] == (-1.0, 1.0)
    stacked = compute_frame(Params(layers=2, seq_len=30, units=8))
    for panel in heatmaps(frame)[1:2] + heatmaps(stacked)[1:3]:
        assert panel.scale == (-1.0, 1.0)
        assert all("±1" in title and "tanh" in title for title in panel.titles)


def test_the_headless_figure_draws_a_gated_state_on_its_own_scale():
    frame = compute_frame(Params(cell="gru", seq_len=60, units=8, input_kind="noise"))
    rgb = np.asarray(Image.open(io.BytesIO(render_png(frame, scale=1.0))).convert("RGB"))
    box = panel_boxes(frame, scale=1.0)["hidden"]
    t, unit = np.unravel_index(np.argmax(np.abs(frame.h)), frame.h.shape)
    x, y = box.cell_centre(int(t), int(unit))
    h_max = np.abs(frame.h).max()
    drawn = rgb[y, x]
    value = np.float32(frame.h[t, unit])
    assert (drawn == colourize(value, -h_max, h_max, role="diverging")).all()
    assert (drawn != colourize(value, -1.0, 1.0, role="diverging")).any()


# -- one layout for every column -----------------------------------------------------------------


def test_the_rows_hold_every_panel_of_any_column_in_view_order():
    frames = [compute_frame(Params(cell=cell, seq_len=30, units=8)) for cell in CELLS]
    rows = shared_rows(frames)
    names = [row.name for row in rows]
    assert names == ["input", "hidden", "cell_state", "memory_gate", "gradient", "gradient_c"]
    assert names == [name for name in PANEL_ORDER if name in names]
    own = {frame.cell: {p.name: p.height for p in heatmaps(frame)} for frame in frames}
    for row in rows:  # as tall as the shortest column draws it
        assert row.height == min(
            heights[row.name] for heights in own.values() if row.name in heights
        )
    stacked = shared_rows([compute_frame(Params(layers=n, seq_len=30, units=8)) for n in (1, 2)])
    assert [row.name for row in stacked] == ["input", "hidden", "hidden2", "gradient", "gradient2"]


CELLS = ("elman", "gru", "lstm")


def test_every_column_sends_the_shared_rows_and_says_why_a_place_is_empty(cells):
    rows = shared_rows([w.frame for w in cells])
    for w in cells:
        layout = w._frame["layout"]
        sent = layout["rows"]
        assert [r.get("panel", r.get("name")) for r in sent] == [row.name for row in rows]
        heights = {spec["name"]: spec["height"] for spec in layout["heatmaps"]}
        for row, part in zip(rows, sent, strict=True):
            if "panel" in part:
                assert heights[row.name] == row.height
            else:
                assert part["height"] == row.height
                assert row.name not in heights
    elman, gru, _ = (w._frame["layout"]["rows"] for w in cells)
    assert elman[2]["absent"] == "The Elman cell has no cell state c_t: h_t is its only memory."
    assert gru[2]["absent"] == "The GRU has no cell state c_t: h_t is its only memory."
    assert "memory gate" in elman[3]["absent"]
    assert gru[3] == {"panel": "memory_gate"}


def test_a_lone_explorer_lays_out_its_own_panels():
    w = RNNExplorer(cell="gru", seq_len=30, units=8)
    layout = w._frame["layout"]
    assert layout["rows"] == [{"panel": spec["name"]} for spec in layout["heatmaps"]]


def test_the_gradients_share_one_scale_and_the_states_keep_their_own(cells):
    ranges = [w.frame.colour_scales["log10_abs_grad"] for w in cells]
    shared = (min(lo for lo, _ in ranges), max(hi for _, hi in ranges))
    for w in cells:
        assert w.gradient_range == shared
        specs = {spec["name"]: spec for spec in w._frame["layout"]["heatmaps"]}
        assert tuple(specs["gradient"]["scale"]) == shared
        assert tuple(specs["hidden"]["scale"]) == w.frame.colour_scales["h"]
    assert len({w.norm_range for w in cells}) == 1
    assert cells[0].frame.colour_scales["h"] == (-1.0, 1.0)
    assert cells[1].frame.colour_scales["h"] != cells[2].frame.colour_scales["h"]
    assert "Elman cell's h_t is on tanh's range ±1" in cells._summary


# -- titles whole in the narrowest column --------------------------------------------------------


SHOWN = [
    Params(cell="elman", input_kind="sentence"),
    Params(cell="elman", layers=2),
    Params(cell="gru"),
    Params(cell="lstm"),
]


@pytest.mark.parametrize("params", SHOWN, ids=lambda p: f"{p.cell}-{p.layers}")
def test_every_title_has_a_form_that_fits_the_narrowest_column(params):
    frame = compute_frame(params)
    margin, bar = GEOMETRY.panel.margin, GEOMETRY.colour_bar
    width = GEOMETRY.comparison.column_min
    size = GEOMETRY.text.title
    gap = GEOMETRY.panel.title_end_gap
    # A heatmap's title ends before its colour bar's label; the chart's at the panel's edge.
    heatmap_room = width - margin.left - margin.right + bar.offset - bar.label_shift - gap
    chart_room = width - margin.left - gap
    norm = chart(frame)
    for titles, room in [(p.titles, heatmap_room) for p in heatmaps(frame)] + [
        (norm.titles, chart_room)
    ]:
        lengths = [len(title) for title in titles]
        assert lengths == sorted(lengths, reverse=True), titles  # longest first
        assert text_width(titles[-1], size, bold=True) <= room, titles[-1]


# -- the shared controls --------------------------------------------------------------------------


def test_the_shared_controls_leave_out_the_compared_setting_and_say_what_they_move(cells):
    assert cells._words["title"] == "Comparing cell"
    assert "all but cell" in cells._words["controls"]
    knobs = {spec["name"]: spec["label"] for spec in cells._knobs}
    assert "cell" not in knobs
    assert "hold_scales" not in knobs  # a comparison shares its scales itself
    assert knobs["w_hh_scale"] == "W_hh scale (elman only)"
    assert knobs["gate_init"].endswith("(gru, lstm only)")
    assert knobs["seq_len"] == "Sequence length"
    assert cells._inactive == ["sentence"]  # no column reads it with white noise
    cells.input_kind = "sentence"
    assert cells._inactive == []
    scales = compare(w_hh_scale=[0.5, 1.5], units=8)
    assert "w_hh_scale" not in {spec["name"] for spec in scales._knobs}
    assert "gate_init" in scales._inactive  # two Elman cells: it moves neither
    assert "No column reads" not in scales._summary
    scales.cell = "gru"  # the compared W_hh scale now means nothing to any column: say so
    assert "No column reads w_hh_scale under these settings" in scales._summary
    assert {"saturation", "bias", "layers"} <= set(scales._inactive)
    assert "gate_init" not in scales._inactive
    scales.close()


def test_a_shared_setting_moves_every_column_and_each_follows_the_others(cells):
    cells.seq_len = 80
    assert [w.seq_len for w in cells] == [80, 80, 80]
    assert [w.frame.x.shape[0] for w in cells] == [80, 80, 80]
    cells[2].units = 12  # from any column: the comparison and the others follow
    assert cells.units == 12
    assert [w.units for w in cells] == [12, 12, 12]
    assert cells._columns[0]["summary"].endswith("at t=80: it vanishes.")


def test_the_compared_setting_stays_each_columns_own(cells):
    with pytest.raises(traitlets.TraitError, match="each explorer's own"):
        cells.cell = "gru"
    assert "comparison[0].cell" in cells.error
    assert [w.cell for w in cells] == list(CELLS)
    scales = compare(w_hh_scale=[0.5, 1.5], seq_len=50, units=8)
    scales[1].w_hh_scale = 1.2
    assert [w.w_hh_scale for w in scales] == [0.5, 1.2]
    assert [col["label"] for col in scales._columns] == ["w_hh_scale = 0.5", "w_hh_scale = 1.2"]
    scales.close()


def test_a_change_from_the_browser_recomputes_each_column_once_in_one_message(cells, monkeypatch):
    sent = {i: [] for i in range(len(cells))}
    for i, w in enumerate(cells):
        monkeypatch.setattr(
            w.comm, "send", lambda data=None, buffers=None, i=i, **_: sent[i].append(data)
        )
    revisions = [w._frame["revision"] for w in cells]
    send(cells, update_message({"seq_len": 90, "_request": 1}))
    assert cells._ack == 1
    assert cells.error == ""
    for i, w in enumerate(cells):
        frames = [m["state"]["_frame"] for m in sent[i] if "_frame" in m.get("state", {})]
        assert len(frames) == 1, f"column {i} got {len(frames)} frames"
        assert frames[0]["params"]["seq_len"] == 90
        assert frames[0]["revision"] == w._frame["revision"] > revisions[i]


def test_a_refused_value_from_the_browser_moves_no_column(cells):
    send(cells, update_message({"seq_len": 5000, "_request": 2}))
    assert "seq_len must be a whole number from 1 to 1000" in cells.error
    assert [w.seq_len for w in cells] == [120, 120, 120]
    send(cells, update_message({"sentence": "  ", "input_kind": "sentence", "_request": 3}))
    assert "at least one word" in cells.error
    assert [w.input_kind for w in cells] == ["noise"] * 3


def test_closing_the_comparison_closes_its_explorers(cells):
    explorers = list(cells)
    cells.close()
    assert all(w.comm is None for w in explorers)
