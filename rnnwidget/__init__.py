"""rnnwidget: see how a recurrent neural network keeps memory over time, and why its gradients
vanish or explode."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .model import Grads, SimpleRNN, Trace
from .sweep import sweep  # numpy only; bound here, so `rnnwidget.sweep` is never the module

if TYPE_CHECKING:
    from .comparison import compare
    from .trainer_widget import RNNTrainer
    from .widget import RNNExplorer

__all__ = [
    "Grads", "RNNExplorer", "RNNTrainer", "SimpleRNN", "Trace", "__version__", "compare", "sweep",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    # The widget imports anywidget, ipywidgets and IPython (~0.4 s). Loading it on first use
    # keeps `import rnnwidget.server_extension` light in every Jupyter server's start-up.
    if name == "RNNExplorer":
        from .widget import RNNExplorer

        return RNNExplorer
    if name == "compare":
        from .comparison import compare

        return compare
    if name == "RNNTrainer":  # the training widget: anywidget too, so loaded on first use
        from .trainer_widget import RNNTrainer

        return RNNTrainer
    raise AttributeError(f"module 'rnnwidget' has no attribute {name!r}")
