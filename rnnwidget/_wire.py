"""How arrays cross to the browser: binary buffers with their shapes and dtypes, never JSON lists.

ipywidgets lifts every ``memoryview`` out of a synced value into a binary websocket frame; the
front end receives a ``DataView`` at the same place (``js/common/decode.js`` reads it back,
minding its byte offset). float32 is enough for drawing, and everything drawn is bounded: states
lie in [-1, 1] and gradients travel as base-10 logarithms, which stay within a few thousand even
where the gradients themselves would overflow any float type. float64 carries what the browser
computes with (the weights and input of the explorer's twin, ``js/twin``), bit for bit.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["DTYPES", "decode_array", "encode_array"]

#: The dtypes that cross, by the name the wire gives them.
DTYPES = {"float32": np.float32, "float64": np.float64}

Dtype = Literal["float32", "float64"]


def encode_array(values: ArrayLike, dtype: Dtype = "float32") -> dict[str, Any]:
    """``{"shape": [...], "dtype": dtype, "buffer": memoryview}`` for one array, its values
    cast to ``dtype`` (one of :data:`DTYPES`), little-endian as every browser reads them."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    array = np.ascontiguousarray(values, dtype=np.dtype(DTYPES[dtype]).newbyteorder("<"))
    buffer = memoryview(array.data).cast("B")
    return {"shape": list(array.shape), "dtype": dtype, "buffer": buffer}


def decode_array(encoded: dict[str, Any]) -> np.ndarray[Any, np.dtype[Any]]:
    """The inverse of :func:`encode_array` (for tests and for HTML export): an array of the
    dtype it was sent in."""
    dtype = encoded.get("dtype", "float32")
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    flat = np.frombuffer(encoded["buffer"], dtype=np.dtype(DTYPES[dtype]).newbyteorder("<"))
    return flat.reshape(encoded["shape"])
