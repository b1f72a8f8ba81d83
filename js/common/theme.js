// Colours and fonts from JupyterLab's theme (--jp-* CSS variables), so canvases read in light
// and dark themes alike; the fallbacks serve hosts without them (VS Code, Colab, a bare page).

const FALLBACK = {
  "--jp-layout-color0": "#ffffff",
  "--jp-layout-color2": "#eeeeee",
  "--jp-ui-font-color0": "#000000",
  "--jp-ui-font-color1": "rgba(0, 0, 0, 0.87)",
  "--jp-ui-font-color2": "rgba(0, 0, 0, 0.54)",
  "--jp-border-color1": "#bdbdbd",
  "--jp-border-color2": "#e0e0e0",
  "--jp-brand-color1": "#1976d2",
  "--jp-warn-color0": "#e65100",
  "--jp-error-color1": "#d32f2f",
  "--jp-ui-font-family": "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif",
};

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
  const v = (name) => style.getPropertyValue(name).trim() || FALLBACK[name];
  return {
    background: v("--jp-layout-color0"),
    panel: v("--jp-layout-color2"),
    text: v("--jp-ui-font-color1"),
    muted: v("--jp-ui-font-color2"),
    grid: v("--jp-border-color2"),
    line: v("--jp-brand-color1"),
    warn: v("--jp-warn-color0"),
    error: v("--jp-error-color1"),
    font: v("--jp-ui-font-family"),
    scale: Number(style.getPropertyValue("--rnnwidget-scale")) || 1,
    dark: isDark(v("--jp-layout-color0")),
  };
}

/** The light theme a slide wants (a snapshot), at the view's scale and in its font. */
export function slideTheme(theme) {
  const v = (name) => FALLBACK[name];
  return { ...theme, background: v("--jp-layout-color0"), panel: v("--jp-layout-color2"),
    text: v("--jp-ui-font-color1"), muted: v("--jp-ui-font-color2"),
    grid: v("--jp-border-color2"), line: v("--jp-brand-color1"), warn: v("--jp-warn-color0"),
    error: v("--jp-error-color1"), dark: false };
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
