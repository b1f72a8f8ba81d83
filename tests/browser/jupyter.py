"""Drive a real JupyterLab 4 or Notebook 7 from pytest: a throw-away server and notebook tabs.

`run_server` starts ``jupyter lab`` or ``jupyter notebook`` from this Python environment, so it
finds the lab extensions installed under ``sys.prefix`` (anywidget's, ipywidgets', ours), but with
every *user* directory (home, Jupyter config/data/runtime, IPython, matplotlib, XDG) moved into a
temporary folder: a test run never reads or writes the real home. The server listens on 127.0.0.1
with a free port and a random token, exposes ``window.jupyterapp`` to the page, and logs to a file.

`NotebookPage` is one notebook open in a browser tab. It records what the tab logs to the console
and every request that leaves localhost, runs all cells through the front end's own commands, and
runs extra code in new cells to read the kernel's state back (``nb.python_value("w.value")``).
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import quote, urlsplit

import psutil
from playwright.sync_api import ConsoleMessage, Page
from playwright.sync_api import Error as PlaywrightError

App = Literal["lab", "notebook"]

SERVER_START_TIMEOUT = 60.0  # seconds until /api/status answers
SERVER_STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL
KERNEL_TIMEOUT = 60.0  # seconds for a notebook to open with an idle kernel
RUN_TIMEOUT = 60.0  # seconds for "run all cells" or one extra cell

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# Errors a stock front end throws on every page load, whatever the notebook holds: left out of
# `NotebookPage.console_errors` (a failing test's report still shows them). Notebook 7.6's
# keyboard-shortcut plugin handles another plugin's settings change before its own settings have
# loaded, and reads `.schema` of undefined; JupyterLab 4.6 does not.
KNOWN_FRONT_END_ERRORS: dict[App, tuple[str, ...]] = {
    "lab": (),
    "notebook": ("TypeError: Cannot read properties of undefined (reading 'schema')",),
}

# Per front end: expose `window.jupyterapp` so tests can run its commands; JupyterLab also stops
# fetching news and checking for updates, which would reach the internet from the server.
APP_OPTIONS: dict[App, list[str]] = {
    "lab": [
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ],
    "notebook": ["--JupyterNotebookApp.expose_app_in_browser=True"],
}
APP_MODULES: dict[App, str] = {"lab": "jupyterlab", "notebook": "notebook"}


# --- the server -------------------------------------------------------------------------------


class ServerLog:
    """What a test server wrote to its log file (`log_path`, a field of each server dataclass),
    read back for failure reports."""

    log_path: Path

    def log_since(self, offset: int = 0) -> str:
        """The server log from byte `offset` on."""
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def log_size(self) -> int:
        """The log's current length in bytes, an offset for `log_since`."""
        return self.log_path.stat().st_size


@dataclass(frozen=True)
class JupyterServer(ServerLog):
    """A running Jupyter server, as `run_server` started it."""

    app: App  # "lab" (JupyterLab 4) or "notebook" (Notebook 7)
    url: str  # "http://127.0.0.1:PORT", no trailing slash
    token: str
    root_dir: Path  # what the server shows and the kernels' working directories live under
    pid: int
    log_path: Path  # the server's stdout and stderr

    def notebook_url(self, name: str) -> str:
        """The page that opens notebook `name`, a path relative to `root_dir`."""
        if self.app == "lab":
            # `reset` starts from an empty workspace, so notebooks opened earlier stay closed.
            return f"{self.url}/lab/tree/{quote(name)}?reset&token={self.token}"
        return f"{self.url}/notebooks/{quote(name)}?token={self.token}"

    def add_notebook(self, notebook: Path) -> str:
        """Copy `notebook` into a fresh folder under `root_dir`; return its server path."""
        folder = Path(tempfile.mkdtemp(dir=self.root_dir))
        shutil.copy(notebook, folder / notebook.name)
        return f"{folder.name}/{notebook.name}"

    def api(self, method: str, endpoint: str) -> Any:
        """Call the REST API (`endpoint` like "/api/sessions"); return the decoded JSON or None."""
        request = urllib.request.Request(
            f"{self.url}{endpoint}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self, name: str) -> None:
        """End the sessions (and so the kernels) of notebook `name`."""
        for session in self.api("GET", "/api/sessions"):
            if session["path"] == name:
                self.api("DELETE", f"/api/sessions/{session['id']}")


class ServerError(RuntimeError):
    """The server did not start; the message ends with its log."""


@contextlib.contextmanager
def run_server(app: App, base_dir: Path, *options: str) -> Iterator[JupyterServer]:
    """Run a Jupyter server inside `base_dir` for the duration of the ``with`` block, with
    any extra command-line `options`.

    `base_dir` receives ``root/`` (the server's root directory), ``home/`` (every user directory)
    and ``server.log``. The server and any kernel it left behind are stopped on exit.
    """
    root_dir, home = base_dir / "root", base_dir / "home"
    root_dir.mkdir()
    home.mkdir()
    log_path = base_dir / "server.log"
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        APP_MODULES[app],
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",  # fail rather than listen on a port we don't know
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        *APP_OPTIONS[app],
        *options,
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=root_dir, env=isolated_environment(home), stdout=log, stderr=log
        )
    server = JupyterServer(app, f"http://127.0.0.1:{port}", token, root_dir, process.pid, log_path)
    try:
        wait_until_serving(server, process)
        yield server
    finally:
        stop_process_tree(process)


def isolated_environment(home: Path) -> dict[str, str]:
    """This process's environment with every per-user directory moved under `home`.

    Only the user directories move: Jupyter still searches the environment's own ``sys.prefix``
    paths, where pip installed the lab extensions and the server configuration.
    """
    user_dirs = {
        "HOME": home,
        "JUPYTER_CONFIG_DIR": home / ".jupyter",
        "JUPYTER_DATA_DIR": home / ".local/share/jupyter",
        "JUPYTER_RUNTIME_DIR": home / ".local/share/jupyter/runtime",
        "IPYTHONDIR": home / ".ipython",
        "MPLCONFIGDIR": home / ".config/matplotlib",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local/share",
    }
    return {**os.environ, **{name: str(path) for name, path in user_dirs.items()}}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(server: JupyterServer, process: subprocess.Popen[bytes]) -> None:
    """Poll ``/api/status`` until it answers; raise `ServerError` if the server exits or stalls."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError):  # refused, or not answering yet
            server.api("GET", "/api/status")
            return
        time.sleep(0.1)
    problem = (
        f"exited with code {process.returncode}"
        if process.returncode is not None
        else f"did not answer within {SERVER_START_TIMEOUT:.0f} s"
    )
    raise ServerError(f"jupyter {server.app} {problem}. Its log:\n{server.log_since()}")


def stop_process_tree(process: subprocess.Popen[bytes]) -> None:
    """Stop the server (SIGTERM, then SIGKILL), then any of its kernels still running."""
    children: list[psutil.Process] = []
    with contextlib.suppress(psutil.NoSuchProcess):  # the server may have exited already
        children = psutil.Process(process.pid).children(recursive=True)
    process.terminate()
    try:
        process.wait(SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for child in psutil.wait_procs(children, timeout=SERVER_STOP_TIMEOUT)[1]:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


# --- a notebook in a browser tab --------------------------------------------------------------

# Installed in every tab before the front end loads. Each function finds the notebook by its
# server path, so the same code works in JupyterLab (many documents) and Notebook 7 (one).
HARNESS_JS = """
window.notebookHarness = {
  /** The notebook panel showing `path`, once the front end has opened it. */
  panel(path) {
    const app = window.jupyterapp;
    return app ? [...app.shell.widgets('main')].find((w) => w.context?.path === path) : undefined;
  },

  /** Whether `path` is open and its kernel is connected and idle. */
  isIdle(path) {
    const panel = this.panel(path);
    return Boolean(
      panel?.context.isReady &&
        panel.sessionContext.isReady &&
        panel.sessionContext.session?.kernel?.status === 'idle',
    );
  },

  /** Run a notebook command on `path` and wait for it, for at most `ms` milliseconds. */
  async execute(path, command, ms) {
    window.jupyterapp.shell.activateById(this.panel(path).id);
    const deadline = new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${command} did not finish within ${ms} ms`)), ms),
    );
    return Promise.race([window.jupyterapp.commands.execute(command), deadline]);
  },

  /** The outputs of every cell of `path`, in nbformat's JSON. */
  outputs(path) {
    return this.panel(path).content.widgets.map((cell) => cell.model.outputs?.toJSON() ?? []);
  },

  /** Append a code cell holding `source` to `path`, run it, return its outputs. */
  async runCode(path, source, ms) {
    const notebook = this.panel(path).content;
    notebook.activeCellIndex = notebook.widgets.length - 1;
    await this.execute(path, 'notebook:insert-cell-below', ms);
    const cell = notebook.activeCell;
    cell.model.sharedModel.setSource(source);
    await this.execute(path, 'notebook:run-cell', ms);
    return cell.model.outputs.toJSON();
  },
};
"""

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class CellError(AssertionError):
    """A cell raised an exception in the kernel."""

    def __init__(self, error: dict[str, Any]) -> None:
        traceback = ANSI_ESCAPE.sub("", "\n".join(error["traceback"]))
        super().__init__(f"{error['ename']}: {error['evalue']}\n{traceback}")


@dataclass
class NotebookPage:
    """Notebook `path` of `server`, open in browser tab `page`, with what the tab logged."""

    server: JupyterServer
    path: str  # relative to server.root_dir, as `JupyterServer.add_notebook` returns it
    page: Page
    console: list[tuple[str, str]] = field(default_factory=list, init=False)  # (type, text)
    external_requests: list[str] = field(default_factory=list, init=False)  # not on this machine
    log_offset: int = field(init=False)  # where the server log stood when this tab opened

    def __post_init__(self) -> None:
        self.log_offset = self.server.log_size()
        self.page.add_init_script(HARNESS_JS)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self.page.on("request", lambda request: self._on_request(request.url))
        self.page.on("websocket", lambda socket: self._on_request(socket.url))

    @property
    def console_errors(self) -> list[str]:
        """The tab's ``console.error`` messages and uncaught exceptions, known ones aside."""
        known = KNOWN_FRONT_END_ERRORS[self.server.app]
        return [
            text
            for kind, text in self.console
            if kind in ("error", "pageerror") and not text.startswith(known)
        ]

    def load(self) -> None:
        """Open the notebook and wait until its kernel is connected and idle."""
        self.page.goto(self.server.notebook_url(self.path))
        self._wait_until_idle(KERNEL_TIMEOUT)

    def run_all(self, *, allow_errors: bool = False) -> None:
        """Run every cell, as "Run All Cells" does, and wait for the kernel to be idle again.

        Raises `CellError` for the first cell that raised, unless `allow_errors`.
        """
        self._execute("notebook:run-all-cells")
        self._wait_until_idle(RUN_TIMEOUT)
        if not allow_errors:
            outputs = self.page.evaluate("(path) => notebookHarness.outputs(path)", self.path)
            raise_first_error([output for cell in outputs for output in cell])

    def start_run_all(self) -> None:
        """Start running every cell, as "Run All Cells" does, and return at once: for a notebook
        whose later cells train for minutes while its first widgets are already drawn."""
        self.page.evaluate(
            "([path, command]) => {"
            " window.jupyterapp.shell.activateById(notebookHarness.panel(path).id);"
            " void window.jupyterapp.commands.execute(command); }",
            [self.path, "notebook:run-all-cells"],
        )

    def run_code(self, source: str) -> str:
        """Run `source` in a new cell at the end of the notebook; return what it printed.

        The text is the cell's stdout plus the ``text/plain`` of its result, stripped of
        surrounding whitespace. Raises `CellError` if the cell raised.
        """
        outputs = self.page.evaluate(
            "([path, source, ms]) => notebookHarness.runCode(path, source, ms)",
            [self.path, source, RUN_TIMEOUT * 1000],
        )
        raise_first_error(outputs)
        return "".join(output_text(output) for output in outputs).strip()

    def python_value(self, expression: str) -> Any:
        """The value of a Python literal `expression` (numbers, strings, lists...) in the kernel."""
        return ast.literal_eval(self.run_code(f"print(repr({expression}))"))

    def wait_for_python_value(self, expression: str, expected: Any, timeout: float = 10.0) -> None:
        """Wait until the kernel's `expression` equals `expected`.

        Use it after a browser action: ipywidgets holds back a model's newer state while the
        kernel is still handling its previous message, so one read may see an older value.
        """
        deadline = time.monotonic() + timeout
        while (value := self.python_value(expression)) != expected:
            if time.monotonic() > deadline:
                raise AssertionError(f"{expression} is {value!r}, expected {expected!r}")

    def close(self) -> None:
        """Close the tab and shut down the notebook's kernel."""
        self.page.close()
        self.server.shut_down_kernels(self.path)

    def report(self) -> str:
        """What the tab logged and fetched, for a failing test's report."""
        console = [f"{kind}: {text}" for kind, text in self.console] or ["(nothing)"]
        external = self.external_requests or ["(none)"]
        return "\n".join(["console:", *console, "requests leaving localhost:", *external])

    def _execute(self, command: str) -> None:
        self.page.evaluate(
            "([path, command, ms]) => notebookHarness.execute(path, command, ms)",
            [self.path, command, RUN_TIMEOUT * 1000],
        )

    def _wait_until_idle(self, timeout: float) -> None:
        try:
            self.page.wait_for_function(
                "(path) => notebookHarness.isIdle(path)", arg=self.path, timeout=timeout * 1000
            )
        except PlaywrightError as error:
            raise TimeoutError(
                f"{self.path} did not show an idle kernel within {timeout:.0f} s"
            ) from error

    def _on_console(self, message: ConsoleMessage) -> None:
        location = message.location
        where = f" ({location['url']}:{location['lineNumber']})" if location.get("url") else ""
        self.console.append((message.type, f"{message.text}{where}"))

    def _on_page_error(self, error: PlaywrightError) -> None:
        self.console.append(("pageerror", error.stack or error.message))

    def _on_request(self, url: str) -> None:
        if not is_local(url):
            self.external_requests.append(url)


def set_presentation_mode(page: Page, on: bool) -> None:
    """Turn JupyterLab's presentation mode (View > Presentation Mode) on or off: its command
    toggles the class ``jp-mod-presentationMode`` on the shell."""
    shell = page.locator(".jp-LabShell")
    if ("jp-mod-presentationMode" in (shell.get_attribute("class") or "").split()) != on:
        page.evaluate("window.jupyterapp.commands.execute('application:toggle-presentation-mode')")


def set_theme(page: Page, light: bool) -> None:
    """Switch JupyterLab to its Light or Dark theme and wait until the page wears it: the theme
    is on the body and the splash screen JupyterLab shows while it loads a theme is gone."""
    name = "JupyterLab Light" if light else "JupyterLab Dark"
    page.evaluate(
        "(name) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: name})", name
    )
    page.wait_for_function(
        "(light) => document.body.dataset.jpThemeLight === light &&"
        " !document.getElementById('jupyterlab-splash')",
        arg=str(light).lower(),
    )


class OpenNotebook(Protocol):
    """The `open_notebook` fixture: copy a notebook to a server, open it in a tab, run it."""

    def __call__(
        self,
        server: JupyterServer,
        notebook: Path,
        *,
        allow_errors: bool = False,
        init_script: str | None = None,
    ) -> NotebookPage: ...


def is_local(url: str) -> bool:
    """Whether `url` stays on this machine (data: URLs, and blob: URLs of a local page, do)."""
    scheme, _, rest = url.partition(":")
    if scheme == "data":
        return True
    if scheme == "blob":
        return is_local(rest)
    return urlsplit(url).hostname in LOCAL_HOSTS


def output_text(output: dict[str, Any]) -> str:
    """The printed text of one nbformat output: stdout, or a result's ``text/plain``."""
    if output["output_type"] == "stream" and output["name"] == "stdout":
        return str(output["text"])
    if output["output_type"] == "execute_result":
        return str(output["data"].get("text/plain", ""))
    return ""


def raise_first_error(outputs: list[dict[str, Any]]) -> None:
    """Raise `CellError` for the first ``error`` output among `outputs`."""
    for output in outputs:
        if output["output_type"] == "error":
            raise CellError(output)
