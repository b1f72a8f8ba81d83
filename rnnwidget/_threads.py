"""One BLAS thread for the small matrix products behind an interactive frame.

numpy's OpenBLAS splits a product as small as (64 x 200) @ (200 x 64) across threads. On a
laptop whose other cores are busy (the browser drawing, say), a helper thread is late and the
product waits for it: measured here, a whole recompute took 11-22 ms with every BLAS thread and
2-7 ms with one. The limit applies only inside the ``with`` block, so the notebook's own numpy
work keeps all its threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()  # finds the loaded BLAS libraries once (a few ms)


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Within the block, BLAS uses one thread."""
    with _controller().limit(limits=1, user_api="blas"):
        yield
