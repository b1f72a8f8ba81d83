"""One lesson in light and dark: the colour tables the browser makes for the background a heatmap
is drawn on (``js/common/colormaps.js``, run here with Node) read the same run the same way on
white, on JupyterLab's dark theme and on other hosts' backgrounds. Colours are measured with the
tests' own CIELAB (:mod:`tests.cielab`); the browser's real pixels in JupyterLab's two themes are
checked in ``tests/browser/test_themes.py``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from rnnwidget.colormaps import PALETTES, colour_index, table
from rnnwidget.explorer.frame import Params, compute_frame
from rnnwidget.geometry import GEOMETRY

from .cielab import JUST_NOTICEABLE, delta_e, lab
from .node import run_script
from .test_render import ROOT, run_js

WHITE = GEOMETRY.colours.background
# JupyterLab Dark's panels (--jp-layout-color0) and boxes (--jp-layout-color1), VS Code's and the
# standalone page's dark, pure black, and two light backgrounds that are not white.
DARK = ("#111111", "#212121", "#1e1e1e", "#000000")
LIGHT = ("#f5f5f5", "#fdf6e3")
BACKGROUNDS = (WHITE, *DARK, *LIGHT)
ROLES = ("diverging", "sequential")

TABLES_SCRIPT = """
const { colourTable, SEQUENTIAL_MIN_DELTA_E } = await import(data.colormaps);
const { toLab } = await import(data.colour);
const tables = {};
for (const [palette, role, background] of data.cases) {
  tables[`${palette} ${role} ${background}`] = colourTable(palette, role, background);
}
print({
  tables,
  floor: SEQUENTIAL_MIN_DELTA_E,
  labs: data.colours.map(toLab),
  cached: colourTable("standard", "diverging", "#111111") ===
    colourTable("standard", "diverging", "rgb(17, 17, 17)"),
  light: colourTable("standard", "diverging") === colourTable("standard", "diverging", "#ffffff"),
});
"""

RNG_COLOURS = np.random.default_rng(7).integers(0, 256, size=(64, 3))


@pytest.fixture(scope="module")
def made() -> dict[str, Any]:
    """What the browser's module makes for every palette, role and background."""
    cases = [[p, r, bg] for p in PALETTES for r in ROLES for bg in BACKGROUNDS]
    return run_js(
        TABLES_SCRIPT,
        {
            "colormaps": str(ROOT / "js" / "common" / "colormaps.js"),
            "colour": str(ROOT / "js" / "common" / "colour.js"),
            "cases": cases,
            "colours": RNG_COLOURS.tolist(),
        },
    )


def rgb(colour: str) -> NDArray[np.int64]:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])


def rows(made: dict[str, Any], palette: str, role: str, background: str) -> NDArray[np.int64]:
    return np.array(made["tables"][f"{palette} {role} {background}"])


def test_the_light_theme_draws_the_tables_of_the_file(made):
    # The light theme, the headless figure and a snapshot colour every value alike.
    for palette in PALETTES:
        for role in ROLES:
            assert (rows(made, palette, role, WHITE) == table(palette, role)).all()
    assert made["light"]  # no background given: the light theme's
    assert made["cached"]  # one array per background, however it is written


def test_the_front_ends_cielab_is_the_tests(made):
    assert np.allclose(made["labs"], lab(RNG_COLOURS), atol=1e-6)


@pytest.mark.parametrize("background", BACKGROUNDS)
@pytest.mark.parametrize("palette", PALETTES)
def test_zero_is_the_background(made, palette, background):
    diverging = rows(made, palette, "diverging", background)
    zero = int(colour_index(0.0, -1.0, 1.0))
    assert (diverging[zero] == rgb(background)).all()
    # the two rows around 0 (±1/255) are not noticeably different from it either
    assert delta_e(diverging[zero - 1 : zero + 1], rgb(background)).max() < 1.0


@pytest.mark.parametrize("background", DARK[:3] + LIGHT)
@pytest.mark.parametrize("palette", PALETTES)
def test_each_value_stands_as_far_from_the_background_as_on_white(made, palette, background):
    on_white = delta_e(table(palette, "diverging"), rgb(WHITE))
    here = delta_e(rows(made, palette, "diverging", background), rgb(background))
    # Where a state fades out of view (and well beyond) the difference is the same, to the
    # rounding of bytes; where a screen cannot show as colourful a colour, not much less.
    faint = on_white <= 15
    assert np.abs(here - on_white)[faint].max() <= 0.75
    seen = on_white > 5
    ratio = here[seen] / on_white[seen]
    assert ratio.min() >= 0.65
    assert ratio.max() <= 1.1
    # The ends, an impulse or a saturated unit, stand out on every background.
    assert (here[[0, -1]] >= 0.75 * on_white[[0, -1]]).all()
    assert here[[0, -1]].min() > 60


@pytest.mark.parametrize("background", DARK + LIGHT)
@pytest.mark.parametrize("palette", PALETTES)
def test_contrast_grows_with_the_value_smoothly_and_keeps_each_signs_hue(made, palette, background):
    light = table(palette, "diverging")
    diverging = rows(made, palette, "diverging", background)
    here = delta_e(diverging, rgb(background))
    zero = int(colour_index(0.0, -1.0, 1.0))
    moderate = delta_e(light, rgb(WHITE)) <= 60
    rising = np.diff(here[zero:])[moderate[zero + 1 :]]
    falling = -np.diff(here[: zero + 1])[moderate[:zero]]
    assert min(rising.min(), falling.min()) > -0.5  # no farther value is nearer the background
    # no jump between neighbouring rows larger than the light table's own, give or take bytes
    light_step = delta_e(light[1:], light[:-1]).max()
    assert delta_e(diverging[1:], diverging[:-1]).max() <= light_step + 1.5
    # each sign keeps its hue: the offset from the background points the same way in (a*, b*)
    offset_light = lab(light)[:, 1:] - lab(rgb(WHITE))[1:]
    offset_here = lab(diverging)[:, 1:] - lab(rgb(background))[1:]
    coloured = np.linalg.norm(offset_light, axis=1) > 10
    cosine = (offset_light * offset_here).sum(axis=1)[coloured] / (
        np.linalg.norm(offset_light, axis=1) * np.linalg.norm(offset_here, axis=1)
    )[coloured]
    assert cosine.min() > 0.99


@pytest.mark.parametrize("background", BACKGROUNDS)
@pytest.mark.parametrize("palette", PALETTES)
def test_a_sequential_tables_ends_stand_apart_from_the_background(made, palette, background):
    # Inferno's black end, the smallest gradient (an exact zero), would vanish on near-black.
    floor = made["floor"]
    assert floor >= 8 * JUST_NOTICEABLE
    light = table(palette, "sequential")
    sequential = rows(made, palette, "sequential", background)
    assert delta_e(sequential[[0, -1]], rgb(background)).min() >= floor
    # No more is cut than that: the table starts at the light table's first row that far off.
    apart = np.flatnonzero(delta_e(light, rgb(background)) >= floor)
    assert (sequential[0] == light[apart[0]]).all()
    assert (sequential[-1] == light[apart[-1]]).all()


def test_inferno_loses_its_black_end_only_on_a_dark_background(made):
    assert (
        rows(made, "standard", "sequential", "#f5f5f5") == table("standard", "sequential")
    ).all()
    assert (rows(made, "standard", "sequential", "#111111")[0] != [0, 0, 4]).any()


def last_visible_step(colours: NDArray[np.int64], background: str, threshold: float) -> int:
    """The last timestep (1-based) whose column of ``colours`` ``(T, rows, 3)`` has a cell at
    least ``threshold`` (ΔE) away from ``background``; 0 if none."""
    stands_out = (delta_e(colours, rgb(background)) >= threshold).any(axis=1)
    return int(np.flatnonzero(stands_out)[-1] + 1) if stands_out.any() else 0


@pytest.mark.parametrize("palette", PALETTES)
def test_a_fading_memory_leaves_view_at_the_same_step_in_every_theme(made, palette):
    # An impulse through W_hh scale 0.9: the state shrinks about tenfold every 20 steps.
    h = compute_frame(Params(w_hh_scale=0.9, seq_len=200, units=32)).h.astype(np.float32)
    index = colour_index(h, -1.0, 1.0)
    for threshold in (JUST_NOTICEABLE, 10.0):
        on_white = last_visible_step(table(palette, "diverging")[index], WHITE, threshold)
        assert 10 < on_white < 100  # it fades, and out of view well before t = 200
        # The themes' backgrounds. On pure black, sRGB has no dark orange as colourful as the
        # colour-blind palette's: its positive side reads fainter there (its table still meets
        # at black, without jumps, each sign in its hue: tested above).
        for background in (*DARK[:3], *LIGHT):
            colours = rows(made, palette, "diverging", background)[index]
            here = last_visible_step(colours, background, threshold)
            assert abs(here - on_white) <= 1, (background, threshold, here, on_white)


INDEX_SCRIPT = """
import { readFileSync } from "node:fs";
import { colourIndex } from "./js/common/colormaps.js";
import { decode } from "./tests/f8.mjs";
const { values, scales } = JSON.parse(readFileSync(0, "utf8"));
const v = decode(values);
console.log(JSON.stringify(scales.map(([vmin, vmax, n]) =>
  Array.from(v, (value) => colourIndex(value, vmin, vmax, n)))));
"""


def test_the_browsers_colour_index_is_the_kernels_for_every_value():
    """A heatmap's cell in the browser takes the table row Python's ``colour_index`` gives its
    value (an exported PNG's): on the scale, at the rounding ties, past both ends, and for
    infinities and NaN."""
    rng = np.random.default_rng(3)
    ties = (np.arange(-1, 257) + 0.5) / 255 * 2 - 1  # where (v + 1) / 2 * 255 + 0.5 is whole
    values = np.concatenate([
        rng.uniform(-3, 3, 2000), ties, np.nextafter(ties, np.inf), np.nextafter(ties, -np.inf),
        [0.0, -0.0, 1.0, -1.0, 1e300, -1e300, 3e9, -3e9, np.inf, -np.inf, np.nan],
    ])  # fmt: skip
    scales = [(-1.0, 1.0, 256), (-7.5, -1.25, 256), (0.0, 1.0, 7), (2.0, 2.0, 256), (3.0, 1.0, 64)]
    got = run_script(INDEX_SCRIPT, {"values": values, "scales": scales})
    for (vmin, vmax, n), rows_of in zip(scales, got, strict=True):
        np.testing.assert_array_equal(
            rows_of, colour_index(values, vmin, vmax, n), str((vmin, vmax))
        )
