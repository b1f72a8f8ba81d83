"""The recurrent cells in numpy, with exact backpropagation through time.

- :mod:`~rnnwidget.cells.elman`: :class:`SimpleRNN`, the Elman cell ``h_t = tanh(g (W_hh h_{t-1}
  + W_xh x_t + b))``, its forward :class:`Trace` and its :class:`Grads`.
- :mod:`~rnnwidget.cells.diagnostics`: what the lecture measures on them (spectral radius,
  gradient norms in log space at any magnitude, saturation).
- :mod:`~rnnwidget.cells.inputs`: the demo sequences (impulse, noise, sine, a sentence).
"""

from .elman import Grads, SimpleRNN, Trace

__all__ = ["Grads", "SimpleRNN", "Trace"]
