"""The panels' geometry, shared by the live view and the headless figures.

``geometry.json`` holds where every part of a panel goes, how large its text is and the light
theme's colours. The front end bundles the same file (``js/common/geometry.js``) and the
headless figure (:mod:`rnnwidget.explorer.figure_layout`, :mod:`~rnnwidget.explorer.drawing`)
reads it here, so the two drawings cannot drift apart: change a number in the file and both
move. Lengths and text sizes are CSS pixels at text scale 1 (the figure is always drawn at
scale 1); ``presentation.scale`` is what presentation mode multiplies text, margins and strokes
by. The sections, as :data:`GEOMETRY`'s attributes:

- ``presentation``: what a view in presentation mode (``js/common/presentation.js``) draws:
  ``scale``, the enlargement of every panel (its text, margins, strokes and height), and
  ``font_size``, the view's own text (labels, values, buttons, sentences) in CSS pixels. Both
  keep every text of a presenting view at 16 px or more.
- ``text``: every text size by role: ``title`` (a panel's title), ``tick`` (tick labels on the
  axes and colour bars), ``label`` (an axis's or a colour bar's name), ``legend``, ``note``
  (the bands beyond float64, the trainer's reference lines, the marks' labels), ``order`` ("Why
  order matters"), the headless figure's ``figure_*`` lines and the browser snapshot's
  ``snapshot_*`` lines.
- ``colours``: the light theme by role (``background``, behind every panel and the background
  the colour tables are made for; ``surface``, behind boxes of text; ``panel``, ``text``,
  ``muted``, ``grid``, ``line``, ``warn``, ``error``): the view's fallbacks where the host has
  no JupyterLab theme, and what every figure and snapshot is drawn in.
- ``heights``: each panel's height (the kernel sends the explorer's with every frame;
  ``trainer_chart`` is each chart of the trainer).
- ``panel``: the ``margin`` around every plot (the same for every panel, so time lines up), the
  title's baseline above the plot (``title_offset``), the room kept at its end, the
  distance between its lines where a narrow view wraps it (``title_line``), and the ``halo``
  of a text drawn over curves (the marks' labels, the trainer's reference levels): an outline
  of that width in the background's colour, drawn under the text, so that a curve passing under
  it leaves it readable and is hidden only next to its letters.
- ``axis``: tick marks and their labels: ``tick_length``, the labels' distance below
  (``bottom_text``) or left of (``left_text``) the plot, the axis labels' places
  (``bottom_label`` below the plot, ``left_label`` from the panel's left edge), the least gap
  between two tick labels (``text_gap``), the narrowest column that shows a word
  (``token_width``) and the ``line_width`` of ticks and grid lines.
- ``colour_bar``: its distance right of the plot, its width, its labels' gap, and how far left
  of the bar its name starts.
- ``chart``: the gradient-norm chart's curves (``line_width``, a single step's
  ``dot_radius``, the theme colour of each ``series`` in order) and the notes in its shaded
  bands (inset from the right, below the band's top).
- ``legend``: right of a plot, ``offset`` from it: rows of a swatch and a label.
- ``playback``: the play head's line.
- ``marks``: the steps that matter to a trained network's task (``layout.marks``): a dashed
  line (``line_width``, ``dash``) across every heatmap and the norm chart, and on the chart each
  mark's label at the top of the plot, ``label_inset`` right of its line (left of it where the
  plot ends) and ``label_top`` below the plot's top, over the curves (see ``panel.halo``); a
  label that would come within ``label_gap`` of the one before moves ``label_row`` lower.
- ``order``: "Why order matters": where its strips start right of the plots' left edge
  (``labels``), its title's baseline, each group's title line, the rows (a strip and a
  ``strip_gap``), the sentences' baselines and the gaps; the browser puts each sentence above
  its strips where beside them the strips would be narrower than ``min_strips``.
- ``step_chart``: the trainer's charts: reference lines and their labels, dots, clipping marks.
- ``snapshot``: the browser's PNG snapshot: its header and footer lines.
- ``comparison``: ``compare()``'s columns: the narrowest a column gets before they wrap
  (``column_min``, times the text scale) and the ``gap`` between them.
- ``figure``: the headless figure's own header and footer lines, and its ``width``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

__all__ = ["COLOURS", "GEOMETRY", "opaque"]

_FILE = Path(__file__).with_name("geometry.json")  # the front end bundles the same file


def _namespace(value: Any) -> Any:
    """JSON objects as attribute namespaces (lists as tuples), the "$comment" keys left out."""
    if isinstance(value, dict):
        return SimpleNamespace(
            **{key: _namespace(item) for key, item in value.items() if not key.startswith("$")}
        )
    if isinstance(value, list):
        return tuple(_namespace(item) for item in value)
    return value


#: ``geometry.json`` with its sections as attributes: ``GEOMETRY.panel.margin.left``.
GEOMETRY: Any = _namespace(json.loads(_FILE.read_text(encoding="utf-8")))

_RGBA = re.compile(r"rgba\(\s*(\d+),\s*(\d+),\s*(\d+),\s*([\d.]+)\s*\)")


def opaque(colour: str, background: str) -> str:
    """``colour`` (``#rrggbb`` or ``rgba(r, g, b, a)``) as the opaque ``#rrggbb`` it shows on
    ``background``: what a figure drawn on that background paints."""
    match = _RGBA.fullmatch(colour)
    if match is None:
        return colour
    *rgb, alpha = (float(part) for part in match.groups())
    under = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(alpha * c + (1 - alpha) * b) for c, b in zip(rgb, under, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


#: The light theme's colours by role, opaque on its background: what the figures draw with.
COLOURS: dict[str, str] = {
    role: opaque(colour, GEOMETRY.colours.background)
    for role, colour in vars(GEOMETRY.colours).items()
}
