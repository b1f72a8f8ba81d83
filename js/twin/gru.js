// The GRU's forward pass and its pieces of BPTT, a twin of rnnwidget/cells/gru.py
// (`GRU.forward`, `slopes`, `step_back`, `input_gradient`) for one sequence, with PyTorch's
// equations, gate order r, z, n and two biases:
//
//     r_t = sigmoid(W_xr x_t + b_xr + W_hr h_{t-1} + b_hr)       reset gate
//     z_t = sigmoid(W_xz x_t + b_xz + W_hz h_{t-1} + b_hz)       update gate
//     n_t = tanh(W_xn x_t + b_xn + r_t * (W_hn h_{t-1} + b_hn))  candidate
//     h_t = (1 - z_t) * n_t + z_t * h_{t-1}
//
// Shapes as in js/twin/base.js; tests/test_twin.py holds it equal to the Python.

import {
  checkInput,
  checkShape,
  checkWeights,
  inputGradient,
  previousStates,
  sigmoid,
  matVec,
  transpose,
} from "./base.js";

/**
 * What the forward pass computed (Python's `GRUTrace`); h, r, z and n are (timesteps, units).
 * @typedef {object} GRUTrace
 * @property {Float64Array} x  (timesteps, features)
 * @property {Float64Array} h0  (units)
 * @property {Float64Array} h
 * @property {Float64Array} r  the reset gate
 * @property {Float64Array} z  the update gate
 * @property {Float64Array} n  the candidate
 * @property {Float64Array} [ah_n]  `W_hn h_{t-1} + b_hn`, the past's share of the candidate:
 *   kept by the twin's forward pass so that `slopes` need not compute it again (the Python's
 *   trace, and so a kernel's, lacks it)
 * @property {number} timesteps
 */

/**
 * The local derivatives of every step (Python's `GRUSlopes`).
 * @typedef {object} GRUSlopes
 * @property {Float64Array} dan_dh  `(1 - z_t)(1 - n_t^2)`, (timesteps, units)
 * @property {Float64Array} dah_dh  dar, daz, r dan per unit of dh_t, (timesteps, 3, units)
 * @property {Float64Array} z  the update gate, (timesteps, units)
 */

/** A gated recurrent unit with PyTorch's equations, from given weights. */
export class GRU {
  states = 1;

  /**
   * @param {import("./base.js").Weights} weights  W_xh (3 units, features), W_hh (3 units,
   *   units), b_xh and b_hh (3 units), gates stacked r, z, n
   */
  constructor(weights) {
    const { units, features } = checkWeights(weights, 3);
    this.units = units;
    this.features = features;
    this.dzSize = 3 * units;
    this.W_xh = weights.W_xh;
    this.W_hh = weights.W_hh;
    this.W_hh_T = transpose(weights.W_hh, 3 * units, units); // for W_hh^T dz_t, row by row
    this.b_xh = checkShape("b_xh", weights.b_xh, [3 * units]);
    this.b_hh = checkShape("b_hh", weights.b_hh, [3 * units]);
  }

  /**
   * Run the recurrence over every step from h_0 = 0.
   * @param {Float64Array} x  (timesteps, features)
   * @param {number} timesteps
   * @returns {GRUTrace}
   */
  forward(x, timesteps) {
    const { units, features } = this;
    checkInput(x, timesteps, features);
    const rows = 3 * units;
    const h0 = new Float64Array(units);
    // ax_t = W_xh x_t + b_xh (r, z, n) does not depend on the past: every step first.
    const ax = new Float64Array(timesteps * rows);
    for (let t = 0; t < timesteps; t++) {
      matVec(this.W_xh, rows, features, x, t * features, ax, t * rows); // x_t @ W_xh^T
    }
    for (let t = 0; t < timesteps; t++) {
      for (let k = 0; k < rows; k++) ax[t * rows + k] += this.b_xh[k];
    }
    const size = timesteps * units;
    const [h, r, z, n, ah_n] = Array.from({ length: 5 }, () => new Float64Array(size));
    const ah = new Float64Array(rows); // the past's share, one step
    let h_prev = h0;
    let prev = 0; // where h_{t-1} starts in h_prev
    for (let t = 0; t < timesteps; t++) {
      matVec(this.W_hh, rows, units, h_prev, prev, ah); // h_{t-1} @ W_hh^T
      for (let k = 0; k < rows; k++) ah[k] += this.b_hh[k]; // ah_t = W_hh h_{t-1} + b_hh
      const at = t * rows;
      for (let j = 0; j < units; j++) {
        const k = t * units + j;
        r[k] = sigmoid(ax[at + j] + ah[j]); // r_t, z_t = sigmoid(ax_t + ah_t)
        z[k] = sigmoid(ax[at + units + j] + ah[units + j]);
        ah_n[k] = ah[2 * units + j];
        n[k] = Math.tanh(r[k] * ah_n[k] + ax[at + 2 * units + j]);
        // h_t = n_t + z_t (h_{t-1} - n_t) = (1 - z_t) n_t + z_t h_{t-1}
        h[k] = (h_prev[prev + j] - n[k]) * z[k] + n[k];
      }
      h_prev = h;
      prev = t * units;
    }
    return { x, h0, h, r, z, n, ah_n, timesteps };
  }

  /**
   * Every local derivative the backward loop needs, for all steps at once.
   * @param {GRUTrace} trace
   * @returns {GRUSlopes}
   */
  slopes(trace) {
    const { units } = this;
    const { r, z, n, h0, h, timesteps } = trace;
    const h_prev = previousStates(h0, h);
    const ah_n = trace.ah_n ?? this._pastShareOfCandidate(h_prev, timesteps);
    const dan_dh = new Float64Array(timesteps * units);
    const dah_dh = new Float64Array(timesteps * 3 * units);
    for (let t = 0; t < timesteps; t++) {
      const rows = t * 3 * units;
      for (let j = 0; j < units; j++) {
        const k = t * units + j;
        const ah_nk = ah_n[k];
        dan_dh[k] = (1 - z[k]) * (1 - n[k] * n[k]); // h_t = (1 - z) n + ...,  n = tanh(a_n)
        dah_dh[rows + j] = dan_dh[k] * ah_nk * r[k] * (1 - r[k]); // a_n = ... + r ah_n
        // h_t = n + z (h_{t-1} - n),  z = sigmoid(...)
        dah_dh[rows + units + j] = (h_prev[k] - n[k]) * z[k] * (1 - z[k]);
        dah_dh[rows + 2 * units + j] = dan_dh[k] * r[k]; // a_n = ... + r ah_n
      }
    }
    return { dan_dh, dah_dh, z };
  }

  /**
   * `ah_n = W_hn h_{t-1} + b_hn` for every step, the past's share of the candidate, (timesteps,
   * units): the sums the forward pass took, in the same order.
   * @param {Float64Array} h_prev  (timesteps, units)
   * @param {number} timesteps
   */
  _pastShareOfCandidate(h_prev, timesteps) {
    const { units } = this;
    const W_hn = this.W_hh.subarray(2 * units * units);
    const ah_n = new Float64Array(timesteps * units);
    for (let t = 0; t < timesteps; t++) {
      matVec(W_hn, units, units, h_prev, t * units, ah_n, t * units); // h_{t-1} @ W_hn^T
      for (let j = 0; j < units; j++) ah_n[t * units + j] += this.b_hh[2 * units + j];
    }
    return ah_n;
  }

  /**
   * One step of BPTT through step t's equations (rnnwidget/cells/gru.py's `backward`):
   *
   *     dah_t       = [dar, daz, r_t dan] = dah_dh[t] * dh_t
   *     dh_{t-1}   += W_hh^T dah_t + z_t dh_t
   *     dz          = dax_t = [dar, daz, dan]
   *
   * @param {GRUSlopes} slopes
   * @param {number} t  the step
   * @param {import("./base.js").States} d  `[dh_t]`, the total dL/dh_t
   * @param {Float64Array} dz  written: dax_t, (3, units), the gradient on W_xh x_t + b_xh
   * @param {import("./base.js").States} back  written: `[W_hh^T dah_t + z_t dh_t]`
   */
  stepBack(slopes, t, d, dz, back) {
    const { units } = this;
    const { dan_dh, dah_dh, z } = slopes;
    const [dh_t] = d;
    const rows = t * 3 * units;
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < units; j++) dz[k * units + j] = dh_t[j] * dah_dh[rows + k * units + j];
    }
    // through ah_t = W_hh h_{t-1} + b_hh
    const dh_back = matVec(this.W_hh_T, units, 3 * units, dz, 0, back[0]);
    for (let j = 0; j < units; j++) {
      dh_back[j] += z[t * units + j] * dh_t[j]; // through h_t = ... + z_t h_{t-1}
      dz[2 * units + j] = dh_t[j] * dan_dh[t * units + j]; // dan: n's row as the input sees it
    }
    return back;
  }

  /**
   * `dx_t = W_xh^T dax_t`: (timesteps, 3 units) -> (timesteps, features).
   * @param {Float64Array} dz
   * @param {number} timesteps
   */
  inputGradient(dz, timesteps) {
    return inputGradient(dz, this.W_xh, timesteps, 3 * this.units, this.features);
  }
}
