// Runs the browser twin (js/twin) on the cases tests/test_twin.py writes, and writes what it
// computed: `node tests/twin_runner.mjs cases.json results.json`.
//
// Arrays cross as base64 of little-endian float64 ({"f8": "..."}), so every number, -Infinity
// included, arrives bit for bit; scalars go back as the text of String(number), which Python's
// float() reads exactly ("-Infinity" too).

import { Buffer } from "node:buffer";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { decode } from "./f8.mjs";
import {
  FrameSource,
  GRU,
  LSTM,
  SimpleRNN,
  buildLayers,
  computeFrame,
  frameOfTraces,
  log10Gradients,
  measure,
} from "../js/twin/index.js";

const CELLS = {
  elman: (w) => new SimpleRNN(w, w.saturation),
  lstm: (w) => new LSTM(w),
  gru: (w) => new GRU(w),
};

const [casesPath, resultsPath] = process.argv.slice(2);


/** Float64Arrays as base64, numbers as their exact text. */
function encode(value) {
  if (value instanceof Float64Array) {
    return { f8: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  }
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value;
}

/** A frame's arrays and numbers by name: the data of each {shape, data}. */
function frameValues(frame) {
  const layers = frame.layers.map((layer) =>
    Object.fromEntries(Object.entries(layer).map(([name, array]) => [name, array.data])),
  );
  return { ...frame, layers };
}

/** Whether two frames are the same, every number bit for bit (NaN equal to NaN). */
function sameFrame(a, b) {
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    return ArrayBuffer.isView(a) && ArrayBuffer.isView(b) && a.length === b.length &&
      a.every((value, k) => Object.is(value, b[k]));
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => sameFrame(a[key], b[key]));
  }
  return Object.is(a, b);
}

const cases = decode(JSON.parse(readFileSync(casesPath, "utf8")));
const results = {};
for (const c of cases) {
  if (c.kind === "frame") {
    const cells = buildLayers(c.params, c.given);
    results[c.id] = {
      frame: frameValues(computeFrame(c.params, c.given)),
      from_traces: frameValues(frameOfTraces(c.params, cells, c.traces)),
    };
  } else if (c.kind === "source") {
    // One FrameSource through a run of settings, each frame beside computeFrame's afresh; and
    // after each, a new FrameSource given the forward pass kept as a Worker hands it over
    // (FrameSource.adopt: the traces without their input, copied).
    const source = new FrameSource(c.given);
    results[c.id] = c.sequence.map((params) => {
      const held = source.holds(params);
      const expected = computeFrame(params, c.given);
      const same = sameFrame(source.frame(params), expected);
      const other = new FrameSource(c.given);
      other.adopt(params, structuredClone(source.kept.traces.map(({ x, ...trace }) => trace)));
      const adopted = other.holds(params) && sameFrame(other.frame(params), expected);
      return { held, same, adopted };
    });
  } else if (c.kind === "measure") {
    const frame = computeFrame(c.params, c.given);
    const { gradient_ratio_log10, saturated_fraction, mean_tanh_slope } = frame;
    results[c.id] = {
      measure: measure(c.params, c.given),
      frame: { gradient_ratio_log10, saturated_fraction, mean_tanh_slope },
    };
  } else {
    const cell = CELLS[c.cell](c.weights);
    const logs = log10Gradients(cell, c.trace, c.dh, c.options);
    results[c.id] = {
      log10_norm: logs.log10_norm,
      log10_norm_c: logs.log10_norm_c,
      log10_scale: logs.log10_scale,
      log_space: logs.log_space,
      log10_abs: logs.log10_abs,
      log10_abs_c: logs.log10_abs_c,
      x_scaled: logs.x_scaled,
    };
  }
}
writeFileSync(resultsPath, JSON.stringify(encode(results)));
