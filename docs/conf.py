"""Sphinx's settings for rnnwidget's documentation site.

CONTRIBUTING.md says how to build it (one command; the ``docs`` extra installs Sphinx). The site
works from disk, offline: no page loads anything from another host (no web fonts, no MathJax,
no CDN), and links are plain ``page.html`` files.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent / "_ext")]
# The notebooks' kernels import this checkout's rnnwidget too, as autodoc does.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
)

# The lessons' training runs on one BLAS kernel on every x86-64 machine that builds the site.
# numpy's OpenBLAS picks its matrix kernels by processor, and an AVX-512 kernel adds in another
# order than the AVX2 one: the last bits differ, and the moment a run leaves chance amplifies
# them (lesson 07 is a different run after step 150). The lessons' prose describes the runs of
# the AVX2 kernel ("Haswell"), which every x86-64 processor of the last decade runs.
if platform.machine().lower() in ("x86_64", "amd64"):
    os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")

import rnnwidget  # noqa: E402

project = "rnnwidget"
author = "rnnwidget developers"
copyright = "rnnwidget developers"
release = version = rnnwidget.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "api_pages",
    "lessons",
    "mathml",
]

root_doc = "index"
source_suffix = {".md": "markdown"}  # and .ipynb, the lessons (lessons.py)
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]

# Markdown: $...$ math, ```{directive} fences, and headings that can be linked to.
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

# Docstrings: Google-style sections (Args:, Returns:, Raises:) and reST markup.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
# The package's array aliases, by name, rather than spelt out (ndarray[tuple[Any, ...], ...]).
autodoc_type_aliases = {
    name: name for name in ("Array", "Indices", "Labels", "Targets", "Params", "ArrayLike")
}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# The lessons: which explorer each notebook embeds as a page without a kernel (lessons.py).
lesson_package = str(ROOT / "rnnwidget")
lesson_explorers = {
    "01_the_hidden_state": "w",
    "02_vanishing_and_exploding_gradients": "w",
    "03_shapes_and_return_sequences": "stacked",
    "04_why_order_matters": "original",
    "05_sharing_a_lesson": "w",
    "07_gates_carry_the_gradient": "lstm",
}

html_theme = "furo"
html_title = f"rnnwidget {version}"
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_math_renderer = "mathml"
html_copy_source = False
html_show_sourcelink = False
# The search's result summaries are fetched from the pages, which a page opened from disk may not
# do (file:// has no CORS); the titles and the links are what matters.
html_show_search_summary = False


def _skip_named_tuple_fields(app, what, name, obj, skip, options):  # type: ignore[no-untyped-def]
    """A NamedTuple's fields are described by its docstring's Attributes section; autodoc would
    list them a second time, as "Alias for field number N"."""
    if (getattr(obj, "__doc__", None) or "").startswith("Alias for field number"):
        return True
    return None


def setup(app):  # type: ignore[no-untyped-def]
    app.connect("autodoc-skip-member", _skip_named_tuple_fields)
