// The explorer's sentences for a twin frame, filled from the templates the kernel fills too
// (rnnwidget/explorer/words.py), so the page and the notebook say the same words.

/**
 * Every sentence the view shows for `frame` (Python's `view_words`), or null where the twin
 * cannot word it and the kernel's last words stay.
 * @param {import("./frame.js").TwinFrame} frame
 * @param {import("./frame.js").TwinParams & Record<string, any>} params  every setting
 * @param {Record<string, any>} given  what the kernel gave the twin (rnnwidget/explorer/twin.py)
 * @returns {Record<string, any> | null}
 */
export function frameWords(frame, params, given) {
  void frame, params, given;
  return null;
}

/**
 * Which settings a preset chose and why (Python's `preset_note`).
 * @param {import("./presets.js").Regime} regime
 * @param {string} label
 * @param {Record<string, any>} params
 * @returns {string}
 */
export function presetNote(regime, label, params) {
  void regime, params;
  return label;
}
