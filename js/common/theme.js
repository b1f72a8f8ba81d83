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
 *   line: string, warn: string, error: string, font: string, scale: number }} Theme
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
  };
}
