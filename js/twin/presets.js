// The explorer's presets, found in the browser: a twin of rnnwidget/explorer/presets.py's
// searches (scan, then bisection on the gradient ratio) over the twin's frames.

/**
 * What a preset chose for an input, and what it measured there (Python's `Regime`).
 * @typedef {object} Regime
 * @property {string} name
 * @property {number} w_hh_scale
 * @property {number} saturation
 * @property {number} bias
 * @property {{ gradient_ratio_log10: number, saturated_fraction: number, mean_tanh_slope: number }} measured
 * @property {number | null} edge
 * @property {boolean} capped
 */

/**
 * Preset `name`'s settings for the input and sizes of `params` (Python's `presets.find`).
 * @param {string} name
 * @param {Record<string, any>} params
 * @param {Record<string, any>} given
 * @returns {Regime}
 */
export function findPreset(name, params, given) {
  void params, given;
  throw new Error(`rnnwidget: the page cannot find preset ${name} yet`);
}
