"""A lesson saved with its outputs and reopened in JupyterLab or Notebook 7 without running it:
the widget's model is gone with the kernel that made it, and each widget output shows the
picture its display bundle carries, the very PNG saved in the notebook."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import BrowserContext, expect

from ..test_converted_notebooks import LESSON, execute, widget_outputs
from .jupyter import JupyterServer, NotebookPage

pytestmark = pytest.mark.browser

DATA_URL = "data:image/png;base64,"


@pytest.fixture(scope="module")
def saved_lesson(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lesson run and saved as JupyterLab saves it by default: outputs, no widget state."""
    folder = tmp_path_factory.mktemp("saved")
    path = folder / LESSON.name
    nbformat.write(execute(folder, store_widget_state=False), path)
    return path


def test_a_reopened_lesson_shows_each_widgets_picture(
    server: JupyterServer, chromium: BrowserContext, saved_lesson: Path
) -> None:
    pngs = [data["image/png"] for data in widget_outputs(nbformat.read(saved_lesson, 4))]
    assert len(pngs) == 2

    nb = NotebookPage(server, server.add_notebook(saved_lesson), chromium.new_page())
    try:
        nb.load()  # opened, not run: the new kernel knows no widget
        images = nb.page.locator(f".jp-OutputArea-output img[src^='{DATA_URL}']")
        expect(images).to_have_count(2)
        for i, png in enumerate(pngs):
            src = images.nth(i).get_attribute("src") or ""
            assert base64.b64decode(src.removeprefix(DATA_URL)) == base64.b64decode(png)
        assert nb.page.locator(".rnnwidget").count() == 0
    finally:
        nb.close()
