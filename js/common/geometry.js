// The panels' geometry: margins, rows, offsets, line widths, every text size and the light
// theme's colours, bundled from the file the headless figure reads too (rnnwidget/geometry.json;
// rnnwidget/geometry.py says what each entry means), so the live view and an exported picture
// cannot drift apart. Lengths and text sizes are CSS pixels at text scale 1.
import geometry from "../../rnnwidget/geometry.json";

export const GEOMETRY = geometry;

/** @typedef {keyof typeof geometry.text} TextRole a text's size by what it is */
