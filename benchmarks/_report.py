"""What every benchmark prints: one line naming the run, then Markdown tables.

The Figures page (docs/benchmarks.md) is pasted from this output, so each table there says
where, when and how it was measured: the command, the machine (``BENCH_MACHINE`` names it, else
its host name) and its CPU, the date, and the versions that matter. Every absolute time stands
beside its ratio to an anchor measured in the same run (PyTorch on the same work, the bare
anywidget that is the floor of any kernel-backed picture, ...): a ratio carries from one machine
to another far better than a time does.

    print(run_line(torch=torch.__version__))
    table = Table("forward + BPTT, 200 steps (ms)", ["cell", "numpy", "PyTorch", "ratio"])
    table.add("LSTM", number(1.44), number(14.6), ratio(1.44, 14.6))
    print(table)
"""

from __future__ import annotations

import datetime
import os
import platform
import shlex
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["Table", "cpu_model", "machine", "number", "ratio", "run_line"]


def machine() -> str:
    """The machine's name: ``BENCH_MACHINE`` if set, else the host name."""
    return os.environ.get("BENCH_MACHINE") or platform.node() or "unnamed"


def cpu_model() -> str:
    """The processor's model name as the kernel reports it, and the number of CPUs."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} CPUs"


def command() -> str:
    """The command that ran this script, as typed from the repository's root."""
    script = Path(sys.argv[0]).resolve()
    shown = script.relative_to(ROOT) if script.is_relative_to(ROOT) else script
    return shlex.join(["python", str(shown), *sys.argv[1:]])


def run_line(**versions: str) -> str:
    """The line above every table: command, machine, CPU, date, and the versions that matter
    (Python and numpy always, plus ``versions``, e.g. ``torch=torch.__version__``)."""
    found = {"Python": platform.python_version(), "numpy": np.__version__, **versions}
    libraries = ", ".join(f"{name} {version}" for name, version in found.items())
    date = datetime.date.today().isoformat()
    return f"`{command()}` · {machine()} ({cpu_model()}) · {date} · {libraries}"


def number(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant figures, never in exponent form: 0.342, 14.6, 1100."""
    if value == 0 or not np.isfinite(value):
        return f"{value:g}"
    places = max(0, digits - 1 - int(np.floor(np.log10(abs(value)))))
    return f"{value:.{places}f}"


def ratio(value: float, anchor: float) -> str:
    """``value / anchor`` to two decimals, followed by a multiplication sign."""
    return f"{value / anchor:.2f}\N{MULTIPLICATION SIGN}"


class Table:
    """A Markdown table under a caption line; text columns align left, the others right."""

    def __init__(self, caption: str, columns: list[str], *, text_columns: int = 1) -> None:
        self.caption = caption
        self.columns = columns
        self.text_columns = text_columns
        self.rows: list[list[str]] = []

    def add(self, *cells: object) -> None:
        """One row, a cell per column, each printed as ``str(cell)``."""
        if len(cells) != len(self.columns):
            raise ValueError(f"a row needs {len(self.columns)} cells; got {len(cells)}")
        self.rows.append([str(cell) for cell in cells])

    def __str__(self) -> str:
        rule = ["---" if i < self.text_columns else "---:" for i in range(len(self.columns))]
        lines = [self.caption, "", _row(self.columns), _row(rule)]
        lines += [_row(row) for row in self.rows]
        return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
