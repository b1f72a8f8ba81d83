"""Presentation as the room sees it, in a real JupyterLab and Notebook 7: every view follows
JupyterLab's View > Presentation Mode by itself, live, and then every text it shows, on its
canvases and in its page, is at least 16 px at a 1024 x 768 and a 1400 x 900 window, in the
light and the dark theme; nothing overlaps, spills or ends in an ellipsis; the first chart is on
the first screen; and leaving presentation gives the normal sizes back. In Notebook 7, which has
no presentation mode, the switch of one view presents every view on the page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from rnnwidget.geometry import GEOMETRY

from .jupyter import JupyterServer, NotebookPage, OpenNotebook, set_presentation_mode
from .legibility import RECORD_CANVAS_TEXT_JS, first_screen, legibility
from .test_harness import write_notebook
from .waits import animation_frames, wait_for, wait_until_drawn_at_scale

pytestmark = pytest.mark.browser

LEAST = 16  # px: the smallest text a class reads from the back row
SCALE = GEOMETRY.presentation.scale
WINDOWS = [(1024, 768), (1400, 900)]
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
PRESENTING = re.compile(r"\brnnwidget-presentation\b")

# Each view: the cell that shows it, where its root is, what must be on the first screen (the
# first chart; for the text view the first panel, the sample it writes), and what shows a
# read-out (hover a heatmap; focus the text view's reading for its guesses), if it has one.
EXPLORERS = ".rnnwidget:not(.rnnwidget-trainer)"
VIEWS: dict[str, dict[str, Any]] = {
    "explorer": {
        "source": "from rnnwidget import RNNExplorer\n"
        "w = RNNExplorer(w_hh_scale=0.9, seq_len=120, units=32, input_kind='sentence')\nw",
        "root": EXPLORERS,
        "first": "canvas[data-panel]",
        "readout": ("hover", "canvas[data-panel='hidden']"),
    },
    "lstm": {
        "source": "from rnnwidget import RNNExplorer\n"
        "w = RNNExplorer(cell='lstm', seq_len=120, units=32, input_kind='noise')\nw",
        "root": EXPLORERS,
        "first": "canvas[data-panel]",
        "readout": ("hover", "canvas[data-panel='gradient_c']"),
    },
    "trainer": {
        "source": "from rnnwidget import RNNTrainer\n"
        "w = RNNTrainer(lag=20, units=16)\nw.run(60)\nw",
        "root": ".rnnwidget-trainer",
        "first": "canvas[data-panel]",
        "readout": None,
    },
    "text": {
        "source": "from rnnwidget import RNNTrainer\n"
        "w = RNNTrainer(task='text', corpus='python', cell='lstm', units=32)\nw.run(20)\nw",
        "root": ".rnnwidget-trainer",
        "first": ".rnnwidget-trainer-sample",
        "readout": ("focus", ".rnnwidget-trainer-reading"),
    },
    "compare": {
        "source": "from rnnwidget import compare\n"
        "c = compare(w_hh_scale=[0.5, 1.0, 1.5], seq_len=100, units=16)\nc",
        "root": ".rnnwidget-comparison",
        "first": "canvas[data-panel]",
        "readout": ("hover", "canvas[data-panel='hidden']"),
    },
    "cells": {  # the most words: a label, a summary and places saying why a panel is absent
        "source": "from rnnwidget import compare\n"
        "c = compare(cell=['elman', 'gru', 'lstm'], seq_len=100, units=16)\nc",
        "root": ".rnnwidget-comparison",
        "first": "canvas[data-panel]",
        "readout": ("hover", "canvas[data-panel='hidden']"),
    },
}


def set_theme(page: Page, theme: str) -> None:
    page.evaluate(
        "(name) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: name})",
        THEMES[theme],
    )
    light = "true" if theme == "light" else "false"
    wait_for(page, "(light) => document.body.dataset.jpThemeLight === light", light,
             what=f"JupyterLab's {theme} theme")  # fmt: skip
    animation_frames(page, 2)  # the views redraw in the frame after the theme's switch


def show_readout(root: Locator, readout: tuple[str, str] | None) -> None:
    """Show the view's read-out, as a pointer or the keyboard does."""
    if readout is None:
        return
    how, selector = readout
    target = root.locator(selector).first
    if how == "hover":
        target.hover()
    else:
        target.focus()
    expect(root.locator("[role=tooltip]:not([hidden])").first).to_be_visible()


def assert_legible(found: dict[str, Any], where: str) -> None:
    """Every text at least LEAST px, none cut, no box over another or past the view."""
    small = sorted({(t["panel"], t["text"], t["size"]) for t in found["canvasText"]
                    if t["size"] < LEAST})  # fmt: skip
    assert small == [], f"{where}: canvas text under {LEAST} px: {small}"
    fonts = sorted({(f["panel"], f["font"]) for f in found["canvasFonts"] if f["size"] < LEAST})
    assert fonts == [], f"{where}: canvas fonts under {LEAST} px: {fonts}"
    silent = {c["panel"] for c in found["canvases"]} - {t["panel"] for t in found["canvasText"]}
    assert silent == set(), f"{where}: panels that show no text: {silent}"
    small = sorted({(t["tag"], t["text"], t["size"]) for t in found["pageText"]
                    if t["size"] < LEAST})  # fmt: skip
    assert small == [], f"{where}: page text under {LEAST} px: {small}"
    assert_whole(found, where)


def assert_whole(found: dict[str, Any], where: str) -> None:
    """Nothing cut, nothing over another, nothing past the view."""
    cut = sorted({t["text"] for t in found["canvasText"] if t["text"].endswith("…")})
    assert cut == [], f"{where}: canvas text cut short: {cut}"
    assert found["overlaps"] == [], f"{where}: {found['overlaps']}"
    assert found["spills"] == [], f"{where}: past the view's sides: {found['spills']}"
    assert found["wide"] == [], f"{where}: canvases wider than their box: {found['wide']}"
    assert found["scroll"] <= 0, f"{where}: the view scrolls sideways"


@pytest.mark.parametrize("kind", VIEWS)
def test_every_view_follows_jupyterlabs_presentation_mode(
    kind: str, lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    view = VIEWS[kind]
    notebook = write_notebook(tmp_path / f"{kind}.ipynb", view["source"])
    nb = open_notebook(lab_server, notebook, init_script=RECORD_CANVAS_TEXT_JS)
    page = nb.page
    root = page.locator(view["root"]).first
    wait_until_drawn_at_scale(root, 1)
    normal_font = root.evaluate("(el) => getComputedStyle(el).fontSize")
    try:
        for theme in THEMES:
            if theme != "light":
                set_theme(page, theme)
            for width, height in WINDOWS:
                page.set_viewport_size({"width": width, "height": height})
                wait_until_drawn_at_scale(root, 1)  # at the new width
                where = f"{kind} at {width} x {height}, {theme}"
                # In: View > Presentation Mode. No re-run, no reload.
                set_presentation_mode(page, True)
                expect(root).to_have_class(PRESENTING)
                wait_until_drawn_at_scale(root, SCALE)
                assert root.evaluate("(el) => getComputedStyle(el).fontSize") == (
                    f"{GEOMETRY.presentation.font_size}px"
                )
                shown = first_screen(root, view["first"])
                assert shown["areaTop"] <= shown["top"], f"{where}: {shown}"
                assert shown["bottom"] <= shown["areaBottom"], f"{where}: first chart cut: {shown}"
                show_readout(root, view["readout"])
                assert_legible(legibility(root), f"{where}, presentation")
                # Out again: the normal sizes, every canvas text at its role's size at scale 1.
                set_presentation_mode(page, False)
                expect(root).not_to_have_class(PRESENTING)
                wait_until_drawn_at_scale(root, 1)
                assert root.evaluate("(el) => getComputedStyle(el).fontSize") == normal_font
                found = legibility(root)
                sizes = {t["size"] for t in found["canvasText"]}
                assert sizes, where
                assert sizes <= set(vars(GEOMETRY.text).values()), f"{where}: {sizes}"
                assert_whole(found, f"{where}, normal")
    finally:  # the server keeps both for the tests that follow: put them back
        set_presentation_mode(page, False)
        set_theme(page, "light")
    assert nb.console_errors == []


NOTEBOOK7_CELLS = (
    "from rnnwidget import RNNExplorer, RNNTrainer, compare\n"
    "w = RNNExplorer(seq_len=60, units=16)\nw",
    "t = RNNTrainer(lag=10, units=8)\nt.run(10)\nt",
    "c = compare(cell=['elman', 'gru'], seq_len=60, units=8)\nc",
)


def views_on(page: Page) -> Locator:
    """Every rnnwidget view's root on the page: the explorers', the trainer's, the comparison's."""
    return page.locator(".rnnwidget, .rnnwidget-comparison")


def test_in_notebook_7_one_switch_presents_every_view_on_the_page(
    notebook7_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "page.ipynb", *NOTEBOOK7_CELLS)
    nb: NotebookPage = open_notebook(notebook7_server, notebook, init_script=RECORD_CANVAS_TEXT_JS)
    page = nb.page
    page.set_viewport_size({"width": 1024, "height": 2600})  # every cell's output rendered
    roots = views_on(page)
    count = 5  # an explorer, a trainer, a comparison and its two explorers
    expect(roots).to_have_count(count)
    panels = [roots.nth(i) for i in range(count) if roots.nth(i).locator("canvas").count()]
    for root in panels:
        wait_until_drawn_at_scale(root, 1)
    switches = page.get_by_role("button", name="Presentation")
    # One per view with a header: the explorer's, the trainer's and the comparison's (its
    # columns show only their panels).
    expect(switches).to_have_count(3)
    expect(switches.first).to_have_attribute("aria-pressed", "false")

    # The trainer's switch: every view on the page presents, its knobs folded away.
    page.locator(".rnnwidget-trainer").get_by_role("button", name="Presentation").click()
    for i in range(count):
        expect(roots.nth(i)).to_have_class(PRESENTING)
    for root in panels:
        wait_until_drawn_at_scale(root, SCALE)
        assert_legible(legibility(root), "Notebook 7, presentation")
    for i in range(3):
        expect(switches.nth(i)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".rnnwidget-controls").first).to_be_hidden()
    settings = page.locator(".rnnwidget-trainer").get_by_role("button", name="Settings")
    expect(settings).to_have_attribute("aria-expanded", "false")
    settings.press("Enter")  # every knob stays in reach of the keyboard
    expect(page.locator(".rnnwidget-trainer .rnnwidget-controls")).to_be_visible()
    expect(settings).to_have_attribute("aria-expanded", "true")
    assert_legible(legibility(page.locator(".rnnwidget-trainer")), "Notebook 7, settings open")

    # The explorer's switch: every view back to normal.
    page.locator(EXPLORERS).first.get_by_role("button", name="Presentation").click()
    for i in range(count):
        expect(roots.nth(i)).not_to_have_class(PRESENTING)
    for root in panels:
        wait_until_drawn_at_scale(root, 1)

    # A widget told so in Python presents alone, and its switch says why it cannot undo that.
    nb.run_code("w.presentation = True")
    explorer = page.locator(EXPLORERS).first
    expect(explorer).to_have_class(PRESENTING)
    switch = explorer.get_by_role("button", name="Presentation")
    expect(switch).to_have_attribute("aria-pressed", "true")
    expect(switch).to_have_attribute("aria-disabled", "true")
    expect(switch).to_have_attribute("title", re.compile(r"presentation=True"))
    switch.press("Enter")  # still in reach of the keyboard, and it changes nothing
    expect(switch).to_be_focused()
    expect(explorer).to_have_class(PRESENTING)
    expect(page.locator(".rnnwidget-trainer")).not_to_have_class(PRESENTING)
    assert nb.console_errors == []
