"""The page ``RNNExplorer.to_html`` writes, opened from disk in Debian's Chromium with no server:
the heatmaps show the kernel's numbers pixel for pixel, hover reads them out, the knobs the page
can answer are live (the browser's twin computes what the kernel would: the same sentence, the
same ratio) and those only a kernel can turn say so, a link opens it at a setting and Copy link
writes one, and nothing is fetched from anywhere."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from rnnwidget import RNNExplorer
from rnnwidget.colormaps import colour_index, table
from rnnwidget.explorer import words
from rnnwidget.explorer.page import page_state
from rnnwidget.explorer.words import summary
from rnnwidget.formatting import format_pow10
from rnnwidget.training import Trainer

from ..cielab import delta_e
from .test_explorer import PIXEL_JS, press

pytestmark = pytest.mark.browser

T, UNITS = 60, 12


@pytest.fixture
def open_page(chromium: BrowserContext) -> Iterator:
    """``open_page(widget, path)``: write the widget's page and open it from disk in a new tab.

    Yields the tab; after the test, asserts that it fetched nothing but its own file and logged
    no error.
    """
    pages: list[tuple[Page, list[str], list[str]]] = []

    def open_(
        widget: RNNExplorer, path: Path, *, scheme: str = "light", fragment: str = ""
    ) -> Page:
        widget.to_html(path)
        page = chromium.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pages.append((page, requests, errors))
        page.emulate_media(color_scheme=scheme)
        page.goto(path.as_uri() + fragment)
        # The kernel's frame, or the page's for a link's settings (or a sentence's, without
        # "Why order matters").
        expect(root(page)).to_have_attribute("data-revision", re.compile(r"^\d+$"))
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


def test_the_live_knobs_are_on_and_the_kernels_say_so(open_page, tmp_path: Path) -> None:
    w = RNNExplorer(seq_len=T, units=UNITS)
    page = open_page(w, tmp_path / "lesson.html")
    status = root(page).locator(".rnnwidget-disconnected")
    expect(status).to_be_visible()
    expect(status).to_have_text(page_state(w)["choices"]["note"])
    expect(status).to_contain_text("with no kernel")
    knobs = root(page).locator("[data-trait], [data-preset]")
    # every knob the kernel lists, and every preset
    assert knobs.count() == len(w._knobs) + len(w._presets) >= 14
    kernel_only = {"units", "seed", "sentence", "gate_init", "hold_scales"}
    for i in range(knobs.count()):
        knob = knobs.nth(i)
        if knob.get_attribute("data-trait") in kernel_only:
            expect(knob).to_be_disabled()
            expect(knob).to_have_attribute("title", re.compile("Needs a running notebook"))
        else:
            expect(knob).to_be_enabled()
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


def test_a_trained_networks_page_keeps_its_knobs_off(open_page, tmp_path: Path) -> None:
    w = RNNExplorer.from_trainer(Trainer("recall", lag=5, units=4, batch_size=2))
    page = open_page(w, tmp_path / "trained.html", fragment="#w_hh_scale=0.5")
    expect(root(page).locator(".rnnwidget-disconnected")).to_contain_text("trained network")
    knobs = root(page).locator("[data-trait]")
    for i in range(knobs.count()):
        expect(knobs.nth(i)).to_be_disabled()
    expect(root(page)).to_have_attribute("data-revision", str(w._frame["revision"]))
    expect(page.get_by_role("button", name="Copy link")).to_have_count(0)


def shows(page: Page, settings: dict[str, Any]) -> None:
    """The page shows what ``RNNExplorer(**settings)`` shows: its knobs, its sentence, its
    numbers' words (the gradient ratio among them), its line of code, and its address says the
    setting."""
    kernel = RNNExplorer(**settings)
    for name in ("w_hh_scale", "seq_len", "saturation", "bias"):
        expect(root(page).locator(f"[data-typed='{name}']")).to_have_value(
            re.compile(rf"^{re.escape(kernel_text(kernel, name))}$")
        )
    expect(root(page).locator("select[data-trait='cell']")).to_have_value(kernel.cell)
    expect(root(page).locator(".rnnwidget-summary")).to_have_text(kernel.summary)
    stats = words.view_words(kernel.frame)["stats"]
    assert format_ratio(kernel) in stats  # the ratio, as the stats line writes it
    expect(root(page).locator(".rnnwidget-stats")).to_have_text(stats)
    expect(root(page).locator(".rnnwidget-shapes")).to_have_text(
        words.view_words(kernel.frame)["shapes"]
    )
    # Copy as code gives the line that recreates what the page shows.
    copy = root(page).get_by_role("button", name="Copy the Python line that recreates this view")
    expect(copy).to_have_attribute("title", repr(kernel))
    fragment = page.evaluate("() => location.hash")
    link = dict(part.split("=", 1) for part in fragment.removeprefix("#").split("&"))
    for name in ("w_hh_scale", "seq_len", "saturation", "bias", "units", "seed"):
        assert float(link[name]) == getattr(kernel, name), (name, fragment)
    for name in ("cell", "input_kind", "sentence"):
        assert unquote(link[name]) == getattr(kernel, name), (name, fragment)


def kernel_text(kernel: RNNExplorer, name: str) -> str:
    """A knob's value as its typed field shows it (the spec's digits)."""
    spec = next(knob for knob in kernel._knobs if knob["name"] == name)
    return f"{getattr(kernel, name):.{spec['digits']}f}"


def format_ratio(kernel: RNNExplorer) -> str:
    ratio = kernel.gradient_ratio_log10
    assert ratio is not None
    return format_pow10(ratio)


def test_a_link_opens_the_page_at_its_setting_and_the_knobs_are_live(
    open_page, tmp_path: Path
) -> None:
    base = {"units": UNITS, "seed": 3}
    w = RNNExplorer(seq_len=T, **base)
    linked = {"w_hh_scale": 1.2, "seq_len": 80, "input_kind": "noise", "cell": "elman"}
    fragment = "#" + "&".join(f"{name}={value}" for name, value in linked.items())
    page = open_page(w, tmp_path / "lesson.html", fragment=fragment)
    settings = base | linked
    shows(page, settings)
    expect(root(page).locator(".rnnwidget-error")).to_be_hidden()

    # The W_hh slider by keyboard: the twin recomputes, the address follows in place.
    entries = page.evaluate("() => history.length")
    press(page, root(page).locator("input[type=range][data-trait='w_hh_scale']"), "ArrowRight", 3)
    settings["w_hh_scale"] = 1.23
    shows(page, settings)
    expect(root(page)).to_have_attribute("data-source", "twin")  # the view's own twin drew it
    assert page.evaluate("() => history.length") == entries  # replaced, not an entry a step

    # A choice the page holds: another cell, the same continuous knobs.
    root(page).locator("select[data-trait='cell']").select_option("gru")
    shows(page, settings | {"cell": "gru"})
    root(page).locator("select[data-trait='input_kind']").select_option("sine")
    shows(page, settings | {"cell": "gru", "input_kind": "sine"})


def test_a_bad_link_opens_the_saved_settings_and_says_what_it_ignored(
    open_page, tmp_path: Path
) -> None:
    w = RNNExplorer(w_hh_scale=0.8, seq_len=T, units=UNITS)
    page = open_page(w, tmp_path / "lesson.html", fragment="#w_hh_scale=9&units=64&seq_len=70")
    error = root(page).locator(".rnnwidget-error")
    expect(error).to_have_text(
        "Ignored w_hh_scale=9 in the link: w_hh_scale must be a number from 0 to 3. "
        f"Ignored units=64 in the link: this page holds units={UNITS} only; other values need a "
        "notebook."
    )
    shows(page, {"w_hh_scale": 0.8, "seq_len": 70, "units": UNITS})


def test_copy_link_copies_the_address_of_the_setting_shown(
    open_page, chromium: BrowserContext, tmp_path: Path
) -> None:
    w = RNNExplorer(seq_len=T, units=UNITS, input_kind="sentence", sentence="a cat & a hat")
    page = open_page(w, tmp_path / "lesson.html")
    chromium.grant_permissions(["clipboard-read", "clipboard-write"])
    press(page, root(page).locator("input[type=range][data-trait='seq_len']"), "ArrowLeft", 10)
    expect(root(page).locator("[data-typed='seq_len']")).to_have_value(str(T - 10))
    button = page.get_by_role("button", name="Copy link")
    button.focus()  # reachable by keyboard
    page.keyboard.press("Enter")
    status = page.locator(".rnnwidget-page-link-status")
    expect(status).to_have_text("Copied")
    assert status.get_attribute("aria-live") == "polite"
    link = page.evaluate("() => navigator.clipboard.readText()")
    assert link == page.evaluate("() => location.href")
    assert link.startswith(tmp_path.joinpath("lesson.html").as_uri() + "#cell=elman&")
    assert "sentence=a%20cat%20%26%20a%20hat" in link
    # The link, opened in a new tab, shows the same setting.
    again = page.context.new_page()
    again.goto(link)
    shows(again, {"seq_len": T - 10, "units": UNITS, "input_kind": "sentence",
                  "sentence": "a cat & a hat"})  # fmt: skip
    again.close()


@pytest.mark.parametrize("name", [preset.name for preset in RNNExplorer.PRESETS])
def test_each_preset_finds_the_kernels_settings_in_the_page(
    open_page, tmp_path: Path, name: str
) -> None:
    w = RNNExplorer(seq_len=T, units=UNITS, input_kind="sine", seed=2)
    page = open_page(w, tmp_path / "lesson.html")
    kernel = RNNExplorer(**w.config)
    kernel.apply_preset(name)
    label = next(preset.label for preset in RNNExplorer.PRESETS if preset.name == name)
    root(page).get_by_role("button", name=label, exact=True).click()
    expect(root(page).locator(".rnnwidget-note")).to_have_text(kernel.preset_note)
    shows(page, {name: getattr(kernel, name) for name in ("units", "seed", "seq_len",
                 "input_kind", "w_hh_scale", "saturation", "bias")})  # fmt: skip


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


def test_choices_the_page_left_out_need_a_notebook(open_page, tmp_path: Path) -> None:
    w = RNNExplorer(units=256, seq_len=20, cell="lstm", input_kind="sine")
    page = open_page(w, tmp_path / "big.html", fragment="#cell=gru&seq_len=30")
    expect(root(page).locator(".rnnwidget-error")).to_have_text(
        "Ignored cell=gru in the link: this page does not hold cell=gru, input_kind=sine; it "
        "needs a notebook."
    )
    expect(root(page).locator(".rnnwidget-disconnected")).to_contain_text(
        "it leaves out the GRU cell and the Elman (SimpleRNN) cell with 2 layers."
    )
    cell = root(page).locator("select[data-trait='cell']")
    expect(cell).to_have_value("lstm")
    expect(root(page).locator("[data-typed='seq_len']")).to_have_value("30")
    expect(cell.locator("option[value='gru']")).to_be_disabled()
    expect(cell.locator("option[value='gru']")).to_have_attribute(
        "title", re.compile("Needs a running notebook")
    )
    expect(cell.locator("option[value='elman']")).to_be_enabled()
    cell.select_option("elman")  # held: the page switches to it
    expect(root(page).locator(".rnnwidget-shapes")).to_have_text(
        words.view_words(RNNExplorer(units=256, seq_len=30, input_kind="sine").frame)["shapes"]
    )
    layers = root(page).locator("select[data-trait='layers']")
    expect(layers.locator("option[value='2']")).to_be_disabled()


# A page served with a Content-Security-Policy that lets its scripts and its Worker run but
# compiles no WebAssembly (no 'wasm-unsafe-eval').
NO_WEBASSEMBLY = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; script-src 'unsafe-inline' blob:; worker-src blob:; "
    "style-src 'unsafe-inline'; img-src data: blob:\">"
)


COMPILE_EMPTY_MODULE_JS = """() => {
  try {
    new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    return "compiled";
  } catch (error) {
    return String(error);
  }
}"""


def test_a_page_that_compiles_no_webassembly_computes_in_javascript(
    chromium: BrowserContext, tmp_path: Path
) -> None:
    """Where the page's policy forbids WebAssembly, the twin's products take JavaScript's loop:
    the knobs stay live, with the kernel's numbers and words."""
    path = tmp_path / "strict.html"
    w = RNNExplorer(seq_len=T, units=UNITS, seed=3, input_kind="noise")
    w.to_html(path)
    path.write_text(path.read_text("utf-8").replace("<head>", "<head>" + NO_WEBASSEMBLY, 1))
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(path.as_uri())
        expect(root(page)).to_have_attribute("data-revision", re.compile(r"^\d+$"))
        slider = root(page).locator("input[type=range][data-trait='w_hh_scale']")
        press(page, slider, "ArrowRight", 3)
        settings = {"seq_len": T, "units": UNITS, "seed": 3, "input_kind": "noise"}
        shows(page, settings | {"w_hh_scale": round(w.w_hh_scale + 0.03, 2)})
        expect(root(page)).to_have_attribute("data-source", "twin")
        assert errors == []
        # and the page did forbid it: compiling even the empty module fails there
        refused = page.evaluate(COMPILE_EMPTY_MODULE_JS)
        assert "Content Security" in refused, refused
    finally:
        page.close()


def test_the_unrolled_loop_names_the_steps_of_each_length(open_page, tmp_path: Path) -> None:
    """The diagram under the panels shows the last steps of the sequence, named for the length
    the slider reaches (the diagram is renamed in place while its shape stays the same)."""
    page = open_page(RNNExplorer(seq_len=T, units=UNITS, seed=3), tmp_path / "steps.html")
    names = root(page).locator(".rnnwidget-unrolled svg .rnnwidget-node text")
    expect(names).to_have_text([f"x_{T - 2}", f"h_{T - 2}", f"x_{T - 1}", f"h_{T - 1}",
                                f"x_{T}", f"h_{T}"])  # fmt: skip
    slider = root(page).locator("input[type=range][data-trait='seq_len']")
    for length in (T - 1, T - 2):
        press(page, slider, "ArrowLeft", 1)
        expect(names).to_have_text([f"x_{length - 2}", f"h_{length - 2}", f"x_{length - 1}",
                                    f"h_{length - 1}", f"x_{length}", f"h_{length}"])  # fmt: skip
        focus = root(page).locator(".rnnwidget-unrolled svg .rnnwidget-node-focus text")
        expect(focus).to_have_text([f"x_{length}", f"h_{length}"])
        expect(root(page).locator(".rnnwidget-unrolled-caption")).to_contain_text(
            f"Step t={length}:"
        )
