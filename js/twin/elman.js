// The Elman cell's forward pass and its pieces of BPTT, a twin of rnnwidget/cells/elman.py
// (`SimpleRNN.forward`, `slopes`, `step_back`, `input_gradient`) for one sequence:
//
//     z_t = W_hh h_{t-1} + W_xh x_t + b          the memory and the new input, mixed
//     a_t = g * z_t                              g is the tanh gain, `saturation`
//     h_t = tanh(a_t)                            the new hidden state
//
// Shapes as in js/twin/base.js; tests/test_twin.py holds it equal to the Python.

import {
  checkInput,
  checkShape,
  checkWeights,
  inputGradient,
  matVec,
  scaled,
  transpose,
} from "./base.js";

/**
 * What the forward pass computed (Python's `Trace`).
 * @typedef {object} ElmanTrace
 * @property {Float64Array} x  (timesteps, features)
 * @property {Float64Array} h0  (units)
 * @property {Float64Array} [a]  (timesteps, units): `a_t = g (W_hh h_{t-1} + W_xh x_t + b)`
 * @property {Float64Array} h  (timesteps, units): `h_t = tanh(a_t)`
 * @property {number} timesteps
 */

/**
 * The local slopes of every step (Python's `Slopes`).
 * @typedef {{ dz_dh: Float64Array }} ElmanSlopes  dz_dh: `g tanh'(a_t) = g (1 - h_t^2)`,
 *   (timesteps, units)
 */

/** An Elman layer, `h_t = tanh(g (W_hh h_{t-1} + W_xh x_t + b))`, from given weights. */
export class SimpleRNN {
  states = 1;

  /**
   * @param {import("./base.js").Weights} weights  W_xh (units, features), W_hh (units, units),
   *   b (units)
   * @param {number} [saturation]  the tanh gain g, positive
   */
  constructor(weights, saturation = 1) {
    const { units, features } = checkWeights(weights, 1);
    if (!(saturation > 0 && Number.isFinite(saturation))) {
      throw new RangeError(`saturation must be a positive number; got ${saturation}`);
    }
    this.units = units;
    this.features = features;
    this.dzSize = units;
    this.W_xh = weights.W_xh;
    this.W_hh = weights.W_hh;
    this.W_hh_T = transpose(weights.W_hh, units, units); // for W_hh^T dz_t, row by row
    this.b = checkShape("b", weights.b, [units]);
    this.saturation = saturation;
  }

  /**
   * `a_t = g (W_hh h_{t-1} + W_xh x_t + b)`, `h_t = tanh(a_t)` for t = 1 ... T, from h_0 = 0.
   * @param {Float64Array} x  (timesteps, features)
   * @param {number} timesteps
   * @returns {ElmanTrace}
   */
  forward(x, timesteps) {
    const { units, features, saturation: g } = this;
    checkInput(x, timesteps, features);
    const h0 = new Float64Array(units);
    // The input's share of a_t does not depend on the past: computed for every step first;
    // the loop below only adds the recurrent term. The gain multiplies the weights once.
    const gW_xh = scaled(g, this.W_xh);
    const gW_hh = scaled(g, this.W_hh);
    const a = new Float64Array(timesteps * units);
    for (let t = 0; t < timesteps; t++) {
      matVec(gW_xh, units, features, x, t * features, a, t * units); // x_t @ (g W_xh)^T
    }
    for (let t = 0; t < timesteps; t++) {
      for (let j = 0; j < units; j++) a[t * units + j] += g * this.b[j];
    }
    const h = new Float64Array(timesteps * units);
    const recurrent = new Float64Array(units);
    let h_prev = h0;
    let prev = 0; // where h_{t-1} starts in h_prev
    for (let t = 0; t < timesteps; t++) {
      matVec(gW_hh, units, units, h_prev, prev, recurrent); // h_{t-1} @ (g W_hh)^T
      for (let j = 0; j < units; j++) {
        const i = t * units + j;
        a[i] += recurrent[j]; // a_t = g W_xh x_t + g b + g W_hh h_{t-1}
        h[i] = Math.tanh(a[i]); // h_t = tanh(a_t)
      }
      h_prev = h;
      prev = t * units;
    }
    return { x, h0, a, h, timesteps };
  }

  /**
   * The local slope of every step, `g tanh'(a_t) = g (1 - h_t^2)`.
   * @param {ElmanTrace} trace
   * @returns {ElmanSlopes}
   */
  slopes(trace) {
    const g = this.saturation;
    const { h } = trace;
    const dz_dh = new Float64Array(h.length);
    for (let k = 0; k < h.length; k++) dz_dh[k] = (1 - h[k] * h[k]) * g;
    return { dz_dh };
  }

  /**
   * One step of BPTT through `h_t = tanh(g z_t)`, `z_t = W_hh h_{t-1} + W_xh x_t + b`:
   *
   *     dz_t        = g tanh'(a_t) * dh_t           into dz     (units)
   *     dh_{t-1}   += W_hh^T dz_t                   into back   (units)
   *
   * @param {ElmanSlopes} slopes
   * @param {number} t  the step
   * @param {import("./base.js").States} d  `[dh_t]`, the total dL/dh_t
   * @param {Float64Array} dz  written: dL/dz_t
   * @param {import("./base.js").States} back  written: `[W_hh^T dz_t]`, what step t passes back
   */
  stepBack(slopes, t, d, dz, back) {
    const { units } = this;
    const [dh_t] = d;
    const dz_dh = slopes.dz_dh;
    for (let j = 0; j < units; j++) dz[j] = dz_dh[t * units + j] * dh_t[j]; // through tanh, gain
    matVec(this.W_hh_T, units, units, dz, 0, back[0]); // W_hh^T dz_t
    return back;
  }

  /**
   * `dx_t = W_xh^T dz_t`: (timesteps, units) -> (timesteps, features).
   * @param {Float64Array} dz
   * @param {number} timesteps
   */
  inputGradient(dz, timesteps) {
    return inputGradient(dz, this.W_xh, timesteps, this.units, this.features);
  }
}
