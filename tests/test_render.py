"""The headless renderer: real PNGs decoded with Pillow, real SVGs parsed as XML, and the
panels' geometry checked against the browser's own drawing code, run with Node."""

from __future__ import annotations

import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rnnwidget import __version__
from rnnwidget._axes import decade_ticks
from rnnwidget.colormaps import colourize, table
from rnnwidget.explorer import layout as panels
from rnnwidget.explorer.drawing import build_figure, render_png, render_svg
from rnnwidget.explorer.export import save
from rnnwidget.explorer.figure_layout import (
    PX_TO_PT,
    WIDTH,
    PanelBox,
    layout_of,
    panel_boxes,
    text_width,
)
from rnnwidget.explorer.frame import Frame, Params, compute_frame
from rnnwidget.explorer.layout import view_layout
from rnnwidget.explorer.words import caption, summary, view_words
from rnnwidget.formatting import format_decade
from rnnwidget.geometry import COLOURS, GEOMETRY, opaque

from .node import run_script

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
TITLES = (
    "Input x_t",
    "Hidden state h_t (colours ±1: tanh's range)",
    "Gradient |dL/dh_t| (log scale)",
    "Gradient norm ‖dL/dh_t‖ reaching each step (log scale)",
)

STACKED_TITLES = (
    "Input x_t",
    "Layer 1: hidden state h1_t (colours ±1: tanh's range)",
    "Layer 2: hidden state h2_t (colours ±1: tanh's range)",
    "Layer 1: gradient |dL/dh1_t| (log scale)",
    "Layer 2: gradient |dL/dh2_t| (log scale)",
    "Gradient norm ‖dL/dh_t‖ reaching each step (log scale)",
)
STACKED_PANELS = ("input", "hidden", "hidden2", "gradient", "gradient2")  # in view order
ORDER_TITLE = "Why order matters: the same words in another order"


def rgb(colour: str) -> tuple[int, int, int]:
    """A ``#rrggbb`` colour as its three bytes."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return red, green, blue


LINE, WARN = rgb(COLOURS["line"]), rgb(COLOURS["warn"])  # the live view's light-theme colours
MARGIN, LEGEND, ORDER = GEOMETRY.panel.margin, GEOMETRY.legend, GEOMETRY.order

# Cells of at least 3 x 3 pixels at scale 1, so that every cell's centre pixel is its own.
SMALL = Params(w_hh_scale=1.1, seq_len=50, units=16, input_kind="noise")
STACKED = Params(w_hh_scale=1.1, seq_len=50, units=16, input_kind="noise", layers=2)
SENTENCE = Params(w_hh_scale=0.9, seq_len=10, units=24, input_kind="sentence", layers=2)


@pytest.fixture(scope="module")
def small() -> Frame:
    return compute_frame(SMALL)


@pytest.fixture(scope="module")
def stacked() -> Frame:
    return compute_frame(STACKED)


@pytest.fixture(scope="module")
def sentence() -> Frame:
    return compute_frame(SENTENCE)


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(decode(png).convert("RGB"))


def cell_colours(image: np.ndarray, box: PanelBox) -> np.ndarray:
    """The colour at the centre pixel of every cell, as ``(columns, rows, 3)``: time-major,
    like the frame's arrays."""
    centres = [[box.cell_centre(t, row) for row in range(box.rows)] for t in range(box.columns)]
    xy = np.array(centres)
    return image[xy[..., 1], xy[..., 0]]


def panel_values(frame: Frame, panel: str) -> tuple[np.ndarray, tuple[float, float], str]:
    """A heatmap's values (time-major), colour scale and table role, by the browser's name:
    "input", "hidden", "gradient", "hidden2", "gradient2"."""
    if panel == "input":
        return frame.x, frame.colour_scales["x"], "diverging"
    kind = panel.rstrip("0123456789")
    layer = frame.layers[int(panel[len(kind) :] or 1) - 1]
    if kind == "hidden":
        return layer.h, (-1.0, 1.0), "diverging"
    return layer.log10_abs_grad, frame.colour_scales["log10_abs_grad"], "sequential"


def expected_cells(frame: Frame, panel: str, palette: str = "standard") -> np.ndarray:
    """What the browser paints: the table colour of each float32 value it receives."""
    values, scale, role = panel_values(frame, panel)
    return colourize(values.astype(np.float32), *scale, palette=palette, role=role)


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


# -- PNG: size, metadata, pixels ----------------------------------------------------------------


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
def test_png_decodes_at_the_asked_size(small, scale):
    image = decode(render_png(small, scale=scale))
    assert image.format == "PNG"
    assert image.mode == "RGB"  # opaque: no transparency surprises on a dark slide
    one = decode(render_png(small, scale=1.0))
    assert image.width == round(WIDTH * scale)
    assert image.height == round(one.height * scale)
    assert image.info["dpi"] == pytest.approx((100 * scale, 100 * scale), rel=1e-3)  # per metre


def test_png_is_two_x_by_default(small):
    assert decode(render_png(small)).width == 2 * WIDTH


def test_png_metadata_holds_the_caption_the_summary_and_the_software(small):
    image = decode(render_png(small, scale=1.0))
    assert image.text["Description"] == caption(SMALL)
    sentence = summary(small)
    assert image.text["Title"] == f"RNN explorer: {sentence}"
    assert image.text["Software"].startswith(f"rnnwidget {__version__}")


def test_the_background_is_white(small):
    image = pixels(render_png(small, scale=1.0))
    assert (image[0, 0] == 255).all()
    assert (image[-1, -1] == 255).all()
    assert (image[:, :3] == 255).all()  # the left edge: padding only


@pytest.mark.parametrize("scale", [1.0, 2.0, 1.5])
@pytest.mark.parametrize("panel", ["input", "hidden", "gradient"])
def test_every_cell_has_exactly_its_table_colour(small, panel, scale):
    image = pixels(render_png(small, scale=scale))
    box = panel_boxes(small, scale=scale)[panel]
    assert (box.columns, box.rows) == (50, 4 if panel == "input" else 16)
    np.testing.assert_array_equal(cell_colours(image, box), expected_cells(small, panel))


def test_sampled_hidden_and_gradient_cells_match_colourize_of_the_frame():
    frame = compute_frame(Params(w_hh_scale=0.9, seq_len=100, units=32, input_kind="sine"))
    image = pixels(render_png(frame, scale=2.0))
    boxes = panel_boxes(frame, scale=2.0)
    lo, hi = frame.colour_scales["log10_abs_grad"]
    for t, unit in [(0, 0), (99, 31), (0, 31), (99, 0), (17, 5), (50, 20), (73, 11)]:
        x, y = boxes["hidden"].cell_centre(t, unit)
        assert (image[y, x] == colourize(frame.h[t, unit], -1, 1, role="diverging")).all()
        x, y = boxes["gradient"].cell_centre(t, unit)
        expected = colourize(frame.log10_abs_grad[t, unit], lo, hi, role="sequential")
        assert (image[y, x] == expected).all()


def test_heatmaps_fill_their_boxes_exactly(small):
    image = pixels(render_png(small, scale=2.0))
    white = np.array([255, 255, 255])
    for name in ("input", "hidden", "gradient"):
        box = panel_boxes(small, scale=2.0)[name]
        colours = {tuple(c) for c in table("standard", "diverging")} | {
            tuple(c) for c in table("standard", "sequential")
        }
        inside = image[box.top : box.bottom, box.left : box.right].reshape(-1, 3)
        assert {tuple(c) for c in inside} <= colours  # table colours only: no blending
        middle_row, middle_column = (box.top + box.bottom) // 2, (box.left + box.right) // 2
        assert (image[middle_row, box.left - 1] == white).all()
        assert (image[middle_row, box.right] == white).all()
        assert (image[box.top - 1, middle_column] == white).all()


def test_the_colour_bar_spans_the_table(small):
    image = pixels(render_png(small, scale=2.0))
    box = panel_boxes(small, scale=2.0)["hidden"]
    bar_x = box.left + box.width + 2 * 12 + 10  # 12 CSS px right of the plot, 10 wide
    assert (image[box.top, bar_x] == table("standard", "diverging")[-1]).all()  # h = 1 on top
    assert (image[box.bottom - 1, bar_x] == table("standard", "diverging")[0]).all()


def test_cell_centre_checks_its_cell():
    box = PanelBox(left=10, top=20, right=110, bottom=60, columns=10, rows=4)
    assert box.cell_centre(0, 0) == (15, 25)
    assert box.cell_centre(9, 3) == (105, 55)
    with pytest.raises(IndexError, match="outside the 10 x 4 grid"):
        box.cell_centre(10, 0)


def test_a_parameter_change_changes_the_image(small):
    other = compute_frame(Params(**{**SMALL.as_dict(), "w_hh_scale": 0.6}))
    png, other_png = render_png(small, scale=1.0), render_png(other, scale=1.0)
    assert png != other_png
    box = panel_boxes(small, scale=1.0)["hidden"]
    assert box == panel_boxes(other, scale=1.0)["hidden"]
    hidden = cell_colours(pixels(png), box)
    other_hidden = cell_colours(pixels(other_png), box)
    assert (hidden != other_hidden).any(axis=-1).mean() > 0.5
    np.testing.assert_array_equal(other_hidden, expected_cells(other, "hidden"))


def test_the_colorblind_palette_uses_its_own_tables(small):
    standard = pixels(render_png(small, scale=1.0))
    colorblind = pixels(render_png(small, scale=1.0, palette="colorblind"))
    boxes = panel_boxes(small, scale=1.0)
    for panel in ("hidden", "gradient"):
        got = cell_colours(colorblind, boxes[panel])
        np.testing.assert_array_equal(got, expected_cells(small, panel, "colorblind"))
        assert (got != cell_colours(standard, boxes[panel])).any()


def test_an_unknown_palette_or_scale_is_refused(small):
    with pytest.raises(ValueError, match="palette must be one of standard, colorblind"):
        render_png(small, palette="viridis")
    for scale in (0, -1.0, math.nan, math.inf, 11):
        with pytest.raises(ValueError, match="scale must be"):
            render_png(small, scale=scale)


def test_params_are_computed_first(small):
    assert render_png(SMALL, scale=1.0) == render_png(small, scale=1.0)
    with pytest.raises(TypeError, match="expected a Frame"):
        render_png({"w_hh_scale": 1.0})  # type: ignore[arg-type]


def test_rendering_is_deterministic_and_thread_safe(small):
    other = compute_frame(Params(seq_len=30, units=8))
    jobs = [(small, 1.0), (other, 2.0), (small, 2.0), (other, 1.0)] * 2
    alone = [render_png(frame, scale=scale) for frame, scale in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda job: render_png(job[0], scale=job[1]), jobs))
    assert together == alone
    assert render_svg(small) == render_svg(small)


def test_values_beyond_float64_are_shaded_and_named():
    frame = compute_frame(Params(w_hh_scale=0.1, seq_len=1000, units=8))
    assert frame.log10_grad_norm[0] < -308
    grey = np.array([0xEE, 0xEE, 0xEE])
    box = panel_boxes(frame, scale=1.0)["norms"]
    chart = pixels(render_png(frame, scale=1.0))[box.top : box.bottom, box.left : box.right]
    assert (chart == grey).all(axis=-1).mean() > 0.3
    texts = svg_texts(render_svg(frame))
    assert "underflows float64 (< 1e-308)" in texts
    assert any(text.endswith("(underflows float64 (< 1e-308)).") for text in texts)

    plain = compute_frame(Params(w_hh_scale=1.0, seq_len=50, units=8))
    box = panel_boxes(plain, scale=1.0)["norms"]
    chart = pixels(render_png(plain, scale=1.0))[box.top : box.bottom, box.left : box.right]
    assert not (chart == grey).all(axis=-1).any()


def test_a_single_step_and_a_sentence_draw():
    one = compute_frame(Params(seq_len=1, units=1))
    assert decode(render_png(one, scale=1.0)).width == WIDTH
    assert "One timestep: nothing to backpropagate through." in svg_texts(render_svg(one))

    words = compute_frame(Params(input_kind="sentence", seq_len=8, units=4))
    texts = svg_texts(render_svg(words))
    assert {"The", "cat", "sat", "on", "the", "mat", "word (timestep t)"} <= set(texts)


# -- stacked layers -------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1.0, 2.0, 1.5])
@pytest.mark.parametrize("panel", STACKED_PANELS)
def test_every_cell_of_stacked_layers_has_exactly_its_table_colour(stacked, panel, scale):
    image = pixels(render_png(stacked, scale=scale))
    box = panel_boxes(stacked, scale=scale)[panel]
    assert (box.columns, box.rows) == (50, 4 if panel == "input" else 16)
    np.testing.assert_array_equal(cell_colours(image, box), expected_cells(stacked, panel))


def test_sampled_cells_of_both_layers_match_colourize_of_the_frame():
    frame = compute_frame(
        Params(w_hh_scale=0.9, seq_len=100, units=32, input_kind="sine", layers=2)
    )
    image = pixels(render_png(frame, scale=2.0))
    boxes = panel_boxes(frame, scale=2.0)
    lo, hi = frame.colour_scales["log10_abs_grad"]
    for i, layer in enumerate(frame.layers):
        suffix = "" if i == 0 else str(i + 1)
        for t, unit in [(0, 0), (99, 31), (0, 31), (99, 0), (17, 5), (50, 20), (73, 11)]:
            x, y = boxes[f"hidden{suffix}"].cell_centre(t, unit)
            assert (image[y, x] == colourize(layer.h[t, unit], -1, 1, role="diverging")).all()
            x, y = boxes[f"gradient{suffix}"].cell_centre(t, unit)
            expected = colourize(layer.log10_abs_grad[t, unit], lo, hi, role="sequential")
            assert (image[y, x] == expected).all()


def test_both_layers_gradients_share_one_colour_scale(stacked):
    # The shared scale spans both layers; layer 2 on a scale of its own would look different.
    lo, hi = stacked.colour_scales["log10_abs_grad"]
    own = stacked.layers[1].log10_abs_grad
    own_lo, own_hi = float(np.percentile(own, 1)), float(own.max())
    assert (own_lo, own_hi) != (lo, hi)
    got = cell_colours(
        pixels(render_png(stacked, scale=1.0)), panel_boxes(stacked, scale=1.0)["gradient2"]
    )
    np.testing.assert_array_equal(got, expected_cells(stacked, "gradient2"))
    alone = colourize(own.astype(np.float32), own_lo, own_hi, role="sequential")
    assert (got != alone).any()
    # and the colour bars of both gradient panels carry the same decade ticks
    texts = svg_texts(render_svg(stacked))
    decades = decade_ticks(lo, hi)
    assert len(decades) >= 3
    for d in decades:
        assert texts.count(format_decade(d)) >= 2  # (the norm chart may show it too)


def test_stacked_panels_follow_the_live_views_order_names_and_heights(small, stacked):
    boxes = panel_boxes(stacked, scale=1.0)
    assert list(boxes) == [*STACKED_PANELS, "norms"]
    tops = [boxes[name].top for name in boxes]
    assert tops == sorted(tops)
    # layoutPanels: a layer panel is shorter when stacked; the plot is the panel less margins
    margins = MARGIN.top + MARGIN.bottom
    assert panels.STACKED_HEIGHT < panels.SINGLE_HEIGHT
    assert {boxes[name].height for name in STACKED_PANELS[1:]} == {panels.STACKED_HEIGHT - margins}
    assert panel_boxes(small, scale=1.0)["hidden"].height == panels.SINGLE_HEIGHT - margins
    assert list(panel_boxes(small, scale=1.0)) == ["input", "hidden", "gradient", "norms"]
    assert (
        decode(render_png(stacked, scale=1.0)).height > decode(render_png(small, scale=1.0)).height
    )


def test_stacked_titles_legend_and_svg_images(stacked):
    texts = svg_texts(render_svg(stacked))
    for title in STACKED_TITLES:
        assert title in texts
    assert TITLES[1] not in texts
    assert {"layer 1", "layer 2"} <= set(texts)
    root = ET.fromstring(render_svg(stacked))
    assert len(root.findall(f".//{SVG}image")) == 10  # five heatmaps, five colour bars


def test_a_single_layer_has_no_legend(small):
    assert not {"layer 1", "layer 2"} & set(svg_texts(render_svg(small)))


def test_the_norm_chart_has_a_curve_and_a_legend_swatch_per_layer(small, stacked):
    box = panel_boxes(stacked, scale=2.0)["norms"]
    image = pixels(render_png(stacked, scale=2.0))
    # drawLegend: a swatch per layer right of the plot, a row apart (at scale 2)
    x = box.right + round(2 * (LEGEND.offset + LEGEND.swatch_width / 2))
    assert tuple(image[box.top + 2 * LEGEND.top, x]) == LINE
    assert tuple(image[box.top + 2 * (LEGEND.top + LEGEND.row), x]) == WARN
    chart = image[box.top : box.bottom, box.left : box.right].reshape(-1, 3)
    colours = {tuple(c) for c in chart}
    assert {LINE, WARN} <= colours
    single = pixels(render_png(small, scale=2.0))
    box = panel_boxes(small, scale=2.0)["norms"]
    assert tuple(single[box.top + 2 * LEGEND.top, x]) == (255, 255, 255)
    chart = single[box.top : box.bottom, box.left : box.right].reshape(-1, 3)
    assert LINE in {tuple(c) for c in chart}
    assert WARN not in {tuple(c) for c in chart}


def test_a_single_step_of_stacked_layers_draws_a_dot_per_layer():
    frame = compute_frame(Params(seq_len=1, units=2, layers=2))
    box = panel_boxes(frame, scale=2.0)["norms"]
    image = pixels(render_png(frame, scale=2.0))
    chart = {tuple(c) for c in image[box.top : box.bottom, box.left : box.right].reshape(-1, 3)}
    assert {LINE, WARN} <= chart


# -- the shapes line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "shapes"),
    [
        (SMALL, "Shapes: (1, 50, 4) → (1, 16)"),
        (STACKED, "Shapes: (1, 50, 4) → (1, 50, 16) → (1, 16)"),
    ],
)
def test_the_shapes_line_is_under_the_header(params, shapes):
    frame = compute_frame(params)
    assert f"Shapes: {frame.shapes}" == shapes
    svg = render_svg(frame)
    assert shapes in svg_texts(svg)
    root = ET.fromstring(svg)
    # between the title line and the first panel's title, in the browser's code font
    order = [t for t in svg_texts(svg) if t in (shapes, "RNN explorer", "Input x_t")]
    assert order == ["RNN explorer", shapes, "Input x_t"]
    (element,) = [e for e in root.iter(f"{SVG}text") if e.text == shapes]
    assert "Mono" in element.get("style", "")


# -- why order matters ----------------------------------------------------------------------------


def test_order_panel_only_for_the_sentence_input(small, sentence):
    assert "order_rnn" not in panel_boxes(small)
    assert ORDER_TITLE not in svg_texts(render_svg(small))
    boxes = panel_boxes(sentence, scale=1.0)
    assert list(boxes)[-3:] == ["norms", "order_rnn", "order_dense"]
    assert boxes["norms"].bottom < boxes["order_rnn"].top < boxes["order_dense"].top
    units = sentence.order.rnn_final.shape[1]
    assert (boxes["order_rnn"].columns, boxes["order_rnn"].rows) == (units, 2)
    assert (
        decode(render_png(sentence, scale=1.0)).height
        > decode(
            render_png(Params(**{**SENTENCE.as_dict(), "input_kind": "noise"}), scale=1.0)
        ).height
    )


@pytest.mark.parametrize("scale", [1.0, 2.0, 1.5])
@pytest.mark.parametrize("units", [24, 64])
def test_order_strips_are_coloured_on_minus_one_to_one(scale, units):
    frame = compute_frame(Params(**{**SENTENCE.as_dict(), "units": units}))
    order = frame.order
    assert order is not None
    image = pixels(render_png(frame, scale=scale))
    boxes = panel_boxes(frame, scale=scale)
    white = np.array([255, 255, 255])
    for name, values in (("order_rnn", order.rnn_final), ("order_dense", order.dense_output)):
        box = boxes[name]
        assert (box.columns, box.rows) == (units, 2)
        got = cell_colours(image, box)  # (units, 2, 3)
        # the browser's: the table colour of each float32 value it receives
        expected = colourize(values.astype(np.float32).T, -1, 1, role="diverging")
        np.testing.assert_array_equal(got, expected)
        for row in (0, 1):
            for unit in (0, units // 3, units // 2, units - 1):
                x, y = box.cell_centre(unit, row)
                want = colourize(values[row, unit], -1, 1, role="diverging")
                assert (image[y, x] == want).all()
        # a white gap between the sentence's row and the shuffled one
        middle = (ORDER.row - ORDER.strip_gap / 2) / (2 * ORDER.row - ORDER.strip_gap)
        gap = round(box.top + box.height * middle)
        assert (image[gap, (box.left + box.right) // 2] == white).all()
    rnn = cell_colours(image, boxes["order_rnn"])
    dense = cell_colours(image, boxes["order_dense"])
    assert (rnn[:, 0] != rnn[:, 1]).any()  # the RNN reads the order
    np.testing.assert_array_equal(dense[:, 0], dense[:, 1])  # the mean does not


def test_order_panel_texts(sentence):
    order = sentence.order
    assert order is not None
    texts = svg_texts(render_svg(sentence))
    difference = float(np.linalg.norm(order.rnn_final[0] - order.rnn_final[1]))
    assert difference > 0.1
    for text in (
        ORDER_TITLE,
        "RNN, state after the last word",
        "Dense on the mean word vector",
        f"‖difference‖ = {difference:.3f}",
        "‖difference‖ = 0.000",
    ):
        assert text in texts
    assert texts.count("The cat sat on the mat") == 2
    assert texts.count(" ".join(order.shuffled)) == 2
    assert order.shuffled != order.words


def test_words_too_wide_for_their_columns_are_thinned_not_overlapped():
    # As drawBottomAxis does: a word that would run into the one before it is left out.
    words = " ".join(["extraordinarily"] * 20)
    frame = compute_frame(Params(input_kind="sentence", seq_len=20, units=4, sentence=words))
    figure = build_figure(frame, "standard", 1.0)
    axes: dict[float, list[float]] = {}  # the words' centres on each panel's time axis
    for text in figure.texts:
        if text.get_text() == "extraordinarily":
            x, y = text.get_position()
            axes.setdefault(y, []).append(x)
    assert len(axes) == len(panels.heatmaps(frame))
    half = text_width("extraordinarily", GEOMETRY.text.tick) / 2
    column = layout_of(frame).rects["input"].width / 20
    assert GEOMETRY.axis.token_width <= column < 2 * half  # words, too wide for a column
    for centres in axes.values():
        assert 2 <= len(centres) < 20
        assert centres[0] == pytest.approx(layout_of(frame).rects["input"].x + column / 2)
        gaps = np.diff(centres) - 2 * half
        assert (gaps >= GEOMETRY.axis.text_gap).all()
        assert (gaps < GEOMETRY.axis.text_gap + column).all()  # none left out that fitted


def test_a_long_sentence_label_is_cut_with_an_ellipsis():
    words = "one two three four five six seven eight nine ten eleven twelve thirteen"
    frame = compute_frame(Params(input_kind="sentence", seq_len=13, units=4, sentence=words))
    texts = svg_texts(render_svg(frame))
    cut = [t for t in texts if t.endswith("…")]
    assert len(cut) == 4  # two rows in each of two groups
    assert all(words.startswith(t[:-1]) for t in cut[::2])


# -- SVG ------------------------------------------------------------------------------------------


def test_svg_is_xml_with_the_caption_and_the_titles_as_text(small):
    svg = render_svg(small)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    texts = svg_texts(svg)
    assert caption(SMALL) in texts
    for title in TITLES:
        assert title in texts
    assert {"-1", "-0.5", "0", "0.5", "1", "timestep t", "unit", "feature"} <= set(texts)
    assert "RNN explorer" in texts
    assert summary(small) in texts
    assert caption(SMALL) in "".join(root.itertext())  # in the metadata too
    assert len(root.findall(f".//{SVG}image")) == 6  # three heatmaps, three colour bars


def test_with_stacked_layers_the_sentence_and_the_stats_name_layer_1():
    frame = compute_frame(Params(layers=2, seq_len=30, units=6, w_hh_scale=0.5))
    texts = svg_texts(render_svg(frame))
    sentence = summary(frame)
    assert sentence.startswith("In layer 1, the gradient reaching t=1 is ")
    assert sentence in texts
    assert any("‖dL/dh1_1‖ / ‖dL/dh1_T‖ = " in text for text in texts)


def test_a_dollar_sign_in_a_sentence_is_not_mathtext():
    params = Params(input_kind="sentence", seq_len=6, units=4, sentence="pay $5 for $x$")
    texts = svg_texts(render_svg(params))
    assert caption(params) in texts
    image = decode(render_png(params, scale=1.0))
    assert image.text["Description"] == caption(params)


# -- the caption ----------------------------------------------------------------------------------


def test_caption_format_is_exact():
    params = Params(w_hh_scale=1.2, seq_len=200, saturation=1.0, units=64)
    assert caption(params) == (
        "w_hh_scale=1.20  seq_len=200  saturation=1.0  units=64  input=impulse  seed=0  "
        f"rnnwidget {__version__}"
    )


@pytest.mark.parametrize(
    ("changes", "part"),
    [
        ({"saturation": 2.25}, "  saturation=2.25  "),
        ({"saturation": 0.1}, "  saturation=0.1  "),
        ({"saturation": 5}, "  saturation=5.0  "),
        ({"w_hh_scale": 3}, "w_hh_scale=3.00  "),
        ({"w_hh_scale": 0.0}, "w_hh_scale=0.00  "),
        ({"w_hh_scale": 1.234}, "w_hh_scale=1.234  "),
        ({"w_hh_scale": 0.1 + 0.2}, "w_hh_scale=0.30000000000000004  "),
        ({"seed": 4294967295, "input_kind": "noise"}, "  input=noise  seed=4294967295  "),
    ],
)
def test_caption_keeps_every_digit_it_needs(changes, part):
    assert part in caption(Params(**changes))


def test_caption_names_stacked_layers_after_the_seed():
    assert "layers=" not in caption(Params(layers=1))
    assert caption(Params(layers=2, seed=3)) == (
        "w_hh_scale=1.00  seq_len=100  saturation=1.0  units=32  input=impulse  seed=3  "
        f"layers=2  rnnwidget {__version__}"
    )
    params = Params(layers=2, input_kind="sentence", sentence="a b")
    assert caption(params).endswith(f'  seed=0  layers=2  rnnwidget {__version__}  sentence="a b"')


def test_caption_names_the_sentence_only_for_the_sentence_input():
    assert "sentence=" not in caption(Params(sentence='He said "hi"'))
    params = Params(input_kind="sentence", sentence='He said "hi"')
    assert caption(params).endswith(f'  rnnwidget {__version__}  sentence="He said \\"hi\\""')


# -- saving ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["figure.png", "figure.svg", "FIGURE.PNG"])
def test_save_writes_the_format_of_the_suffix(small, tmp_path, name):
    path = save(small, tmp_path / name, scale=1.0)
    assert path == tmp_path / name
    data = path.read_bytes()
    if name.lower().endswith(".png"):
        assert data == render_png(small, scale=1.0)
    else:
        assert data.decode("utf-8") == render_svg(small)
    assert os.listdir(tmp_path) == [name]


def test_save_replaces_a_file_whole_with_ordinary_permissions(small, tmp_path):
    path = tmp_path / "figure.png"
    path.write_bytes(b"an old figure")
    save(small, path, scale=1.0)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0o600
    assert os.listdir(tmp_path) == ["figure.png"]


def test_save_to_a_missing_folder_says_so_and_creates_nothing(small, tmp_path):
    path = tmp_path / "no such folder" / "figure.png"
    with pytest.raises(FileNotFoundError, match="does not exist") as caught:
        save(small, path)
    assert str(path) in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_save_under_a_file_says_so(small, tmp_path):
    (tmp_path / "notes.txt").write_text("notes")
    path = tmp_path / "notes.txt" / "figure.png"
    with pytest.raises(NotADirectoryError, match="is not a folder") as caught:
        save(small, path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("name", ["figure.jpg", "figure", "figure.png.bak", "figure.pdf"])
def test_save_refuses_other_suffixes(small, tmp_path, name):
    with pytest.raises(ValueError, match=r"\.png or \.svg") as caught:
        save(small, tmp_path / name)
    assert str(tmp_path / name) in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_a_failed_write_leaves_no_temporary_file(small, tmp_path):
    # The write itself fails (the target is a folder, so os.replace refuses): the figure has
    # been drawn and its temporary file written by then, and must be gone afterwards.
    target = tmp_path / "figure.png"
    (target / "inside").mkdir(parents=True)
    with pytest.raises(IsADirectoryError) as caught:
        save(small, target, scale=1.0)
    assert str(target) in str(caught.value)
    assert os.listdir(tmp_path) == ["figure.png"]
    assert os.listdir(target) == ["inside"]


# -- without matplotlib -------------------------------------------------------------------------


def test_rnnwidget_imports_without_matplotlib_and_render_says_how_to_get_it():
    code = """
import sys
sys.modules["matplotlib"] = None  # as if it were not installed
sys.modules["PIL"] = None  # Pillow too
import rnnwidget
from rnnwidget.explorer import drawing, export, figure_layout, preview, widget, words
from rnnwidget.explorer.frame import Params
assert words.caption(Params()).startswith("w_hh_scale=1.00")
try:
    drawing.render_png(Params(seq_len=5, units=2))
except ImportError as error:
    print(error)
else:
    raise SystemExit("no ImportError")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'rnnwidget[export]'" in result.stdout


def test_the_display_picture_and_the_page_do_not_import_the_file_writers():
    code = """
import sys, tempfile
from pathlib import Path
from rnnwidget import RNNExplorer
from rnnwidget.explorer import page, preview
w = RNNExplorer(seq_len=5, units=2)
assert preview.png_base64(w.frame) is not None
w._repr_mimebundle_()
with tempfile.TemporaryDirectory() as folder:
    w.to_html(Path(folder) / "view.html")
assert "rnnwidget.explorer.export" not in sys.modules
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr


def test_the_export_extra_declares_what_the_drawing_imports():
    # render_png imports Pillow itself: that matplotlib needs it too is no promise to rely on.
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    export = project["optional-dependencies"]["export"]
    names = {re.match(r"[A-Za-z0-9._-]+", requirement)[0].lower() for requirement in export}
    assert {"matplotlib", "pillow"} <= names


# -- the text agrees with the browser's JavaScript ----------------------------------------------


def run_js(script: str, data: object) -> Any:
    """Run ``script`` as an ES module with Node after :data:`JS_PRELUDE` (``data`` read from
    stdin as JSON, ``num``, ``print``); its JSON output (:func:`tests.node.run_script`)."""
    return run_script(JS_PRELUDE + script, data)


def as_js(value: float) -> str:
    """A float as text that JavaScript's Number() reads back exactly (JSON has no infinity)."""
    text = repr(float(value))
    return {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}.get(text, text)


JS_PRELUDE = """
import { readFileSync } from "node:fs";
const data = JSON.parse(readFileSync(0, "utf8"));
const num = (text) => Number(text);
const print = (value) => console.log(JSON.stringify(value));
"""


# -- the panels' geometry agrees with the browser's drawing code ---------------------------------

# Node has no canvas: a context that records every call with the state it was made in (font,
# colours, alignment, and the offset and turn of translate/rotate), and a minimal document and
# window.
CANVAS_PRELUDE = """
const calls = [];
const state = { tx: 0, ty: 0, turn: 0 };
const saved = [];
const ctx = new Proxy(state, {
  get(target, prop) {
    if (prop in target) return target[prop];
    if (prop === "measureText") {
      // The widths the kernel's font metrics give (data.widths, by "size|text"), else 0.
      const size = parseFloat(String(target.font).split(" ")[1]);
      return (text) => ({ width: data.widths?.[`${size}|${text}`] ?? 0 });
    }
    if (prop === "createImageData") return (w, h) => ({ data: new Uint8ClampedArray(4 * w * h) });
    if (prop === "save") return () => saved.push({ ...target });
    if (prop === "restore") return () => Object.assign(target, saved.pop());
    if (prop === "translate") {
      return (x, y) => Object.assign(target, { tx: target.tx + x, ty: target.ty + y });
    }
    if (prop === "rotate") return (angle) => Object.assign(target, { turn: target.turn + angle });
    return (...args) => calls.push({ call: prop, args, ...target });
  },
  set(target, prop, value) { target[prop] = value; return true; },
});
globalThis.window = { devicePixelRatio: 1 };
globalThis.document = { createElement: () => ({ dataset: {}, style: {}, setAttribute() {},
  getContext: () => ctx }) };
"""

# Every panel of a frame, drawn by the browser's own classes from what the kernel sends, handed
# to them as js/explorer/mechanism.js does; the calls each panel's drawing made.
PANELS_SCRIPT = """
const { Heatmap } = await import(data.modules.heatmap);
const { NormChart } = await import(data.modules.linechart);
const { OrderPanel } = await import(data.modules.order);
const theme = { ...data.theme, font: "F", scale: 1 };
const drawn = {};
const draw = (name, panel) => {
  calls.length = 0;
  panel.draw(data.width, theme);
  drawn[name] = { height: panel.height, calls: [...calls] };
};
const { layout } = data;
for (const spec of layout.heatmaps) {
  const panel = new Heatmap({ name: spec.name, titles: spec.titles, rowLabel: spec.row_label,
    colourLabel: spec.colour_label, height: spec.height });
  const [vmin, vmax] = spec.scale;
  panel.setData({ values: Float32Array.from(data.values[spec.name].map(num)), timesteps: data.T,
    rows: data.rows[spec.name], vmin, vmax, table: data.tables[spec.role], tokens: data.tokens,
    colourTicks: spec.colour_ticks.map(([value, text]) => ({ value, text })),
    rowTicks: spec.row_ticks, timeTicks: layout.time_ticks, marks: layout.marks });
  draw(spec.name, panel);
}
const chart = new NormChart({ height: 0 });  // its height is the kernel's, with the data
chart.setData(data.curves.map((values, i) => ({ label: layout.chart.labels[i],
  values: Float32Array.from(values.map(num)) })),
{ ...layout.chart, time_ticks: layout.time_ticks, marks: layout.marks });
draw("norms", chart);
if (data.order) {
  const order = new OrderPanel();
  order.setData({ ...data.order, rnn: Float32Array.from(data.order.rnn.map(num)),
    dense: Float32Array.from(data.order.dense.map(num)), table: data.tables.diverging });
  draw("order", order);
}
print(drawn);
"""

# Frames that between them show every part of every panel: stacked layers and a legend, a
# sentence (words on the time axis, "Why order matters"), an LSTM's panels and its two curves,
# a gradient that underflows float64 (the shaded band and its note), a single step (a dot), and
# gradients that are exactly 0 (the shaded steps and their note, curves off the bottom edge).
DRAWN_ALIKE = {
    "stacked": STACKED,
    "sentence": SENTENCE,
    "lstm": Params(cell="lstm", seq_len=40, units=12, input_kind="noise"),
    "underflow": Params(w_hh_scale=0.1, seq_len=1000, units=8),
    "one step": Params(seq_len=1, units=4, layers=2),
    # W_hh = 0: no gradient flows back, the curves are exactly 0 but at t = T (a dot each);
    # saturated units pass exactly 0 back from some step on (the curve falls off the bottom).
    "no gradient back": Params(w_hh_scale=0.0, seq_len=1000, units=8, layers=2),
    "saturated zeros": Params(
        w_hh_scale=1.5, saturation=20.0, seq_len=100, units=8, input_kind="noise"
    ),
    # A trained network on its task's sequence: the steps its task marks, lines and labels.
    "trained": "recall",
    "trained adding": "adding",
}


def drawn_frame(case: str) -> Frame:
    """The frame of a :data:`DRAWN_ALIKE` case: the explorer's, or a trained network's."""
    settings = DRAWN_ALIKE[case]
    if isinstance(settings, Params):
        return compute_frame(settings)
    from rnnwidget.training import Trainer
    from rnnwidget.training.mechanism import frame_of, network_of

    trainer = Trainer(settings, lag=12, seq_len=30, units=6, batch_size=4)
    trainer.train(5, eval_every=5)
    return frame_of(network_of(trainer))


KINDS = ("texts", "halos", "lines", "rectangles", "images", "curves")

# The browser's textBaseline and matplotlib's va for the same vertical anchor.
BASELINES = {"alphabetic": "baseline", "top": "top", "middle": "center", "bottom": "bottom"}

Drawn = dict[str, dict[str, list[Any]]]  # panel name -> kind -> records


def view_inputs(frame: Frame) -> dict[str, Any]:
    """What the kernel sends the view for ``frame``, as PANELS_SCRIPT takes it, with the
    figure's width and colours for the view's."""
    layout = view_layout(frame)
    values = {panel.name: panel.values(frame) for panel in panels.heatmaps(frame)}
    order = frame.order
    return {
        "width": WIDTH,
        "T": frame.x.shape[0],
        "layout": layout,
        "values": {name: [as_js(v) for v in array.ravel()] for name, array in values.items()},
        "rows": {name: array.shape[1] for name, array in values.items()},
        "curves": [[as_js(v) for v in s.values(frame)] for s in panels.chart(frame).series],
        "tokens": list(frame.tokens),
        # What the view measures to place a text (the marks' labels), in the figure's metrics.
        "widths": {
            f"{GEOMETRY.text.note:g}|{mark['label']}": text_width(mark["label"], GEOMETRY.text.note)
            for mark in layout["marks"]
        },
        "tables": {role: table("standard", role).tolist() for role in ("diverging", "sequential")},
        "theme": COLOURS,
        "order": None
        if order is None
        else {
            "words": list(order.words),
            "shuffled": list(order.shuffled),
            "units": order.rnn_final.shape[1],
            "rnn": [as_js(v) for v in order.rnn_final.ravel()],
            "dense": [as_js(v) for v in order.dense_output.ravel()],
            **view_words(frame)["order"],
            **layout["order"],
        },
    }


def figure_panels(frame: Frame) -> Drawn:
    """What the headless figure draws in each panel (by the view's names: the heatmaps',
    ``"norms"``, ``"order"``), as :func:`view_panels` gives the browser's: per kind, records
    in CSS px from the panel's top-left corner, JSON-ready."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_hex
    from matplotlib.image import BboxImage
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    figure = build_figure(frame, "standard", 1.0)
    layout = layout_of(frame)
    top_margin = GEOMETRY.panel.margin.top
    extents = {
        p.name: (layout.rects[p.name].y - top_margin, p.height) for p in panels.heatmaps(frame)
    }
    extents["norms"] = (layout.rects["norms"].y - top_margin, panels.CHART_HEIGHT)
    if layout.order_top is not None:
        extents["order"] = (layout.order_top, panels.ORDER_HEIGHT)
    # (kind, the height that places it in a panel, its record, which of its entries are heights)
    found: list[tuple[str, float, tuple[Any, ...], tuple[int, ...]]] = []
    for text in figure.texts:
        x, y = text.get_position()
        size, bold = text.get_fontsize() / PX_TO_PT, text.get_fontweight() == "bold"
        record = (text.get_text(), x, y, text.get_ha(), text.get_va(), size, bold)
        found.append(("texts", y, (*record, text.get_color(), text.get_rotation()), (2,)))
        # A text over the curves: its outline (matplotlib keeps a stroke's settings in `_gc`).
        for effect in text.get_path_effects():
            width, colour = effect._gc["linewidth"] / PX_TO_PT, to_hex(effect._gc["foreground"])
            found.append(("halos", y, (text.get_text(), x, y, width, colour), (2,)))
    for artist in figure.artists:
        if isinstance(artist, LineCollection):
            style = (to_hex(artist.get_colors()[0]), artist.get_linewidths()[0] / PX_TO_PT)
            for (x0, y0), (x1, y1) in artist.get_segments():
                found.append(("lines", y0, (x0, y0, x1, y1, *style), (1, 3)))
        elif isinstance(artist, Rectangle):
            x, y = artist.get_xy()
            box = (x, y, artist.get_width(), artist.get_height())
            found.append(("rectangles", y, (*box, to_hex(artist.get_facecolor())), (1,)))
        elif isinstance(artist, BboxImage):
            box = artist.bbox  # display pixels from the bottom: CSS px at scale 1
            y = layout.height - box.y1
            found.append(("images", y, (box.x0, y, box.width, box.height), (1,)))
        elif isinstance(artist, Line2D):  # a curve: its colour, width, pieces and dots
            xs, ys = (np.asarray(a, dtype=float) for a in artist.get_data())
            top = extents["norms"][0]
            points = [[x, y - top] for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
            breaks = np.flatnonzero(np.isnan(ys)).tolist()
            pieces = [
                piece
                for start, end in zip([-1, *breaks], [*breaks, len(points)], strict=True)
                if (piece := points[start + 1 : end])
            ]
            marked = artist.get_marker() == "o"
            dot = artist.get_markersize() / PX_TO_PT / 2 if marked else None
            dots = [points[i] for i in artist.get_markevery()] if marked else []
            record = (to_hex(artist.get_color()), artist.get_linewidth() / PX_TO_PT, dot)
            found.append(("curves", top, (*record, pieces, dots), ()))
    drawn: Drawn = {}
    for name, (top, height) in extents.items():
        drawn[name] = {kind: [] for kind in KINDS}
        for kind, y, record, heights in found:
            if top <= y < top + height:
                shifted = [v - top if i in heights else v for i, v in enumerate(record)]
                drawn[name][kind].append(shifted)
    return normalised(drawn)


def view_panels(drawn: dict[str, Any], width: float) -> Drawn:
    """What PANELS_SCRIPT's calls draw in each panel, in :func:`figure_panels`'s form. The
    background is left out (the figure's is the page's); the order panel's strips, painted
    cell by cell, become one box per row, as the figure's images are."""
    panels_drawn: Drawn = {}
    for name, panel in drawn.items():
        kinds: dict[str, list[Any]] = {kind: [] for kind in KINDS}
        strips: dict[tuple[float, float], list[float]] = {}  # (top, height) -> cells' lefts
        path: list[list[list[float]]] = []
        for call in panel["calls"]:
            op, args = call["call"], call["args"]
            if op == "fillText":
                text, x, y = args
                weight, size, _family = call["font"].split(" ")
                place = (x + call["tx"], y + call["ty"], call["textAlign"])
                look = (float(size[:-2]), weight == "600", call["fillStyle"])
                turn = -math.degrees(call["turn"])
                kinds["texts"].append((text, *place, BASELINES[call["textBaseline"]], *look, turn))
            elif op == "strokeText":  # a text over the curves: its outline
                text, x, y = args
                outline = (call["lineWidth"], call["strokeStyle"])
                kinds["halos"].append((text, x + call["tx"], y + call["ty"], *outline))
            elif op == "beginPath":
                path = []
            elif op == "moveTo":
                path.append([args])
            elif op == "lineTo":
                path[-1].append(args)
            elif op == "stroke" and call.get("lineJoin") == "round":  # a curve
                pieces = [[list(point) for point in piece] for piece in path]
                kinds["curves"].append([call["strokeStyle"], call["lineWidth"], None, pieces, []])
            elif op == "stroke":  # ticks, grid lines
                assert all(len(line) == 2 for line in path), path
                style = (call["strokeStyle"], call["lineWidth"])
                kinds["lines"] += [(*start, *end, *style) for start, end in path]
            elif op == "arc":  # a dot on the last curve, a value with no neighbour to join
                kinds["curves"][-1][2] = args[2]
                kinds["curves"][-1][4].append(args[:2])
            elif op == "fillRect" and args == [0, 0, width, panel["height"]]:
                continue  # the background
            elif op == "fillRect" and call["fillStyle"].startswith("rgb("):
                strips.setdefault((args[1], args[3]), []).append(args[0])
            elif op == "fillRect":
                kinds["rectangles"].append((*args, call["fillStyle"]))
            elif op == "drawImage":  # where: the last four numbers (a source's part before them)
                kinds["images"].append(args[-4:])
        for (y, height), lefts in strips.items():
            right = lefts[-1] + (lefts[-1] - lefts[-2])  # the last cell as wide as the others
            kinds["images"].append((lefts[0], y, right - lefts[0], height))
        panels_drawn[name] = kinds
    return normalised(panels_drawn)


def normalised(drawn: Drawn) -> Drawn:
    """Records as JSON lists, numbers to 6 decimals, in a fixed order (the curves in drawing
    order: the first layer's first)."""

    def clean(value: Any) -> Any:
        if isinstance(value, float | int) and not isinstance(value, bool):
            return float(round(value, 6)) + 0.0  # no -0.0
        if isinstance(value, list | tuple):  # a curve's pieces and dots
            return [clean(v) for v in value]
        return value

    result: Drawn = {}
    for name, kinds in drawn.items():
        result[name] = {}
        for kind, records in kinds.items():
            rows = [[clean(v) for v in record] for record in records]
            result[name][kind] = rows if kind == "curves" else sorted(rows, key=repr)
    return result


def js_modules(root: Path) -> dict[str, str]:
    return {
        "heatmap": str(root / "js" / "explorer" / "heatmap.js"),
        "linechart": str(root / "js" / "common" / "linechart.js"),
        "order": str(root / "js" / "explorer" / "order.js"),
    }


def drawn_by_the_view(inputs: dict[str, Any], root: Path = ROOT) -> dict[str, Any]:
    """PANELS_SCRIPT's record of the panels whose ``inputs`` the kernel sends, drawn by the
    modules under ``root``: per panel, its height and the calls its drawing made."""
    return run_js(CANVAS_PRELUDE + PANELS_SCRIPT, {**inputs, "modules": js_modules(root)})


@pytest.mark.parametrize("case", DRAWN_ALIKE)
def test_every_panel_is_drawn_by_the_figure_as_the_browser_draws_it(case):
    # Every text (its place, anchor, size, weight, colour and turn), tick and grid line, filled
    # rectangle, image and curve of every panel, where and as the browser's classes draw them.
    frame = drawn_frame(case)
    inputs = view_inputs(frame)
    drawn = drawn_by_the_view(inputs)
    view = view_panels(drawn, inputs["width"])
    assert view == figure_panels(frame)
    # the view draws each panel at the height the kernel sends with the frame
    assert {name: panel["height"] for name, panel in drawn.items()} == {
        **{spec["name"]: spec["height"] for spec in inputs["layout"]["heatmaps"]},
        "norms": inputs["layout"]["chart"]["height"],
        **({"order": inputs["layout"]["order"]["height"]} if frame.order is not None else {}),
    }
    assert all(view[name]["texts"] for name in view)
    # A trained network's marks are labelled over the curves, each on its outline.
    marks = [mark["label"] for mark in inputs["layout"]["marks"]]
    assert [halo[0] for halo in view["norms"]["halos"]] == sorted(marks)


def test_the_order_strips_and_the_curves_have_the_browsers_colours(sentence):
    inputs = view_inputs(sentence)
    drawn = drawn_by_the_view(inputs)
    # The strips: every cell's colour, against the PNG's pixels.
    image = pixels(render_png(sentence, scale=1.0))
    boxes = panel_boxes(sentence, scale=1.0)
    units = inputs["order"]["units"]
    cells = [c for c in drawn["order"]["calls"] if c["call"] == "fillRect"][1:]  # background
    assert len(cells) == 4 * units
    for k, name in enumerate(("order_rnn", "order_dense")):
        for row in (0, 1):
            strip = cells[(2 * k + row) * units : (2 * k + row + 1) * units]
            for unit, cell in enumerate(strip):
                cx, cy = boxes[name].cell_centre(unit, row)
                assert cell["fillStyle"] == "rgb({}, {}, {})".format(*image[cy, cx])
    # The curves: the theme colours of geometry.json's series, layer 1 first.
    curves = view_panels(drawn, inputs["width"])["norms"]["curves"]
    assert [curve[0] for curve in curves] == [COLOURS[role] for role in GEOMETRY.chart.series]


# -- a gradient that is exactly 0: below any log axis, yet drawn ---------------------------------

NO_GRADIENT_BACK = Params(w_hh_scale=0.0, seq_len=1000, units=8)


def test_the_kernel_says_where_the_gradient_is_exactly_zero():
    # W_hh = 0 passes nothing back: every step but the last has an exact zero (log10 = -inf).
    frame = compute_frame(NO_GRADIENT_BACK)
    assert np.isneginf(frame.log10_grad_norm[:-1]).all()
    assert np.isfinite(frame.log10_grad_norm[-1])
    zeros = view_layout(frame)["chart"]["zeros"]
    assert zeros == [{"first": 1, "last": 999, "note": "‖dL/dh_t‖ = 0 exactly for t < 1000"}]
    assert summary(frame) == "No gradient reaches t=1 from t=1000: it vanishes exactly."
    assert view_layout(compute_frame(SMALL))["chart"]["zeros"] == []
    two = panels.chart(compute_frame(Params(w_hh_scale=0.0, seq_len=30, units=4, layers=2)))
    assert [run.note for run in two.zeros] == ["‖dL/dh1_t‖ and ‖dL/dh2_t‖ = 0 exactly for t < 30"]


def test_runs_of_exact_zeros_are_worded_per_curve():
    z, v = -np.inf, 0.5
    runs = panels.zero_steps(
        [("A", np.array([z, z, v, v, z, v, z, z])), ("B", np.array([z, v, v, v, z, v, v, z]))]
    )
    assert [(run.first, run.last, run.note) for run in runs] == [
        (1, 1, "A and B = 0 exactly for t = 1"),
        (2, 2, "A = 0 exactly for t = 2"),
        (5, 5, "A and B = 0 exactly for t = 5"),
        (7, 7, "A = 0 exactly for t = 7"),
        (8, 8, "A and B = 0 exactly for t = 8"),
    ]
    middle = panels.zero_steps([("A", np.array([v, z, z, z, v]))])
    assert [run.note for run in middle] == ["A = 0 exactly for 2 ≤ t ≤ 4"]
    end = panels.zero_steps([("A", np.array([v, z, z]))])
    assert [run.note for run in end] == ["A = 0 exactly for t > 1"]
    assert panels.zero_steps([("A", np.array([z, z]))])[0].note == "A = 0 exactly for every t"


def test_a_gradient_that_is_zero_before_t_is_drawn_in_the_view_and_the_figure():
    frame = compute_frame(NO_GRADIENT_BACK)
    inputs = view_inputs(frame)
    view = view_panels(drawn_by_the_view(inputs), inputs["width"])["norms"]
    rect = layout_of(frame).rects["norms"]
    top = rect.y - GEOMETRY.panel.margin.top  # the chart's records are from the panel's top
    left, bottom, width = rect.x, rect.y - top + rect.height, rect.width
    # The steps t < T shaded, with the kernel's note at their top left.
    shaded = [r for r in view["rectangles"] if r[-1] == COLOURS["panel"]]
    assert shaded == [
        [left, rect.y - top, round(999 / 1000 * width, 6), rect.height, COLOURS["panel"]]
    ]
    assert "‖dL/dh_t‖ = 0 exactly for t < 1000" in [text[0] for text in view["texts"]]
    # The curve rises from below the bottom edge at t = T - 1 to the value at T, a dot there.
    [(colour, _, dot, pieces, dots)] = view["curves"]
    at_t = [left + 999.5 / 1000 * width, dots[0][1]]
    assert colour == COLOURS["line"]
    assert dot == GEOMETRY.chart.dot_radius
    assert dots == [at_t]
    [[start, end]] = pieces
    assert start[0] == round(left + 998.5 / 1000 * width, 6)
    assert start[1] > bottom
    assert end == at_t
    assert rect.y - top < at_t[1] < bottom
    # The PNG shows the curve at the last step.
    box = panel_boxes(frame, scale=2.0)["norms"]
    image = pixels(render_png(frame, scale=2.0))
    last_column = image[box.top : box.bottom, box.right - 6 : box.right].reshape(-1, 3)
    assert LINE in {tuple(c) for c in last_column}


# -- one geometry: geometry.json is what both drawings read -------------------------------------


def test_a_translucent_theme_colour_is_drawn_as_it_shows_on_the_background():
    # The view's text colours are translucent; the figure paints what they show on its white,
    # each channel alpha * colour + (1 - alpha) * background.
    assert opaque("rgba(0, 0, 0, 0.87)", "#ffffff") == "#212121"  # 0.13 * 255 = 33.15
    assert opaque("rgba(255, 0, 0, 0.5)", "#000000") == "#800000"  # 127.5 rounds to 128
    assert opaque("rgba(0, 128, 255, 1)", "#123456") == "#0080ff"
    assert opaque("#1976d2", "#000000") == "#1976d2"  # already opaque
    assert COLOURS["text"] == opaque(GEOMETRY.colours.text, GEOMETRY.colours.background)


def moved(value: Any, key: str = "") -> Any:
    """geometry.json with every length, size and width 2 larger, other colours, and the curves'
    colours in the other order."""
    if isinstance(value, dict):
        return {k: moved(v, k) for k, v in value.items()}
    if key == "series":
        return list(reversed(value))
    if isinstance(value, list):
        return [moved(v) for v in value]
    if isinstance(value, int | float):
        return value + 2
    if key in OTHER_COLOURS:
        return OTHER_COLOURS[key]
    return value


OTHER_COLOURS = {
    "panel": "#ffe0b2",
    "text": "rgba(0, 0, 64, 0.9)",
    "muted": "rgba(64, 0, 0, 0.5)",
    "grid": "#c5cae9",
    "line": "#2e7d32",
    "warn": "#6a1b9a",
}

MOVED_FIGURE = """
import json, sys
moved, root = sys.argv[1:3]
sys.path[:0] = [moved, root]
import rnnwidget
assert rnnwidget.__file__.startswith(moved), rnnwidget.__file__
from rnnwidget.explorer.frame import compute_frame
from tests.test_render import drawn_frame, figure_panels, view_inputs
frames = {name: drawn_frame(name) for name in sys.argv[3:]}
print(json.dumps({name: [figure_panels(f), view_inputs(f)] for name, f in frames.items()}))
"""


def test_one_geometry_file_moves_both_drawings(tmp_path):
    # A copy of the package and of the front end whose geometry.json has every number and
    # colour changed: the figure (drawn by the copy, in a fresh interpreter) and the browser's
    # panels (drawn by the copy's modules, from what the copy's kernel sends) still agree, and
    # everything in them has moved: no panel keeps a margin, size or colour of its own.
    ignore = shutil.ignore_patterns("__pycache__", "static")
    shutil.copytree(ROOT / "rnnwidget", tmp_path / "rnnwidget", ignore=ignore)
    shutil.copytree(ROOT / "js", tmp_path / "js")
    path = tmp_path / "rnnwidget" / "geometry.json"
    path.write_text(json.dumps(moved(json.loads(path.read_text("utf-8")))), "utf-8")
    cases = list(DRAWN_ALIKE)
    result = subprocess.run(
        [sys.executable, "-c", MOVED_FIGURE, str(tmp_path), str(ROOT), *cases],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    for case, (figure, inputs) in json.loads(result.stdout).items():
        view = view_panels(drawn_by_the_view(inputs, tmp_path), inputs["width"])
        assert view == figure, case
        before = figure_panels(drawn_frame(case))
        assert figure.keys() == before.keys()
        for name, kinds in figure.items():
            for kind, records in kinds.items():
                assert records != before[name][kind] or not records, (case, name, kind)
            # every text is 2 px larger (larger text may leave out a tick label it had room for)
            sizes = {(text[0], text[5]) for text in kinds["texts"]}
            assert sizes <= {(text[0], text[5] + 2) for text in before[name]["texts"]}
