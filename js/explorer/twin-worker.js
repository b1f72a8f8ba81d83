// The twin's computation off the page's main thread (js/explorer/twin-view.js starts it): a
// frame of 1000 steps of 256 units takes longer than a screen's frame, and the slider under the
// hand must not wait for it. Messages in: `{ given }` (the weights and input, once per choice of
// the discrete settings), then `{ id, params }`; out: `{ id, frame, ms }` (the milliseconds it
// took) or `{ id, error }`. And `{ prepare: params, version }`: the forward pass kept for
// `params`, handed to the page (`{ prepared: params, version, traces }`, FrameSource.adopt), so
// that the page computes the next frames itself where they then fit.

import { FrameSource } from "../twin/frame.js";

/** @type {FrameSource | null} the frames of the newest given, with the forward pass it keeps */
let source = null;

self.onmessage = (/** @type {MessageEvent} */ { data }) => {
  if ("given" in data) {
    source = data.given ? new FrameSource(data.given) : null;
    return;
  }
  if ("prepare" in data) {
    if (!source) return;
    // Copies of the traces, handed over (the Worker keeps its own), without the input, which
    // the page has.
    const traces = source.forward(data.prepare).traces.map(({ x, ...trace }) =>
      Object.fromEntries(Object.entries(trace).map(([name, value]) =>
        [name, value instanceof Float64Array ? value.slice() : value])));
    const buffers = traces.flatMap((trace) => Object.values(trace)
      .filter((value) => ArrayBuffer.isView(value)).map((array) => array.buffer));
    self.postMessage({ prepared: data.prepare, version: data.version, traces },
      { transfer: buffers });
    return;
  }
  try {
    if (!source) throw new Error("no given to compute with");
    const started = performance.now();
    const frame = source.frame(data.params);
    const ms = performance.now() - started;
    // Hand the arrays over rather than copy them (each buffer once: some share one), but for
    // the states, which share the forward pass the source keeps: those go as copies.
    const kept = new Set((source.kept?.traces ?? []).flatMap((trace) => Object.values(trace)
      .filter((value) => ArrayBuffer.isView(value)).map((array) => array.buffer)));
    for (const layer of frame.layers) {
      for (const matrix of Object.values(layer)) {
        if (kept.has(matrix.data.buffer)) matrix.data = matrix.data.slice();
      }
    }
    const buffers = new Set(frame.layers.flatMap((layer) =>
      Object.values(layer).map((matrix) => matrix.data.buffer)));
    self.postMessage({ id: data.id, frame, ms }, { transfer: [...buffers] });
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error) });
  }
};
