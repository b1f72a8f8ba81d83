"""Defaults for every widget this kernel creates from now on: ``rnnwidget.options``.

>>> import rnnwidget
>>> rnnwidget.options.presentation = True   # at the top of a lecture notebook

Each widget takes its own value of a view option from here when it is created, so one line
sets the whole notebook (Voila and marimo included) while a keyword still decides for one
widget: ``RNNExplorer(presentation=False)``. Widgets that already exist keep their value.
"""

from __future__ import annotations

import traitlets

from ._traits import Toggle

__all__ = ["Options", "options"]


class Options(traitlets.HasTraits):
    """The kernel's defaults for the widgets' view options, validated as the widgets' own."""

    presentation = Toggle(
        False,
        help="Presentation for every widget created from now on: text of at least 16 px on "
        "canvases and controls alike, larger panels, the settings folded away. The view also "
        "presents while JupyterLab's View > Presentation Mode or the page's Presentation "
        "switch (in any rnnwidget view) is on.",
    )

    def __repr__(self) -> str:
        return f"Options(presentation={self.presentation!r})"


#: The one instance: ``rnnwidget.options.presentation = True``.
options = Options()
