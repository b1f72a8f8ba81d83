"""The documentation site, built once per test session, for every test that reads it.

A test module asks for it with ``pytest_plugins = ["tests.docs_site"]`` and the ``docs_site``
fixture. The build is the one CONTRIBUTING.md documents, ``sphinx-build -W -b html docs ...``
(warnings are errors), into a temporary folder, with every per-user directory moved there too.
Building runs each lecture notebook in a fresh kernel: a build that fails fails every test that
uses it, with Sphinx's output in the message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The longest a build may take, in seconds: running the eight notebooks takes a few minutes.
BUILD_TIMEOUT = 3600


@dataclass(frozen=True)
class DocsSite:
    """A built site: ``html`` holds its pages, ``doctrees`` Sphinx's cache (with each lesson's
    executed notebook), ``log`` what the build printed."""

    html: Path
    doctrees: Path
    log: str

    def page(self, source: str) -> Path:
        """The page built from ``source``, a path relative to ``docs/`` (``"model.md"``,
        ``"examples/01_the_hidden_state.ipynb"``)."""
        return self.html / Path(source).with_suffix(".html")

    def executed(self, notebook: Path) -> Path:
        """The notebook as the build ran it, outputs included."""
        runs = sorted((self.doctrees / "lessons").glob(f"{notebook.stem}-*/notebook.ipynb"))
        assert len(runs) == 1, f"{notebook.name}: {len(runs)} executed copies in the build"
        return runs[0]


def isolated_environment(home: Path) -> dict[str, str]:
    """This environment, with the per-user directories under ``home`` and this checkout's
    rnnwidget first on the path (the kernels that run the notebooks inherit both)."""
    home.mkdir(parents=True, exist_ok=True)
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    moved = {
        "HOME": home,
        "IPYTHONDIR": home / ".ipython",
        "JUPYTER_CONFIG_DIR": home / ".jupyter",
        "JUPYTER_DATA_DIR": home / ".local/share/jupyter",
        "JUPYTER_RUNTIME_DIR": home / ".local/share/jupyter/runtime",
        "MPLCONFIGDIR": home / ".config/matplotlib",
        "XDG_CACHE_HOME": home / ".cache",
    }
    return {
        **os.environ,
        **{name: str(path) for name, path in moved.items()},
        "PYTHONPATH": os.pathsep.join(paths),
        "MPLBACKEND": "Agg",
    }


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str]:
    """:func:`isolated_environment` in this test's temporary folder."""
    return isolated_environment(tmp_path / "home")


@pytest.fixture(scope="session")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> DocsSite:
    """The site, built with warnings as errors."""
    folder = tmp_path_factory.mktemp("docs-site")
    html, doctrees = folder / "html", folder / "doctrees"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            # Plain words whatever the terminal: a CI that forces colour would otherwise wrap
            # "build succeeded." in escape codes.
            "--no-color",
            "-b",
            "html",
            "-d",
            str(doctrees),
            "docs",
            str(html),
        ],
        cwd=ROOT,
        env=isolated_environment(folder / "home"),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    log = build.stdout + build.stderr
    if build.returncode != 0:
        pytest.fail(f"sphinx-build failed ({build.returncode}):\n{log}", pytrace=False)
    return DocsSite(html=html, doctrees=doctrees, log=log)
