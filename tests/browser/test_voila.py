"""RNNExplorer and RNNTrainer on a Voila page (``voila NOTEBOOK``): a lecture notebook as a
dashboard, and a page of several widgets, where every widget model loads its own copy of the
front end's module (so nothing page-wide may live in a module-level variable)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import OpenHost
from .hosts import ROOT, HostPage
from .test_harness import write_notebook

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
EXAMPLES = ROOT / "examples"
STATIC = ROOT / "rnnwidget" / "static"

# The last cell of every notebook here: which rnnwidget the kernel imported, and a digest of the
# front end it sent to the page (the ES module of each widget class).
PROVENANCE = """\
import hashlib
import json

import rnnwidget
from rnnwidget import RNNExplorer, RNNTrainer


def _digest(cls):
    return hashlib.sha256(str(cls()._esm).encode()).hexdigest()


print(json.dumps({"file": rnnwidget.__file__, "widget.js": _digest(RNNExplorer),
                  "trainer.js": _digest(RNNTrainer)}))"""

MANY = """\
from rnnwidget import RNNExplorer, RNNTrainer

explorers = [RNNExplorer(seq_len=40, units=8, seed=i) for i in range(4)]
trainer = RNNTrainer(lag=5, units=8, max_steps=40)
for widget in explorers:
    display(widget)
trainer"""

EXPLORERS = ".rnnwidget:not(.rnnwidget-trainer)"
CANVAS_DIGEST_JS = "(canvas) => canvas.toDataURL()"
BLANK_DIGEST_JS = """(canvas) => {
  const blank = document.createElement("canvas");
  blank.width = canvas.width;
  blank.height = canvas.height;
  return blank.toDataURL();
}"""


def with_provenance(notebook: Path, tmp_path: Path) -> Path:
    """A copy of `notebook` in `tmp_path` with the provenance cell at the end."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROVENANCE))
    copy = tmp_path / notebook.name
    nbformat.write(nb, copy)
    return copy


def assert_runs_this_checkout(page: HostPage) -> None:
    """The kernel imported this checkout's rnnwidget and sent its built front end to the page."""
    text = page.page.locator(".jp-OutputArea-output").filter(has_text='"file"').inner_text()
    shown = json.loads(text)
    assert Path(shown["file"]).is_relative_to(ROOT)
    for module in ("widget.js", "trainer.js"):
        assert shown[module] == hashlib.sha256((STATIC / module).read_bytes()).hexdigest()


def digest(canvas: Locator) -> str:
    return hashlib.sha256(canvas.evaluate(CANVAS_DIGEST_JS).encode()).hexdigest()


def press(page: Page, control: Locator, key: str, times: int) -> None:
    control.focus()
    for _ in range(times):
        page.keyboard.press(key)


def test_the_lecture_notebook_renders_and_follows_the_keyboard(
    open_host: OpenHost, tmp_path: Path
) -> None:
    page = open_host("voila", with_provenance(EXAMPLES / "01_the_hidden_state.ipynb", tmp_path))
    assert_runs_this_checkout(page)
    root = page.page.locator(".rnnwidget").first
    hidden = root.locator("canvas[data-panel='hidden']")
    expect(hidden).to_be_visible()
    # Drawn: something on the canvas, not a blank bitmap of its size.
    assert hidden.evaluate(CANVAS_DIGEST_JS) != hidden.evaluate(BLANK_DIGEST_JS)
    before, drawn = digest(hidden), int(root.get_attribute("data-revision") or "-1")

    slider = root.get_by_role("slider", name="W_hh scale")
    start = float(slider.input_value())
    press(page.page, slider, "ArrowRight", 5)
    page.page.wait_for_function(
        "([root, drawn]) => Number(root.dataset.revision) > drawn",
        arg=[root.element_handle(), drawn],
        timeout=TIMEOUT_MS,
    )
    expect(root.locator("input[data-typed='w_hh_scale']")).to_have_value(
        f"{start + 0.05:.2f}", timeout=TIMEOUT_MS
    )
    assert float(slider.input_value()) == pytest.approx(start + 0.05)
    assert digest(hidden) != before

    assert page.console_errors == []
    assert page.external_requests == []


# Each id inside a widget, with how many elements of the whole page carry it.
ID_COUNTS_JS = """() => {
  const counts = {};
  for (const el of document.querySelectorAll("[id]")) counts[el.id] = (counts[el.id] ?? 0) + 1;
  const ours = [...document.querySelectorAll(".rnnwidget [id]")].map((el) => el.id);
  return ours.map((id) => [id, counts[id]]);
}"""

# Each range input's accessible name from its labels, aria-label or aria-labelledby.
RANGE_NAMES_JS = """(inputs) => inputs.map((input) => {
  const byId = (id) => document.getElementById(id)?.textContent ?? "";
  const labelledBy = (input.getAttribute("aria-labelledby") ?? "").split(/\\s+/).filter(Boolean);
  return [...[...input.labels].map((label) => label.textContent), input.getAttribute("aria-label"),
    ...labelledBy.map(byId)].filter(Boolean).join(" ").trim();
})"""


def open_page_of_widgets(open_host: OpenHost, tmp_path: Path) -> HostPage:
    """Four explorers and a trainer on one Voila page, each drawn."""
    page = open_host("voila", write_notebook(tmp_path / "many.ipynb", MANY, PROVENANCE))
    assert_runs_this_checkout(page)
    expect(page.page.locator(EXPLORERS)).to_have_count(4)
    expect(page.page.locator(".rnnwidget-trainer")).to_have_count(1)
    for i in range(4):
        explorer = page.page.locator(EXPLORERS).nth(i)
        expect(explorer.locator("canvas[data-panel='hidden']")).to_be_visible()
    trainer = page.page.locator(".rnnwidget-trainer")
    expect(trainer).to_have_attribute("data-revision", re.compile(r"\d"))
    return page


# Every model loads its own copy of each module in Voila, so an id numbered by a module-level
# counter would repeat on a page of widgets: ids come from one page-wide counter instead.
def test_every_element_id_on_a_page_of_widgets_is_unique(
    open_host: OpenHost, tmp_path: Path
) -> None:
    page = open_page_of_widgets(open_host, tmp_path)
    ids = page.page.evaluate(ID_COUNTS_JS)
    assert len(ids) >= 5 * 4  # every knob of every widget has one: the check is not vacuous
    assert [id_ for id_, count in ids if count != 1] == []
    assert page.console_errors == []


def test_every_slider_on_a_page_of_widgets_is_named_and_the_trainer_pauses_at_max_steps(
    open_host: OpenHost, tmp_path: Path
) -> None:
    page = open_page_of_widgets(open_host, tmp_path)
    # Every range input, shown or hidden (knobs the kernel lists as inactive), is labelled; and
    # every slider the accessibility tree shows has a name.
    ranges = page.page.locator("input[type=range]")
    assert ranges.count() >= 5 * 4
    names = ranges.evaluate_all(RANGE_NAMES_JS)
    assert all(names), names
    sliders = page.page.get_by_role("slider")
    assert sliders.count() >= 5 * 4
    assert page.page.get_by_role("slider", name=re.compile(r"\S")).count() == sliders.count()

    trainer = page.page.locator(".rnnwidget-trainer")
    expect(trainer).to_have_attribute("data-status", "ready")
    trainer.get_by_role("button", name="Start training").click()
    expect(trainer).to_have_attribute("data-status", "paused", timeout=TIMEOUT_MS)
    expect(trainer).to_have_attribute("data-step", "40")
    expect(trainer.locator(".rnnwidget-summary")).to_have_text(
        re.compile(r"paused at max_steps \(40\)$")
    )

    assert page.console_errors == []
    assert page.external_requests == []


COMPARE = """\
from rnnwidget import compare

compare(w_hh_scale=[0.5, 1.0, 1.5], seq_len=40, units=8)"""


def test_the_comparison_renders_its_explorers(open_host: OpenHost, tmp_path: Path) -> None:
    page = open_host("voila", write_notebook(tmp_path / "compare.ipynb", COMPARE, PROVENANCE))
    assert_runs_this_checkout(page)
    views = page.page.locator(".rnnwidget-comparison .rnnwidget")
    expect(views).to_have_count(3)
    for i in range(3):
        expect(views.nth(i).locator("canvas[data-panel='norms']")).to_be_visible()
    labels = page.page.locator(".rnnwidget-comparison-label").all_inner_texts()
    assert labels == ["w_hh_scale = 0.5", "w_hh_scale = 1.0", "w_hh_scale = 1.5"]
    # One axis for the three gradient-norm charts.
    axes = {
        (chart.get_attribute("data-lo"), chart.get_attribute("data-hi"))
        for chart in page.page.locator("canvas[data-panel='norms']").all()
    }
    assert len(axes) == 1
    assert page.console_errors == []
