// The twin's computation off the page's main thread (js/explorer/twin-view.js starts it): a
// frame of 1000 steps of 256 units takes longer than a screen's frame, and the slider under the
// hand must not wait for it. Messages in: `{ given }` (the weights and input, once per choice of
// the discrete settings), then `{ id, params }`; out: `{ id, frame }` or `{ id, error }`.

import { computeFrame } from "../twin/frame.js";

/** @type {any} */
let given = null;

self.onmessage = (/** @type {MessageEvent} */ { data }) => {
  if ("given" in data) {
    given = data.given;
    return;
  }
  try {
    const started = performance.now();
    const frame = computeFrame(data.params, given);
    const ms = performance.now() - started;
    // Hand the arrays over rather than copy them (each buffer once: some share one).
    const buffers = new Set(frame.layers.flatMap((layer) =>
      Object.values(layer).map((matrix) => matrix.data.buffer)));
    self.postMessage({ id: data.id, frame, ms }, { transfer: [...buffers] });
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error) });
  }
};
