"""The server extension: installed and enabled, and it gives kernel websockets TCP_NODELAY.

The live tests run a real jupyter_server in this process, with a real kernel, and read the
no-delay flag off the server's side of a real kernel websocket. They ignore every Jupyter config
file (JUPYTER_NO_CONFIG) and enable the extension, or not, explicitly.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import json
import logging
import re
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from jupyter_client.jsonutil import json_default
from jupyter_client.session import Session
from jupyter_server.serverapp import ServerApp
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect
from traitlets.config import Config

from rnnwidget.server_extension import (
    NoDelayConnectionMixin,
    _load_jupyter_server_extension,
    with_nodelay,
)

EXTENSION = "rnnwidget.server_extension"
SETTING = "kernel_websocket_connection_class"
TOKEN = "rnnwidget-test-token"
TIMEOUT = 60  # seconds; a kernel starts in one or two
MISSING = object()


class RecordingConnection(ZMQChannelsWebsocketConnection):
    """A user's own connection class: it notes the websocket of each connection it makes."""

    handlers: ClassVar[list[KernelWebsocketHandler]] = []

    def connect(self) -> Any:
        self.handlers.append(self.websocket_handler)
        return super().connect()


def run_in_fresh_loop(coroutine: Any) -> None:
    """Run a test's coroutine on an event loop of its own, in a thread of its own: the browser
    tests' Playwright keeps an event loop running in the main thread for the whole session."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, asyncio.wait_for(coroutine, TIMEOUT)).result()


@pytest.fixture
def no_jupyter_config(monkeypatch, tmp_path):
    """No config file of this machine or user reaches the servers a test starts."""
    monkeypatch.setenv("JUPYTER_NO_CONFIG", "1")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))


class InProcessServerApp(ServerApp):  # type: ignore[misc]
    """A ServerApp that leaves the process's signal handlers alone: it runs inside pytest, on
    a thread of its own (see `run_in_fresh_loop`), where Python allows no signal handlers."""

    def init_signal(self) -> None:
        pass


@contextlib.asynccontextmanager
async def jupyter_server(
    root_dir: Path, config_sections: dict[str, Any] | None = None, **server_app: Any
) -> AsyncIterator[ServerApp]:
    """A jupyter_server running in this process on a free port of 127.0.0.1, with the
    ServerApp settings `server_app` and any other config sections."""
    config = Config(
        {
            **(config_sections or {}),
            "ServerApp": {
                "ip": "127.0.0.1",
                "port": 0,
                "port_retries": 0,
                "open_browser": False,
                "root_dir": str(root_dir),
                **server_app,
            },
            "IdentityProvider": {"token": TOKEN},
        }
    )
    app = InProcessServerApp.instance(config=config)
    try:
        app.initialize(argv=[])  # loads the extensions; binds the port on the next loop turn
        await asyncio.sleep(0)
        yield app
    finally:
        await app._cleanup()  # what `jupyter server` runs on shutdown: kernels, websockets, port
        InProcessServerApp.clear_instance()


@contextlib.asynccontextmanager
async def kernel_websocket(app: ServerApp) -> AsyncIterator[tuple[str, WebSocketClientConnection]]:
    """Start a kernel and connect to its channels as a frontend does; wait for kernel_info."""
    kernel_id = await app.kernel_manager.start_kernel()
    session = Session()
    url = (
        f"ws://127.0.0.1:{app.port}{app.base_url}api/kernels/{kernel_id}/channels"
        f"?session_id={session.session}"
    )
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {TOKEN}"}))

    # A kernel_info round trip: the connection is open and carries kernel messages both ways.
    request = session.msg("kernel_info_request")
    await ws.write_message(json.dumps({**request, "channel": "shell"}, default=json_default))
    while True:
        raw = await ws.read_message()
        assert raw is not None, "the server closed the kernel websocket"
        reply = json.loads(raw)  # the channel's messages in order: iopub's status ones too
        if reply["msg_type"] == "kernel_info_reply":
            assert reply["parent_header"]["msg_id"] == request["msg_id"]
            break
    try:
        yield kernel_id, ws
    finally:
        ws.close()
        while await ws.read_message() is not None:  # until the server has closed its end too
            pass


def server_handler(kernel_id: str) -> KernelWebsocketHandler:
    """The server's live handler of the kernel's websocket."""
    (handler,) = (
        obj
        for obj in gc.get_objects()
        if isinstance(obj, KernelWebsocketHandler)
        and obj.ws_connection is not None
        and getattr(obj, "kernel_id", None) == kernel_id
    )
    return handler


@contextlib.contextmanager
def server_log_captured(app: ServerApp, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Capture the server's log, which does not propagate to the root logger, from now on."""
    caplog.clear()
    app.log.addHandler(caplog.handler)
    try:
        yield
    finally:
        app.log.removeHandler(caplog.handler)


def nodelay(handler: KernelWebsocketHandler) -> bool:
    """Whether TCP_NODELAY is set on the server's end of the websocket's TCP connection."""
    sock = handler.ws_connection.stream.socket
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_the_installed_extension_is_enabled_in_this_environment():
    # `jupyter server extension list`, run by this Python rather than whichever is on PATH.
    listing = subprocess.run(
        [sys.executable, "-m", "jupyter_server", "extension", "list"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)  # colours
    assert re.search(rf"^\s*{re.escape(EXTENSION)} enabled$", text, flags=re.M), text
    assert re.search(rf"^\s*{re.escape(EXTENSION)} .*\bOK$", text, flags=re.M), text


@pytest.mark.usefixtures("no_jupyter_config")
@pytest.mark.parametrize("enabled", [False, True], ids=["stock-server", "with-extension"])
def test_kernel_websockets_have_tcp_nodelay_with_the_extension_only(enabled, tmp_path):
    async def main() -> None:
        async with (
            jupyter_server(tmp_path, jpserver_extensions={EXTENSION: enabled}) as app,
            kernel_websocket(app) as (kernel_id, _),
        ):
            handler = server_handler(kernel_id)
            assert nodelay(handler) is enabled
            assert isinstance(handler.connection, NoDelayConnectionMixin) is enabled
            assert isinstance(handler.connection, ZMQChannelsWebsocketConnection)

    run_in_fresh_loop(main())


@pytest.mark.usefixtures("no_jupyter_config")
def test_a_configured_connection_class_is_wrapped_and_still_used(tmp_path):
    RecordingConnection.handlers.clear()

    async def main() -> None:
        async with jupyter_server(
            tmp_path,
            jpserver_extensions={EXTENSION: True},
            kernel_websocket_connection_class=RecordingConnection,
        ) as app:
            connection_class = app.web_app.settings[SETTING]
            assert issubclass(connection_class, RecordingConnection)

            async with kernel_websocket(app) as (kernel_id, _):
                (handler,) = RecordingConnection.handlers
                assert handler is server_handler(kernel_id)
                assert type(handler.connection) is connection_class
                assert nodelay(handler)

    run_in_fresh_loop(main())


def test_wrapping_is_a_subclass_and_idempotent():
    once = with_nodelay(RecordingConnection)
    assert issubclass(once, RecordingConnection)
    assert once.__mro__[1:3] == (NoDelayConnectionMixin, RecordingConnection)
    assert with_nodelay(once) is once


@pytest.mark.usefixtures("no_jupyter_config")
@pytest.mark.parametrize(
    "odd",
    [
        pytest.param(MISSING, id="missing"),  # as on servers older than jupyter_server 2
        pytest.param(None, id="none"),
        pytest.param(f"{ZMQChannelsWebsocketConnection.__module__}.ZMQ...", id="string"),
        pytest.param(KernelWebsocketHandler, id="not-a-connection-class"),
    ],
)
def test_an_odd_or_missing_setting_is_left_alone_with_a_warning(odd, tmp_path, caplog):
    async def main() -> None:
        async with jupyter_server(tmp_path) as app:
            settings = app.web_app.settings
            if odd is MISSING:
                del settings[SETTING]
            else:
                settings[SETTING] = odd
            before = dict(settings)

            with server_log_captured(app, caplog):
                _load_jupyter_server_extension(app)

            assert settings == before
            (record,) = caplog.records
            assert record.levelno == logging.WARNING
            assert record.getMessage().startswith("rnnwidget: kernel websockets keep Nagle's")

    run_in_fresh_loop(main())


@pytest.mark.usefixtures("no_jupyter_config")
def test_loading_logs_one_info_line_and_loading_twice_wraps_once(tmp_path, caplog):
    async def main() -> None:
        async with jupyter_server(tmp_path) as app:
            stock = app.web_app.settings[SETTING]

            with server_log_captured(app, caplog):
                _load_jupyter_server_extension(app)
                _load_jupyter_server_extension(app)

            wrapped = app.web_app.settings[SETTING]
            assert wrapped.__mro__[1:3] == (NoDelayConnectionMixin, stock)
            messages = [(r.levelno, r.getMessage()) for r in caplog.records]
            assert messages == [(logging.INFO, "rnnwidget: kernel websockets use TCP_NODELAY")] * 2

    run_in_fresh_loop(main())


@pytest.mark.usefixtures("no_jupyter_config")
def test_the_config_switch_leaves_kernel_websockets_stock(tmp_path, caplog):
    async def main() -> None:
        async with (
            jupyter_server(
                tmp_path,
                {"KernelWebsocketNoDelay": {"enabled": False}},
                jpserver_extensions={EXTENSION: True},
            ) as app,
            kernel_websocket(app) as (kernel_id, _),
        ):
            handler = server_handler(kernel_id)
            assert nodelay(handler) is False
            assert not isinstance(handler.connection, NoDelayConnectionMixin)

    run_in_fresh_loop(main())
