"""The lecture notebooks under "Run all" in a real JupyterLab, as a class would open them: every
widget is on the page at the end, showing what the text around it describes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .jupyter import JupyterServer, OpenNotebook

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_04_shows_both_orders_side_by_side(
    lab_server: JupyterServer, open_notebook: OpenNotebook
) -> None:
    nb = open_notebook(lab_server, EXAMPLES / "04_why_order_matters.ipynb")
    labels = nb.page.locator(".rnnwidget-comparison-label")
    expect(labels).to_have_count(2)
    assert labels.all_inner_texts() == [
        "sentence = 'The cat sat on the mat'",
        "sentence = 'mat the on sat cat The'",
    ]
    views = nb.page.locator(".rnnwidget-comparison .rnnwidget")
    expect(views).to_have_count(2)
    # One step per word: no blank steps after the sentence.
    assert nb.python_value("[w.seq_len for w in both]") == [6, 6]
    assert nb.console_errors == []


def test_06_each_run_keeps_a_trainer_view_of_its_own(
    lab_server: JupyterServer, open_notebook: OpenNotebook
) -> None:
    nb = open_notebook(lab_server, EXAMPLES / "06_train_it_live.ipynb")
    views = nb.page.locator(".rnnwidget-trainer")
    expect(views).to_have_count(4)
    names = ("w", "vanishing", "exploding", "longer")  # in the notebook's order
    steps = nb.python_value(f"[view.steps for view in ({', '.join(names)})]")
    assert steps[1:] == [300, 200, 1000]  # each view shows the run of the cell below it
    assert 1 <= steps[0] < 300  # the first stops once it has learned
    for view, step in zip(views.all(), steps, strict=True):
        expect(view).to_have_attribute("data-status", "paused")
        expect(view).to_have_attribute("data-step", str(step))
        expect(view.get_by_role("button", name="Start training")).to_be_enabled()
    assert nb.console_errors == []
