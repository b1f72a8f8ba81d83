"""Drive rnnwidget in the other hosts a lecturer uses: a marimo app and a Voila dashboard.

`run_marimo` serves one marimo app (``marimo run APP.py``), `run_voila` one notebook as a Voila
page (``voila NOTEBOOK``). Each server starts from this Python environment with every user
directory moved into a temporary folder (`isolated_environment`), listens on 127.0.0.1 with a
free port, logs to a file, and is stopped by PID with whatever it started (marimo runs its
kernels in-process, Voila starts one per page).

`HostPage` is such a page in a browser tab. Like `NotebookPage`, it records what the tab logs to
the console and every request that leaves this machine. The one exception is explicit: Voila's
lab template links Font Awesome's stylesheets from a CDN (`KNOWN_EXTERNAL`); the tab answers
those two requests itself with an empty stylesheet, so the test never waits on the network and
no other outside request goes unreported.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from playwright.sync_api import ConsoleMessage, Page, Route
from playwright.sync_api import Error as PlaywrightError

from .jupyter import ServerLog, free_port, is_local, isolated_environment, stop_process_tree

Host = Literal["marimo", "voila"]

ROOT = Path(__file__).resolve().parents[2]  # this checkout: its rnnwidget and rnnwidget/static/
SERVER_START_TIMEOUT = 60.0  # seconds until the server answers
RENDER_TIMEOUT = 60.0  # seconds for a page to run its code and show a widget

# A path each server answers (with any HTTP status) once it serves pages, without starting a kernel.
READY_PATH: dict[Host, str] = {"marimo": "/health", "voila": "/api/status"}

# Requests a host's own page makes to the internet, whatever it shows: exact URLs. Voila 0.5's
# lab template links Font Awesome 5 (its CSS and the v4 shims) from jsDelivr, as the browser
# requests them (``^`` percent-encoded).
KNOWN_EXTERNAL: dict[Host, frozenset[str]] = {
    "marimo": frozenset(),
    "voila": frozenset(
        {
            "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/all.min.css",
            "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/v4-shims.min.css",
        }
    ),
}

# Voila 0.5.13 is built on JupyterLab 4.2 and loads every lab extension of the environment; the
# Notebook 7.6 extension needs JupyterLab 4.6's shared modules and fails to load there, with a
# console error on every page ("The getter for the shared module is not a function"). A Voila
# page has no use for it.
VOILA_OPTIONS = ["--VoilaConfiguration.extension_denylist=@jupyter-notebook/lab-extension"]


@dataclass(frozen=True)
class HostServer(ServerLog):
    """A running marimo or Voila server, serving one app or notebook at `url`."""

    host: Host
    url: str  # "http://127.0.0.1:PORT/", the page that shows the app
    pid: int
    log_path: Path  # the server's stdout and stderr (and marimo's kernel's)


class HostError(RuntimeError):
    """The server did not start; the message ends with its log."""


def checkout_environment(home: Path, **extra: str) -> dict[str, str]:
    """`isolated_environment` whose Python imports this checkout's rnnwidget first.

    The servers are subprocesses started from the checkout's root in a temporary folder: without
    PYTHONPATH they would import whatever rnnwidget is installed.
    """
    env = isolated_environment(home)
    env["PYTHONPATH"] = str(ROOT) + (f":{env['PYTHONPATH']}" if env.get("PYTHONPATH") else "")
    return {**env, **extra}


@contextlib.contextmanager
def run_marimo(app: Path, base_dir: Path, **env: str) -> Iterator[HostServer]:
    """Serve marimo app `app` (a .py file) read-only for the ``with`` block.

    `base_dir` receives ``home/`` and ``server.log``; `env` adds environment variables (such as
    PYTHONHASHSEED) for the server, whose kernels run in its own process.
    """
    port = free_port()
    command = [
        *(sys.executable, "-m", "marimo", "run", str(app)),
        *("--host", "127.0.0.1", "--port", str(port)),
        "--headless",  # never open a browser
        "--no-token",  # no login page
        "--no-sandbox",  # this environment, never a uv-made one, and no prompt
    ]
    with _serve("marimo", command, app.parent, base_dir, port, env) as server:
        yield server


@contextlib.contextmanager
def run_voila(notebook: Path, base_dir: Path, **env: str) -> Iterator[HostServer]:
    """Serve `notebook` as a Voila page for the ``with`` block (see `run_marimo`)."""
    port = free_port()
    command = [
        *(sys.executable, "-m", "voila", str(notebook)),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",  # fail rather than listen on a port we don't know
        *VOILA_OPTIONS,
    ]
    with _serve("voila", command, notebook.parent, base_dir, port, env) as server:
        yield server


@contextlib.contextmanager
def _serve(
    host: Host, command: list[str], cwd: Path, base_dir: Path, port: int, env: dict[str, str]
) -> Iterator[HostServer]:
    home = base_dir / "home"
    home.mkdir(parents=True)
    log_path = base_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=checkout_environment(home, **env), stdout=log, stderr=log
        )
    server = HostServer(host, f"http://127.0.0.1:{port}/", process.pid, log_path)
    try:
        _wait_until_serving(server, process)
        yield server
    finally:
        stop_process_tree(process)


def _wait_until_serving(server: HostServer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    ready = server.url.rstrip("/") + READY_PATH[server.host]
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(ready, timeout=10):
                return
        except urllib.error.HTTPError:
            return  # it answers: Voila sends /api/status to a file handler, which refuses it
        except OSError:
            pass  # refused, or not answering yet
        time.sleep(0.1)
    problem = (
        f"exited with code {process.returncode}"
        if process.returncode is not None
        else f"did not answer within {SERVER_START_TIMEOUT:.0f} s"
    )
    raise HostError(f"{server.host} {problem}. Its log:\n{server.log_since()}")


@dataclass
class HostPage:
    """The page of `server` open in browser tab `page`, with what the tab logged."""

    server: HostServer
    page: Page
    console: list[tuple[str, str]] = field(default_factory=list, init=False)  # (type, text)
    external_requests: list[str] = field(default_factory=list, init=False)  # not on this machine
    log_offset: int = field(init=False)  # where the server log stood when this tab opened

    def __post_init__(self) -> None:
        self.log_offset = self.server.log_size()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self.page.on("request", lambda request: self._on_request(request.url))
        self.page.on("websocket", lambda socket: self._on_request(socket.url))
        known = KNOWN_EXTERNAL[self.server.host]
        if known:
            self.page.route(lambda url: url in known, _empty_stylesheet)

    @property
    def console_errors(self) -> list[str]:
        """The tab's ``console.error`` messages and uncaught exceptions."""
        return [text for kind, text in self.console if kind in ("error", "pageerror")]

    def load(self, selector: str = ".rnnwidget[data-revision]") -> None:
        """Open the page and wait until `selector` (by default a drawn widget) is on it."""
        self.page.goto(self.server.url)
        try:
            self.page.locator(selector).first.wait_for(timeout=RENDER_TIMEOUT * 1000)
        except PlaywrightError as error:
            raise TimeoutError(
                f"{self.server.host}: no {selector} within {RENDER_TIMEOUT:.0f} s"
            ) from error

    def close(self) -> None:
        self.page.close()

    def report(self) -> str:
        """What the tab logged and fetched, for a failing test's report."""
        console = [f"{kind}: {text}" for kind, text in self.console] or ["(nothing)"]
        external = self.external_requests or ["(none)"]
        return "\n".join(["console:", *console, "requests leaving localhost:", *external])

    def _on_console(self, message: ConsoleMessage) -> None:
        location = message.location
        where = f" ({location['url']}:{location['lineNumber']})" if location.get("url") else ""
        self.console.append((message.type, f"{message.text}{where}"))

    def _on_page_error(self, error: PlaywrightError) -> None:
        self.console.append(("pageerror", error.stack or error.message))

    def _on_request(self, url: str) -> None:
        if not is_local(url) and url not in KNOWN_EXTERNAL[self.server.host]:
            self.external_requests.append(url)


def _empty_stylesheet(route: Route) -> None:
    route.fulfill(status=200, content_type="text/css", body="")
