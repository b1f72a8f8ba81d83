"""The knobs both widgets show, each written once: its range, step, label, option words and the
sentence that explains it. A widget adds what differs for it (a default, a note on what a change
does) and nothing else, so the explorer's and the trainer's W_hh scale cannot disagree."""

from __future__ import annotations

from ._traits import BoundedFloat, BoundedInt, Choice
from .cells._base import CELLS, INITS

__all__ = ["cell", "gate_init", "saturation", "seed", "units", "w_hh_scale"]


def cell(default: str = "elman", *, note: str = "") -> Choice:
    """Which recurrent cell."""
    return Choice(
        CELLS,
        default,
        help="The recurrent cell. Elman: h_t = tanh(W_hh h_{t-1} + W_xh x_t + b), a memory that "
        "W_hh shrinks or stretches every step. LSTM and GRU: a gate (the LSTM's forget gate f, "
        "the GRU's update gate z) chooses what to keep, and an open gate carries memory and "
        "gradient over many steps." + note,
    ).tag(
        sync=True, label="Cell", labels={"elman": "Elman (SimpleRNN)", "lstm": "LSTM", "gru": "GRU"}
    )


def gate_init(default: str = "chrono", *, note: str = "") -> Choice:
    """How a gated cell's memory gate starts (:func:`rnnwidget.cells._base.memory_bias`)."""
    return Choice(
        INITS,
        default,
        help="LSTM and GRU: how the bias of the gate that keeps the memory (forget gate f, "
        'update gate z) starts. "chrono": spread so that the units remember from 1 to 200 '
        'steps; "constant": bias 1, every unit keeps about 73% per step, so 0.73^k after k '
        "steps." + note,
    ).tag(
        sync=True,
        label="Memory gate init",
        labels={"chrono": "Chrono (1-200 steps)", "constant": "Constant bias 1"},
    )


def w_hh_scale(default: float, *, help: str) -> BoundedFloat:
    """The Elman cell's W_hh scale: its spectral radius, 0 to 3."""
    return BoundedFloat(default, 0.0, 3.0, help=help).tag(
        sync=True, label="W_hh scale", step=0.01, digits=2
    )


def saturation(default: float, *, help: str) -> BoundedFloat:
    """The Elman cell's tanh gain g, 0.1 to 5."""
    return BoundedFloat(default, 0.1, 5.0, help=help).tag(
        sync=True, label="tanh gain", step=0.05, digits=2
    )


def units(default: int, high: int, *, note: str = "") -> BoundedInt:
    """The size of the hidden state, 1 to ``high`` (a widget's own ceiling for speed)."""
    return BoundedInt(default, 1, high, help="Size of the hidden state h_t." + note).tag(
        sync=True, label="Hidden units"
    )


def seed(*, help: str) -> BoundedInt:
    """A seed, 0 to 2**32 - 1 (numpy's), in a number box."""
    return BoundedInt(0, 0, 2**32 - 1, help=help).tag(sync=True, label="Seed", entry="number")
