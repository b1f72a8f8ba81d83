"""How arrays cross to the browser: float32 binary buffers with their shapes, never JSON lists.

ipywidgets lifts every ``memoryview`` out of a synced value into a binary websocket frame; the
front end receives a ``DataView`` at the same place (``js/common/decode.js`` reads it back,
minding its byte offset). float32 is enough for drawing, and everything sent is bounded: states
lie in [-1, 1] and gradients travel as base-10 logarithms, which stay within a few thousand even
where the gradients themselves would overflow any float type.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike


def encode_array(values: ArrayLike) -> dict[str, Any]:
    """``{"shape": [...], "dtype": "float32", "buffer": memoryview}`` for one array."""
    array = np.ascontiguousarray(values, dtype=np.float32)
    buffer = memoryview(array.data).cast("B")
    return {"shape": list(array.shape), "dtype": "float32", "buffer": buffer}


def decode_array(encoded: dict[str, Any]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """The inverse of :func:`encode_array` (for tests and for HTML export)."""
    flat = np.frombuffer(encoded["buffer"], dtype=np.float32)
    return flat.reshape(encoded["shape"])
