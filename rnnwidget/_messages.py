"""Messages from a browser are untrusted input.

ipywidgets' own handler assumes a well-formed comm message and answers anything else with a
traceback in the kernel's log. Both widgets route every message through
:func:`handle_untrusted` instead: a malformed one is dropped and the view says so; a
well-formed one goes on as ipywidgets would take it, to ``set_state`` (which each widget
validates itself), the custom-message callbacks (which carry the snapshot's PNG buffer), or
``send_state``.
"""

from __future__ import annotations

from typing import Any

import ipywidgets

MALFORMED = "ignored a malformed message from the browser"


def handle_untrusted(widget: ipywidgets.Widget, msg: Any) -> None:
    """Deliver one comm message to ``widget``, or set its ``error`` if the message is garbage."""
    try:
        data = msg["content"]["data"]
        method = data["method"]
        if not isinstance(method, str):
            raise TypeError(f"method must be a string; got {method!r}")
        buffers = list(msg.get("buffers") or [])
        if method == "update":
            # Every setting is a JSON value: a browser of ours never sends binary in an update.
            state = dict(data["state"])
            if data.get("buffer_paths") or buffers:
                raise ValueError("an update of settings carries no binary buffers")
        elif method == "custom":
            content = data["content"]
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        widget.error = MALFORMED
        return
    if method == "update":
        widget.set_state(state)
    elif method == "custom":
        widget._handle_custom_msg(content, buffers)
    elif method == "request_state":
        widget.send_state()
