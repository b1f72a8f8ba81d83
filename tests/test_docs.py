"""The documentation keeps its promises: every Python block in the README and in ``docs/`` runs,
and the site builds with no warning, with a page for every guide page, lesson and public module,
each lesson holding the pictures its notebook drew, and nothing loaded from another host."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import nbformat
import pytest

import rnnwidget

if TYPE_CHECKING:
    from .docs_site import DocsSite

pytest_plugins = ["tests.docs_site"]

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((ROOT / "examples").glob("*.ipynb"))
# The pages written in Markdown, each once: docs/ links to CONTRIBUTING.md and CHANGELOG.md.
MARKDOWN = sorted(
    {path.resolve() for path in [ROOT / "README.md", *DOCS.rglob("*.md")]},
    key=lambda path: str(path.relative_to(ROOT)),
)
NOT_RUN = "# not run:"


@dataclass(frozen=True)
class Block:
    """A fenced Python block: its code and the line of the file it starts on."""

    code: str
    line: int


def python_blocks(text: str) -> list[Block]:
    """The ```` ```python ```` blocks of a Markdown text, in order."""
    pattern = re.compile(
        r"^(?P<fence>`{3,})python[ \t]*\n(?P<code>.*?)^(?P=fence)[ \t]*$", re.S | re.M
    )
    return [
        Block(match["code"], text.count("\n", 0, match.start("code")) + 1)
        for match in pattern.finditer(text)
    ]


# Runs the blocks one after another in one namespace; each is compiled under its file's name,
# padded to its first line, so a traceback points at the very line of the Markdown file.
RUNNER = """
import json, sys
namespace = {"__name__": "__main__"}
for block in json.load(open(sys.argv[1])):
    code = "\\n" * (block["line"] - 1) + block["code"]
    exec(compile(code, block["file"], "exec"), namespace)
"""


def test_python_blocks_are_found_with_their_lines():
    text = "# Title\n\n```python\nx = 1\n```\n\ntext\n\n````python\ny = '```'\n````\n"
    assert python_blocks(text) == [Block("x = 1\n", 4), Block("y = '```'\n", 10)]


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_block_runs(path, tmp_path, isolated_env):
    """The blocks of one file, in order, in one namespace, in a fresh process in an empty
    folder; a block whose first line is ``# not run: <why>`` is left out."""
    blocks = python_blocks(path.read_text())
    skipped = [block for block in blocks if block.code.startswith(NOT_RUN)]
    for block in skipped:
        reason = block.code.splitlines()[0].removeprefix(NOT_RUN).strip()
        assert reason, f"{path.name}:{block.line}: say why the block is not run"
    runs = [
        {"file": str(path), "line": block.line, "code": block.code}
        for block in blocks
        if block not in skipped
    ]
    (tmp_path / "blocks.json").write_text(json.dumps(runs))
    (tmp_path / "work").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(tmp_path / "blocks.json")],
        cwd=tmp_path / "work",
        env=isolated_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr


def test_a_failing_block_is_reported_at_its_line_in_the_file(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# A page\n\n```python\nx = 1\n```\n\n```python\n\nraise ValueError(x)\n```\n")
    runs = [
        {"file": str(page), "line": b.line, "code": b.code} for b in python_blocks(page.read_text())
    ]
    (tmp_path / "blocks.json").write_text(json.dumps(runs))
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(tmp_path / "blocks.json")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert f'File "{page}", line 9' in result.stderr
    assert "ValueError: 1" in result.stderr


def relative_links(text: str) -> list[str]:
    """The targets of a Markdown text's links and images that name a file of the repository:
    not in code, not to another site, not to an anchor of the same page."""
    prose = re.sub(r"^(`{3,}).*?^\1", "", text, flags=re.S | re.M)  # fenced blocks
    prose = re.sub(r"`[^`\n]*`", "", prose)  # inline code
    targets = re.findall(r"\]\(([^)\s]+)\)", prose)
    return [t for t in targets if not re.match(r"[a-z]+:|#", t)]


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_lead_to_files_that_exist_as_github_reads_them(path):
    """Relative to the linking file, as GitHub resolves them (the site checks its own links)."""
    missing = [
        target
        for target in relative_links(path.read_text())
        if not (path.parent / target.split("#")[0]).exists()
    ]
    assert missing == []


def test_site_builds_without_a_warning(docs_site: DocsSite):
    """Sphinx says so in these words only when it warned about nothing (with warnings as
    errors, the build would have failed; the kernels' own log lines are not Sphinx's)."""
    assert re.search(r"^build succeeded\.$", docs_site.log, re.M), docs_site.log
    assert (docs_site.html / "index.html").exists()


def test_site_has_a_page_for_every_guide_page_and_lesson(docs_site: DocsSite):
    sources = [path.relative_to(DOCS) for path in DOCS.glob("**/*.md")]
    sources += [Path("examples", notebook.name) for notebook in NOTEBOOKS]
    missing = [str(source) for source in sources if not docs_site.page(str(source)).exists()]
    assert missing == []


def public_modules() -> list[str]:
    """Every module of the package whose name has no part starting with an underscore."""
    found = ["rnnwidget"]
    for info in pkgutil.walk_packages(rnnwidget.__path__, "rnnwidget."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.append(info.name)
    return found


def api_ids(site: DocsSite) -> set[str]:
    ids: set[str] = set()
    for page in (site.html / "api").glob("*.html"):
        ids.update(re.findall(r'\bid="([^"]+)"', page.read_text()))
    return ids


def test_api_reference_documents_every_public_module_and_name(docs_site: DocsSite):
    """Each public module's own ``__all__`` names (re-exports aside) have an entry."""
    ids = api_ids(docs_site)
    missing = []
    for name in public_modules():
        module = importlib.import_module(name)
        own = [
            attr
            for attr in getattr(module, "__all__", [])
            if getattr(getattr(module, attr), "__module__", name) == name
            and (
                inspect.isclass(getattr(module, attr)) or inspect.isfunction(getattr(module, attr))
            )
        ]
        if f"module-{name}" not in ids and own:
            missing.append(name)
        missing += [f"{name}.{attr}" for attr in own if f"{name}.{attr}" not in ids]
    assert missing == []


def test_each_lesson_shows_every_picture_its_notebook_drew(docs_site: DocsSite):
    for notebook in NOTEBOOKS:
        executed = nbformat.read(docs_site.executed(notebook), as_version=4)
        pictures = [
            output
            for cell in executed.cells
            for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})
        ]
        page = docs_site.page(f"examples/{notebook.name}").read_text()
        assert page.count('src="data:image/png;base64,') == len(pictures), notebook.name


class Resources(HTMLParser):
    """Every URL a page would load: scripts, styles, images, frames, media."""

    LOADS: ClassVar = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "link": "href",
    }
    LINKS_THAT_LOAD: ClassVar = {
        "stylesheet",
        "icon",
        "preload",
        "modulepreload",
        "manifest",
        "prefetch",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and not set((found.get("rel") or "").split()) & self.LINKS_THAT_LOAD:
            return
        url = found.get(self.LOADS.get(tag, ""))
        if url:
            self.urls.append(url)


def test_no_page_loads_anything_from_another_host(docs_site: DocsSite):
    remote = []
    for page in docs_site.html.rglob("*.html"):
        parser = Resources()
        parser.feed(page.read_text())
        remote += [f"{page.name}: {url}" for url in parser.urls if re.match(r"[a-z]+://|//", url)]
    assert remote == []
