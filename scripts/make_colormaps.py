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


def table(name: str) -> list[list[int]]:
    rgba = mpl.colormaps[name].resampled(SIZE)(np.linspace(0, 1, SIZE))
    return np.rint(rgba[:, :3] * 255).astype(int).tolist()


def main() -> None:
    out = {
        palette: {role: {"source": name, "rgb": table(name)} for role, name in roles.items()}
        for palette, roles in PALETTES.items()
    }
    path = Path(__file__).resolve().parents[1] / "rnnwidget" / "colormaps.json"
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
