"""Running code in a real IPython kernel, as a notebook server does: what the benchmarks that
time a widget inside a kernel (``bench_live``, ``bench_mechanism``) share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jupyter_client.manager import start_new_kernel

__all__ = ["kernel", "run"]


@contextmanager
def kernel(setup: str) -> Iterator[Any]:
    """A new python3 kernel that has run ``setup``, as a client; shut down afterwards."""
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        run(client, setup)
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run(client: Any, code: str, *, timeout: float = 120) -> str:
    """Execute ``code`` with a ``jupyter_client`` client; return its stdout (raise on an
    error, with the kernel's traceback)."""
    out: list[str] = []

    def collect(message: dict[str, Any]) -> None:
        if message["msg_type"] == "stream":
            out.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            raise RuntimeError("\n".join(message["content"]["traceback"]))

    client.execute_interactive(code, output_hook=collect, timeout=timeout)
    return "".join(out)
