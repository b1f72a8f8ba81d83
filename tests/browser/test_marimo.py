"""RNNExplorer and RNNTrainer in a marimo app (``marimo run``), wrapped in ``mo.ui.anywidget``.

What marimo's reactivity gives a notebook: ``w = mo.ui.anywidget(widget)`` is a UI element, and
every cell that names ``w`` runs again when the view changes the widget's state. In such a cell
``w.value`` is the widget's whole synced state as a dict (``widget.get_state()`` without
ipywidgets' own traits: ``w.value["w_hh_scale"]``, but also the binary ``_frame`` payload), and
any other attribute is the widget's own (``w.w_hh_scale``, ``w.frame``), forwarded by the
wrapper. The widget must be shown once, wrapped: a second, bare display takes the reactive link.

marimo applies one state update key by key, firing ``change:<key>`` after each, in the kernel's
order of keys; ipywidgets collects the keys it sends in a set, whose order follows
PYTHONHASHSEED. So the trainer runs under several seeds: its view must not depend on key order.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import OpenHost
from .hosts import ROOT, HostPage
from .waits import animation_frames

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
STATIC = ROOT / "rnnwidget" / "static"

# Shared by every app: the imports, and a cell that says which rnnwidget and which front end the
# server runs (the kernel's copy of the ES module, as sent to the page, hashed).
HEADER = """\
import marimo

app = marimo.App(width="full")


@app.cell
def _():
    import hashlib

    import marimo as mo
    import rnnwidget
    from rnnwidget import RNNExplorer, RNNTrainer

    def provenance(widget):
        esm = hashlib.sha256(str(widget._esm).encode()).hexdigest()
        return mo.Html(
            f'<p class="provenance" data-file="{rnnwidget.__file__}" data-esm="{esm}"></p>'
        )

    return RNNExplorer, RNNTrainer, mo, provenance
"""

EXPLORER_APP = (
    HEADER
    + """

@app.cell
def _(RNNExplorer, mo):
    w = mo.ui.anywidget(RNNExplorer(seq_len=60, units=12))
    w
    return (w,)


@app.cell
def _(mo, w):
    # Runs again whenever the view changes the widget: w.value is its synced state.
    scale = w.value["w_hh_scale"]
    mo.Html(
        f'<p class="seen" data-value="{scale}" data-attribute="{w.w_hh_scale}">'
        f"The reactive cell sees W_hh scale = {scale:.2f}</p>"
    )
    return


@app.cell
def _(provenance, w):
    provenance(w.widget)
    return
"""
)

TRAINER_APP = (
    HEADER
    + """

@app.cell
def _(RNNTrainer, mo):
    t = mo.ui.anywidget(RNNTrainer(lag=5, units=8, max_steps=40))
    t
    return (t,)


@app.cell
def _(provenance, t):
    provenance(t.widget)
    return


@app.cell
def _(mo):
    # The order in which this process iterates a set of the keys one snapshot changes, as
    # ipywidgets' hold_sync collects them.
    keys = {"status"}
    keys.update(["steps", "_progress"])
    mo.Html(f'<p class="key-order" data-keys="{" ".join(keys)}"></p>')
    return
"""
)

HSTACK_APP = (
    HEADER
    + """

@app.cell
def _(RNNExplorer, mo):
    a = mo.ui.anywidget(RNNExplorer(seq_len=60, units=12))
    b = mo.ui.anywidget(RNNExplorer(seq_len=60, units=12, seed=1))
    mo.hstack([a, b])
    return
"""
)

CANVAS_DIGEST_JS = "(canvas) => canvas.toDataURL()"

# Every frame the view draws from now on, as its `rnnwidget:drawn` event tells it.
RECORD_DRAWN_JS = """() => {
  window.__drawn = [];
  document.addEventListener("rnnwidget:drawn", ({ detail }) =>
    window.__drawn.push({ source: detail.source, w_hh_scale: detail.params.w_hh_scale }));
}"""


def write_app(path: Path, source: str) -> Path:
    path.write_text(source)
    return path


def digest(canvas: Locator) -> str:
    """A fingerprint of what a canvas shows now."""
    return hashlib.sha256(canvas.evaluate(CANVAS_DIGEST_JS).encode()).hexdigest()


def revision(root: Locator) -> int:
    return int(root.get_attribute("data-revision") or "-1")


def assert_runs_this_checkout(app: HostPage, module: str) -> None:
    """The server imported this checkout's rnnwidget and sent its built front end to the page."""
    provenance = app.page.locator(".provenance")
    expect(provenance).to_have_count(1)
    assert Path(provenance.get_attribute("data-file") or "").is_relative_to(ROOT)
    built = hashlib.sha256((STATIC / module).read_bytes()).hexdigest()
    assert provenance.get_attribute("data-esm") == built


def press(page: Page, control: Locator, key: str, times: int) -> None:
    control.focus()
    for _ in range(times):
        page.keyboard.press(key)


def test_the_explorer_follows_the_keyboard_and_its_reactive_cell_sees_the_value(
    open_host: OpenHost, tmp_path: Path
) -> None:
    app = open_host("marimo", write_app(tmp_path / "explorer.py", EXPLORER_APP))
    assert_runs_this_checkout(app, "widget.js")
    root = app.page.locator(".rnnwidget")
    expect(root).to_have_count(1)
    hidden = root.locator("canvas[data-panel='hidden']")
    expect(hidden).to_be_visible()
    seen = app.page.locator(".seen")
    expect(seen).to_have_attribute("data-value", "1.0")
    before, drawn = digest(hidden), revision(root)

    slider = app.page.get_by_role("slider", name="W_hh scale")
    expect(slider).to_have_count(1)
    assert slider.get_attribute("data-trait") == "w_hh_scale"
    app.page.evaluate(RECORD_DRAWN_JS)
    press(app.page, slider, "ArrowRight", 5)
    expect(slider).to_have_value("1.05")

    # The kernel's new picture reaches the view, and the reactive cell runs with the new value,
    # read both ways: the synced state and the widget's attribute.
    app.page.wait_for_function(
        "([root, drawn]) => Number(root.dataset.revision) > drawn",
        arg=[root.element_handle(), drawn],
        timeout=TIMEOUT_MS,
    )
    expect(seen).to_have_attribute("data-value", "1.05", timeout=TIMEOUT_MS)
    expect(seen).to_have_attribute("data-attribute", "1.05")
    expect(root.locator("input[data-typed='w_hh_scale']")).to_have_value("1.05")
    assert digest(hidden) != before

    # Every picture drawn on the way: the browser twin's at the keys, the kernel's as it answers,
    # and never an older scale after a newer one (marimo hands over a message's keys, `_frame`
    # and `_ack`, one by one: the view must draw the kernel's frame only once it answers the
    # newest change).
    app.page.wait_for_function(
        "() => window.__drawn.some((d) => d.source === 'kernel' && d.w_hh_scale === 1.05)",
        timeout=TIMEOUT_MS,
    )
    drawn = app.page.evaluate("window.__drawn")
    scales = [d["w_hh_scale"] for d in drawn]
    assert scales == sorted(scales), drawn
    assert any(d["source"] == "twin" for d in drawn), drawn
    assert drawn[-1] == {"source": "kernel", "w_hh_scale": 1.05}

    assert app.console_errors == []
    assert app.external_requests == []


# Two seeds that send a snapshot's keys in either order: its status before the payload, after it.
@pytest.mark.parametrize(("hash_seed", "status_first"), [("0", True), ("2", False)])
def test_the_trainer_runs_to_max_steps_whatever_the_order_of_keys(
    open_host: OpenHost, tmp_path: Path, hash_seed: str, status_first: bool
) -> None:
    app = open_host(
        "marimo", write_app(tmp_path / "trainer.py", TRAINER_APP), PYTHONHASHSEED=hash_seed
    )
    assert_runs_this_checkout(app, "trainer.js")
    keys = (app.page.locator(".key-order").get_attribute("data-keys") or "").split()
    assert (keys.index("status") < keys.index("_progress")) == status_first, keys
    root = app.page.locator(".rnnwidget-trainer")
    expect(root).to_have_attribute("data-status", "ready")

    app.page.get_by_role("button", name="Start training").click()
    expect(root).to_have_attribute("data-status", "paused", timeout=TIMEOUT_MS)
    expect(root).to_have_attribute("data-step", "40")
    expect(root.locator(".rnnwidget-summary")).to_have_text(
        re.compile(r"paused at max_steps \(40\)$"), timeout=TIMEOUT_MS
    )
    # The buttons follow the status that came with the snapshot: Start again, not Pause.
    expect(root.get_by_role("button", name="Start training")).to_be_visible()

    assert app.console_errors == []
    assert app.external_requests == []


WIDTHS_JS = "(roots) => roots.map((root) => root.getBoundingClientRect().width)"

# A view that sizes itself to its container and redraws on its own resize grows by a step on
# the frame after each redraw, without end: a width still the same this many frames later holds.
RUNAWAY_FRAMES = 120


def test_two_explorers_side_by_side_keep_their_width(open_host: OpenHost, tmp_path: Path) -> None:
    app = open_host("marimo", write_app(tmp_path / "hstack.py", HSTACK_APP))
    roots = app.page.locator(".rnnwidget")
    expect(roots).to_have_count(2)
    for i in range(2):
        expect(roots.nth(i).locator("canvas[data-panel='hidden']")).to_be_visible()
    handles = [roots.nth(i).element_handle() for i in range(2)]
    page_width = app.page.evaluate("() => document.documentElement.clientWidth")

    first = app.page.evaluate(WIDTHS_JS, handles)
    animation_frames(app.page, RUNAWAY_FRAMES)
    later = app.page.evaluate(WIDTHS_JS, handles)
    for before, after in zip(first, later, strict=True):
        assert abs(after - before) <= 1, f"widths {first} became {later}"
        assert 0 < after <= page_width
    assert sum(later) <= page_width  # side by side, both on the page

    assert app.console_errors == []
    assert app.external_requests == []


COMPARE_APP = (
    HEADER
    + """

@app.cell
def _(mo):
    from rnnwidget import compare

    c = mo.ui.anywidget(compare(w_hh_scale=[0.5, 1.0, 1.5], seq_len=60, units=12))
    c
    return (c,)
"""
)


def test_the_comparison_renders_three_explorers_with_stable_widths(
    open_host: OpenHost, tmp_path: Path
) -> None:
    """compare() is an anywidget that lays out its explorers' views: marimo shows it (it shows
    no ipywidgets GridBox), and the three columns keep their widths."""
    app = open_host("marimo", write_app(tmp_path / "compare.py", COMPARE_APP))
    roots = app.page.locator(".rnnwidget-comparison .rnnwidget")
    expect(roots).to_have_count(3)
    for i in range(3):
        expect(roots.nth(i).locator("canvas[data-panel='norms']")).to_be_visible()
    labels = app.page.locator(".rnnwidget-comparison-label").all_inner_texts()
    assert labels == ["w_hh_scale = 0.5", "w_hh_scale = 1.0", "w_hh_scale = 1.5"]
    handles = [roots.nth(i).element_handle() for i in range(3)]
    page_width = app.page.evaluate("() => document.documentElement.clientWidth")
    first = app.page.evaluate(WIDTHS_JS, handles)
    animation_frames(app.page, RUNAWAY_FRAMES)
    later = app.page.evaluate(WIDTHS_JS, handles)
    for before, after in zip(first, later, strict=True):
        assert abs(after - before) <= 1, f"widths {first} became {later}"
        assert 0 < after <= page_width
    assert app.console_errors == []
    assert app.external_requests == []
