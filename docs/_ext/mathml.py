"""Math as MathML, written at build time: the pages need no script and no font from anywhere.

Sphinx's usual renderer, MathJax, is a script fetched from a CDN when a page opens, which a page
opened offline cannot do. latex2mathml (pure Python) turns each formula's LaTeX into MathML,
which browsers draw natively (Chromium since version 109, Firefox and Safari long before).
Enable with ``html_math_renderer = "mathml"``.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator


def visit_math(translator: HTML5Translator, node: nodes.math) -> None:
    """An inline formula, ``$...$`` in the text."""
    translator.body.append(convert(node.astext(), display="inline"))
    raise nodes.SkipNode


def visit_math_block(translator: HTML5Translator, node: nodes.math_block) -> None:
    """A displayed formula, ``$$...$$`` on lines of its own."""
    mathml = convert(node.astext(), display="block")
    translator.body.append(f'<div class="math-block">{mathml}</div>\n')
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer(
        "mathml", inline_renderers=(visit_math, None), block_renderers=(visit_math_block, None)
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
