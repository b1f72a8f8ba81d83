"""Training an RNN on a memory task with its own exact BPTT.

- :mod:`.tasks` (what to remember), :mod:`.readout` (the linear layer on the last state and its
  loss), :mod:`.optim` (SGD, Adam, norm clipping), :mod:`.trainer` (:class:`Trainer`: one step is
  forward, BPTT, clipping and an update), :mod:`.sweep` (a grid of short runs);
- :mod:`.loop` (the background thread that trains live) and :mod:`.widget` (:class:`RNNTrainer`).
"""

from .trainer import Evaluation, History, StepRecord, Trainer, TrainingDiverged

__all__ = ["Evaluation", "History", "StepRecord", "Trainer", "TrainingDiverged"]
