// The colour tables, bundled from the same JSON the headless renderer reads
// (rnnwidget/colormaps.json), and the same value -> row rule as rnnwidget/colormaps.py.
//
// The JSON's tables are drawn for the light theme's background, white, which a diverging table's
// 0 is. A panel drawn on another background (a dark theme's, any host's) takes a table made for
// it here, so that the same run reads the same in every theme: 0 is that background, and every
// colour stands apart from it, in CIELAB, as far as the light table's colour for the same value
// stands apart from white (a dark background turns the map's lightness the other way). The
// visible end of a fading memory is then where it is on white.
import tables from "../../rnnwidget/colormaps.json";
import { deltaE, inGamut, parseColour, toBytesKeepingDistance, toLab } from "./colour.js";

/** @typedef {import("./colour.js").Triple} Triple */

export const PALETTES = Object.keys(tables);

/**
 * A sequential table's ends stand at least this far (ΔE) from the background: its low end (the
 * smallest gradient, an exact zero) is a colour, not a hole in the panel. Inferno's black end
 * would vanish on a dark theme's near-black; on white both maps' ends stand 45 and more apart.
 */
export const SEQUENTIAL_MIN_DELTA_E = 20;

/** @type {Map<string, number[][]>} one table per palette, role and background */
const made = new Map();

/**
 * The colour table of `role` in `palette` for cells drawn on `background`; the same array for
 * the same arguments.
 * @param {string} palette "standard" or "colorblind"
 * @param {"diverging" | "sequential"} role
 * @param {string} [background] the colour behind the cells, "#rrggbb" or "rgb(r, g, b)" as
 *   js/common/theme.js gives it; the light theme's by default
 * @returns {number[][]} 256 rows of [r, g, b]
 */
export function colourTable(palette, role, background = undefined) {
  const source = (tables[palette] ?? tables.standard)[role];
  const reference = /** @type {[number, number, number]} */ (parseColour(source.background));
  const under = (background && parseColour(background)) || reference;
  if (under.every((c, i) => c === reference[i])) return source.rgb;
  const key = `${palette}/${role}/${under.join(",")}`;
  let table = made.get(key);
  if (!table) {
    table = role === "diverging"
      ? divergingOn(source.rgb, toLab(reference), toLab(under))
      : sequentialOn(source.rgb, toLab(under));
    made.set(key, table);
  }
  return table;
}

/**
 * The least share of its colourfulness (CIELAB chroma) a diverging colour keeps on another
 * background: turned light on a dark one, a map's deep ends (RdBu's maroon and navy) cannot
 * keep all of theirs on a screen, and with none left both ends would be near-white.
 */
const MIN_CHROMA_SHARE = 0.6;

/**
 * A diverging table made for `reference` (CIELAB), moved onto `background`: each colour keeps
 * its offset from the background in hue and colourfulness, and in lightness too, turned the
 * other way when one background is dark and the other light, so that its difference ΔE from
 * the background is the same (and rounded to the bytes that keep it best). Where a screen
 * cannot show the result (a light, very colourful red on black), the colour gives up
 * colourfulness at the same lightness and hue, as CSS maps colours into a screen's gamut, down
 * to MIN_CHROMA_SHARE; where not even that shows, it takes the nearest lightness where it does.
 * @param {number[][]} rgb
 * @param {number[]} reference
 * @param {number[]} background
 */
function divergingOn(rgb, reference, background) {
  const turn = (background[0] < 50) !== (reference[0] < 50) ? -1 : 1;
  const toBytes = (/** @type {Triple} */ lab) => toBytesKeepingDistance(lab, background);
  return rgb.map((row) => {
    const [L, a, b] = toLab(row);
    const lightness = Math.min(100, Math.max(0, background[0] + turn * (L - reference[0])));
    /** The colour with `share` of the offset in chroma, at lightness `l`. */
    const colour = (/** @type {number} */ share, l = lightness) => /** @type {Triple} */ (
      [l, background[1] + share * (a - reference[1]), background[2] + share * (b - reference[2])]);
    if (inGamut(colour(1))) return toBytes(colour(1));
    if (inGamut(colour(MIN_CHROMA_SHARE))) {
      const share = largest((k) => inGamut(colour(k)), MIN_CHROMA_SHARE, 1);
      return toBytes(colour(share));
    }
    // Not even that much shows at this lightness: the nearest lightness, lighter or darker,
    // where it does; failing both, less colourfulness.
    const fits = (/** @type {number} */ l) => inGamut(colour(MIN_CHROMA_SHARE, l));
    const shifts = [1, -1].map((sign) => nearestShift(fits, lightness, sign));
    const found = shifts.filter((shift) => shift !== null);
    if (found.length) {
      const shift = found.reduce((p, q) => (Math.abs(q) < Math.abs(p) ? q : p));
      return toBytes(colour(MIN_CHROMA_SHARE, lightness + shift));
    }
    return toBytes(colour(largest((k) => inGamut(colour(k)), 0, MIN_CHROMA_SHARE)));
  });
}

/**
 * The smallest shift of lightness in the direction `sign` from `lightness` (in steps of 0.5,
 * then by bisection) where `fits` holds, or null within [0, 100].
 * @param {(l: number) => boolean} fits
 * @param {number} lightness
 * @param {number} sign
 */
function nearestShift(fits, lightness, sign) {
  for (let step = 0.5; ; step += 0.5) {
    const l = lightness + sign * step;
    if (l < 0 || l > 100) return null;
    if (fits(l)) return sign * smallest((d) => fits(lightness + sign * d), step - 0.5, step);
  }
}

/**
 * The largest x in [lo, hi] where `holds` does, given it holds at lo and not at hi (by
 * bisection, to 1e-7 of the interval).
 * @param {(x: number) => boolean} holds
 * @param {number} lo
 * @param {number} hi
 */
function largest(holds, lo, hi) {
  for (let i = 0; i < 24; i++) {
    const x = (lo + hi) / 2;
    if (holds(x)) lo = x;
    else hi = x;
  }
  return lo;
}

/** The smallest x in [lo, hi] where `holds` does, given it holds at hi and not at lo. */
function smallest(holds, lo, hi) {
  for (let i = 0; i < 24; i++) {
    const x = (lo + hi) / 2;
    if (holds(x)) hi = x;
    else lo = x;
  }
  return hi;
}

/**
 * A sequential table for `background` (CIELAB): the rows between the first and the last that
 * stand at least SEQUENTIAL_MIN_DELTA_E from it, stretched over the whole table (interpolated
 * in sRGB). Unchanged where both ends already do.
 * @param {number[][]} rgb
 * @param {number[]} background
 */
function sequentialOn(rgb, background) {
  const apart = rgb.map((row) => deltaE(toLab(row), background) >= SEQUENTIAL_MIN_DELTA_E);
  const first = Math.max(0, apart.indexOf(true));
  const last = apart.lastIndexOf(true) < 0 ? rgb.length - 1 : apart.lastIndexOf(true);
  if (first === 0 && last === rgb.length - 1) return rgb;
  return rgb.map((_, i) => {
    const at = first + (i * (last - first)) / (rgb.length - 1);
    const below = Math.floor(at);
    const above = Math.min(below + 1, rgb.length - 1);
    const f = at - below;
    return rgb[below].map((c, j) => Math.round(c + f * (rgb[above][j] - c)));
  });
}

/**
 * The table row for a value: floor((v - vmin) / (vmax - vmin) * (n - 1) + 0.5), clipped.
 * -Infinity takes the first row and +Infinity the last, like NaN-free numpy.
 */
export function colourIndex(value, vmin, vmax, n = 256) {
  return scaledIndex(value, colourScale(vmin, vmax, n));
}

/**
 * What colourIndex computes once per scale, for a heatmap that colours many values on it.
 * @param {number} vmin
 * @param {number} vmax
 * @param {number} n  the table's rows
 */
export function colourScale(vmin, vmax, n = 256) {
  return { vmin, span: vmax > vmin ? vmax - vmin : 1, top: n - 1 };
}

/**
 * colourIndex on a scale made by colourScale.
 * @param {number} value
 * @param {{ vmin: number, span: number, top: number }} scale
 */
export function scaledIndex(value, { vmin, span, top }) {
  const at = ((value - vmin) / span) * top + 0.5;
  // floor(at) clipped to [0, top], in comparisons a heatmap's every cell can afford: at is
  // below 2**31 where `at | 0` truncates it, and NaN fails both tests
  return at >= top ? top : at >= 0 ? at | 0 : 0;
}

/** CSS colour of a value. */
export function cssColour(table, value, vmin, vmax) {
  const [r, g, b] = table[colourIndex(value, vmin, vmax, table.length)];
  return `rgb(${r}, ${g}, ${b})`;
}
