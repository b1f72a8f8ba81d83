// What the twin's three cells share (rnnwidget/cells/_base.py): the weight layout and its
// checks, the gate nonlinearity, and the shapes of what passes between the pieces of BPTT.
//
// Every array is a flat Float64Array, row-major, for one sequence (batch 1), so the Python
// arrays' time-major layout and their batch-major one are the same memory:
//
//     x                      (timesteps, features)
//     h, c, a, gates         (timesteps, units)            step t is [t * units, (t + 1) * units)
//     W_xh                   (gates * units, features)      PyTorch's layout, gates stacked
//     W_hh                   (gates * units, units)
//     b, b_xh, b_hh          (gates * units)
//
// tests/test_twin.py holds the twin equal to the Python.

import { webAssemblyProduct } from "./kernel.js";

/**
 * A cell's weights and sizes, as the kernel or the page gives them.
 * @typedef {object} Weights
 * @property {Float64Array} W_xh  (gates * units, features)
 * @property {Float64Array} W_hh  (gates * units, units)
 * @property {Float64Array} [b]  (gates * units): the Elman cell's and the LSTM's bias
 * @property {Float64Array} [b_xh]  (3 * units): the GRU's input bias (PyTorch's bias_ih)
 * @property {Float64Array} [b_hh]  (3 * units): the GRU's recurrent bias (PyTorch's bias_hh)
 * @property {number} units
 * @property {number} features
 */

/**
 * The gradients on the states a cell carries from one step to the next, one array of `units`
 * each: `[dh]` for the Elman cell and the GRU, `[dh, dc]` for the LSTM (Python's `States`).
 * @typedef {Float64Array[]} States
 */

/**
 * One step of BPTT at step t (Python's `step_back`): from `d`, the gradients on step t's states,
 * writes dz and, into `back`, the gradients passed back to step t-1's states.
 * @typedef {(slopes: any, t: number, d: States, dz: Float64Array, back: States) => States} StepBack
 */

/**
 * What every cell offers the log-space recursion (rnnwidget/cells/_base.py's `Cell`).
 * @typedef {object} Cell
 * @property {number} units
 * @property {number} features
 * @property {number} states  how many states the cell carries: 1, or 2 for the LSTM
 * @property {number} dzSize  the size of one step's dz, `gates * units`
 * @property {(trace: any) => any} slopes  every local derivative, for all steps
 * @property {StepBack} stepBack  one step of BPTT: writes dz and what step t passes back
 * @property {(dz: Float64Array, timesteps: number) => Float64Array} inputGradient
 */

/**
 * `array` if it holds `size` numbers, else a RangeError naming the expected shape.
 * @param {string} name
 * @param {Float64Array} array
 * @param {number[]} shape
 * @returns {Float64Array}
 */
export function checkShape(name, array, shape) {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!(array instanceof Float64Array) || array.length !== size) {
    const got = array instanceof Float64Array ? `${array.length} numbers` : typeof array;
    const expected = `(${shape.join(", ")})`;
    throw new RangeError(`${name} must be a Float64Array of shape ${expected}; got ${got}`);
  }
  return array;
}

/**
 * The checked sizes of weights stacking `gates` blocks of `units` rows.
 * @param {Weights} weights
 * @param {number} gates
 * @returns {{ units: number, features: number }}
 */
export function checkWeights(weights, gates) {
  const { units, features } = weights;
  if (!(Number.isInteger(units) && units > 0 && Number.isInteger(features) && features > 0)) {
    throw new RangeError(`units and features must be positive integers; got ${units}, ${features}`);
  }
  checkShape("W_xh", weights.W_xh, [gates * units, features]);
  checkShape("W_hh", weights.W_hh, [gates * units, units]);
  return { units, features };
}

/**
 * The input `x` of `timesteps` steps, checked against the cell's features.
 * @param {Float64Array} x  (timesteps, features)
 * @param {number} timesteps
 * @param {number} features
 */
export function checkInput(x, timesteps, features) {
  if (!(Number.isInteger(timesteps) && timesteps > 0)) {
    throw new RangeError(`timesteps must be a positive integer; got ${timesteps}`);
  }
  return checkShape("x", x, [timesteps, features]);
}

/**
 * `sigmoid(z) = 1 / (1 + exp(-z))`, as the cells' GateNonlinearity computes it: their folded
 * weights hand it `-z` exactly, and 1 / (1 + inf) = 0 is the limit below z = -709.
 * @param {number} z
 */
export function sigmoid(z) {
  return 1 / (1 + Math.exp(-z));
}

/**
 * `tanh(z) = 2 sigmoid(2 z) - 1`, the gated cells' candidate, as GateNonlinearity computes it.
 * @param {number} z
 */
export function tanhOfSigmoid(z) {
  return 2 * (1 / (1 + Math.exp(-2 * z))) - 1;
}

/**
 * `out = W v` for W (rows, cols), row-major: numpy's `W @ v`, `out[k] = sum_j W[k, j] v[j]`,
 * each sum taken over j in order. The forward passes take it with W itself, as the Python
 * writes `h @ W.T`; the backward steps with `W^T` (`transpose`), for `W^T dz`.
 *
 * Where WebAssembly with SIMD runs, ./kernel.js takes the product, faster and with the same
 * bits; else the loop here does, eight rows at a time: each v[j] read serves eight sums, and the
 * eight are independent chains of additions the processor overlaps, where one row at a time
 * waits on every addition in turn (each sum, and so every bit of `out`, is the same).
 * @param {Float64Array} W  (rows, cols)
 * @param {number} rows
 * @param {number} cols
 * @param {Float64Array} v  holding the vector at [vOffset, vOffset + cols)
 * @param {number} vOffset
 * @param {Float64Array} out  written at [outOffset, outOffset + rows)
 * @param {number} [outOffset]
 */
export function matVec(W, rows, cols, v, vOffset, out, outOffset = 0) {
  const product = webAssemblyProduct();
  if (product !== null) return product.matVec(W, rows, cols, v, vOffset, out, outOffset);
  let k = 0;
  for (; k + 8 <= rows; k += 8) {
    // (spelt out: arrays of offsets or sums here would be built on every call)
    const w0 = k * cols;
    const w1 = w0 + cols;
    const w2 = w1 + cols;
    const w3 = w2 + cols;
    const w4 = w3 + cols;
    const w5 = w4 + cols;
    const w6 = w5 + cols;
    const w7 = w6 + cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    for (let j = 0; j < cols; j++) {
      const vj = v[vOffset + j];
      s0 += W[w0 + j] * vj;
      s1 += W[w1 + j] * vj;
      s2 += W[w2 + j] * vj;
      s3 += W[w3 + j] * vj;
      s4 += W[w4 + j] * vj;
      s5 += W[w5 + j] * vj;
      s6 += W[w6 + j] * vj;
      s7 += W[w7 + j] * vj;
    }
    const o = outOffset + k;
    out[o] = s0;
    out[o + 1] = s1;
    out[o + 2] = s2;
    out[o + 3] = s3;
    out[o + 4] = s4;
    out[o + 5] = s5;
    out[o + 6] = s6;
    out[o + 7] = s7;
  }
  for (; k < rows; k++) {
    const w = k * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += W[w + j] * v[vOffset + j];
    out[outOffset + k] = s;
  }
  return out;
}

/**
 * `factor * W`, a new array.
 * @param {number} factor
 * @param {Float64Array} W
 */
export function scaled(factor, W) {
  const out = new Float64Array(W.length);
  for (let k = 0; k < W.length; k++) out[k] = factor * W[k];
  return out;
}

/**
 * `W^T`, (cols, rows), of W (rows, cols).
 * @param {Float64Array} W
 * @param {number} rows
 * @param {number} cols
 */
export function transpose(W, rows, cols) {
  const T = new Float64Array(W.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) T[k * rows + r] = W[r * cols + k];
  return T;
}

/**
 * `dx_t = W_xh^T dz_t` for every step: `(timesteps, gates * units) -> (timesteps, features)`.
 * @param {Float64Array} dz  (timesteps, gates * units)
 * @param {Float64Array} W_xh  (gates * units, features)
 * @param {number} timesteps
 * @param {number} rows  gates * units
 * @param {number} features
 */
export function inputGradient(dz, W_xh, timesteps, rows, features) {
  const W_xh_T = transpose(W_xh, rows, features);
  const dx = new Float64Array(timesteps * features);
  for (let t = 0; t < timesteps; t++) {
    matVec(W_xh_T, features, rows, dz, t * rows, dx, t * features); // W_xh^T dz_t
  }
  return dx;
}

/**
 * `h_{t-1}` for every step: `h0` then `h` without its last step, (timesteps, units).
 * @param {Float64Array} h0  (units)
 * @param {Float64Array} h  (timesteps, units)
 */
export function previousStates(h0, h) {
  const prev = new Float64Array(h.length);
  prev.set(h0);
  prev.set(h.subarray(0, h.length - h0.length), h0.length);
  return prev;
}
