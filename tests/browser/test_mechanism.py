"""The network inside the trainer, in a real JupyterLab: the explorer's panels of the trainer's
network redraw while it trains, the film scrubber moves through the snapshots by keyboard
(Home, an arrow, End) without pausing training, every training chart marks the step shown, and
each widget opens the other below it. Presentation mode at 720 and 1400 px: nothing overlaps or
spills, and every text is 16 px or more."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from rnnwidget.geometry import GEOMETRY

from .jupyter import JupyterServer, NotebookPage, OpenNotebook, set_presentation_mode
from .legibility import RECORD_CANVAS_TEXT_JS, legibility
from .test_harness import write_notebook
from .test_presentation import PRESENTING, assert_legible, assert_whole
from .waits import wait_for, wait_until_drawn_at_scale

pytestmark = pytest.mark.browser

LAG = 20  # recall: the symbol at t=1, asked for at t=LAG+2
SETUP = f"from rnnwidget import RNNTrainer\n\nw = RNNTrainer(task='recall', lag={LAG}, units=16)\nw"
STEP_CHARTS = ("loss", "accuracy", "grad-norm", "radius")


def section(nb: NotebookPage) -> Locator:
    return nb.page.locator(".rnnwidget-trainer .rnnwidget-trainer-mechanism").first


def digest(canvas: Locator) -> str:
    """A fingerprint of what a canvas shows now."""
    return hashlib.sha256(canvas.evaluate("(c) => c.toDataURL()").encode()).hexdigest()


def wait_for_shown(nb: NotebookPage, shown: str) -> None:
    """Wait until the panels show `shown` (a training step, or "now")."""
    wait_for(
        nb.page,
        "([el, shown]) => el.dataset.shown === shown",
        [section(nb).element_handle(), shown],
        what=f"the mechanism panels showing {shown}",
    )


def wait_for_marker(nb: NotebookPage, step: str) -> None:
    """Wait until the loss chart marks `step` ("" for none)."""
    loss = nb.page.locator(".rnnwidget-trainer canvas[data-panel='loss']").first
    wait_for(nb.page, "([el, step]) => el.dataset.marker === step",
             [loss.element_handle(), step], what=f"the loss chart marking {step!r}")  # fmt: skip


def markers(nb: NotebookPage) -> set[str]:
    """The step each training chart marks ("" for none)."""
    root = nb.page.locator(".rnnwidget-trainer").first
    return {
        str(root.locator(f"canvas[data-panel='{name}']").get_attribute("data-marker"))
        for name in STEP_CHARTS
    }


@pytest.fixture
def nb(lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path) -> NotebookPage:
    return open_notebook(
        lab_server,
        write_notebook(tmp_path / "mechanism.ipynb", SETUP),
        init_script=RECORD_CANVAS_TEXT_JS,
    )


def test_the_panels_follow_training_and_the_film_moves_by_keyboard(nb: NotebookPage) -> None:
    page = nb.page
    root = page.locator(".rnnwidget-trainer").first
    panels = section(nb)
    expect(panels).to_be_visible()
    expect(panels.get_by_role("heading")).to_have_text("Inside the network now, at training step 0")
    hidden = panels.locator("canvas[data-panel='hidden']")
    gradient = panels.locator("canvas[data-panel='norms']")
    # The task's steps are marked on every panel: the symbol shown, and where it is asked for.
    for canvas in (hidden, gradient):
        expect(canvas).to_have_attribute("data-marks", f"1 {LAG + 2}")
    expect(panels).to_contain_text(f"asked for at t={LAG + 2}")
    untrained = digest(hidden)

    # Start: the panels show the network as it is, step after step.
    root.get_by_role("button", name="Start training").click()
    expect(root).to_have_attribute("data-status", "running")
    seen = []
    for _ in range(3):
        after = seen[-1] if seen else 0
        wait_for(page, "([el, step]) => Number(el.dataset.step) > step",
                 [panels.element_handle(), after], what=f"the panels past {after}")  # fmt: skip
        seen.append(int(panels.get_attribute("data-step") or "0"))
    assert seen == sorted(set(seen)), seen  # three frames, each of a later step
    wait_for(page, "([canvas, before]) => canvas.toDataURL() !== before",
             [hidden.element_handle(), hidden.evaluate("(c) => c.toDataURL()")],
             what="the hidden state's heatmap redrawn while training")  # fmt: skip
    assert digest(hidden) != untrained
    assert markers(nb) == {""}  # "now": no chart marks a step

    # The scrubber, by keyboard, while training goes on.
    film = root.get_by_role("slider", name=re.compile("training step"))
    expect(film).to_have_attribute("data-lm-suppress-shortcuts", "true")
    expect(film).to_have_attribute("aria-valuetext", re.compile(r"^now, training step"))
    film.focus()
    film.press("Home")
    wait_for_shown(nb, "0")
    expect(film).to_have_attribute("aria-valuetext", "training step 0")
    expect(panels.get_by_role("heading")).to_have_text(
        "Inside the network at training step 0 (a snapshot; End returns to now)"
    )
    assert nb.python_value("w.shown_step") == 0
    wait_for_marker(nb, "0")
    assert markers(nb) == {"0"}
    assert digest(hidden) == untrained  # step 0 is the untrained network, exactly as drawn
    assert nb.python_value("w.status") == "running"  # scrubbing paused nothing

    film.press("ArrowRight")  # the film's next snapshot
    wait_for(page, "(el) => Number(el.dataset.shown) > 0", panels.element_handle(),
             what="the panels at the film's second snapshot")  # fmt: skip
    second = panels.get_attribute("data-shown")
    expect(film).to_have_attribute("aria-valuetext", f"training step {second}")
    assert nb.python_value("w.shown_step") == int(str(second))
    assert markers(nb) == {second}
    assert digest(hidden) != untrained

    film.press("End")
    wait_for_shown(nb, "now")
    expect(film).to_have_attribute("aria-valuetext", re.compile(r"^now, training step"))
    wait_for_marker(nb, "")
    assert markers(nb) == {""}
    assert nb.python_value("w.shown_step") is None
    assert nb.python_value("w.status") == "running"

    # Play walks the film from its start; Pause stops it where it is.
    root.get_by_role("button", name="Pause training").click()
    expect(root).to_have_attribute("data-status", "paused")
    play = root.get_by_role("button", name=re.compile("Play the film"))
    play.click()
    wait_for_shown(nb, "0")
    wait_for(page, "(el) => Number(el.dataset.shown) > 0", panels.element_handle(),
             what="Play moving on from step 0")  # fmt: skip
    root.get_by_role("button", name=re.compile("Pause the film")).click()
    expect(root.get_by_role("button", name=re.compile("Play the film"))).to_be_visible()
    assert nb.console_errors == []


def test_an_arrow_moves_the_film_on_though_the_step_it_asked_for_was_thinned_out(
    nb: NotebookPage,
) -> None:
    """While training runs, the film the view holds can be older than the kernel's: a step it
    asks for may have been thinned out since. The arrow still moves the film, to the next step
    kept, and the scrubber says which."""
    film = nb.page.locator(".rnnwidget-trainer").first.get_by_role(
        "slider", name=re.compile("training step")
    )
    nb.run_code("w.trainer.snapshots.limit = 8\nw.run(7)")
    wait_for_shown(nb, "now")
    expect(film).to_have_attribute("max", "8")  # steps 0 to 7, then now
    # One more step that the view does not hear of: the film now keeps 0, 4 and 8 only.
    nb.run_code("with w._loop.locked() as t:\n    t.snapshots.limit = 4\n    t.step()")
    assert nb.python_value("w.trainer.snapshots.steps") == [0, 4, 8]
    film.focus()
    film.press("Home")
    wait_for_shown(nb, "0")
    film.press("ArrowRight")  # step 1, thinned out
    wait_for_shown(nb, "4")
    expect(film).to_have_attribute("aria-valuetext", "training step 4")
    expect(film).to_have_js_property("value", "4")
    assert nb.python_value("w.shown_step") == 4
    assert nb.python_value("w.error") == ""
    assert nb.console_errors == []


def test_each_widget_opens_the_other_below_it(nb: NotebookPage) -> None:
    root = nb.page.locator(".rnnwidget-trainer").first
    nb.run_code("w.run(30)")
    wait_for_shown(nb, "now")
    root.get_by_role("button", name="Explore this network").click()
    explorer = root.locator(".rnnwidget-companion .rnnwidget").first
    expect(explorer).to_be_visible()
    # The explorer of the network shown: its frame is the trainer's, marks and all.
    hidden = explorer.locator("canvas[data-panel='hidden']")
    expect(hidden).to_have_attribute("data-marks", f"1 {LAG + 2}")
    expect(explorer).to_contain_text("The network after 30 training steps")
    assert nb.python_value("w._companion") == (
        "anywidget:" + nb.python_value("w.companion.model_id")
    )
    # ... and its own button opens a trainer of that network below it.
    explorer.get_by_role("button", name="Train this network").click()
    trainer = explorer.locator(".rnnwidget-companion .rnnwidget-trainer").first
    expect(trainer).to_be_visible()
    expect(trainer.locator(".rnnwidget-trainer-mechanism")).to_be_visible()
    assert nb.console_errors == []


@pytest.mark.parametrize("width", [720, 1400])
def test_presentation_at_720_and_1400_px(nb: NotebookPage, width: int) -> None:
    page = nb.page
    nb.run_code("w.run(40)\nw.shown_step = 20")
    root = page.locator(".rnnwidget-trainer").first
    wait_for_shown(nb, "20")
    page.set_viewport_size({"width": width, "height": 900})
    try:
        for presenting in (True, False):
            set_presentation_mode(page, presenting)
            if presenting:
                expect(root).to_have_class(PRESENTING)
            else:
                expect(root).not_to_have_class(PRESENTING)
            scale = GEOMETRY.presentation.scale if presenting else 1
            wait_until_drawn_at_scale(root, scale)
            section(nb).scroll_into_view_if_needed()
            where = f"trainer with its mechanism at {width} px, presentation {presenting}"
            found = legibility(root)
            if presenting:
                assert_legible(found, where)
            else:
                assert_whole(found, where)
            # The mechanism's panels and the charts' marker are there at this size.
            assert {c["panel"] for c in found["canvases"]} >= {"hidden", "gradient", "norms"}
            assert markers(nb) == {"20"}
    finally:
        set_presentation_mode(page, False)
    assert nb.console_errors == []
