// A frame as the view draws it, computed in the browser: the twin's arrays with the layout and
// words the kernel would send for them. The notebook view draws it while a knob moves (the
// kernel's frame replaces it when it arrives); a page with no kernel draws nothing else.

import { computeFrame } from "./frame.js";
import { refreshLayout } from "./layout.js";
import { frameWords } from "./words.js";

/**
 * @typedef {{ gradientRange?: [number, number] | null, normRange?: [number, number] | null }}
 *   PayloadOptions  the view's fixed colour scale and chart axis, where it holds them
 */

/**
 * The payload for `params` in the shape the view draws a kernel frame from, arrays decoded
 * (`{shape, data: Float32Array}`, as js/common/decode.js gives them).
 * @param {Record<string, any>} params  every setting (Python's `Params.as_dict()`)
 * @param {Record<string, any>} given  the twin's weights and input (rnnwidget/explorer/twin.py)
 * @param {Record<string, any>} template  a decoded kernel payload of the same cell and layers:
 *   its layout's words and heights, its words where the twin has none
 * @param {PayloadOptions} [options]
 * @returns {Record<string, any>}
 */
export function twinPayload(params, given, template, options = {}) {
  const twin = /** @type {import("./frame.js").TwinParams} */ (params);
  return framePayload(computeFrame(twin, /** @type {any} */ (given)), params, given, template,
    options);
}

/**
 * `twinPayload` of a frame already computed (`computeFrame(params, given)`, in a Worker, say).
 * @param {import("./frame.js").TwinFrame} frame
 * @param {Record<string, any>} params
 * @param {Record<string, any>} given
 * @param {Record<string, any>} template
 * @param {PayloadOptions} [options]
 * @returns {Record<string, any>}
 */
export function framePayload(frame, params, given, template, options = {}) {
  const twin = /** @type {import("./frame.js").TwinParams} */ (params);
  const T = params.seq_len;
  const features = given.features;
  return {
    ...template,
    revision: null, // not the kernel's: the kernel's next frame always replaces it
    params,
    tokens: (given.tokens ?? template.tokens ?? []).slice(0, T),
    layout: refreshLayout(template.layout, frame, twin, options),
    words: frameWords(frame, { ...params, ...twin }, given) ?? template.words,
    arrays: {
      ...template.arrays, // "Why order matters" (a sentence's) stays the kernel's
      x: { shape: [T, features], data: new Float32Array(given.x.subarray(0, T * features)) },
      layers: frame.layers.map((layer) =>
        Object.fromEntries(
          Object.entries(layer).map(([name, m]) => [
            name,
            { shape: m.shape, data: new Float32Array(m.data) },
          ]),
        ),
      ),
    },
    twin: frame,
  };
}
