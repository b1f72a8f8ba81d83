"""The page ``RNNExplorer.to_html`` writes, opened from disk in Debian's Chromium with no server:
the heatmaps show the kernel's numbers pixel for pixel, hover reads them out, the knobs say
they need a kernel, and nothing is fetched from anywhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from rnnwidget import RNNExplorer
from rnnwidget.colormaps import colour_index, table
from rnnwidget.explorer.words import summary
from rnnwidget.formatting import format_pow10

from ..cielab import delta_e
from .test_explorer import PIXEL_JS

pytestmark = pytest.mark.browser

T, UNITS = 60, 12


@pytest.fixture
def open_page(chromium: BrowserContext) -> Iterator:
    """``open_page(widget, path)``: write the widget's page and open it from disk in a new tab.

    Yields the tab; after the test, asserts that it fetched nothing but its own file and logged
    no error.
    """
    pages: list[tuple[Page, list[str], list[str]]] = []

    def open_(widget: RNNExplorer, path: Path, *, scheme: str = "light") -> Page:
        widget.to_html(path)
        page = chromium.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pages.append((page, requests, errors))
        page.emulate_media(color_scheme=scheme)
        page.goto(path.as_uri())
        expect(root(page)).to_have_attribute("data-revision", str(widget._frame["revision"]))
        return page

    yield open_
    for page, requests, errors in pages:
        page.close()
        assert all(url.startswith(("file://", "data:", "blob:")) for url in requests), requests
        assert errors == []


def root(page: Page) -> Locator:
    return page.locator(".rnnwidget")


def assert_cells_show(page: Page, widget: RNNExplorer, panel: str, *, dark: bool = False) -> None:
    """Sample cells of a heatmap: each pixel must be the table colour of the kernel's value (or
    a neighbour's, since float32 on the wire may round across a colour boundary). On a dark
    page a signed value's colour stands as far from the page's background as the table's colour
    stands from white (within what a screen shows: tests/test_colormaps.py)."""
    values = {"hidden": widget.frame.h, "gradient": widget.frame.log10_abs_grad}[panel]
    scale = {"hidden": (-1.0, 1.0), "gradient": widget.frame.colour_scales["log10_abs_grad"]}
    rgb = table("standard", "diverging" if panel == "hidden" else "sequential")
    rows = values.shape[1]
    cells = [(0, 0), (T - 1, rows - 1), (T // 2, rows // 3), (T // 3, rows - 1), (1, 1)]
    shown = root(page).evaluate(PIXEL_JS, [panel, [[t, r, T, rows] for t, r in cells]])
    background = root(page).evaluate(
        f"(el) => Array.from(el.querySelector('canvas[data-panel={panel}]')"
        ".getContext('2d').getImageData(1, 1, 1, 1).data.slice(0, 3))"
    )
    for (t, row), colour in zip(cells, shown, strict=True):
        i = int(colour_index(values[t, row], *scale[panel]))
        allowed = [rgb[j].tolist() for j in range(max(i - 1, 0), min(i + 2, 256))]
        if not dark:
            assert colour in allowed, f"{panel} cell {(t, row)}: page {colour}, kernel {rgb[i]}"
            continue
        on_white = delta_e(allowed, [255, 255, 255])
        here = float(delta_e(colour, background))
        assert 0.8 * on_white.min() - 1 <= here <= 1.05 * on_white.max() + 1, (t, row, colour)


def hover_cell(page: Page, panel: str, t: int, row: int, rows: int) -> Locator:
    canvas = root(page).locator(f"canvas[data-panel='{panel}']")
    box = json.loads(canvas.evaluate("(c) => JSON.stringify(c.dataset)"))
    x = float(box["plotX"]) + (t + 0.5) / T * float(box["plotWidth"])
    y = float(box["plotY"]) + (row + 0.5) / rows * float(box["plotHeight"])
    canvas.hover(position={"x": x, "y": y})
    return root(page).locator(".rnnwidget-tooltip")


def test_the_page_shows_the_kernels_numbers_with_no_server(open_page, tmp_path: Path) -> None:
    w = RNNExplorer(w_hh_scale=1.2, seq_len=T, units=UNITS, input_kind="noise", seed=3)
    page = open_page(w, tmp_path / "lesson.html")
    assert_cells_show(page, w, "hidden")
    assert_cells_show(page, w, "gradient")

    t, unit = 10, 3
    tooltip = hover_cell(page, "hidden", t, unit, UNITS)
    h = np.float32(w.frame.h[t, unit])
    g = format_pow10(float(np.float32(w.frame.log10_abs_grad[t, unit])))
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_text(f"t={t + 1} · unit {unit} · h = {h:.3f} · |dL/dh| = {g}")
    expect(root(page).locator(".rnnwidget-summary")).to_have_text(summary(w.frame))


def test_the_knobs_say_they_need_a_kernel_and_the_rest_works(open_page, tmp_path: Path) -> None:
    w = RNNExplorer(seq_len=T, units=UNITS)
    page = open_page(w, tmp_path / "lesson.html")
    status = root(page).locator(".rnnwidget-disconnected")
    expect(status).to_be_visible()
    expect(status).to_contain_text("This page has no kernel")
    expect(root(page)).to_have_attribute("data-connection", "none")
    knobs = root(page).locator("[data-trait], [data-preset]")
    # every knob the kernel lists, and every preset
    assert knobs.count() == len(w._knobs) + len(w._presets) >= 14
    for i in range(knobs.count()):
        expect(knobs.nth(i)).to_be_disabled()
    expect(
        root(page).get_by_role("button", name="Save a PNG snapshot of this view")
    ).to_be_enabled()

    with page.expect_download() as download:
        root(page).get_by_role("button", name="Save a PNG snapshot of this view").click()
    assert download.value.suggested_filename == f"rnnwidget-scale1.00-T{T}.png"

    # Play through time needs no kernel: the scrubber works from the embedded data.
    scrubber = root(page).get_by_role("slider", name="Time")
    scrubber.focus()
    page.keyboard.press("Home")
    expect(root(page).locator(".rnnwidget-moment")).to_have_text("forward pass, t=1")


def test_copy_as_code_falls_back_to_a_selected_line(open_page, tmp_path: Path) -> None:
    w = RNNExplorer(w_hh_scale=0.75, seq_len=T, units=UNITS)
    page = open_page(w, tmp_path / "lesson.html")
    page.evaluate("() => Object.defineProperty(navigator, 'clipboard', { value: undefined })")
    button = root(page).get_by_role("button", name="Copy the Python line that recreates this view")
    expect(button).to_have_attribute("data-lm-suppress-shortcuts", "true")
    button.focus()
    page.keyboard.press("Enter")
    field = root(page).get_by_role("textbox", name="Python")
    expect(field).to_be_visible()
    expect(field).to_have_value(repr(w))
    expect(field).to_be_focused()
    selected = field.evaluate("(f) => f.value.slice(f.selectionStart, f.selectionEnd)")
    assert selected == repr(w)
    expect(root(page).locator(".rnnwidget-copy-status")).to_contain_text("Ctrl+C")


def test_a_classroom_view_stays_one_in_the_page(open_page, tmp_path: Path) -> None:
    w = RNNExplorer(seq_len=T, units=UNITS, controls=["seq_len"])
    page = open_page(w, tmp_path / "lesson.html")
    # The knobs' grid and the row of presets and Reset below it.
    controls = ":is(.rnnwidget-controls, .rnnwidget-actions)"
    visible = root(page).locator(f"{controls} :is(input, select, button):visible")
    expect(visible).to_have_count(3)  # the slider, the field its value is typed in, Reset
    knob = root(page).locator(".rnnwidget-controls [data-trait]:visible")
    expect(knob).to_have_count(1)
    expect(knob).to_have_attribute("data-trait", "seq_len")
    expect(root(page).locator("[data-typed='seq_len']")).to_be_visible()
    expect(root(page).get_by_role("button", name="Reset")).to_be_visible()


def test_the_page_follows_a_dark_system_theme(open_page, tmp_path: Path) -> None:
    w = RNNExplorer(w_hh_scale=0.9, seq_len=T, units=UNITS, input_kind="sine")
    page = open_page(w, tmp_path / "lesson.html", scheme="dark")
    background = root(page).evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert background == "rgb(17, 17, 17)"
    corner = root(page).evaluate(
        "(el) => Array.from(el.querySelector('canvas[data-panel=hidden]')"
        ".getContext('2d').getImageData(1, 1, 1, 1).data.slice(0, 3))"
    )
    assert corner == [17, 17, 17]  # the canvas is drawn on the page's dark background
    assert_cells_show(page, w, "hidden", dark=True)  # a state near 0 is dark, not a white glare


def test_markup_in_the_state_stays_text(open_page, tmp_path: Path) -> None:
    sentence = "</script><script>alert(1)</script> <img src=x onerror=alert(2)> cat"
    w = RNNExplorer(input_kind="sentence", sentence=sentence, seq_len=T, units=UNITS)
    dialogs: list[str] = []
    page = open_page(w, tmp_path / "lesson.html")
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    assert w.frame.tokens[:2] == ("<", "/")
    for t, word in enumerate(w.frame.tokens[:2]):
        expect(hover_cell(page, "hidden", t, 0, UNITS)).to_contain_text(f'word "{word}"')
    expect(root(page).locator("input[data-trait='sentence']")).to_have_value(sentence)
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 2
    assert dialogs == []
