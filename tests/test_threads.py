"""One BLAS thread while a recompute or training runs, and the original setting back when the
last one ends."""

from __future__ import annotations

from threadpoolctl import threadpool_info

from rnnwidget._threads import single_threaded_blas


def blas_threads():
    return {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}


def test_blas_uses_one_thread_while_training_and_gets_its_threads_back():
    before = blas_threads()
    with single_threaded_blas():
        assert blas_threads() == {1}
        with single_threaded_blas():  # a second run at the same time shares the limit
            assert blas_threads() == {1}
        assert blas_threads() == {1}  # still training
    assert blas_threads() == before
