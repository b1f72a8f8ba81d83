"""What every headless-figure function takes and needs: a frame (or the parameters to compute
one), a scale, and matplotlib.

matplotlib (the ``export`` extra) is imported only when a figure is measured or drawn, through
:func:`require_matplotlib`, so ``import rnnwidget`` never needs it.
"""

from __future__ import annotations

from typing import Any

from .frame import Frame, Params, compute_frame

#: The largest ``scale`` (image pixels per CSS pixel) a figure may be drawn at.
MAX_SCALE = 10.0

EXPORT_HINT = "pip install 'rnnwidget[export]'"


def as_frame(frame: Frame | Params) -> Frame:
    """``frame`` itself, or the frame that :class:`~.frame.Params` compute to."""
    if isinstance(frame, Params):
        return compute_frame(frame)
    if not isinstance(frame, Frame):
        raise TypeError(f"expected a Frame (compute_frame) or Params; got {type(frame)!r}")
    return frame


def check_scale(scale: float) -> None:
    if not (isinstance(scale, (int, float)) and 0 < scale <= MAX_SCALE):
        raise ValueError(f"scale must be a number in (0, {MAX_SCALE:g}]; got {scale!r}")


def require_matplotlib() -> Any:
    """matplotlib, imported on first use, or an ImportError that says how to install it."""
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError(
            f"rnnwidget draws headless figures with matplotlib, which is not installed: "
            f"{EXPORT_HINT}"
        ) from error
    return matplotlib
