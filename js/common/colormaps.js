// The colour tables, bundled from the same JSON the headless renderer reads
// (rnnwidget/colormaps.json), and the same value -> row rule as rnnwidget/colormaps.py.
import tables from "../../rnnwidget/colormaps.json";

export const PALETTES = Object.keys(tables);

/**
 * @param {string} palette "standard" or "colorblind"
 * @param {"diverging" | "sequential"} role
 * @param {boolean} [dark] on a dark page: the diverging colours meet at a dark centre
 * @returns {number[][]} 256 rows of [r, g, b]
 */
export function colourTable(palette, role, dark = false) {
  const name = dark && role === "diverging" ? "diverging_dark" : role;
  return (tables[palette] ?? tables.standard)[name].rgb;
}

/**
 * The table row for a value: floor((v - vmin) / (vmax - vmin) * (n - 1) + 0.5), clipped.
 * -Infinity takes the first row and +Infinity the last, like NaN-free numpy.
 */
export function colourIndex(value, vmin, vmax, n = 256) {
  const span = vmax > vmin ? vmax - vmin : 1;
  const i = Math.floor(((value - vmin) / span) * (n - 1) + 0.5);
  if (Number.isNaN(i)) return 0;
  return i < 0 ? 0 : i > n - 1 ? n - 1 : i;
}

/** CSS colour of a value. */
export function cssColour(table, value, vmin, vmax) {
  const [r, g, b] = table[colourIndex(value, vmin, vmax, table.length)];
  return `rgb(${r}, ${g}, ${b})`;
}
