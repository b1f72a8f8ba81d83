// One frame of the explorer's numbers, computed in the browser: a twin of
// rnnwidget/explorer/frame.py (`_stack`, `_run`, `_forward_and_back`, `_one_layer`, `measure`
// and the `Frame` properties the picture reads) for the weights and input the kernel made.
//
// The continuous knobs are the twin's: the Elman cell's W_hh scale, tanh gain and bias, and
// the sequence length up to the input given. Units, seed, input kind and cell choose the
// given weights and input. The loss is the explorer's, `L = sum_i h_T[i] / sqrt(units)` on the
// top layer's last state, so that ||dL/dh_T|| = 1.
//
// tests/test_twin.py holds every array and number equal to `compute_frame(Params(...))`, and
// `measure`'s to `measure(Params(...))`.

import { checkShape, scaled } from "./base.js";
import { SimpleRNN } from "./elman.js";
import { GRU } from "./gru.js";
import { LSTM } from "./lstm.js";
import { log10Gradients } from "./log-gradients.js";

/** The cells, by name (Python's `CELLS`). */
export const CELLS = ["elman", "lstm", "gru"];

/**
 * The knobs the twin turns (Python's `Params`, the fields that reach the numbers).
 * @typedef {object} TwinParams
 * @property {"elman" | "lstm" | "gru"} cell
 * @property {number} seq_len  the steps to run, at most the input's
 * @property {number} [w_hh_scale]  the Elman cell's W_hh scale (spectral radius); default 1
 * @property {number} [saturation]  the Elman cell's tanh gain g; default 1
 * @property {number} [bias]  the Elman cell's bias size: b = bias * signs; default 0
 * @property {number} [layers]  the Elman cell's layers, 1 or 2; default 1
 */

/**
 * One layer's weights as the kernel made them. The Elman cell's: W_xh, W_hh at W_hh scale 1
 * and `bias_signs` (Python's `bias_signs(units, depth, seed)`). A gated cell's: W_xh, W_hh and
 * b (LSTM) or b_xh and b_hh (GRU), used as they are.
 * @typedef {import("./base.js").Weights & { bias_signs?: Float64Array }} GivenLayer
 */

/**
 * The weights and input the kernel (or the page) gives the twin.
 * @typedef {object} Given
 * @property {Float64Array} x  the input, (timesteps, features): every seq_len's input is its
 *   first seq_len steps
 * @property {number} timesteps
 * @property {number} features
 * @property {GivenLayer[]} layers  input layer first: the Elman cell's one or two, or the
 *   gated cell's one
 */

/** @typedef {{ shape: number[], data: Float64Array }} Matrix64 */

/**
 * One layer's arrays (Python's `Layer.arrays()`, by the same names); what a cell does not have
 * is absent.
 * @typedef {object} TwinLayer
 * @property {Matrix64} h  the hidden states, (timesteps, units)
 * @property {Matrix64} log10_abs_grad  `log10 |dL/dh_t|`, (timesteps, units)
 * @property {Matrix64} log10_grad_norm  `log10 ||dL/dh_t||`, (timesteps)
 * @property {Matrix64} h_norm  `||h_t||`, (timesteps)
 * @property {Matrix64} [tanh_slope]  the Elman cell's mean `tanh'(a_t)`, (timesteps)
 * @property {Matrix64} [gate]  a gated cell's memory gate (LSTM f, GRU z), (timesteps, units)
 * @property {Matrix64} [gate_mean]  its mean over the units, (timesteps)
 * @property {Matrix64} [c]  the LSTM's cell state, (timesteps, units)
 * @property {Matrix64} [log10_abs_grad_c]  `log10 |dL/dc_t|`, (timesteps, units)
 * @property {Matrix64} [log10_grad_norm_c]  `log10 ||dL/dc_t||`, (timesteps)
 * @property {Matrix64} [c_norm]  `||c_t||`, (timesteps)
 */

/**
 * The explorer's numbers for one setting (Python's `Frame`, the parts computed from numbers).
 * @typedef {object} TwinFrame
 * @property {TwinLayer[]} layers  input layer first
 * @property {number} gradient_ratio_log10  `log10(||dL/dh_1|| / ||dL/dh_T||)`, first layer
 * @property {number | null} gradient_ratio_log10_c  the LSTM's `log10(||dL/dc_1|| / ||dL/dh_T||)`
 * @property {number} saturated_fraction  of all (layer, step, unit) cells with |h| > 0.99
 * @property {number | null} mean_tanh_slope  the Elman cell's `tanh'(a_t)` over the first
 *   layer's steps and units (Python's `measure`)
 * @property {number | null} mean_memory_gate  a gated cell's memory gate over the steps and
 *   units; null for the Elman cell
 * @property {Record<string, [number, number]>} colour_scales  the range each heatmap's colour
 *   bar spans, by panel: x, h, log10_abs_grad, and gate and c where the cell has them
 */

/**
 * The frame for `params` from the given weights and input: forward, then the gradients in
 * logarithms down the stack (Python's `compute_frame`).
 * @param {TwinParams} params
 * @param {Given} given
 * @returns {TwinFrame}
 */
export function computeFrame(params, given) {
  const cells = buildLayers(params, given);
  const x = firstSteps(given, params.seq_len);
  return frameOfTraces(params, cells, run(cells, x, params.seq_len));
}

/**
 * The frames of one given, each computed with what the one before left: the numbers are
 * `computeFrame`'s, bit for bit. The forward pass at step t reads only the steps up to t, so
 * the first T steps of a longer run are the run of T steps itself: a frame whose other knobs
 * are those of the run kept takes its first steps and computes only the gradients (which start
 * at the last step, and so are new for every length). A gated cell's numbers depend on no knob
 * but the length: its first frame runs the forward pass over the whole given input, and every
 * length after that goes back only. The Elman cell's forward pass is new for every W_hh scale,
 * gain and bias: it runs as long as asked. The local slopes of every step, which the way back
 * reads, are kept with the forward pass likewise.
 */
export class FrameSource {
  /** @param {Given} given */
  constructor(given) {
    this.given = given;
    /**
     * The forward pass kept: the knobs it was run for, its layers and traces, and each layer's
     * slopes once a frame has needed them.
     * @type {{ knobs: unknown[], cells: import("./base.js").Cell[], traces: any[],
     *   slopes: any[] | null } | null}
     */
    this.kept = null;
  }

  /**
   * The frame for `params` (`computeFrame(params, given)`).
   * @param {TwinParams} params
   * @returns {TwinFrame}
   */
  frame(params) {
    const kept = this.forward(params);
    const { cells, traces } = kept;
    kept.slopes ??= cells.map((cell, depth) => cell.slopes(traces[depth]));
    const whole = traces[0].timesteps;
    return frameOfTraces(params, cells,
      traces.map((trace) => firstStepsOf(trace, params.seq_len)),
      kept.slopes.map((slopes) => firstStepsOfSlopes(slopes, whole, params.seq_len)));
  }

  /**
   * The multiply-adds of the frame for `params` with what is kept, up to a constant factor:
   * steps x layers x the weights' size, back, and forward where that is not kept.
   * @param {TwinParams} params
   */
  work(params) {
    const { given } = this;
    // a step of a layer multiplies each of its weights once: W_hh h_{t-1} and W_xh x_t
    const [first] = given.layers;
    const layers = params.cell === "elman" ? Number(params.layers ?? 1) : 1;
    const perStep = layers * ((first?.W_hh.length ?? 0) + (first?.W_xh.length ?? 0));
    const forward = this.holds(params) ? 0 : this.forwardSteps(params);
    return Math.max(1, (params.seq_len + forward) * perStep);
  }

  /**
   * Whether the forward pass of `params` is kept.
   * @param {TwinParams} params
   */
  holds(params) {
    const { kept } = this;
    return kept !== null && params.seq_len <= kept.traces[0].timesteps &&
      forwardKnobs(params).every((value, k) => Object.is(value, kept.knobs[k]));
  }

  /**
   * The steps a forward pass for `params` runs: the whole input for a gated cell.
   * @param {TwinParams} params
   */
  forwardSteps(params) {
    return params.cell === "elman" ? params.seq_len : this.given.timesteps;
  }

  /**
   * Keep a forward pass for `params` computed elsewhere (by another FrameSource of the same
   * given, in a Worker): its traces without their input, which is the given's.
   * @param {TwinParams} params
   * @param {Record<string, any>[]} traces  input layer first, each without `x`
   */
  adopt(params, traces) {
    const cells = buildLayers(params, this.given);
    let x = firstSteps(this.given, traces[0].timesteps);
    const kept = traces.map((trace) => {
      const whole = { ...trace, x };
      x = trace.h; // the next layer reads this one's states
      return whole;
    });
    this.kept = { knobs: forwardKnobs(params), cells, traces: kept, slopes: null };
  }

  /**
   * The forward pass kept for `params`, run where it is not.
   * @param {TwinParams} params
   */
  forward(params) {
    firstSteps(this.given, params.seq_len); // checks the length asked for
    if (!this.holds(params)) {
      const steps = this.forwardSteps(params);
      const cells = buildLayers(params, this.given);
      this.kept = { knobs: forwardKnobs(params), cells,
        traces: run(cells, firstSteps(this.given, steps), steps), slopes: null };
    }
    return /** @type {NonNullable<FrameSource["kept"]>} */ (this.kept);
  }
}

/**
 * The knobs a forward pass depends on (the given aside): the cell, and the Elman cell's
 * W_hh scale, gain, bias and layers.
 * @param {TwinParams} params
 */
function forwardKnobs({ cell, w_hh_scale = 1, saturation = 1, bias = 0, layers = 1 }) {
  return cell === "elman" ? [cell, w_hh_scale, saturation, bias, layers] : [cell];
}

/**
 * The first `timesteps` steps of a forward pass's trace, as views of its arrays: the input,
 * (timesteps, features), and every array of states or gates, (timesteps, units); the initial
 * states as they are (js/twin/base.js's layout).
 * @param {Record<string, any>} trace
 * @param {number} timesteps
 */
function firstStepsOf(trace, timesteps) {
  if (trace.timesteps === timesteps) return trace;
  const units = trace.h0.length;
  const features = trace.x.length / trace.timesteps;
  return Object.fromEntries(Object.entries(trace).map(([name, value]) => {
    if (name === "timesteps") return [name, timesteps];
    if (name === "x") return [name, value.subarray(0, timesteps * features)];
    if (name === "h0" || name === "c0") return [name, value];
    return [name, value.subarray(0, timesteps * units)];
  }));
}

/**
 * The first `timesteps` steps of a cell's slopes for `whole` steps, as views: every array of
 * a cell's slopes holds the same numbers for each step (js/twin/base.js's layout).
 * @param {Record<string, Float64Array>} slopes
 * @param {number} whole
 * @param {number} timesteps
 */
function firstStepsOfSlopes(slopes, whole, timesteps) {
  if (whole === timesteps) return slopes;
  return Object.fromEntries(Object.entries(slopes).map(([name, value]) =>
    [name, value.subarray(0, (value.length / whole) * timesteps)]));
}

/**
 * The frame of traces already computed (the kernel's, field for field, or `run`'s): the
 * gradients and every number the picture shows.
 * @param {TwinParams} params
 * @param {import("./base.js").Cell[]} cells  `buildLayers(params, given)`
 * @param {any[]} traces  one per layer, input layer first
 * @param {any[]} [slopes]  each layer's `cell.slopes(trace)`, where they are at hand
 * @returns {TwinFrame}
 */
export function frameOfTraces(params, cells, traces, slopes = undefined) {
  const logs = backThroughStack(cells, traces, slopes);
  const layers = traces.map((trace, depth) => layerOf(params.cell, trace, logs[depth]));
  const norms = layers[0].log10_grad_norm.data;
  const last = norms[norms.length - 1];
  const normsC = layers[0].log10_grad_norm_c?.data;
  return {
    layers,
    gradient_ratio_log10: norms[0] - last,
    gradient_ratio_log10_c: normsC ? normsC[0] - last : null,
    saturated_fraction: saturatedFraction(traces),
    // the mean of the first layer's tanh'(a_t) over its steps of equally many units
    mean_tanh_slope: layers[0].tanh_slope ? mean(layers[0].tanh_slope.data) : null,
    mean_memory_gate: layers[0].gate ? mean(layers[0].gate.data) : null,
    colour_scales: colourScales(params.cell, traces[0].x, layers),
  };
}

/**
 * A frame's headline numbers (Python's `Measurement`).
 * @typedef {object} TwinMeasurement
 * @property {number} gradient_ratio_log10  `log10(||dL/dh_1|| / ||dL/dh_T||)`, first layer
 * @property {number} saturated_fraction  of all (layer, step, unit) cells with |h| > 0.99
 * @property {number} mean_tanh_slope  `tanh'(a_t)` over the first layer's steps and units
 */

/**
 * The numbers `computeFrame`'s frame has for `params` (the Elman cell's), the very same,
 * without building the rest of the frame (no per-unit logarithms, colour scales or series):
 * what a preset's search evaluates (Python's `measure`).
 * @param {TwinParams} params
 * @param {Given} given
 * @returns {TwinMeasurement}
 */
export function measure(params, given) {
  if (params.cell !== "elman") {
    throw new RangeError(`measure() measures the Elman cell; got cell ${params.cell}`);
  }
  const cells = buildLayers(params, given);
  const traces = run(cells, firstSteps(given, params.seq_len), params.seq_len);
  const norms = backThroughStack(cells, traces)[0].log10_norm;
  const { h, timesteps } = traces[0];
  return {
    gradient_ratio_log10: norms[0] - norms[norms.length - 1],
    saturated_fraction: saturatedFraction(traces),
    mean_tanh_slope: mean(rowMeans(tanhSlopes(h), timesteps, h.length / timesteps)),
  };
}

/**
 * The fraction of all (layer, step, unit) cells with |h| > 0.99.
 * @param {any[]} traces
 */
function saturatedFraction(traces) {
  let saturated = 0;
  let count = 0;
  for (const trace of traces) {
    for (const h of trace.h) saturated += Math.abs(h) > 0.99 ? 1 : 0;
    count += trace.h.length;
  }
  return saturated / count;
}

/**
 * `tanh'(a_t) = 1 - h_t^2` for every step and unit of an Elman layer.
 * @param {Float64Array} h  (timesteps, units)
 */
function tanhSlopes(h) {
  const slopes = new Float64Array(h.length);
  for (let k = 0; k < h.length; k++) slopes[k] = 1 - h[k] * h[k];
  return slopes;
}

/**
 * The value range each heatmap's colour bar spans (Python's `Frame.colour_scales`): the
 * Elman cell's h on tanh's [-1, 1], a gated cell's on its own largest |h|; x and c symmetric
 * about 0; a gate on [0, 1]; the gradients' logarithms (of every layer, dL/dh and dL/dc on one
 * scale) from their finite values' 1st percentile up, at least one decade.
 * @param {string} cell
 * @param {Float64Array} x  the first layer's input
 * @param {TwinLayer[]} layers
 * @returns {Record<string, [number, number]>}
 */
function colourScales(cell, x, layers) {
  const largest = (/** @type {Float64Array} */ values) => {
    let top = 0;
    for (const v of values) top = Math.max(top, Math.abs(v));
    return top || 1;
  };
  const grads = layers.flatMap((layer) => [layer.log10_abs_grad, layer.log10_abs_grad_c]);
  const logs = grads.filter((grad) => grad).map((grad) => grad.data);
  const finite = new Float64Array(logs.reduce((size, data) => size + data.length, 0));
  let count = 0;
  let hi = -Infinity;
  for (const data of logs) {
    for (const v of data) {
      if (Number.isFinite(v)) {
        finite[count++] = v;
        if (v > hi) hi = v;
      }
    }
  }
  let lo = -1;
  if (count) lo = Math.min(percentile(finite.subarray(0, count), 1), hi - 1);
  else hi = 0; // no gradient at all
  const x_max = largest(x);
  const h_max = cell === "elman" ? 1 : largest(layers[0].h.data);
  /** @type {Record<string, [number, number]>} */
  const scales = { x: [-x_max, x_max], h: [-h_max, h_max], log10_abs_grad: [lo, hi] };
  if (layers[0].gate) scales.gate = [0, 1];
  if (layers[0].c) {
    const c_max = largest(layers[0].c.data);
    scales.c = [-c_max, c_max];
  }
  return scales;
}

/**
 * numpy's `np.percentile(values, q)` (its default, linear interpolation): the two order
 * statistics around the q-th percentile, found by selection (as numpy's partition finds them)
 * rather than a sort. Reorders `values`.
 * @param {Float64Array} values  finite
 * @param {number} q  in [0, 100]
 */
function percentile(values, q) {
  const index = (q / 100) * (values.length - 1);
  const below = Math.floor(index);
  const t = index - below;
  const a = select(values, below);
  // select leaves every value above `below` at least as large: the next is their smallest
  let b = a;
  if (below + 1 < values.length) {
    b = Infinity;
    for (let k = below + 1; k < values.length; k++) if (values[k] < b) b = values[k];
  }
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t; // numpy's _lerp
}

/**
 * The k-th smallest of `values` (0-based), which it reorders so that every value before k is
 * at most it and every value after at least it: Hoare's quickselect, linear on average.
 * @param {Float64Array} values  finite
 * @param {number} k
 */
function select(values, k) {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i++] = values[j];
        values[j--] = swap;
      }
    }
    // now values[lo..j] <= pivot <= values[i..hi], and any between equal the pivot
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k];
}

/**
 * The layers for `params`, input first (Python's `_stack` for the Elman cell, the given
 * layer for a gated one): the Elman cell's W_hh is the unit-scale W_hh times the scale, and
 * its bias the signs times the bias size (zero at 0), exactly as the kernel builds them.
 * @param {TwinParams} params
 * @param {Given} given
 * @returns {import("./base.js").Cell[]}
 */
export function buildLayers(params, given) {
  const { cell, w_hh_scale = 1, saturation = 1, bias = 0, layers = 1 } = params;
  if (!CELLS.includes(cell)) {
    throw new RangeError(`cell must be one of ${CELLS.join(", ")}; got ${cell}`);
  }
  if (cell === "lstm") return [new LSTM(given.layers[0])];
  if (cell === "gru") return [new GRU(given.layers[0])];
  if (!(Number.isInteger(layers) && layers >= 1 && layers <= given.layers.length)) {
    throw new RangeError(`layers must be 1 ... ${given.layers.length}; got ${layers}`);
  }
  return given.layers.slice(0, layers).map((layer) => {
    const signs = checkShape("bias_signs", layer.bias_signs, [layer.units]);
    const b = bias === 0 ? new Float64Array(layer.units) : scaled(bias, signs);
    return new SimpleRNN({ ...layer, W_hh: scaled(w_hh_scale, layer.W_hh), b }, saturation);
  });
}

/**
 * Forward through the stack: each layer reads the whole sequence of the one below (`_run`).
 * @param {any[]} cells
 * @param {Float64Array} x  (timesteps, features)
 * @param {number} timesteps
 */
export function run(cells, x, timesteps) {
  const traces = [];
  for (const cell of cells) {
    traces.push(cell.forward(x, timesteps));
    x = traces[traces.length - 1].h;
  }
  return traces;
}

/**
 * dL/dh_t for the explorer's loss on the top layer's last state: `1/sqrt(units)` on every unit
 * at t = T, zero before (Python's `loss_gradient`).
 * @param {number} timesteps
 * @param {number} units
 */
export function lossGradient(timesteps, units) {
  const dh = new Float64Array(timesteps * units);
  dh.fill(1 / Math.sqrt(units), (timesteps - 1) * units);
  return dh;
}

/**
 * The gradients in logarithms, from the loss on the top layer's last state down the stack:
 * each layer's input gradient, with its log scale, is the direct gradient of the layer below
 * (the backward half of Python's `_forward_and_back`).
 * @param {import("./base.js").Cell[]} cells
 * @param {any[]} traces
 * @param {any[]} [slopes]  each layer's `cell.slopes(trace)`, where they are at hand
 */
function backThroughStack(cells, traces, slopes = undefined) {
  const top = traces[traces.length - 1];
  /** @type {Float64Array} */
  let dh = lossGradient(top.timesteps, cells[cells.length - 1].units);
  /** @type {Float64Array | null} */
  let scale = null; // the loss's direct gradient, at scale 10**0
  const logs = [];
  for (let depth = cells.length - 1; depth >= 0; depth--) {
    const log = log10Gradients(cells[depth], traces[depth], dh, {
      dhLog10Scale: scale,
      inputGradient: depth > 0,
      slopes: slopes?.[depth],
    });
    logs.push(log);
    const x_scaled = log.x_scaled;
    if (x_scaled !== null) {
      // dL/dx_t = 10**log10_scale[t] x_scaled[t]
      dh = x_scaled;
      scale = log.log10_scale;
    }
  }
  return logs.reverse();
}

/**
 * The arrays of one layer's picture (Python's `Layer` as `compute_frame` and `_one_layer` fill it).
 * @param {string} cell
 * @param {any} trace
 * @param {import("./log-gradients.js").LogGradients} log
 * @returns {TwinLayer}
 */
function layerOf(cell, trace, log) {
  const { timesteps } = trace;
  const units = trace.h.length / timesteps;
  const grid = (/** @type {Float64Array} */ data) => ({ shape: [timesteps, units], data });
  const series = (/** @type {Float64Array} */ data) => ({ shape: [timesteps], data });
  // The states are the forward pass's own arrays, or views of them (FrameSource keeps them
  // for the next frame): whoever hands a frame over copies them (js/explorer/twin-worker.js).
  /** @type {TwinLayer} */
  const layer = {
    h: grid(trace.h),
    log10_abs_grad: grid(log.log10_abs),
    log10_grad_norm: series(log.log10_norm),
    h_norm: series(rowNorms(trace.h, timesteps, units)),
  };
  if (cell === "elman") {
    layer.tanh_slope = series(rowMeans(tanhSlopes(trace.h), timesteps, units));
    return layer;
  }
  const gate = cell === "lstm" ? trace.f : trace.z;
  layer.gate = grid(gate);
  layer.gate_mean = series(rowMeans(gate, timesteps, units));
  if (cell === "lstm") {
    layer.c = grid(trace.c);
    layer.log10_abs_grad_c = grid(log.log10_abs_c);
    layer.log10_grad_norm_c = series(log.log10_norm_c);
    layer.c_norm = series(rowNorms(trace.c, timesteps, units));
  }
  return layer;
}

/**
 * The first `timesteps` steps of the given input.
 * @param {Given} given
 * @param {number} timesteps
 */
function firstSteps(given, timesteps) {
  checkShape("x", given.x, [given.timesteps, given.features]);
  if (!(Number.isInteger(timesteps) && timesteps >= 1 && timesteps <= given.timesteps)) {
    throw new RangeError(`seq_len must be 1 ... ${given.timesteps}; got ${timesteps}`);
  }
  return given.x.subarray(0, timesteps * given.features);
}

/**
 * `||v_t||` for every step, (timesteps).
 * @param {Float64Array} values  (timesteps, units)
 * @param {number} timesteps
 * @param {number} units
 */
function rowNorms(values, timesteps, units) {
  const norms = new Float64Array(timesteps);
  for (let t = 0; t < timesteps; t++) {
    let sum = 0;
    for (let j = 0; j < units; j++) sum += values[t * units + j] * values[t * units + j];
    norms[t] = Math.sqrt(sum);
  }
  return norms;
}

/**
 * The mean over the units at every step, (timesteps).
 * @param {Float64Array} values  (timesteps, units)
 * @param {number} timesteps
 * @param {number} units
 */
function rowMeans(values, timesteps, units) {
  const means = new Float64Array(timesteps);
  for (let t = 0; t < timesteps; t++) means[t] = mean(values.subarray(t * units, (t + 1) * units));
  return means;
}

/** @param {Float64Array} values */
function mean(values) {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
