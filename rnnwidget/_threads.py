"""One BLAS thread for the small matrix products behind an interactive frame or a training step.

numpy's OpenBLAS splits a product as small as (64 x 200) @ (200 x 64) across threads. On a
laptop whose other cores are busy (the browser drawing, say), a helper thread is late and the
product waits for it, so one thread is several times faster here (the README's figures).

The limit is process-wide (threadpoolctl sets OpenBLAS's thread count), so nested and
concurrent users (the widget's recompute, a training thread) share one count, and the original
setting comes back when the last one leaves: the notebook's own numpy work keeps its threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
_users = 0
_limits: Any = None  # threadpoolctl's limiter while anyone is inside


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()  # finds the loaded BLAS libraries once (a few ms)


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Within the block, BLAS uses one thread."""
    global _users, _limits
    with _lock:
        _users += 1
        if _users == 1:
            _limits = _controller().limit(limits=1, user_api="blas")
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                _limits.restore_original_limits()
                _limits = None
