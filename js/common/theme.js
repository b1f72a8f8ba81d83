// Colours and fonts from JupyterLab's theme (--jp-* CSS variables), so canvases read in light
// and dark themes alike; the fallbacks serve hosts without them (VS Code, Colab, a bare page):
// the light theme of geometry.json, which the headless figure is drawn in too.

import { GEOMETRY } from "./geometry.js";

/** The JupyterLab variable each colour of a theme comes from. */
const VARIABLES = {
  background: "--jp-layout-color0",
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
 * @typedef {{ background: string, panel: string, text: string, muted: string, grid: string,
 *   line: string, warn: string, error: string, font: string, scale: number, dark: boolean }} Theme
 *   dark: a dark background (the diverging colours then meet at a dark centre, not white)
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
    font: style.getPropertyValue(FONT).trim() || FALLBACK_FONT,
    scale: Number(style.getPropertyValue("--rnnwidget-scale")) || 1,
    dark: isDark(colours.background),
  };
}

/** The light theme a slide wants (a snapshot), at the view's scale and in its font. */
export function slideTheme(theme) {
  return { ...theme, ...GEOMETRY.colours, dark: false };
}

/** Whether a CSS colour (#rgb, #rrggbb or rgb()) is dark: its relative luminance below 0.4. */
function isDark(colour) {
  const hex = colour.match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i)?.[1];
  const rgb = hex
    ? (hex.length === 3 ? [...hex].map((c) => c + c) : hex.match(/../g)).map((h) => parseInt(h, 16))
    : (colour.match(/[\d.]+/g) ?? ["255", "255", "255"]).slice(0, 3).map(Number);
  const [r, g, b] = rgb.map((c) => c / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.4;
}
