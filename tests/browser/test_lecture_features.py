"""The lecture features as a student sees them in JupyterLab: play through time, the unrolled
loop, why order matters, stacked layers, presentation mode and palettes, and a comparison."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from rnnwidget.geometry import GEOMETRY

from .jupyter import JupyterServer, NotebookPage, OpenNotebook
from .test_explorer import (
    PIXEL_JS,
    assert_canvas_shows_the_kernels_numbers,
    explorer,
    press,
)
from .test_harness import write_notebook
from .waits import wait_until_drawn_at_scale, wait_until_drawn_at_width

pytestmark = pytest.mark.browser

SETUP = """\
from rnnwidget import RNNExplorer

w = RNNExplorer(seq_len=60, units=12, input_kind="noise")
w"""


def pixels(nb: NotebookPage, panel: str, cells: list[tuple[int, int]], T: int, rows: int):
    return explorer(nb).evaluate(PIXEL_JS, [panel, [[t, r, T, rows] for t, r in cells]])


def kernel_colours(nb: NotebookPage, panel: str, cells: list[tuple[int, int]], palette="standard"):
    """The colour the kernel's numbers give each cell (one table row, no neighbours)."""
    code = f"""
import json
from rnnwidget.colormaps import colour_index, table
values = {{"hidden": w.frame.h, "gradient": w.frame.log10_abs_grad}}[{panel!r}]
lo, hi = {{"hidden": (-1.0, 1.0), "gradient": w.frame.colour_scales["log10_abs_grad"]}}[{panel!r}]
rgb = table({palette!r}, "diverging" if {panel!r} == "hidden" else "sequential")
print(json.dumps([rgb[int(colour_index(values[t, r], lo, hi))].tolist() for t, r in {cells}]))
"""
    return json.loads(nb.run_code(code))


def close(a, b, tolerance=6):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


@pytest.fixture
def nb(lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path) -> NotebookPage:
    return open_notebook(lab_server, write_notebook(tmp_path / "lecture.ipynb", SETUP))


def test_the_time_scrubber_reveals_the_forward_pass_then_bptt(nb: NotebookPage) -> None:
    root = explorer(nb)
    revision = root.get_attribute("data-revision")
    scrubber = root.get_by_role("slider", name="Time")
    moment = root.locator(".rnnwidget-moment")
    expect(moment).to_have_text("whole picture")

    press(nb.page, scrubber, "Home", 1)
    press(nb.page, scrubber, "ArrowRight", 9)
    expect(moment).to_have_text("forward pass, t=10")
    expect(scrubber).to_have_attribute("aria-valuetext", "forward pass, t=10")
    cells = [(4, 3), (40, 3)]
    shown = pixels(nb, "hidden", cells, 60, 12)
    truth = kernel_colours(nb, "hidden", cells)
    assert close(shown[0], truth[0])  # t=5: already computed, in full colour
    assert not close(shown[1], truth[1])  # t=41: not reached yet, dimmed
    gradient_shown = pixels(nb, "gradient", [(59, 0)], 60, 12)
    assert not close(gradient_shown[0], kernel_colours(nb, "gradient", [(59, 0)])[0])

    press(nb.page, scrubber, "ArrowRight", 60)  # position 69: BPTT has gone back to t=51
    expect(moment).to_have_text("backpropagation, t=51")
    cells = [(55, 2), (10, 2)]
    shown = pixels(nb, "gradient", cells, 60, 12)
    truth = kernel_colours(nb, "gradient", cells)
    assert close(shown[0], truth[0])  # t=56: the gradient has reached it
    assert not close(shown[1], truth[1])  # t=11: not yet

    root.get_by_role("button", name="Step forward").click()
    expect(moment).to_have_text("backpropagation, t=50")
    root.get_by_role("button", name="Stop and show the whole picture").click()
    expect(moment).to_have_text("whole picture")
    assert_canvas_shows_the_kernels_numbers(nb, "gradient")
    assert root.get_attribute("data-revision") == revision  # all of it without the kernel


def test_play_runs_through_both_passes_and_stops(nb: NotebookPage) -> None:
    root = explorer(nb)
    root.get_by_role("combobox", name="Speed, timesteps per second").select_option("200")
    root.get_by_role("button", name="Play through time").click()
    expect(root.get_by_role("button", name="Pause")).to_be_visible()
    expect(root.locator(".rnnwidget-moment")).to_have_text("backpropagation, t=1", timeout=10_000)
    expect(root.get_by_role("button", name="Play through time")).to_be_visible()


def test_the_unrolled_loop_shows_the_step_under_the_pointer(nb: NotebookPage) -> None:
    root = explorer(nb)
    canvas = root.locator("canvas[data-panel='hidden']")
    box = json.loads(canvas.evaluate("(c) => JSON.stringify(c.dataset)"))
    t = 19  # 0-based
    canvas.hover(
        position={
            "x": float(box["plotX"]) + (t + 0.5) / 60 * float(box["plotWidth"]),
            "y": float(box["plotY"]) + 5,
        }
    )
    h_norm = nb.python_value(f"round(float(w.frame.h_norm[{t}]), 3)")
    slope = nb.python_value(f"round(float(w.frame.tanh_slope[{t}]), 3)")
    caption = root.locator(".rnnwidget-unrolled-caption")
    expect(caption).to_contain_text(f"Step t={t + 1}: ‖h_{t + 1}‖ = {h_norm:.3f}")
    expect(caption).to_contain_text(f"mean tanh'(a_{t + 1}) = {slope:.3f}")
    expect(root.locator(".rnnwidget-node-focus text").first).to_have_text(f"x_{t + 1}")


def test_why_order_matters_appears_for_a_sentence(nb: NotebookPage) -> None:
    root = explorer(nb)
    press(nb.page, root.get_by_role("combobox", name="Input"), "ArrowDown", 2)
    nb.wait_for_python_value("w.input_kind", "sentence")
    order = root.locator("canvas[data-panel='order']")
    expect(order).to_be_visible()
    finals = "w.frame.order.rnn_final"
    gap = nb.python_value(f"round(float(((({finals}[0] - {finals}[1]) ** 2).sum()) ** 0.5), 3)")
    shuffled = " ".join(nb.python_value("w.frame.order.shuffled"))
    expect(order).to_have_attribute(
        "aria-label",
        f'Why order matters: the RNN\'s final states for "The cat sat on the mat" and '
        f'"{shuffled}" differ by {gap:.3f}; the order-blind dense model\'s outputs differ by '
        "0.000.",
    )


def test_two_stacked_layers_show_both_and_their_shapes(nb: NotebookPage) -> None:
    root = explorer(nb)
    press(nb.page, root.get_by_role("combobox", name="Layers"), "ArrowDown", 1)
    nb.wait_for_python_value("w.layers", 2)
    expect(root.locator("canvas[data-panel='hidden2']")).to_be_visible()
    expect(root.locator("canvas[data-panel='gradient2']")).to_be_visible()
    expect(root.locator(".rnnwidget-shapes")).to_have_text(
        "Shapes: (1, 60, 4) → (1, 60, 12) → (1, 12)"
    )
    assert_canvas_shows_the_kernels_numbers(nb, "hidden")
    # The sentence and the statistics speak of layer 1, whose panels come first.
    expect(root.locator(".rnnwidget-summary")).to_have_text(
        re.compile(r"^In layer 1, the gradient reaching t=1 is ")
    )
    expect(root.locator(".rnnwidget-stats")).to_contain_text("‖dL/dh1_1‖ / ‖dL/dh1_T‖ = ")


def test_presentation_mode_and_the_colour_blind_palette(nb: NotebookPage) -> None:
    root = explorer(nb)
    canvas = root.locator("canvas[data-panel='hidden']")
    height = canvas.evaluate("(c) => c.getBoundingClientRect().height")
    switch = root.get_by_role("button", name="Presentation")
    switch.click()  # the page's switch: the view presents, the widget's own option stays off
    expect(root).to_have_class("rnnwidget rnnwidget-presentation")
    expect(switch).to_have_attribute("aria-pressed", "true")
    wait_until_drawn_at_scale(root, GEOMETRY.presentation.scale)
    enlarged = canvas.evaluate("(c) => c.getBoundingClientRect().height")
    assert enlarged == pytest.approx(GEOMETRY.presentation.scale * height)  # text and panels
    assert nb.python_value("w.presentation") is False
    switch.click()  # off again: the settings, folded away in presentation, come back
    expect(root).to_have_class("rnnwidget")

    root.get_by_role("combobox", name="Colours").select_option("colorblind")
    nb.wait_for_python_value("w.palette", "colorblind")
    cells = [(5, 2), (30, 7)]
    expected = kernel_colours(nb, "hidden", cells, palette="colorblind")
    expect(root).to_have_attribute("data-revision", str(nb.python_value("w._frame['revision']")))
    shown = root.evaluate(PIXEL_JS, ["hidden", [[t, r, 60, 12] for t, r in cells]])
    assert all(close(s, e, tolerance=0) for s, e in zip(shown, expected, strict=True))


def test_a_comparison_links_its_controls(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    source = "from rnnwidget import compare\n\nc = compare(w_hh_scale=[0.8, 1.2], units=8)\nc"
    nb = open_notebook(lab_server, write_notebook(tmp_path / "compare.ipynb", source))
    comparison = nb.page.locator(".rnnwidget-comparison")
    labels = comparison.locator(".rnnwidget-comparison-label")
    expect(labels).to_have_text(["w_hh_scale = 0.8", "w_hh_scale = 1.2"])
    # The shared controls, once above the columns, without the compared one; none in a column.
    shared = comparison.locator(":scope > .rnnwidget-controls")
    expect(shared.locator("input[data-trait='w_hh_scale']")).to_have_count(0)
    expect(comparison.locator(".rnnwidget-comparison-column [data-trait]")).to_have_count(0)
    press(nb.page, shared.locator("input[data-trait='units']"), "ArrowRight", 2)
    nb.wait_for_python_value("[w.units for w in c]", [10, 10])
    expect(shared.locator("input[data-trait='units']")).to_have_value("10")
    assert nb.python_value("c[0].gradient_range == c[1].gradient_range") is True
    assert nb.console_errors == []


def test_three_compared_explorers_fit_the_page_and_share_their_axes(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    source = (
        "from rnnwidget import compare\n\n"
        "c = compare(w_hh_scale=[0.5, 1.0, 1.5], seq_len=100, units=16)\nc"
    )
    nb = open_notebook(lab_server, write_notebook(tmp_path / "compare3.ipynb", source))
    nb.page.set_viewport_size({"width": 1220, "height": 1000})
    views = [nb.page.locator(".rnnwidget-comparison-column .rnnwidget").nth(i) for i in range(3)]
    for view in views:
        expect(view.locator("canvas[data-panel='norms']")).to_be_visible()
        wait_until_drawn_at_width(view)  # at the width the smaller page leaves it
    grid = nb.page.locator(".rnnwidget-comparison-grid")
    right = grid.evaluate("(el) => el.getBoundingClientRect().right")
    for i, view in enumerate(views):
        box = view.evaluate("(el) => el.getBoundingClientRect().toJSON()")
        canvases = view.locator("canvas").evaluate_all(
            "(all) => all.map((c) => c.getBoundingClientRect().right)"
        )
        assert box["right"] <= right + 0.5, f"explorer {i} runs past the comparison"
        assert max(canvases) <= box["right"] + 0.5, f"a canvas of explorer {i} is cut off"
        scroll = view.evaluate("(el) => el.scrollWidth - el.clientWidth")
        assert scroll <= 0, f"explorer {i} scrolls sideways"
    # One axis for the three gradient-norm charts, as one colour scale for the heatmaps.
    axes = {
        (view.locator("canvas[data-panel='norms']").get_attribute("data-lo"),
         view.locator("canvas[data-panel='norms']").get_attribute("data-hi"))
        for view in views
    }  # fmt: skip
    assert len(axes) == 1, axes
    assert nb.python_value("len({w.norm_range for w in c}) == 1 and c[0].norm_range is not None")
    labels = nb.page.locator(".rnnwidget-comparison-label").all_inner_texts()
    assert labels == ["w_hh_scale = 0.5", "w_hh_scale = 1.0", "w_hh_scale = 1.5"]
    assert nb.console_errors == []
