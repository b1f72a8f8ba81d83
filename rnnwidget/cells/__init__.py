"""The recurrent cells in numpy, with exact backpropagation through time.

Each cell has the same protocol (:class:`~rnnwidget.cells._base.Cell`): ``forward(x, ...)``
returns a trace of every state, ``backward(trace, dh, ...)`` the gradients, ``__call__`` answers
as Keras's layer does, and BPTT's pieces are public: ``slopes(trace)`` (every local derivative),
``step_back(slopes_t, d, dz)`` (one step of the chain rule) and ``input_gradient(dz)``.

- :mod:`~rnnwidget.cells.elman`: :class:`SimpleRNN`, the Elman cell ``h_t = tanh(g (W_hh h_{t-1}
  + W_xh x_t + b))``, its forward :class:`Trace` and its :class:`Grads`.
- :mod:`~rnnwidget.cells.lstm`: :class:`LSTM`, PyTorch's equations and layout, chrono
  initialisation by default.
- :mod:`~rnnwidget.cells.gru`: :class:`GRU`, likewise.
- :mod:`~rnnwidget.cells.loaders`: :func:`from_torch` and :func:`from_keras`, a trained layer as
  a numpy cell.
- :mod:`~rnnwidget.cells.log_gradients`: the total gradients of any cell in base-10 logarithms,
  exact at any magnitude, by the cells' own ``step_back``: one recursion for the diagnostics,
  the explorer and the trainer.
- :mod:`~rnnwidget.cells.diagnostics`: what the lecture measures on them (spectral radius,
  gradient norms in log space at any magnitude, saturation); :mod:`~rnnwidget.cells.gates` the
  same for the gated cells (gradient norms on h and c, how open each gate is).
- :mod:`~rnnwidget.cells.inputs`: the demo sequences (impulse, noise, sine, a sentence).
"""

from .elman import Grads, SimpleRNN, Slopes, Trace
from .gru import GRU, GRUGrads, GRUSlopes, GRUTrace
from .loaders import from_keras, from_torch
from .lstm import LSTM, LSTMGrads, LSTMSlopes, LSTMTrace

__all__ = [
    "GRU",
    "LSTM",
    "GRUGrads",
    "GRUSlopes",
    "GRUTrace",
    "Grads",
    "LSTMGrads",
    "LSTMSlopes",
    "LSTMTrace",
    "SimpleRNN",
    "Slopes",
    "Trace",
    "from_keras",
    "from_torch",
]
