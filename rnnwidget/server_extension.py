"""A jupyter_server extension that sends kernel websocket messages without Nagle's delay.

jupyter_server never turns on TCP_NODELAY for the kernel websocket, so after one small kernel
reply is sent, the next waits until the browser acknowledges the first, and browsers delay that
acknowledgement by tens of milliseconds. A widget that redraws on every slider step pays this
on every step (the README's latency table measures it).

The extension wraps the server's configured kernel websocket connection class (a subclass, so a
user's own class keeps working) so that each connection first calls tornado's
``WebSocketHandler.set_nodelay(True)``. It changes nothing else: no handler, no setting, no
file. rnnwidget enables it when installed; an administrator of a shared server turns it off with
``jupyter server extension disable rnnwidget.server_extension`` (it is then not loaded at all),
or keeps it loaded but inactive with the config switch ``c.KernelWebsocketNoDelay.enabled =
False`` (or ``--KernelWebsocketNoDelay.enabled=False`` on the command line).
"""

from __future__ import annotations

import logging
import types
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar, cast

from traitlets import Bool
from traitlets.config import Configurable

if TYPE_CHECKING:
    from jupyter_server.serverapp import ServerApp

__all__ = ["KernelWebsocketNoDelay", "NoDelayConnectionMixin", "with_nodelay"]

_SETTING = "kernel_websocket_connection_class"

_C = TypeVar("_C", bound=type)


class NoDelayConnectionMixin:
    """Sets TCP_NODELAY on the kernel websocket, then connects as the class it is mixed into.

    ``connect()`` is the right hook: the kernel websocket handler calls it from ``open()``, after
    tornado has answered the handshake and taken the socket over from the HTTP connection (which
    turns no-delay back off when it finishes a response), and before any kernel message is sent.
    """

    websocket_handler: Any  # a tornado.websocket.WebSocketHandler
    log: logging.Logger

    def connect(self) -> Any:
        """Set TCP_NODELAY, then return what the wrapped class's ``connect()`` returns."""
        try:
            self.websocket_handler.set_nodelay(True)
        except Exception as error:  # e.g. the socket closed meanwhile: connect as stock would
            self.log.warning(
                "rnnwidget: could not set TCP_NODELAY on a kernel websocket: %r", error
            )
        return super().connect()  # type: ignore[misc]  # the wrapped connection class's


def with_nodelay(connection_class: _C) -> _C:
    """A subclass of ``connection_class`` whose connections set TCP_NODELAY first.

    A class already wrapped is returned unchanged, so wrapping twice is harmless.
    """
    if issubclass(connection_class, NoDelayConnectionMixin):
        return connection_class
    name = f"NoDelay{connection_class.__name__}"
    doc = f"{connection_class.__qualname__}, with TCP_NODELAY set on its kernel websocket."
    namespace = {"__module__": __name__, "__doc__": doc}
    subclass = types.new_class(
        name, (NoDelayConnectionMixin, connection_class), exec_body=lambda ns: ns.update(namespace)
    )
    return cast("_C", subclass)


class KernelWebsocketNoDelay(Configurable):
    """The extension's one setting, read from the server's config like any other."""

    enabled = Bool(
        True,
        help="Send kernel websocket messages without Nagle's delay (TCP_NODELAY). False leaves "
        "the server's kernel websockets exactly as jupyter_server makes them.",
    ).tag(config=True)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp: ServerApp) -> None:
    """Wrap the server's kernel websocket connection class; leave the server as it is if odd."""
    if not KernelWebsocketNoDelay(parent=serverapp).enabled:
        serverapp.log.info(
            "rnnwidget: TCP_NODELAY for kernel websockets is off (KernelWebsocketNoDelay.enabled)"
        )
        return
    settings = serverapp.web_app.settings
    connection_class = settings.get(_SETTING)  # there since jupyter_server 2.0
    if not _is_connection_class(connection_class):
        serverapp.log.warning(
            "rnnwidget: kernel websockets keep Nagle's delay: the %r setting is %r, not a "
            "kernel websocket connection class",
            _SETTING,
            connection_class,
        )
        return
    settings[_SETTING] = with_nodelay(connection_class)
    serverapp.log.info("rnnwidget: kernel websockets use TCP_NODELAY")


def _is_connection_class(value: object) -> TypeGuard[type[Any]]:
    if not isinstance(value, type):
        return False
    from jupyter_server.services.kernels.connection.base import BaseKernelWebsocketConnection

    return issubclass(value, BaseKernelWebsocketConnection)
