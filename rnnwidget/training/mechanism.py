"""The mechanism behind a run's accuracy: the explorer's picture of a trained network.

:func:`network_of` takes a :class:`~.trainer.Trainer`'s weights (as they are now, or as a
snapshot kept them), casts them to float64 (nothing else changes) and pairs them with one fixed
sequence of the task's validation batch, the steps that matter to the task, and the gradient of
the task's own loss through the read-out. The explorer's
:func:`~rnnwidget.explorer.frame.compute_frame` turns that into a frame, so the trainer's
mechanism panels and
:meth:`RNNExplorer.from_trainer <rnnwidget.RNNExplorer.from_trainer>` draw the same numbers with
the same code: h_t (and c_t, the memory gate) and ``log10 |dL/dh_t|`` per unit, and
``||dL/dh_t||`` against t.

The sequence is the validation batch's first (:data:`SEQUENCE`): drawn once from the seed, it is
the same at every step of a run, so what changes from frame to frame is the network alone.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..cells.elman import Array
from ..explorer.frame import Frame, Mark, Network, Params, compute_frame
from .language import NextCharacter
from .readout import Readout
from .trainer import Trainer

__all__ = ["SEQUENCE", "frame_of", "network_of"]

#: Which sequence of the validation batch the mechanism shows (0-based): the first.
SEQUENCE = 0

#: The cell's own weights among a trainer's (the read-out's are ``W_hy`` and ``b_y``).
_READOUT = ("W_hy", "b_y")


def network_of(
    trainer: Trainer,
    step: int | None = None,
    *,
    weights: Mapping[str, Array] | None = None,
) -> Network:
    """The trainer's network on its validation sequence, for the explorer's frame.

    Args:
        trainer: a memory task's trainer (recall or adding; a text has no single sequence to
            show: ``ValueError``).
        step: the snapshot to show (:attr:`Trainer.snapshots`); None for the weights as they
            are now.
        weights: the trainer's weights by name, already read (a copy taken under a training
            loop's lock, or a snapshot's read-only views): then ``step`` only names them.
    """
    if isinstance(trainer.task, NextCharacter):
        raise ValueError(
            "a language model has no single sequence to show: the mechanism panels show the "
            "memory tasks (recall, adding)"
        )
    if weights is None:
        weights = trainer.weights_at(step)
    if step is None:
        step = trainer.steps
    cell = {
        name: np.array(value, dtype=np.float64)
        for name, value in weights.items()
        if name not in _READOUT
    }
    readout = Readout.from_weights(
        np.array(weights["W_hy"], dtype=np.float64),
        np.array(weights["b_y"], dtype=np.float64),
        loss=trainer.task.loss,
    )
    x_all, targets = trainer.validation
    x = np.array(x_all[SEQUENCE], dtype=np.float64)
    target = targets[SEQUENCE : SEQUENCE + 1]

    def loss_gradient(h_T: Array) -> Array:
        _, dy = readout.loss(readout.forward(h_T), target)
        return readout.backward(h_T, dy).h_T

    task = trainer.task
    gain = float(getattr(trainer.rnn, "saturation", 1.0))  # the Elman cell's tanh gain
    name = "recall" if task.loss == "cross_entropy" else "adding"
    setting = f"lag={task.lag}" if hasattr(task, "lag") else f"seq_len={task.timesteps}"
    return Network(
        cell=trainer.cell,
        weights=cell,
        saturation=gain,
        x=x,
        loss_gradient=loss_gradient,
        marks=tuple(Mark(t, label) for t, label in task.marks(x)),
        step=step,
        caption=f"{name} {setting}, step {step}",
        description=(
            f"{_when(step)}, on validation sequence {SEQUENCE + 1}: "
            f"{task.describe(x, targets[SEQUENCE])}."
        ),
    )


def _when(step: int) -> str:
    """Which network: "The untrained network", "The network after 1 training step", ..."""
    if step == 0:
        return "The untrained network (step 0)"
    return f"The network after {step:,} training step{'' if step == 1 else 's'}"


def frame_of(network: Network, params: Params | None = None) -> Frame:
    """The explorer's frame of ``network``: with ``params`` (an explorer's what-if W_hh scale
    and gain), or as trained."""
    return compute_frame(params or params_of(network), network)


def params_of(network: Network) -> Params:
    """The explorer's parameters that show ``network`` as trained: its cell, units, length,
    and for the Elman cell its own spectral radius and gain."""
    radius = network.spectral_radius
    return Params(
        cell=network.cell,
        units=network.units,
        seq_len=int(network.x.shape[0]),
        w_hh_scale=1.0 if radius is None else radius,
        saturation=network.saturation,
    )
