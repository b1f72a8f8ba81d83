"""rnnwidget: see how a recurrent neural network keeps memory over time, and why its gradients
vanish or explode."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .model import Grads, SimpleRNN, Trace

if TYPE_CHECKING:
    from .comparison import compare
    from .widget import RNNExplorer

__all__ = ["Grads", "RNNExplorer", "SimpleRNN", "Trace", "__version__", "compare"]


def __getattr__(name: str) -> Any:
    # The widget imports anywidget, ipywidgets and IPython (~0.4 s). Loading it on first use
    # keeps `import rnnwidget.server_extension` light in every Jupyter server's start-up.
    if name == "RNNExplorer":
        from .widget import RNNExplorer

        return RNNExplorer
    if name == "compare":
        from .comparison import compare

        return compare
    raise AttributeError(f"module 'rnnwidget' has no attribute {name!r}")
