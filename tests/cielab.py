"""CIELAB for the tests: how different two screen colours look, written here once more, plainly
and apart from the front end's ``js/common/colour.js``, so that the tests measure the colours the
browser draws with a ruler of their own.

sRGB (IEC 61966-2-1) to linear light, to CIE XYZ, to CIELAB with the D65 white; the colour
difference is CIE 1976's ΔE, the Euclidean distance in CIELAB, about 2.3 being just noticeable
(Sharma, *Digital Color Imaging Handbook*, 2003).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["JUST_NOTICEABLE", "delta_e", "lab"]

JUST_NOTICEABLE = 2.3

_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_D65 = np.array([0.95047, 1.0, 1.08883])


def lab(rgb: ArrayLike) -> NDArray[np.float64]:
    """CIELAB ``(..., 3)`` of sRGB bytes ``(..., 3)``."""
    c = np.asarray(rgb, dtype=np.float64) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    t = linear @ _SRGB_TO_XYZ.T / _D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def delta_e(rgb: ArrayLike, other: ArrayLike) -> NDArray[np.float64]:
    """ΔE (CIE 1976) between sRGB bytes ``(..., 3)`` and ``other`` (broadcast)."""
    difference: NDArray[np.float64] = np.linalg.norm(lab(rgb) - lab(other), axis=-1)
    return difference
