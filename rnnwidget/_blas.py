"""One BLAS thread while training runs.

The products of a training step are small (at most 256 sequences times 128 units), and
OpenBLAS's worker threads cost far more than they gain on them: on this project's 2-core
machine, with the other core busy, recall at lag 40 trained at 75 steps per second with
OpenBLAS's default threads and at 1000 with one (``benchmarks/bench_training.py``).

:func:`one_blas_thread` limits BLAS to one thread for as long as any training runs in the
process (the limit is process-wide, so nested and concurrent users share one count, and the
original setting comes back when the last one ends). It needs ``threadpoolctl`` (installed with
the ``lab`` extra); without it nothing changes, and ``OPENBLAS_NUM_THREADS=1`` set before
Jupyter starts does the same for the whole kernel.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()
_users = 0
_limits: Any = None  # threadpoolctl's limiter while any training runs


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS limited to one thread inside the block (if threadpoolctl is installed)."""
    global _users, _limits
    with _lock:
        _users += 1
        if _users == 1:
            _limits = _limit_to_one()
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _limits is not None:
                _limits.restore_original_limits()
                _limits = None


def _limit_to_one() -> Any:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(limits=1, user_api="blas")
