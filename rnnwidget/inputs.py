"""The demo inputs under their short name: ``from rnnwidget.inputs import impulse``.

The same functions as :mod:`rnnwidget.cells.inputs`, where they are defined and documented.
"""

from .cells.inputs import *  # noqa: F403
from .cells.inputs import __all__ as __all__
