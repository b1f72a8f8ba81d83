"""RNNExplorer in a real JupyterLab 4 and Notebook 7, driven like a lecturer drives it: the
keyboard on the sliders, the mouse on the heatmaps, the Snapshot button; the pixels on the
canvases checked against the kernel's numbers."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from .jupyter import JupyterServer, NotebookPage, OpenNotebook
from .test_harness import write_notebook
from .waits import wait_for

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

XSS = "<img src=x onerror=alert(1)> hi"
SETUP = "from rnnwidget import RNNExplorer\n\nw = RNNExplorer(seq_len=60, units=12)\nw"

# The colour of cell (t, row) of a panel, read back from its canvas at the device pixel in the
# cell's centre; the canvas says where its plot area is (data-plot-*), in CSS pixels.
PIXEL_JS = """
(root, [panel, cells]) => {
  const canvas = root.querySelector(`canvas[data-panel="${panel}"]`);
  const d = canvas.dataset;
  const ratio = canvas.width / parseFloat(canvas.style.width);
  const ctx = canvas.getContext("2d");
  return cells.map(([t, row, T, rows]) => {
    const x = (Number(d.plotX) + ((t + 0.5) / T) * Number(d.plotWidth)) * ratio;
    const y = (Number(d.plotY) + ((row + 0.5) / rows) * Number(d.plotHeight)) * ratio;
    return Array.from(ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data.slice(0, 3));
  });
}
"""

# The kernel's colour for the same cells: the table row of h (or log10 |dL/dh|) at (t, row),
# and its neighbours, since float32 on the wire may round a value across a row boundary.
EXPECTED_COLOURS = """
import json
from rnnwidget.colormaps import colour_index, table
def expected(w, panel, cells):
    values = {"input": w.frame.x, "hidden": w.frame.h, "gradient": w.frame.log10_abs_grad}[panel]
    lo, hi = {"input": w.frame.colour_scales["x"], "hidden": (-1.0, 1.0),
              "gradient": w.frame.colour_scales["log10_abs_grad"]}[panel]
    rgb = table("standard", "sequential" if panel == "gradient" else "diverging")
    out = []
    for t, row in cells:
        i = int(colour_index(values[t, row], lo, hi))
        out.append([rgb[j].tolist() for j in range(max(i - 1, 0), min(i + 2, 256))])
    return out
"""


def explorer(nb: NotebookPage, index: int = 0) -> Locator:
    return nb.page.locator(".rnnwidget").nth(index)


def assert_canvas_shows_the_kernels_numbers(nb: NotebookPage, panel: str, index: int = 0):
    """Sample cells of a heatmap and compare their pixels with the kernel's colours."""
    revision = nb.python_value("w._frame['revision']")
    root = explorer(nb, index)
    expect(root).to_have_attribute("data-revision", str(revision))
    T, rows = nb.python_value(f"w.frame.{'x' if panel == 'input' else 'h'}.shape")
    cells = sorted({(0, 0), (T - 1, rows - 1), (T // 2, rows // 3), (T // 3, rows - 1), (1, 1)})
    nb.run_code(EXPECTED_COLOURS)
    allowed = json.loads(nb.run_code(f"print(json.dumps(expected(w, {panel!r}, {cells})))"))
    shown = root.evaluate(PIXEL_JS, [panel, [[t, r, T, rows] for t, r in cells]])
    for cell, colour, choices in zip(cells, shown, allowed, strict=True):
        assert colour in choices, f"{panel} cell {cell}: canvas {colour}, kernel {choices[1:2]}"


def press(page: Page, control: Locator, key: str, times: int) -> None:
    control.focus()
    for _ in range(times):
        page.keyboard.press(key)


@pytest.fixture(params=["lab", "notebook7"])
def server(request: pytest.FixtureRequest) -> JupyterServer:
    return request.getfixturevalue(f"{request.param}_server")


def test_lecture_notebook_renders_offline_and_follows_the_keyboard(
    server: JupyterServer, open_notebook: OpenNotebook
) -> None:
    nb = open_notebook(server, EXAMPLES / "01_the_hidden_state.ipynb")
    root = explorer(nb)
    expect(root.locator("canvas[data-panel='hidden']")).to_be_visible()
    start = nb.python_value("w.w_hh_scale")
    assert start == 0.9  # after "Run all" the first picture is still the one the text describes

    slider = root.locator("input[data-trait='w_hh_scale']")
    press(nb.page, slider, "ArrowRight", 5)
    nb.wait_for_python_value("w.w_hh_scale", round(start + 0.05, 2))
    expect(root.locator("input[data-typed='w_hh_scale']")).to_have_value(f"{start + 0.05:.2f}")
    assert_canvas_shows_the_kernels_numbers(nb, "hidden")
    assert_canvas_shows_the_kernels_numbers(nb, "gradient")

    assert nb.console_errors == []
    assert nb.external_requests == []


@pytest.mark.parametrize(
    ("trait", "key", "times", "expected"),
    [
        ("w_hh_scale", "ArrowLeft", 30, 0.7),
        ("seq_len", "ArrowRight", 4, 64),
        ("saturation", "ArrowRight", 20, 2.0),
        ("units", "ArrowLeft", 3, 9),
    ],
)
def test_each_slider_moves_by_keyboard_and_the_canvas_follows(
    lab_server: JupyterServer,
    open_notebook: OpenNotebook,
    tmp_path: Path,
    trait,
    key,
    times,
    expected,
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "explorer.ipynb", SETUP))
    slider = explorer(nb).locator(f"input[data-trait='{trait}']")
    expect(slider).to_have_attribute("data-lm-suppress-shortcuts", "true")
    expect(slider).to_have_accessible_name(
        {
            "w_hh_scale": "W_hh scale",
            "seq_len": "Sequence length",
            "saturation": "tanh gain",
            "units": "Hidden units",
        }[trait]
    )
    press(nb.page, slider, key, times)
    nb.wait_for_python_value(f"w.{trait}", expected)
    assert_canvas_shows_the_kernels_numbers(nb, "hidden")
    assert nb.console_errors == []


def test_the_input_select_works_by_keyboard(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "explorer.ipynb", SETUP))
    select = explorer(nb).locator("select[data-trait='input_kind']")
    expect(select).to_have_accessible_name("Input")
    press(nb.page, select, "ArrowDown", 1)
    nb.wait_for_python_value("w.input_kind", "noise")
    assert_canvas_shows_the_kernels_numbers(nb, "hidden")


# Counts what is painted on one panel's canvas from now on (each draw starts by filling the
# background).
COUNT_DRAWS_JS = """
(root, panel) => {
  const canvas = root.querySelector(`canvas[data-panel="${panel}"]`);
  const ctx = canvas.getContext("2d");
  const fillRect = ctx.fillRect;
  canvas.draws = 0;
  ctx.fillRect = function (...args) {
    canvas.draws += 1;
    return fillRect.apply(this, args);
  };
}
"""


def test_a_step_redraws_only_the_panels_that_changed(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "explorer.ipynb", SETUP))
    root = explorer(nb)
    root.evaluate(COUNT_DRAWS_JS, "input")
    root.evaluate(COUNT_DRAWS_JS, "hidden")
    count = "(root, panel) => root.querySelector(`canvas[data-panel='${panel}']`).draws"

    # A new W_hh scale changes the states, not the input: only the states are drawn again.
    press(nb.page, root.locator("input[data-trait='w_hh_scale']"), "ArrowRight", 1)
    nb.wait_for_python_value("w.w_hh_scale", 1.01)
    assert_canvas_shows_the_kernels_numbers(nb, "hidden")
    assert root.evaluate(count, "hidden") > 0
    assert root.evaluate(count, "input") == 0

    # A new input is drawn, and shows the kernel's numbers.
    press(nb.page, root.locator("select[data-trait='input_kind']"), "ArrowDown", 1)
    nb.wait_for_python_value("w.input_kind", "noise")
    assert_canvas_shows_the_kernels_numbers(nb, "input")
    assert root.evaluate(count, "input") > 0
    assert nb.console_errors == []


def test_a_preset_sets_its_regime(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "explorer.ipynb", SETUP))
    explorer(nb).get_by_role("button", name="High gain").click()
    nb.wait_for_python_value("(w.w_hh_scale, w.saturation, w.bias)", (1.0, 4.0, 0.0))
    expect(explorer(nb).locator(".rnnwidget-note")).to_contain_text("High gain for")
    explorer(nb).get_by_role("button", name="Vanishing").click()
    nb.wait_for_python_value("(w.w_hh_scale, w.saturation, w.bias)", (0.5, 1.0, 0.0))
    expect(explorer(nb).locator(".rnnwidget-summary")).to_contain_text("it vanishes")
    expect(explorer(nb).locator(".rnnwidget-note")).to_contain_text("Vanishing for")
    explorer(nb).get_by_role("button", name="Saturated").click()
    expect(explorer(nb).locator(".rnnwidget-summary")).to_contain_text("it vanishes")
    nb.wait_for_python_value("w.bias > 0 and w.saturated_fraction > 0.8", True)


def test_hovering_a_cell_reads_out_its_numbers(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "explorer.ipynb", SETUP))
    canvas = explorer(nb).locator("canvas[data-panel='hidden']")
    box = json.loads(canvas.evaluate("(c) => JSON.stringify(c.dataset)"))
    t, unit = 10, 3  # 0-based: the lecture's t = 11
    x = float(box["plotX"]) + (t + 0.5) / 60 * float(box["plotWidth"])
    y = float(box["plotY"]) + (unit + 0.5) / 12 * float(box["plotHeight"])
    canvas.hover(position={"x": x, "y": y})
    h = nb.python_value(f"round(float(w.frame.h[{t}, {unit}]), 3)")
    tooltip = explorer(nb).locator(".rnnwidget-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(f"t={t + 1} · unit {unit} · h = {h:.3f}")


def test_a_refused_value_is_shown_in_the_view_and_the_picture_stays(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "explorer.ipynb", SETUP))
    revision = explorer(nb).get_attribute("data-revision")
    refused = "try:\n    w.w_hh_scale = 9\nexcept Exception as e:\n    print(type(e).__name__)"
    out = nb.run_code(refused)
    assert out == "TraitError"
    error = explorer(nb).locator(".rnnwidget-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("w_hh_scale must be a number from 0 to 3; got 9")
    assert explorer(nb).get_attribute("data-revision") == revision
    nb.run_code("w.w_hh_scale = 0.8")
    expect(error).to_be_hidden()


def test_snapshot_downloads_the_view_and_hands_the_same_png_to_the_kernel(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "explorer.ipynb", SETUP))
    nb.run_code("w.w_hh_scale = 1.2")
    button = explorer(nb).get_by_role("button", name="Save a PNG snapshot of this view")
    with nb.page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == "rnnwidget-scale1.20-T60.png"
    png = Path(download.path()).read_bytes()
    nb.wait_for_python_value("len(w.snapshots)", 1)
    assert nb.python_value("__import__('hashlib').sha256(w.snapshots[-1]).hexdigest()") == (
        hashlib.sha256(png).hexdigest()
    )
    image = Image.open(io.BytesIO(png))
    css_width = explorer(nb).evaluate("(el) => el.querySelector('canvas').clientWidth")
    assert image.width >= 2 * css_width  # at least 2x the panels' width, for a projector
    version = nb.python_value("__import__('rnnwidget').__version__")
    assert image.text["Description"] == (
        f"w_hh_scale=1.20  seq_len=60  saturation=1.0  units=12  input=impulse  seed=0  "
        f"rnnwidget {version}"
    )
    saved = tmp_path / "kernel-copy.png"
    nb.run_code(f"w.save_snapshot({str(saved)!r})")
    assert saved.read_bytes() == png


def test_two_views_of_one_widget_stay_in_sync(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "two.ipynb", SETUP, "display(w)"))
    first, second = explorer(nb, 0), explorer(nb, 1)
    press(nb.page, first.locator("input[data-trait='units']"), "ArrowRight", 2)
    nb.wait_for_python_value("w.units", 14)
    revision = nb.python_value("w._frame['revision']")
    for view in (first, second):
        expect(view).to_have_attribute("data-revision", str(revision))
        expect(view.locator("input[data-trait='units']")).to_have_value("14")
    press(nb.page, second.locator("input[data-trait='seq_len']"), "ArrowLeft", 1)
    nb.wait_for_python_value("w.seq_len", 59)
    expect(first.locator("input[data-trait='seq_len']")).to_have_value("59")
    assert_canvas_shows_the_kernels_numbers(nb, "hidden", index=0)
    assert_canvas_shows_the_kernels_numbers(nb, "hidden", index=1)


def test_sentence_words_reach_the_page_as_text(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    source = SETUP.replace("RNNExplorer(", f"RNNExplorer(input_kind='sentence', sentence={XSS!r}, ")
    nb = open_notebook(lab_server, write_notebook(tmp_path / "xss.ipynb", source))
    dialogs: list[str] = []
    nb.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    root = explorer(nb)
    canvas = root.locator("canvas[data-panel='hidden']")
    box = json.loads(canvas.evaluate("(c) => JSON.stringify(c.dataset)"))
    canvas.hover(
        position={
            "x": float(box["plotX"]) + 0.5 / 60 * float(box["plotWidth"]),
            "y": float(box["plotY"]) + 2,
        }
    )
    tooltip = root.locator(".rnnwidget-tooltip")
    expect(tooltip).to_contain_text('word "<"')
    expect(root.locator("input[data-trait='sentence']")).to_have_value(XSS)
    assert root.locator("img").count() == 0
    assert dialogs == []


def test_a_kernel_restart_leaves_a_clear_disconnected_state(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "restart.ipynb", SETUP))
    root = explorer(nb)
    nb.page.evaluate(
        "(path) => notebookHarness.panel(path).sessionContext.session.kernel.restart()", nb.path
    )
    status = root.locator(".rnnwidget-disconnected")
    expect(status).to_be_visible()
    expect(status).to_contain_text("Kernel disconnected")
    expect(root).to_have_attribute("data-connection", "lost")
    expect(root.locator("input[data-trait='units']")).to_be_disabled()  # it needs the kernel
    expect(root.locator("canvas[data-panel='hidden']")).to_be_visible()  # the last picture stays
    # The browser's twin computes the continuous knobs: they stay live, and the view says so.
    expect(status).to_contain_text("still move the picture, computed in your browser")
    slider = root.locator("input[data-trait='w_hh_scale']")
    expect(slider).to_be_enabled()
    press(nb.page, slider, "ArrowRight", 1)
    expect(root).to_have_attribute("data-source", "twin")
    expect(root.locator("input[data-typed='w_hh_scale']")).to_have_value("1.01")


def test_magnitudes_past_float64_are_shown_true_and_marked(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    source = SETUP.replace(
        "RNNExplorer(", "RNNExplorer(w_hh_scale=3.0, saturation=0.1, input_kind='noise', "
    ).replace("seq_len=60", "seq_len=1000")
    nb = open_notebook(lab_server, write_notebook(tmp_path / "underflow.ipynb", source))
    chart = explorer(nb).locator("canvas[data-panel='norms']")
    box = json.loads(chart.evaluate("(c) => JSON.stringify(c.dataset)"))
    chart.hover(position={"x": float(box["plotX"]) + 0.2, "y": float(box["plotY"]) + 10})
    exponent = nb.python_value("int(__import__('math').floor(w.frame.log10_grad_norm[0]))")
    assert exponent < -308  # the true size, far below float64's smallest normal number
    tooltip = explorer(nb).locator(".rnnwidget-tooltip")
    expect(tooltip).to_contain_text("t=1 · ‖dL/dh_t‖ = ")
    expect(tooltip).to_contain_text(f"e{exponent} (underflows float64 (< 1e-308))")
    expect(explorer(nb).locator(".rnnwidget-summary")).to_contain_text("underflows float64")


def test_a_snapshot_in_the_dark_theme_is_drawn_light_for_slides(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(lab_server, write_notebook(tmp_path / "dark.ipynb", SETUP))
    theme = "window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab %s'})"
    nb.page.evaluate(theme % "Dark")  # the server keeps the choice: put it back afterwards
    try:
        root = explorer(nb)
        expect(root).to_have_css("background-color", "rgb(17, 17, 17)", timeout=10_000)
        # The live view turns dark: the corner of a panel is the page's background, once the
        # theme's redraw has run.
        wait_for(
            nb.page,
            "(c) => c.getContext('2d').getImageData(1, 1, 1, 1).data.slice(0, 3).join() === "
            "'17,17,17'",
            root.locator("canvas[data-panel='hidden']").element_handle(),
            what="the hidden-state panel redrawn on the dark background",
        )
        # Play a step: the snapshot shows the whole picture all the same.
        root.get_by_role("button", name="Step forward").click()
        with nb.page.expect_download() as download_info:
            root.get_by_role("button", name="Save a PNG snapshot of this view").click()
        png = Path(download_info.value.path()).read_bytes()
        image = Image.open(io.BytesIO(png)).convert("RGB")
        assert image.getpixel((2, 2)) == (255, 255, 255)  # a light page, for slides
        dark = (np.asarray(image).sum(axis=2) < 3 * 40).mean()
        assert dark < 0.05, f"{dark:.0%} of the snapshot is near black"
    finally:
        nb.page.evaluate(theme % "Light")
