"""Write rnnwidget/colormaps.json: the colour tables the browser and the headless renderer share.

Run: python scripts/make_colormaps.py  (needs matplotlib; the JSON it writes is committed, so
neither the package nor its front end needs matplotlib at run time).

Every table is drawn for the light theme's background (``colours.background`` in
rnnwidget/geometry.json, white), the background of every exported figure, and records it. A
diverging table's middle, the value 0, is exactly that background: matplotlib's diverging maps
meet at a light grey (RdBu's and PuOr's #f7f7f7), which on white would make every value near 0
stand out as faintly as a small one. The browser derives the tables for any other background
from these (js/common/colormaps.js).
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib as mpl
import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]

# name in rnnwidget -> matplotlib's name. "diverging" colours signed values (the hidden state on
# [-1, 1]); "sequential" colours magnitudes (log gradient magnitudes, gates on [0, 1]). The
# colour-blind-safe palette swaps both.
PALETTES = {
    "standard": {"diverging": "RdBu_r", "sequential": "inferno"},
    "colorblind": {"diverging": "PuOr_r", "sequential": "cividis"},
}
SIZE = 256

# sRGB (D65) to CIE XYZ, and the D65 white point: the CIELAB the browser uses too.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_WHITE = np.array([0.95047, 1.0, 1.08883])
_EPSILON = (6 / 29) ** 3


def to_lab(srgb: NDArray[np.float64]) -> NDArray[np.float64]:
    """CIELAB of sRGB colours in [0, 1], ``(..., 3)``."""
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _RGB_TO_XYZ.T / _WHITE
    f = np.where(xyz > _EPSILON, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1
    )


def from_lab(lab: NDArray[np.float64]) -> NDArray[np.float64]:
    """sRGB in [0, 1] (not clipped) of CIELAB colours, ``(..., 3)``."""
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], -1)
    xyz = np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _WHITE
    linear = xyz @ np.linalg.inv(_RGB_TO_XYZ).T
    magnitude = np.abs(linear)
    gamma = np.sign(linear) * (1.055 * magnitude ** (1 / 2.4) - 0.055)
    return np.where(magnitude <= 0.0031308, linear * 12.92, gamma)


def to_bytes(srgb: NDArray[np.float64]) -> list[list[int]]:
    return np.rint(np.clip(srgb, 0, 1) * 255).astype(int).tolist()


def sequential(name: str) -> list[list[int]]:
    rgba = mpl.colormaps[name].resampled(SIZE)(np.linspace(0, 1, SIZE))
    return to_bytes(rgba[:, :3])


def diverging(name: str, background: NDArray[np.float64]) -> list[list[int]]:
    """``name``'s table with its middle moved onto ``background`` (sRGB in [0, 1]) in CIELAB:
    each row moves by the middle's offset from the background times ``1 - |v|`` (v in
    [-1, 1], the row's value on the scale), so 0 is the background and the ends keep their
    colours."""
    x = np.linspace(0, 1, SIZE)
    cmap = mpl.colormaps[name]
    shift = to_lab(np.array(cmap(0.5)[:3])) - to_lab(background)
    lab = to_lab(cmap.resampled(SIZE)(x)[:, :3]) - (1 - np.abs(2 * x - 1))[:, None] * shift
    return to_bytes(from_lab(lab))


def main() -> None:
    geometry = json.loads((ROOT / "rnnwidget" / "geometry.json").read_text("utf-8"))
    background = geometry["colours"]["background"]
    srgb = np.array([int(background[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    out = {
        palette: {
            "diverging": {
                "source": f"{roles['diverging']}, its middle moved onto the background",
                "background": background,
                "rgb": diverging(roles["diverging"], srgb),
            },
            "sequential": {
                "source": roles["sequential"],
                "background": background,
                "rgb": sequential(roles["sequential"]),
            },
        }
        for palette, roles in PALETTES.items()
    }
    path = ROOT / "rnnwidget" / "colormaps.json"
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
