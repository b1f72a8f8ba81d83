"""The drawing surface of the headless figure: :class:`Canvas` puts texts, one-pixel lines
and nearest-neighbour images on a matplotlib :class:`~matplotlib.figure.Figure` at positions
in CSS pixels (top-left origin), the browser's coordinates; and the colours the figure is
drawn in, the live view's light theme (:data:`rnnwidget.geometry.COLOURS`), opaque on white.

matplotlib is imported only when a canvas is made or drawn on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..geometry import COLOURS, GEOMETRY
from .figure_layout import CSS_DPI, FONT, PX_TO_PT, Rect, pixel_edges

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

# The look: the live view's light theme, opaque on white.
BACKGROUND = COLOURS["background"]
PANEL = COLOURS["panel"]  # the band beyond float64's range
TEXT = COLOURS["text"]
MUTED = COLOURS["muted"]
GRID = COLOURS["grid"]
MONO_FONT = "DejaVu Sans Mono"  # the shapes line, in the browser's code font


class Canvas:
    """Draws on a figure in CSS pixels (top-left origin), the browser's coordinates."""

    def __init__(self, figure: Figure, height_css: float, scale: float) -> None:
        from matplotlib.transforms import Affine2D

        self.figure = figure
        self.height_css = height_css
        self.scale = scale
        self.css: Transform = (
            Affine2D().scale(1 / CSS_DPI, -1 / CSS_DPI).translate(0, height_css / CSS_DPI)
            + figure.dpi_scale_trans
        )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float,
        colour: str = TEXT,
        bold: bool = False,
        ha: str = "left",
        va: str = "baseline",
        rotation: float = 0.0,
        family: str = FONT,
        zorder: float = 3,
        over_curves: bool = False,
    ) -> None:
        """``over_curves``: on an outline of the background's colour (``panel.halo``), as the
        browser's ``fillTextOverCurves`` draws a text that a curve may pass under."""
        effects = []
        if over_curves:
            from matplotlib.patheffects import withStroke

            halo = GEOMETRY.panel.halo * PX_TO_PT  # points, as the font size
            effects = [withStroke(linewidth=halo, foreground=BACKGROUND)]
        self.figure.text(
            x,
            y,
            text,
            transform=self.css,
            fontsize=size * PX_TO_PT,
            fontfamily=family,
            fontweight="bold" if bold else "normal",
            color=colour,
            ha=ha,
            va=va,
            rotation=rotation,
            rotation_mode="anchor",
            parse_math=False,  # a "$" in a sentence is a dollar sign
            zorder=zorder,
            path_effects=effects,
        )

    def segments(
        self,
        segments: list[list[tuple[float, float]]],
        colour: str,
        *,
        width: float = GEOMETRY.axis.line_width,
        dash: list[float] | None = None,
    ) -> None:
        """Straight lines (tick marks, grid lines: one pixel wide), snapped to whole pixels;
        ``width`` and ``dash`` (on, off, ... lengths) in CSS pixels."""
        from matplotlib.collections import LineCollection

        if segments:
            lines = LineCollection(
                segments,
                colors=colour,
                linewidths=width * PX_TO_PT,
                linestyles=[(0, [d * PX_TO_PT for d in dash])] if dash else "solid",
                transform=self.css,
                snap=True,
                zorder=2,
            )
            self.figure.add_artist(lines)

    def image(self, rgb: NDArray[np.uint8], rect: Rect) -> None:
        """An RGB image filling ``rect`` (snapped to whole image pixels), first row at the
        top, each of its pixels a block of one colour: nearest-neighbour, no colormap."""
        from matplotlib.image import BboxImage
        from matplotlib.transforms import Bbox, TransformedBbox

        left, top, right, bottom = pixel_edges(rect, self.scale)
        inches = Bbox.from_extents(
            left / self.scale / CSS_DPI,
            (self.height_css - bottom / self.scale) / CSS_DPI,
            right / self.scale / CSS_DPI,
            (self.height_css - top / self.scale) / CSS_DPI,
        )
        image = BboxImage(
            TransformedBbox(inches, self.figure.dpi_scale_trans),
            interpolation="nearest",
            origin="upper",
            resample=False,
            zorder=0,
        )
        image.set_data(rgb)
        self.figure.add_artist(image)

    def clip_box(self, rect: Rect) -> Any:
        """``rect`` as a clip box for an artist (a TransformedBbox in display space)."""
        from matplotlib.transforms import Bbox, TransformedBbox

        return TransformedBbox(
            Bbox.from_extents(rect.x, rect.y, rect.x + rect.width, rect.y + rect.height),
            self.css,
        )
