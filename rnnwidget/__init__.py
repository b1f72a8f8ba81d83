"""rnnwidget: see how a recurrent neural network keeps memory over time, and why its gradients
vanish or explode."""

from ._version import __version__
from .model import Grads, SimpleRNN, Trace

__all__ = ["Grads", "SimpleRNN", "Trace", "__version__"]
