"""What a lecture measures on an RNN, under its short name:
``from rnnwidget.diagnostics import log10_gradients``.

The same names as :mod:`rnnwidget.cells.diagnostics`, where they are defined and documented.
"""

from .cells.diagnostics import *  # noqa: F403
from .cells.diagnostics import __all__ as __all__
