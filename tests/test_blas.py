"""One BLAS thread while training runs, and the original setting back when the last run ends."""

from __future__ import annotations

import sys

from threadpoolctl import threadpool_info

from rnnwidget._blas import one_blas_thread


def blas_threads():
    return {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}


def test_blas_uses_one_thread_while_training_and_gets_its_threads_back():
    before = blas_threads()
    with one_blas_thread():
        assert blas_threads() == {1}
        with one_blas_thread():  # a second run at the same time shares the limit
            assert blas_threads() == {1}
        assert blas_threads() == {1}  # still training
    assert blas_threads() == before


def test_without_threadpoolctl_training_runs_unlimited(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import threadpoolctl fails
    before = blas_threads()
    with one_blas_thread():
        assert blas_threads() == before
    assert blas_threads() == before
