// "Why order matters" computed in the browser, on a page without a kernel and in a notebook
// view's twin: the sentence against its shuffled words, run through the twin's network as the
// kernel runs it (rnnwidget/explorer/frame.py's `_order_demo`), and worded from the kernel's
// templates (rnnwidget/explorer/sentences.json, as words.py's `view_words` fills them). The
// shuffled words' input and the order-blind dense model's outputs, which no knob the twin turns
// changes, come with the given (rnnwidget/explorer/twin.py's `order_given`).

import SENTENCES from "../../rnnwidget/explorer/sentences.json";
import { fill } from "../common/format.js";
import { buildLayers, run } from "../twin/frame.js";

/**
 * The order panel's arrays (float32, as drawn) and words for a twin frame of the sentence.
 * @param {Record<string, any>} params  every setting
 * @param {Record<string, any>} given  the twin's given (frame.js's `Given`)
 * @param {import("../twin/frame.js").TwinFrame} frame  the twin's frame for `params`
 * @param {{ words: string[], shuffled: string[] }} order  the kernel's words, in both orders
 * @param {{ x: Float64Array, dense_output: Float64Array }} held  the page's shuffled input and
 *   dense outputs, (2, units)
 */
export function orderDemo(params, given, frame, order, held) {
  const T = params.seq_len;
  // The state right after the last word (later steps have no input), in the top layer.
  const last = Math.min(order.words.length, T) - 1;
  const top = frame.layers[frame.layers.length - 1].h;
  const units = top.shape[1];
  const x = held.x.subarray(0, T * given.features); // every length is the input's first steps
  const traces = run(buildLayers(/** @type {any} */ (params), /** @type {any} */ (given)), x, T);
  const shuffled = traces[traces.length - 1].h;
  const rnn = new Float64Array(2 * units);
  rnn.set(top.data.subarray(last * units, (last + 1) * units), 0);
  rnn.set(shuffled.subarray(last * units, (last + 1) * units), units);
  const distance = (/** @type {Float64Array} */ a) => {
    let sum = 0;
    for (let i = 0; i < units; i++) sum += (a[i] - a[units + i]) ** 2;
    return Math.sqrt(sum);
  };
  const [r, d] = [distance(rnn), distance(held.dense_output)];
  const words = SENTENCES.order;
  return {
    arrays: {
      rnn_final: { shape: [2, units], data: Float32Array.from(rnn) },
      dense_output: { shape: [2, units], data: Float32Array.from(held.dense_output) },
    },
    words: {
      distances: [fill(words.distance, { distance: r }), fill(words.distance, { distance: d })],
      description: fill(words.description, { sentence: order.words.join(" "),
        shuffled: order.shuffled.join(" "), rnn: r, dense: d }),
    },
  };
}

/**
 * `payload` (a twin frame's, js/twin/payload.js) with "Why order matters" where its template
 * has it: the order panel's arrays and words, in place.
 * @param {Record<string, any>} payload
 * @param {Record<string, any>} given
 * @param {import("../twin/frame.js").TwinFrame} frame
 * @param {{ x: Float64Array, dense_output: Float64Array }} held  `order_given`'s arrays
 * @returns {Record<string, any>}
 */
export function withOrder(payload, given, frame, held) {
  if (!payload.order) return payload;
  const demo = orderDemo(payload.params, given, frame, payload.order, held);
  payload.arrays.order = demo.arrays;
  payload.words = { ...payload.words, order: demo.words };
  return payload;
}
