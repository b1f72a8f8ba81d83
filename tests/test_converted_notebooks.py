"""A lesson read where no kernel runs: the saved notebook (what GitHub and nbviewer render) and
``jupyter nbconvert --to html`` show the widget's picture, pixel for pixel what ``save_png``
draws, wherever no widget state is saved; with widget state saved, nbconvert embeds the widget
view instead (see the README)."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from PIL import Image
from traitlets.config import Config

from rnnwidget import RNNExplorer

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "examples" / "05_sharing_a_lesson.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
IMG = re.compile(r'<img\b[^>]*\bsrc="data:image/png;base64,([A-Za-z0-9+/=\s]+)"')


def execute(tmp_path: Path, *, store_widget_state: bool) -> nbformat.NotebookNode:
    notebook = nbformat.read(LESSON, as_version=4)
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        store_widget_state=store_widget_state,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    return notebook


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    """The lesson run as nbclient runs it by default: widget state saved in the metadata."""
    return execute(tmp_path_factory.mktemp("executed"), store_widget_state=True)


def widget_outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [
        output["data"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
    ]


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def save_png_pixels(constructor_call: str, tmp_path: Path) -> np.ndarray:
    """What ``save_png(..., scale=1)`` draws for the explorer a display's text/plain names."""
    widget = eval(constructor_call, {"RNNExplorer": RNNExplorer})
    return pixels(widget.save_png(tmp_path / "expected.png", scale=1).read_bytes())


def to_html(notebook: nbformat.NotebookNode, config: Config | None = None) -> str:
    body, _ = HTMLExporter(config=config or Config()).from_notebook_node(notebook)
    return body


def assert_html_shows_each_widget_picture(html: str, outputs: list[dict], tmp_path: Path):
    images = [base64.b64decode(re.sub(r"\s", "", m)) for m in IMG.findall(html)]
    assert len(images) == len(outputs) == 2  # the explorer and the classroom view
    for image, data in zip(images, outputs, strict=True):
        assert np.array_equal(pixels(image), save_png_pixels(data["text/plain"], tmp_path))


def test_the_saved_notebook_holds_the_picture_of_each_widget(executed, tmp_path):
    outputs = widget_outputs(executed)
    assert len(outputs) == 2
    for data in outputs:
        assert data["text/plain"].startswith("RNNExplorer(w_hh_scale=")
        png = base64.b64decode(data["image/png"])
        assert np.array_equal(pixels(png), save_png_pixels(data["text/plain"], tmp_path))


def test_html_without_widget_state_shows_the_picture(executed, tmp_path):
    assert "widgets" in executed.metadata  # nbclient saved the state...
    config = Config({"ClearMetadataPreprocessor": {"enabled": True}})  # ...which is cleared
    html = to_html(executed, config)
    assert WIDGET_VIEW not in html
    assert_html_shows_each_widget_picture(html, widget_outputs(executed), tmp_path)


def test_html_of_a_notebook_saved_without_widget_state_shows_the_picture(tmp_path):
    # What JupyterLab saves unless "Save Widget State Automatically" is on.
    notebook = execute(tmp_path, store_widget_state=False)
    assert "widgets" not in notebook.metadata
    html = to_html(notebook)
    assert_html_shows_each_widget_picture(html, widget_outputs(notebook), tmp_path)


def test_html_with_widget_state_embeds_the_widget_view_instead(executed):
    html = to_html(executed)
    assert f'<script type="{WIDGET_VIEW}">' in html
    assert '<script type="application/vnd.jupyter.widget-state+json">' in html
    assert not IMG.search(html)  # nbconvert prefers the view; its manager comes from a CDN
