"""What the test suite promises about itself: it measures behaviour, not the machine's speed.

No test asserts how long something took: a test reads a clock only to give up waiting (a
deadline), and code that reads a clock for its behaviour takes one that a test moves
(``TrainingLoop(clock=...)``, ``TextView(clock=...)``). No test sleeps for a fixed time to let
something happen: it polls a condition until a deadline, or in a browser waits for one
(``tests/browser/waits.py``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SOURCES = sorted(TESTS.rglob("*.py"))

CLOCKS = {"monotonic", "perf_counter", "time", "process_time", "thread_time"}
CLOCKS |= {f"{name}_ns" for name in CLOCKS}


def offences(source: str) -> Iterator[tuple[int, str]]:
    """``(line, what)`` for every clock read that is not a deadline's and every fixed sleep in
    ``source``: ``time.sleep`` outside a polling loop, ``asyncio.sleep`` of more than nothing,
    Playwright's ``wait_for_timeout``, and a clock or sleep imported by name."""
    tree = ast.parse(source)
    parent = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("time", "asyncio"):
            for alias in node.names:
                if alias.name in CLOCKS | {"sleep"}:
                    yield node.lineno, f"from {node.module} import {alias.name}"
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, owner = node.func.attr, node.func.value
        module = owner.id if isinstance(owner, ast.Name) else None
        if module == "time" and name in CLOCKS and not _for_a_deadline(node, parent):
            yield node.lineno, f"time.{name}() read for something other than a deadline"
        elif module == "time" and name == "sleep" and not _polling(node, parent):
            yield node.lineno, "time.sleep() outside a loop that polls a condition"
        elif module == "asyncio" and name == "sleep" and not _is_zero(node):
            yield node.lineno, "asyncio.sleep() of more than a turn of the event loop"
        elif name == "wait_for_timeout":
            yield node.lineno, "wait_for_timeout(): wait for a condition instead"


def _for_a_deadline(call: ast.Call, parent: dict[ast.AST, ast.AST]) -> bool:
    """``deadline = clock() + timeout``, or ``clock()`` compared with a deadline."""
    above = parent.get(call)
    if isinstance(above, ast.BinOp) and isinstance(above.op, ast.Add):
        assign = parent.get(above)
        return isinstance(assign, ast.Assign) and all(
            isinstance(target, ast.Name) and target.id.endswith("deadline")
            for target in assign.targets
        )
    if isinstance(above, ast.Compare):
        operands = [above.left, *above.comparators]
        return any(isinstance(n, ast.Name) and n.id.endswith("deadline") for n in operands)
    return False


def _polling(call: ast.Call, parent: dict[ast.AST, ast.AST]) -> bool:
    """Inside a ``while`` loop (of the same function): a poll between two looks at a condition."""
    node = parent.get(call)
    while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if isinstance(node, ast.While):
            return True
        node = parent.get(node)
    return False


def _is_zero(call: ast.Call) -> bool:
    return bool(call.args) and isinstance(call.args[0], ast.Constant) and call.args[0].value == 0


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(TESTS)))
def test_no_test_times_itself_or_sleeps_for_a_fixed_time(path):
    found = [f"{path.name}:{line}: {what}" for line, what in offences(path.read_text())]
    assert found == []


def test_the_rule_catches_a_timing_assertion_and_fixed_sleeps():
    source = """
import time
from time import perf_counter


def test_fast():
    start = time.perf_counter()
    work()
    assert time.perf_counter() - start < 0.1
    time.sleep(0.5)
    page.wait_for_timeout(300)
    began = time.monotonic()
    while time.monotonic() - began < 2.5:
        time.sleep(0.02)


async def test_later():
    await asyncio.sleep(1)


def wait_until(condition):
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("never")
        time.sleep(0.001)
"""
    assert sorted(line for line, _ in offences(source)) == [3, 7, 9, 10, 11, 12, 13, 18]
