"""The colour tables of every heatmap, shared by the browser and the headless renderer.

The tables live in ``colormaps.json`` (written by ``scripts/make_colormaps.py`` from matplotlib's
maps); the front end bundles the same file, and both map a value to a colour with the same rule,
:func:`colour_index`, so a pixel means the same number in the widget and in an exported PNG.

The tables are drawn for the light theme's background (white, what every figure is drawn on): a
diverging table's middle, the value 0, is that background itself. On another background, a dark
theme's, the browser derives tables whose 0 is that background and whose colours stand apart from
it as far as these stand apart from white (``js/common/colormaps.js``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["PALETTES", "colour_index", "colourize", "table"]

PALETTES = ("standard", "colorblind")
ROLES = ("diverging", "sequential")


@cache
def _tables() -> dict[str, dict[str, NDArray[np.uint8]]]:
    raw = json.loads((Path(__file__).parent / "colormaps.json").read_text())
    return {
        palette: {role: np.array(raw[palette][role]["rgb"], dtype=np.uint8) for role in ROLES}
        for palette in PALETTES
    }


def table(palette: str, role: str) -> NDArray[np.uint8]:
    """The ``(256, 3)`` RGB table of ``role`` ("diverging" or "sequential") in ``palette``, for
    the light theme's background."""
    if palette not in PALETTES:
        raise ValueError(f"palette must be one of {', '.join(PALETTES)}; got {palette!r}")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}; got {role!r}")
    return _tables()[palette][role]


def colour_index(values: ArrayLike, vmin: float, vmax: float, size: int = 256) -> NDArray[np.intp]:
    """The table row for each value: ``floor((v - vmin) / (vmax - vmin) * (size - 1) + 0.5)``,
    clipped to the table (so -inf takes the first colour and +inf the last)."""
    span = vmax - vmin if vmax > vmin else 1.0
    with np.errstate(invalid="ignore"):
        scaled = (np.asarray(values, dtype=np.float64) - vmin) / span * (size - 1) + 0.5
    index: NDArray[np.intp] = np.clip(np.nan_to_num(np.floor(scaled)), 0, size - 1).astype(np.intp)
    return index


def colourize(
    values: ArrayLike, vmin: float, vmax: float, *, palette: str = "standard", role: str
) -> NDArray[np.uint8]:
    """RGB colours ``values.shape + (3,)`` for values on the scale [vmin, vmax]."""
    rgb = table(palette, role)
    return rgb[colour_index(values, vmin, vmax, len(rgb))]
