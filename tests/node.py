"""The browser's JavaScript run in Node on cases Python makes, its answers read back.

The tests that hold the browser's code to the kernel's make their cases in Python at test time
and run the browser's modules on them in one Node process, in one of two ways:

- a runner, ``node tests/<runner> cases.json results.json``, reads the cases from one file and
  writes its results to another (:func:`run_runner`): for the large grids, kept in the test's
  folder so that a failing run can be repeated by hand;
- a script, a test's own ES module text run with ``node --input-type=module -e``, reads its data
  as JSON on stdin and prints its answer as JSON (:func:`run_script`).

Either way Node loads tests/import_hooks.mjs first (``node --import``), so that the browser's
modules import their JSON (geometry, colour tables, templates) and their WebAssembly (the twin's
matrix-vector product) as the bundler lets them; a run that fails raises an AssertionError
carrying the command and what Node wrote to stderr.

The wire: a numpy array crosses as ``{"f8": base64}`` of its float64 little-endian bytes in C
order, both ways (:func:`encode` here, ``decode`` of tests/f8.mjs in Node; a runner's
Float64Array back, :func:`decode`), so every number arrives bit for bit, -0.0 and -inf included;
of a (T, U) array the runner receives the T * U numbers, row by row. A lone float JSON has no
word for (inf, nan) goes to Node as ``{"num": repr(x)}`` (:func:`num`).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
#: The loader hooks every run starts with: the browser's modules import their JSON and their
#: WebAssembly through them.
IMPORT_HOOKS = ROOT / "tests" / "import_hooks.mjs"


def encode(value: Any) -> Any:
    """``value`` as the runners read it: every numpy array in it, however deep in dicts, lists
    and tuples, as ``{"f8": base64}`` of its float64 little-endian bytes in C order."""
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value, dtype="<f8")
        return {"f8": base64.b64encode(data.tobytes()).decode("ascii")}
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def decode(value: Any) -> Any:
    """``value`` as the runners wrote it, with every ``{"f8": base64}`` in it, however deep, a
    flat float64 array of shape ``(n,)`` (the runner's Float64Array, bit for bit)."""
    if isinstance(value, dict) and "f8" in value:
        return np.frombuffer(base64.b64decode(value["f8"]), dtype="<f8")
    if isinstance(value, dict):
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def num(value: float) -> dict[str, str]:
    """A float, exactly, as the runners read it: ``{"num": repr(value)}``, inf and nan included
    (JSON has no words for them)."""
    return {"num": repr(float(value))}


def run_runner(runner: str, cases: Any, folder: Path) -> Any:
    """The results ``tests/<runner>`` writes for ``cases``: the cases encoded (:func:`encode`)
    into ``folder/cases.json``, the results read back from ``folder/results.json``, decoded
    (:func:`decode`)."""
    path, results = folder / "cases.json", folder / "results.json"
    path.write_text(json.dumps(encode(cases)), "utf-8")
    _node([f"tests/{runner}", str(path), str(results)])
    return decode(json.loads(results.read_text("utf-8")))


def run_script(script: str, data: Any = None, argv: Sequence[str] = ()) -> Any:
    """What ``script``, an ES module run from the checkout's root with ``argv`` after it, prints
    as JSON, decoded (:func:`decode`); on its stdin, ``data`` encoded (:func:`encode`) as JSON,
    unless None."""
    stdin = None if data is None else json.dumps(encode(data))
    return decode(json.loads(_node(list(argv), stdin, script)))


def _node(args: list[str], stdin: str | None = None, script: str | None = None) -> str:
    """Node's stdout for ``node --import tests/import_hooks.mjs *args`` (with ``script``:
    ``... --input-type=module -e script *args``), run in the checkout's root."""
    node = shutil.which("node")
    assert node, "Node.js is needed to run the browser's code"
    module = [] if script is None else ["--input-type=module", "-e", script]
    result = subprocess.run(
        [node, "--import", IMPORT_HOOKS.as_uri(), *module, *args],
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        shown = [*module[:2], "<script>"] if module else []  # the script's text is the test's
        command = " ".join(["node --import tests/import_hooks.mjs", *shown, *args])
        raise AssertionError(
            f"{command} (in {ROOT}) exited with status {result.returncode}; "
            f"Node's stderr:\n{result.stderr}"
        )
    return result.stdout
