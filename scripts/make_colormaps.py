"""Write rnnwidget/colormaps.json: the colour tables the browser and the headless renderer share.

Run: python scripts/make_colormaps.py  (needs matplotlib; the JSON it writes is committed, so
neither the package nor its front end needs matplotlib at run time).
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib as mpl
import numpy as np

# name in rnnwidget -> matplotlib's name. "diverging" colours the hidden state on [-1, 1];
# "sequential" colours log gradient magnitudes. The colour-blind-safe palette swaps both.
PALETTES = {
    "standard": {"diverging": "RdBu_r", "sequential": "inferno"},
    "colorblind": {"diverging": "PuOr_r", "sequential": "cividis"},
}
SIZE = 256

# On a dark page a diverging table that meets at white turns every value near 0 (most of an
# impulse's input, a fading state) into a glaring block. The dark variant keeps each end's colour
# and meets at this dark grey instead, blending in linear light.
DARK_CENTRE = np.array([0.08, 0.08, 0.08])


def table(name: str) -> list[list[int]]:
    rgba = mpl.colormaps[name].resampled(SIZE)(np.linspace(0, 1, SIZE))
    return np.rint(rgba[:, :3] * 255).astype(int).tolist()


def dark_centred(name: str) -> list[list[int]]:
    """``name``'s table with its light middle pulled to :data:`DARK_CENTRE`: the weight of the
    original colour grows with the distance from the middle, |2x - 1|."""
    x = np.linspace(0, 1, SIZE)
    srgb = mpl.colormaps[name].resampled(SIZE)(x)[:, :3]
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    weight = np.abs(2 * x - 1)[:, np.newaxis] ** 0.8
    centre = np.where(
        DARK_CENTRE <= 0.04045, DARK_CENTRE / 12.92, ((DARK_CENTRE + 0.055) / 1.055) ** 2.4
    )
    mixed = weight * linear + (1 - weight) * centre
    out = np.where(mixed <= 0.0031308, mixed * 12.92, 1.055 * mixed ** (1 / 2.4) - 0.055)
    return np.rint(out * 255).astype(int).tolist()


def main() -> None:
    out = {
        palette: {role: {"source": name, "rgb": table(name)} for role, name in roles.items()}
        for palette, roles in PALETTES.items()
    }
    for palette, roles in PALETTES.items():
        source = roles["diverging"]
        out[palette]["diverging_dark"] = {
            "source": f"{source}, dark-centred",
            "rgb": dark_centred(source),
        }
    path = Path(__file__).resolve().parents[1] / "rnnwidget" / "colormaps.json"
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
