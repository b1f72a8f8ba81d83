"""The browser harness itself, proved on the smallest anywidget there is: a button that counts.

In JupyterLab and in Notebook 7 alike, the widget must render, a click must reach the kernel, a
kernel-side change must reach the view, and the tab must log no error and fetch nothing from
outside this machine.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from .jupyter import CellError, JupyterServer, OpenNotebook

pytestmark = pytest.mark.browser

COUNTER_ESM = """
export default {
  render({ model, el }) {
    const b = document.createElement('button');
    b.className = 'harness-counter';
    b.textContent = String(model.get('value'));
    b.onclick = () => { model.set('value', model.get('value') + 1); model.save_changes(); };
    model.on('change:value', () => { b.textContent = String(model.get('value')); });
    el.appendChild(b);
  }
}
"""

COUNTER_CELL = f'''\
import anywidget
import traitlets


class Counter(anywidget.AnyWidget):
    _esm = """{COUNTER_ESM}"""
    value = traitlets.Int(0).tag(sync=True)


c = Counter()
c'''


def write_notebook(path: Path, *sources: str) -> Path:
    """Save a notebook of code cells with `sources`, for the python3 kernel."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in sources],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    nbformat.write(notebook, path)
    return path


@pytest.fixture(params=["lab", "notebook7"])
def server(request: pytest.FixtureRequest) -> JupyterServer:
    """Each front end in turn: JupyterLab 4, then Notebook 7."""
    return request.getfixturevalue(f"{request.param}_server")


def test_widget_round_trip_stays_local(
    server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    nb = open_notebook(server, write_notebook(tmp_path / "counter.ipynb", COUNTER_CELL))
    button = nb.page.locator(".harness-counter")
    expect(button).to_have_text("0")

    button.click()
    expect(button).to_have_text("1")
    assert nb.run_code("print(c.value)") == "1"

    # Five clicks at once, like a dragged slider: ipywidgets sends the first state and holds back
    # the last until the kernel has answered, so reading c.value right away may still give 2.
    button.evaluate("(b) => { for (let i = 0; i < 5; i++) b.click(); }")
    expect(button).to_have_text("6")
    nb.wait_for_python_value("c.value", 6)

    nb.run_code("c.value = 41")
    expect(button).to_have_text("41")

    assert nb.console_errors == []
    assert nb.external_requests == []


def test_cell_errors_raise_unless_allowed(
    lab_server: JupyterServer, open_notebook: OpenNotebook, tmp_path: Path
) -> None:
    failing = write_notebook(tmp_path / "failing.ipynb", "x = 1", "1 / 0", "y = 2")
    nb = open_notebook(lab_server, failing, allow_errors=True)
    assert nb.python_value("x") == 1
    with pytest.raises(CellError, match="NameError"):
        nb.run_code("y")  # the kernel skipped every cell after the one that raised

    with pytest.raises(CellError, match="ZeroDivisionError: division by zero"):
        nb.run_all()
