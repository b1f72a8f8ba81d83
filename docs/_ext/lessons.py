"""A page per lecture notebook: its text, its code, and what the code shows when it runs.

Sphinx reads the notebooks (``docs/examples`` links to the repository's ``examples/``) through
:class:`LessonParser`. Each notebook runs top to bottom in a fresh kernel (nbclient), with this
checkout's rnnwidget; its page is then written as MyST Markdown: each Markdown cell as it is, each
code cell as a Python block followed by its outputs. A widget's output is the picture its display
bundle carries beside the live view (the ``image/png`` that GitHub and nbconvert show), so the
page holds the same pictures as a notebook saved after running; a matplotlib figure is its PNG.
Pictures are inlined as ``data:`` URIs, so a page is one file with nothing to fetch.

A notebook named in the ``lesson_explorers`` setting (``{notebook stem: variable}``) also gets
that explorer's standalone page, written by ``RNNExplorer.to_html`` in the same kernel after the
last cell, embedded at the end of its page in an ``<iframe>``: its sliders, presets and
choices of cell and input are live there without a kernel (the browser computes each frame),
as are hover, play and the time scrubber.

A link to a notebook leads to its lesson's page, written from where the linking file lies, as
GitHub reads it (``../examples/01_the_hidden_state.ipynb`` from a page in ``docs/``) or through
``docs/examples`` (the README's ``examples/...``, included in the site's front page).

Running the eight notebooks takes a few minutes. Each run is kept in the build's doctree
folder under a key made of the notebook's text, the explorer's name and every file of the
package, so a rebuild runs only the notebooks whose inputs changed.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from myst_parser.parsers.sphinx_ import MystParser
from nbclient import NotebookClient
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: How long one cell may run, in seconds, before the build fails.
CELL_TIMEOUT = 600

#: The marker of the cell appended to write the explorer's page; never shown.
_PAGE_CELL_TAG = "lesson-explorer-page"


class LessonParser(MystParser):
    """Reads a notebook's JSON and parses the page :func:`lesson_markdown` writes for it."""

    supported = ("lesson",)

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env: BuildEnvironment = document.settings.env
        path = Path(env.doc2path(env.docname))
        explorer = env.config.lesson_explorers.get(path.stem)
        notebook, page = executed(env.app, path, inputstring, explorer)
        if page is not None:
            env.lesson_pages[env.docname] = page
        super().parse(lesson_markdown(notebook, path.stem, explorer), document)


def executed(
    app: Sphinx, path: Path, text: str, explorer: str | None
) -> tuple[nbformat.NotebookNode, Path | None]:
    """The notebook run top to bottom, and the explorer page it wrote (``None`` without one).

    Taken from the cache when the notebook, the explorer's name and the package are unchanged.
    """
    key = hashlib.sha256(f"{text}\0{explorer}\0{app.env.lesson_fingerprint}".encode())
    cache = Path(app.doctreedir) / "lessons" / f"{path.stem}-{key.hexdigest()[:16]}"
    if not (cache / "done").exists():
        logger.info("running %s", path.name)
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        notebook = nbformat.reads(text, as_version=4)
        if explorer is not None:
            notebook.cells.append(page_cell(explorer, cache / "explorer.html"))
        run(notebook, path)
        nbformat.write(notebook, cache / "notebook.ipynb")
        (cache / "done").touch()
    notebook = nbformat.read(cache / "notebook.ipynb", as_version=4)
    return notebook, (cache / "explorer.html" if explorer is not None else None)


def page_cell(variable: str, path: Path) -> nbformat.NotebookNode:
    """A last cell that writes the standalone page of the explorer the notebook names."""
    source = (
        "from rnnwidget import RNNExplorer as _RNNExplorer\n"
        f"if not isinstance({variable}, _RNNExplorer):\n"
        f"    raise TypeError(f'{variable} is {{type({variable}).__name__}}, not an RNNExplorer')\n"
        f"{variable}.to_html({str(path)!r})"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = [_PAGE_CELL_TAG]
    return cell


def run(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Run every cell in a new kernel, in a temporary folder (what a notebook writes goes there).

    A cell that raises fails the build, naming the notebook and the cell.
    """
    with tempfile.TemporaryDirectory(prefix="lesson-") as folder:
        client = NotebookClient(
            notebook,
            timeout=CELL_TIMEOUT,
            kernel_name="python3",
            store_widget_state=False,
            resources={"metadata": {"path": folder}},
        )
        try:
            client.execute()
        except Exception as error:
            raise ExtensionError(f"{path.name} failed to run: {error}") from error


def lesson_markdown(notebook: nbformat.NotebookNode, stem: str, explorer: str | None) -> str:
    """The page of an executed notebook, as MyST Markdown."""
    parts: list[str] = []
    for cell in notebook.cells:
        if _PAGE_CELL_TAG in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code":
            parts.append(fenced(cell.source, "python"))
            parts.extend(output_markdown(output) for output in cell.get("outputs", []))
    if explorer is not None:
        parts.append(explorer_section(stem, explorer))
    return "\n\n".join(part for part in parts if part) + "\n"


def output_markdown(output: nbformat.NotebookNode) -> str:
    """One output: printed text, a picture, or the text of a value (with no picture)."""
    if output.output_type == "stream":
        return fenced(output.text, "text")
    if output.output_type in ("display_data", "execute_result"):
        data = output.get("data", {})
        text = data.get("text/plain", "")
        if "image/png" in data:
            png = base64.b64decode(data["image/png"])  # checks it is base64
            alt = re.sub(r"\s+", " ", text).replace("[", "(").replace("]", ")")
            return f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode()})"
        return fenced(text, "text") if text else ""
    return ""  # an error: never here, since a cell that raises fails the build


def explorer_section(stem: str, variable: str) -> str:
    """The end of a lesson's page: the explorer's standalone page in an iframe."""
    return (
        "## The explorer, without a kernel\n\n"
        f"The explorer `{variable}` as this notebook leaves it, in the page "
        f"`{variable}.to_html(...)` writes. Your browser computes it, with no kernel: move the "
        "W_hh scale, tanh gain, bias and sequence length, try the presets, switch the cell and "
        "the input, hover over the heatmaps and play through time; the units, seed and sentence "
        "need a running notebook. **Copy link** copies a link to the setting shown.\n\n"
        f'<iframe class="lesson-explorer" src="{stem}.explorer.html" '
        f'title="The explorer {variable} of this lesson, without a kernel"></iframe>\n'
        f'<p><a href="{stem}.explorer.html">Open the page on its own</a>.</p>'
    )


def fenced(text: str, language: str) -> str:
    """``text`` in a fenced block, the fence longer than any run of backticks inside it."""
    text = text.rstrip("\n")
    if not text:
        return ""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return f"{fence}{language}\n{text}\n{fence}"


def package_fingerprint(package: Path) -> str:
    """A hash of every file of the package (source, data, the built front end)."""
    digest = hashlib.sha256()
    for path in sorted(
        p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def on_builder_inited(app: Sphinx) -> None:
    env: Any = app.env
    fingerprint = package_fingerprint(Path(app.config.lesson_package))
    env.lessons_stale = getattr(env, "lesson_fingerprint", None) != fingerprint
    env.lesson_fingerprint = fingerprint
    if not hasattr(env, "lesson_pages"):
        env.lesson_pages = {}
    known = {
        Path(name).stem
        for _, _, names in os.walk(app.srcdir, followlinks=True)  # docs/examples is a link
        for name in names
        if name.endswith(".ipynb")
    }
    for stem in sorted(set(app.config.lesson_explorers) - known):
        logger.warning("lesson_explorers names %s, which is no notebook", stem)


def on_env_get_outdated(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """Every lesson, when the package changed since the last build: its pictures may have."""
    if not env.lessons_stale:
        return []
    return [name for name in env.found_docs if Path(env.doc2path(name)).suffix == ".ipynb"]


def link_lessons(app: Sphinx, doctree: nodes.document) -> None:
    """Point links to a notebook at its lesson's page.

    Sphinx follows the ``docs/examples`` link when it resolves a linked file's path, so a link
    to ``examples/01_the_hidden_state.ipynb`` names a file outside ``docs/``, which is no page:
    its target reads ``/.../examples/01_the_hidden_state``, that file's path without suffix.
    """
    env = app.env
    pages = {
        Path(env.doc2path(name)).resolve().with_suffix("").as_posix(): name
        for name in env.found_docs
        if Path(env.doc2path(name)).suffix == ".ipynb"
    }
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("refdomain") == "doc" and node["reftarget"] in pages:
            node["reftarget"] = pages[node["reftarget"]]


def on_env_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    env.lesson_pages.pop(docname, None)


def on_env_merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: list[str], other: BuildEnvironment
) -> None:
    env.lesson_pages.update(other.lesson_pages)


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    """Copy each explorer page beside its lesson's page."""
    if exception is not None or app.builder.format != "html":
        return
    for docname, page in app.env.lesson_pages.items():
        target = Path(app.outdir) / f"{docname}.explorer.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("lesson_explorers", {}, "env", dict)
    app.add_config_value("lesson_package", "", "env", str)
    app.add_source_suffix(".ipynb", "lesson")
    app.add_source_parser(LessonParser)
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    app.connect("doctree-read", link_lessons)
    app.connect("build-finished", on_build_finished)
    os.environ.setdefault("MPLBACKEND", "Agg")  # the kernels draw figures without a display
    return {"parallel_read_safe": True, "parallel_write_safe": True}
