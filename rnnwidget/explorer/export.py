"""The headless figure as a file: :func:`save` writes the explorer's picture as a ``.png`` or
an ``.svg`` (:data:`SUFFIXES`), drawn by :mod:`.drawing`.

Lecturers regenerate slide figures from a script, a CI job or ``jupyter nbconvert --execute``::

    from rnnwidget.explorer.export import save
    from rnnwidget.explorer.frame import Params, compute_frame

    save(compute_frame(Params(w_hh_scale=1.2, seq_len=200, units=64)), "exploding.png")

``RNNExplorer.save_png`` and ``save_svg`` write through it too. Needs the ``export`` extra
(matplotlib, Pillow): ``pip install 'rnnwidget[export]'``.
"""

from __future__ import annotations

import os
from pathlib import Path

from .._files import write_atomically
from .drawing import render_png, render_svg
from .figure_inputs import check_scale
from .frame import Frame, Params

__all__ = ["SUFFIXES", "save"]

#: The file types :func:`save` writes, by suffix.
SUFFIXES = (".png", ".svg")


def save(
    frame: Frame | Params,
    path: str | os.PathLike[str],
    *,
    palette: str = "standard",
    scale: float = 2.0,
) -> Path:
    """Draw ``frame`` and write it to ``path``, a ``.png`` (:func:`.drawing.render_png`, at
    ``scale``) or an ``.svg`` (:func:`.drawing.render_svg`; ``scale`` does not apply); returns
    the path.

    The figure is drawn in memory first and written to a temporary file in the same folder,
    which then replaces ``path`` in one step: ``path`` is either the whole new figure or
    untouched, never half-written, and no temporary file is left behind. An unknown suffix is
    a ``ValueError``, a missing folder a ``FileNotFoundError``, an unwritable place a
    ``PermissionError`` (or another ``OSError``, e.g. ``IsADirectoryError`` when ``path`` is a
    folder), each naming the path.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"cannot save the figure to {str(target)!r}: the file name must end in "
            f"{' or '.join(SUFFIXES)} (got {target.suffix or 'no suffix'!r})"
        )
    if suffix == ".png":
        data = render_png(frame, palette=palette, scale=scale)
    else:
        check_scale(scale)
        data = render_svg(frame, palette=palette).encode("utf-8")
    return write_atomically(target, data, what="figure")
