"""Fixtures for browser tests: Debian's Chromium, JupyterLab 4, Notebook 7, and notebooks in tabs.

Each server and the browser start once per session. A test opens a notebook with
``nb = open_notebook(lab_server, path)``: the notebook runs top to bottom in a new tab, which is
closed (and its kernel shut down) after the test. When a test fails, its report shows what each
of its tabs logged to the console and what the server logged meanwhile.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Protocol

import pytest
from playwright.sync_api import BrowserContext, sync_playwright

from .hosts import Host, HostPage, run_marimo, run_voila
from .jupyter import JupyterServer, NotebookPage, OpenNotebook, isolated_environment, run_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

OPENED = pytest.StashKey[list[NotebookPage]]()
HOST_PAGES = pytest.StashKey[list[HostPage]]()


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """A headless Debian Chromium with a fresh profile, a 1400 by 1000 viewport at device scale 2.

    Its home is a temporary folder too: Chromium writes crash reports and caches under ``$HOME``.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing; install Debian chromium: apt-get install -y chromium",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            env=isolated_environment(tmp_path_factory.mktemp("chromium-home")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
            device_scale_factor=2,
            accept_downloads=True,
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """JupyterLab 4, serving a temporary root directory."""
    with run_server("lab", tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="session")
def notebook7_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """Notebook 7, serving a temporary root directory."""
    with run_server("notebook", tmp_path_factory.mktemp("notebook7")) as server:
        yield server


@pytest.fixture(params=["lab", "notebook7"])
def server(request: pytest.FixtureRequest) -> JupyterServer:
    """Each front end in turn, for a test that must hold in both: JupyterLab 4, then Notebook 7."""
    server: JupyterServer = request.getfixturevalue(f"{request.param}_server")
    return server


@pytest.fixture
def open_notebook(
    chromium: BrowserContext, request: pytest.FixtureRequest
) -> Iterator[OpenNotebook]:
    """Open a notebook file in a new tab and run all its cells: ``open_notebook(server, path)``.

    The notebook is copied into a fresh folder on the server first, so tests never share one.
    Raises `CellError` if a cell raised, unless ``allow_errors=True``. ``init_script`` runs in
    the tab before the front end loads (to record what the page draws from the first frame).
    """
    opened = request.node.stash.setdefault(OPENED, [])

    def open_(
        server: JupyterServer,
        notebook: Path,
        *,
        allow_errors: bool = False,
        init_script: str | None = None,
    ) -> NotebookPage:
        nb = NotebookPage(server, server.add_notebook(notebook), chromium.new_page())
        opened.append(nb)  # before loading, so a failure to load is reported with the tab's logs
        if init_script is not None:
            nb.page.add_init_script(init_script)
        nb.load()
        nb.run_all(allow_errors=allow_errors)
        return nb

    yield open_
    for nb in opened:
        nb.close()


class OpenHost(Protocol):
    """The `open_host` fixture: serve an app or notebook, open its page, wait for a widget."""

    def __call__(self, host: Host, path: Path, **env: str) -> HostPage: ...


@pytest.fixture
def open_host(
    chromium: BrowserContext,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[OpenHost]:
    """Serve a marimo app or a Voila notebook and open it: ``open_host("marimo", app_py)``.

    Each call starts its own server (with extra environment variables `env`, such as
    PYTHONHASHSEED) and waits until the page shows a drawn widget. Tabs and servers stop after
    the test, by PID.
    """
    opened = request.node.stash.setdefault(HOST_PAGES, [])
    with contextlib.ExitStack() as stack:

        def open_(host: Host, path: Path, **env: str) -> HostPage:
            run = run_marimo if host == "marimo" else run_voila
            server = stack.enter_context(run(path, tmp_path_factory.mktemp(host), **env))
            page = HostPage(server, chromium.new_page())
            opened.append(page)  # before loading, so a failure to load is reported with its logs
            stack.callback(page.close)
            page.load()
            return page

        yield open_


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Add each opened tab's console and its server's log to a failure's report."""
    report: pytest.TestReport = yield
    if report.failed:
        for nb in item.stash.get(OPENED, []):
            report.sections.append((f"{nb.server.app} tab {nb.path}", nb.report()))
            report.sections.append(
                (f"{nb.server.app} server log since then", nb.server.log_since(nb.log_offset))
            )
        for page in item.stash.get(HOST_PAGES, []):
            report.sections.append((f"{page.server.host} tab {page.server.url}", page.report()))
            report.sections.append((f"{page.server.host} server log", page.server.log_since()))
    return report
