"""rnnwidget: see how a recurrent neural network keeps memory over time, and why its gradients
vanish or explode.

The package, by job: :mod:`rnnwidget.cells` (the recurrent cells in numpy, their diagnostics and
demo inputs), :mod:`rnnwidget.explorer` (RNNExplorer and the ways its picture leaves the
notebook), :mod:`rnnwidget.training` (tasks, optimizers, the trainer, RNNTrainer, the sweep).
``rnnwidget.options`` holds the defaults of every widget created from now on
(``rnnwidget.options.presentation = True``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import diagnostics, inputs
from ._options import options
from ._version import __version__
from .cells.elman import Grads, SimpleRNN, Trace
from .cells.gru import GRU
from .cells.loaders import from_keras, from_torch
from .cells.lstm import LSTM
from .training.sweep import sweep  # numpy only; bound here, so `rnnwidget.sweep` is the function

if TYPE_CHECKING:
    from .explorer.comparison import compare
    from .explorer.widget import RNNExplorer
    from .training.widget import RNNTrainer

__all__ = [
    "GRU", "LSTM", "Grads", "RNNExplorer", "RNNTrainer", "SimpleRNN", "Trace", "__version__",
    "compare", "diagnostics", "from_keras", "from_torch", "inputs", "options", "sweep",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    # The widgets import anywidget, ipywidgets and IPython (~0.4 s). Loading them on first use
    # keeps `import rnnwidget.server_extension` light in every Jupyter server's start-up.
    if name == "RNNExplorer":
        from .explorer.widget import RNNExplorer

        return RNNExplorer
    if name == "compare":
        from .explorer.comparison import compare

        return compare
    if name == "RNNTrainer":
        from .training.widget import RNNTrainer

        return RNNTrainer
    raise AttributeError(f"module 'rnnwidget' has no attribute {name!r}")
