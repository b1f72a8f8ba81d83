// Colours and fonts from JupyterLab's theme (--jp-* CSS variables), so canvases read in light
// and dark themes alike; the fallbacks serve hosts without them (VS Code, Colab, a bare page):
// the light theme of geometry.json, which the headless figure is drawn in too.

import { GEOMETRY } from "./geometry.js";

/** The JupyterLab variable each colour of a theme comes from. */
const VARIABLES = {
  background: "--jp-layout-color0",
  surface: "--jp-layout-color1",
  panel: "--jp-layout-color2",
  text: "--jp-ui-font-color1",
  muted: "--jp-ui-font-color2",
  grid: "--jp-border-color2",
  line: "--jp-brand-color1",
  warn: "--jp-warn-color0",
  error: "--jp-error-color1",
};
const FONT = "--jp-ui-font-family";
const FALLBACK_FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/**
 * @typedef {{ background: string, surface: string, panel: string, text: string, muted: string,
 *   grid: string, line: string, warn: string, error: string, font: string, scale: number }} Theme
 *   background: behind every panel (and the heatmaps' colour tables are made for it);
 *   surface: behind boxes of text such as the trainer's text view
 */

/**
 * The theme as it applies to `el` now. `scale` enlarges text and strokes (presentation mode).
 * @param {Element} el
 * @returns {Theme}
 */
export function readTheme(el) {
  const style = getComputedStyle(el);
  const colours = /** @type {typeof GEOMETRY.colours} */ (Object.fromEntries(
    Object.entries(VARIABLES).map(([role, name]) =>
      [role, style.getPropertyValue(name).trim() || GEOMETRY.colours[role]])));
  return {
    ...colours,
    // As hex or rgb(): colour tables are made for them ("white" is JupyterLab's light theme's).
    background: computed(colours.background, GEOMETRY.colours.background),
    surface: computed(colours.surface, GEOMETRY.colours.surface),
    font: style.getPropertyValue(FONT).trim() || FALLBACK_FONT,
    scale: Number(style.getPropertyValue("--rnnwidget-scale")) || 1,
  };
}

/** The light theme a slide wants (a snapshot), at the view's scale and in its font. */
export function slideTheme(theme) {
  return { ...theme, ...GEOMETRY.colours };
}

/** @type {CanvasRenderingContext2D | null} */
let probe = null;

/**
 * A CSS colour as the canvas writes it back ("#rrggbb", or "rgba(...)" when translucent): any
 * colour a theme may name ("white", hsl()) in a form js/common/colour.js reads; `fallback`
 * where it is no colour.
 * @param {string} colour
 * @param {string} fallback
 */
function computed(colour, fallback) {
  probe ??= document.createElement("canvas").getContext("2d");
  if (!probe) return colour;
  probe.fillStyle = fallback;
  probe.fillStyle = colour;
  return String(probe.fillStyle);
}
