"""A lesson as one HTML file: the explorer's view and everything it computed, with no kernel.

``RNNExplorer.to_html("lesson.html")`` writes a page that opens from disk in a browser, offline:
no server, no CDN, nothing fetched. It holds

- the front end's standalone bundle (``static/standalone.js`` and ``.css``, built from
  ``js/explorer/standalone.js``), inlined;
- as JSON in a ``<script type="application/json">`` (:func:`page_state`): the widget's synced
  state, every trait RNNExplorer defines, defaults included; and what the browser twin of the
  explorer's numbers (``js/twin``) needs to recompute the picture for each discrete choice the
  page offers (:mod:`.page_choices`: weights, inputs and the kernel's layout and words), within
  :data:`~.page_choices.BUDGET` bytes. Every binary array is lifted out and base64-encoded
  beside its path, as ipywidgets' embed format does.

In the page a small static model (``js/explorer/static-model.js``) puts the arrays back as
``DataView`` objects, exactly where ipywidgets delivers them, and stands in for the kernel's
model. The view is the notebook's own. With no kernel, the twin recomputes every frame: the
continuous knobs (W_hh scale, tanh gain, bias, sequence length), the presets and the discrete
choices the page embeds stay live; the knobs only a kernel can turn (units, seed, the sentence,
the memory gate's start, choices left out of the budget, a trained network's) say they need a
notebook. The settings live in the page's address too (``#w_hh_scale=1.2&cell=lstm``), so a
link opens the page at a setting (``js/explorer/link.js``).
"""

from __future__ import annotations

import base64
import json
import os
import re
from html import escape
from pathlib import Path
from typing import Any, Protocol

import anywidget

from .._files import write_atomically
from .._version import __version__
from .._widget import STATIC
from .frame import Frame, Network, Params, compute_frame
from .page_choices import BUDGET, choices_for_page, code_template
from .words import caption

__all__ = ["FORMAT", "SUFFIXES", "Explorer", "page_state", "save_html", "standalone_html"]

#: Names the embedded state's layout; ``js/explorer/static-model.js`` refuses any other.
FORMAT = "rnnwidget-standalone/2"

#: The file names :func:`save_html` writes.
SUFFIXES = (".html", ".htm")

_BUNDLE = ("standalone.js", "standalone.css")


class Explorer(Protocol):
    """What a page is made of: an explorer (:class:`~rnnwidget.RNNExplorer`) as computed now,
    its synced traits, its frame and the line of code that makes it."""

    @property
    def frame(self) -> Frame: ...

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Params: ...

    @property
    def network(self) -> Network | None: ...

    gradient_range: tuple[float, float] | None
    norm_range: tuple[int, int] | None

    def trait_names(self, **metadata: Any) -> list[str]: ...

    def get_state(self, key: Any = None) -> dict[str, Any]: ...


# What anywidget adds to each instance: the front end's code (which the page inlines) and its id.
_ANYWIDGET_TRAITS = ("_esm", "_css", "_anywidget_id")

# What only a live notebook has: the view another widget's button opened under this one.
_LIVE_ONLY = {"_companion"}

# What the page holds in its own form: the twin's given for each choice it offers.
_HELD_BY_THE_PAGE = {"_twin"}

# Inside <script> the HTML parser ends the element at "</script" in any case, whatever the
# JavaScript around it; "<\/script" means the same in every JavaScript context it can occur in
# (a string, a template, a regular expression, a comment).
_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


def page_state(widget: Explorer, *, budget: int = BUDGET) -> dict[str, Any]:
    """What the page embeds: ``{"format", "state", "choices", "buffers"}``, JSON-ready.

    ``state`` holds every synced trait RNNExplorer defines (anywidget's and ipywidgets' own,
    the front-end code among them, are left out: the page inlines the bundle), default values
    included. ``choices`` is what the browser's twin needs for each discrete choice the page
    offers, within ``budget`` bytes (:func:`.page_choices.choices_for_page`). ``buffers`` lists
    each binary value as ``{"path": [...], "encoding": "base64", "data": ...}``, its place in
    the page given by ``path`` from the top (``["state", "_frame", ...]``), and removed there.
    """
    inherited = {*anywidget.AnyWidget.class_trait_names(sync=True), *_ANYWIDGET_TRAITS}
    left_out = inherited | _LIVE_ONLY | _HELD_BY_THE_PAGE
    keys = [name for name in widget.trait_names(sync=True) if name not in left_out]
    state = widget.get_state(keys)
    from .widget import inactive_knobs  # the widget module writes pages: imported when used

    choices = choices_for_page(
        widget.params,
        state["_knobs"],
        _template(widget),
        lambda params: inactive_knobs(params.cell, params.input_kind),
        network=widget.network,
        budget=budget,
    )
    # The line Copy as code gives, with every value the page can change written by the page.
    changes = [
        knob["name"] for knob in state["_knobs"] if knob.get("group") == "setting"
        and (knob["name"] in choices["chosen_by"] or knob["name"] not in choices["discrete"])
    ]  # fmt: skip
    choices["code"] = code_template(widget.code, state, changes if choices["offered"] else [])
    buffers: list[dict[str, Any]] = []
    page = _lift_buffers({"state": state, "choices": choices}, [], buffers)
    return {"format": FORMAT, **page, "buffers": buffers}


def _template(widget: Explorer) -> Any:
    """The kernel's payload of a frame at some settings, as the page's view draws it."""
    from .widget import frame_payload  # the widget module writes pages: imported when used

    def template(params: Params) -> dict[str, Any]:
        frame = compute_frame(params)
        return frame_payload(frame, 0, widget.gradient_range, widget.norm_range)

    return template


def standalone_html(widget: Explorer, *, title: str | None = None) -> str:
    """The whole page as text: the view of ``widget`` as computed now. ``title`` heads the page
    and names its tab; without one, the tab is named after the settings."""
    frame = widget.frame  # a closed explorer has none: RuntimeError
    script, style = (_read_static(name) for name in _BUNDLE)
    if "<!--" in script or re.search(r"</style", style, re.IGNORECASE):
        raise ValueError("the front-end bundle holds markup that cannot be inlined in a page")
    heading = f'<h1 class="rnnwidget-page-title">{escape(title)}</h1>' if title else ""
    tab = title or f"RNN explorer: {caption(frame.params, frame.network)}"
    code = f"<code>{escape(widget.code)}</code>"
    embedded = page_state(widget)
    state = _json_for_script(embedded)
    # What a notebook adds: every knob of a trained network's page; the settings not held here.
    more = "the settings this page does not hold" if embedded["choices"]["offered"] else "its knobs"

    script = _SCRIPT_END.sub(r"<\\/\1", script)
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="rnnwidget {__version__}">',
            f"<title>{escape(tab)}</title>",
            f"<style>\n{style}</style>",
            "</head>",
            "<body>",
            '<main class="rnnwidget-page">',
            heading,
            '<div id="rnnwidget-root"></div>',
            "<noscript>This page needs JavaScript to draw the explorer.</noscript>",
            '<p class="rnnwidget-page-footer">Saved from a notebook with rnnwidget '
            f"{escape(__version__)}. For {more}, run {code} in a notebook.</p>",
            "</main>",
            f'<script type="application/json" id="rnnwidget-state">{state}</script>',
            f'<script type="module">\n{script}</script>',
            "</body>",
            "</html>",
            "",
        ]
    )


def save_html(widget: Explorer, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
    """Write :func:`standalone_html` to ``path`` (``.html`` or ``.htm``) in one step: the file
    is either the whole page or untouched. Returns the path."""
    target = Path(path)
    if target.suffix.lower() not in SUFFIXES:
        raise ValueError(f"the path must end in {' or '.join(SUFFIXES)}; got {str(path)!r}")
    page = standalone_html(widget, title=title)
    return write_atomically(target, page.encode("utf-8"), what="page")


def _lift_buffers(value: Any, path: list[Any], buffers: list[dict[str, Any]]) -> Any:
    """A copy of ``value`` without its binary parts, each appended to ``buffers`` with its
    path: removed from a dict, None in a list (as ipywidgets sends them)."""
    if isinstance(value, dict):
        return {
            key: _lift_buffers(item, [*path, key], buffers)
            for key, item in value.items()
            if not _lift_if_binary(item, [*path, key], buffers)
        }
    if isinstance(value, list | tuple):
        return [
            None
            if _lift_if_binary(item, [*path, i], buffers)
            else _lift_buffers(item, [*path, i], buffers)
            for i, item in enumerate(value)
        ]
    return value


def _lift_if_binary(value: Any, path: list[Any], buffers: list[dict[str, Any]]) -> bool:
    """If ``value`` is binary, base64-encode it into ``buffers`` at ``path`` and say so."""
    if not isinstance(value, memoryview | bytes | bytearray):
        return False
    data = base64.b64encode(value).decode("ascii")
    buffers.append({"path": path, "encoding": "base64", "data": data})
    return True


def _json_for_script(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``<``, ``>`` or ``&`` appear in it
    (each is written as its ``\\u`` escape, which JSON.parse reads back)."""
    text = json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _read_static(name: str) -> str:
    path = STATIC / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path} is missing: the front end is not built (npm install && npm run build)"
        ) from None
