"""The picture in the widget's display bundle, for places where no kernel runs.

As matplotlib's ipympl does, the bundle of ``display(w)`` carries an ``image/png`` of the view
beside the widget view itself. A live JupyterLab shows the widget; GitHub, nbviewer,
``jupyter nbconvert --to html`` and other readers that cannot run it show the picture. It is
drawn by the headless renderer (:func:`.drawing.render_png`, the one ``save_png`` uses)
at scale 1, and shows the view as it was when it was displayed.

matplotlib comes with the ``export`` extra (and the ``lab`` one). Without it the picture is
left out, silently: displaying a widget must never fail or warn for want of a preview.
"""

from __future__ import annotations

import base64

from .frame import Frame

__all__ = ["SCALE", "png_base64"]

#: The picture's size: the view's layout at one image pixel per CSS pixel.
SCALE = 1.0


def png_base64(frame: Frame) -> str | None:
    """The picture of ``frame`` as base64 PNG text (what a display bundle's ``image/png``
    holds), or None where matplotlib is not installed."""
    from . import drawing  # imports without matplotlib; render_png needs it

    try:
        png = drawing.render_png(frame, scale=SCALE)
    except ImportError:
        return None
    return base64.b64encode(png).decode("ascii")
