"""Promises the project makes about itself: the README's two set-up commands, CI running
exactly the second one, and lecture notebooks that are saved clean and run top to bottom."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

if TYPE_CHECKING:
    from .docs_site import DocsSite

pytest_plugins = ["tests.docs_site"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "examples").glob("*.ipynb"))


def readme_commands() -> list[str]:
    """The shell commands of the README's code blocks before its first section heading."""
    text = (ROOT / "README.md").read_text()
    head = text.split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", head, flags=re.S)


def test_readme_opens_with_exactly_two_one_line_commands():
    commands = readme_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in command for command in commands)
    lab, test = commands
    assert "jupyter lab" in lab
    assert re.search(r"examples/\S+\.ipynb", lab)
    assert (ROOT / re.search(r"examples/\S+\.ipynb", lab).group(0)).exists()
    assert "apt-get install -y chromium" in test
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_and_nothing_else():
    lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[-1] == readme_commands()[1]
    assert all(line.startswith(("set ", "cd ")) for line in lines[:-1])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_saved_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source[:60]
            assert cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_run_top_to_bottom(path: Path, docs_site: DocsSite):
    """Building the site runs every notebook in a fresh kernel with this checkout's rnnwidget
    (docs/_ext/lessons.py) and fails on a cell that raises; each ran whole, with no error."""
    notebook = nbformat.read(docs_site.executed(path), as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(cell.execution_count is not None for cell in code)
    errors = [o for c in code for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
