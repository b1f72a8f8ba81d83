// The LSTM's forward pass and its pieces of BPTT, a twin of rnnwidget/cells/lstm.py
// (`LSTM.forward`, `slopes`, `step_back`, `input_gradient`) for one sequence, with PyTorch's
// equations and gate order i, f, g, o:
//
//     [z_i, z_f, z_g, z_o] = W_xh x_t + W_hh h_{t-1} + b
//     i_t, f_t, o_t = sigmoid(z_i, z_f, z_o)      g_t = tanh(z_g)
//     c_t = f_t * c_{t-1} + i_t * g_t              the cell state: the memory
//     h_t = o_t * tanh(c_t)                        the hidden state: the output
//
// Shapes as in js/twin/base.js; tests/test_twin.py holds it equal to the Python.

import {
  checkInput,
  checkShape,
  checkWeights,
  inputGradient,
  sigmoid,
  tanhOfSigmoid,
  matVec,
  transpose,
} from "./base.js";

/**
 * What the forward pass computed (Python's `LSTMTrace`); every array but x, h0 and c0 is
 * (timesteps, units).
 * @typedef {object} LSTMTrace
 * @property {Float64Array} x  (timesteps, features)
 * @property {Float64Array} h0  (units)
 * @property {Float64Array} c0  (units)
 * @property {Float64Array} h
 * @property {Float64Array} c
 * @property {Float64Array} i  the input gate
 * @property {Float64Array} f  the forget gate
 * @property {Float64Array} g  the candidate
 * @property {Float64Array} o  the output gate
 * @property {Float64Array} tanh_c
 * @property {number} timesteps
 */

/**
 * The local derivatives of every step (Python's `LSTMSlopes`).
 * @typedef {object} LSTMSlopes
 * @property {Float64Array} dc_dh  `o_t tanh'(c_t)`, (timesteps, units)
 * @property {Float64Array} dz_dc  dz_i, dz_f, dz_g per unit of dc_t, (timesteps, 3, units):
 *   `g_t i_t (1 - i_t)`, `c_{t-1} f_t (1 - f_t)`, `i_t (1 - g_t^2)`
 * @property {Float64Array} dz_dh  `tanh(c_t) o_t (1 - o_t)`, (timesteps, units)
 * @property {Float64Array} f  the forget gate, (timesteps, units)
 */

/** A long short-term memory layer with PyTorch's equations, from given weights. */
export class LSTM {
  states = 2;

  /**
   * @param {import("./base.js").Weights} weights  W_xh (4 units, features), W_hh (4 units,
   *   units), b (4 units), gates stacked i, f, g, o (for PyTorch, b = bias_ih + bias_hh)
   */
  constructor(weights) {
    const { units, features } = checkWeights(weights, 4);
    this.units = units;
    this.features = features;
    this.dzSize = 4 * units;
    this.W_xh = weights.W_xh;
    this.W_hh = weights.W_hh;
    this.W_hh_T = transpose(weights.W_hh, 4 * units, units); // for W_hh^T dz_t, row by row
    this.b = checkShape("b", weights.b, [4 * units]);
  }

  /**
   * Run the recurrence over every step from h_0 = c_0 = 0.
   * @param {Float64Array} x  (timesteps, features)
   * @param {number} timesteps
   * @returns {LSTMTrace}
   */
  forward(x, timesteps) {
    const { units, features } = this;
    checkInput(x, timesteps, features);
    const rows = 4 * units;
    const h0 = new Float64Array(units);
    const c0 = new Float64Array(units);
    // The input's share of every gate does not depend on the past: computed for every step
    // first; the loop adds the recurrent term.
    const z = new Float64Array(timesteps * rows);
    for (let t = 0; t < timesteps; t++) {
      matVec(this.W_xh, rows, features, x, t * features, z, t * rows); // x_t @ W_xh^T
    }
    for (let t = 0; t < timesteps; t++) {
      for (let r = 0; r < rows; r++) z[t * rows + r] += this.b[r];
    }
    const size = timesteps * units;
    const [h, c, i, f, g, o, tanh_c] = Array.from({ length: 7 }, () => new Float64Array(size));
    const recurrent = new Float64Array(rows);
    let h_prev = h0;
    let c_prev = c0;
    let prev = 0; // where h_{t-1} and c_{t-1} start in h_prev and c_prev
    for (let t = 0; t < timesteps; t++) {
      matVec(this.W_hh, rows, units, h_prev, prev, recurrent); // h_{t-1} @ W_hh^T
      const zt = t * rows;
      for (let j = 0; j < units; j++) {
        const k = t * units + j;
        // z_t = W_xh x_t + W_hh h_{t-1} + b, then the gates
        i[k] = sigmoid(z[zt + j] + recurrent[j]);
        f[k] = sigmoid(z[zt + units + j] + recurrent[units + j]);
        g[k] = tanhOfSigmoid(z[zt + 2 * units + j] + recurrent[2 * units + j]);
        o[k] = sigmoid(z[zt + 3 * units + j] + recurrent[3 * units + j]);
        c[k] = f[k] * c_prev[prev + j] + i[k] * g[k]; // c_t = f_t c_{t-1} + i_t g_t
        tanh_c[k] = Math.tanh(c[k]);
        h[k] = o[k] * tanh_c[k]; // h_t = o_t tanh(c_t)
      }
      h_prev = h;
      c_prev = c;
      prev = t * units;
    }
    return { x, h0, c0, h, c, i, f, g, o, tanh_c, timesteps };
  }

  /**
   * Every local derivative the backward loop needs, for all steps at once.
   * @param {LSTMTrace} trace
   * @returns {LSTMSlopes}
   */
  slopes(trace) {
    const { units } = this;
    const { i, f, g, o, c, c0, tanh_c, timesteps } = trace;
    const dz_dc = new Float64Array(timesteps * 3 * units);
    const dc_dh = new Float64Array(timesteps * units);
    const dz_dh = new Float64Array(timesteps * units);
    for (let t = 0; t < timesteps; t++) {
      for (let j = 0; j < units; j++) {
        const k = t * units + j;
        const rows = t * 3 * units;
        const c_prev = t === 0 ? c0[j] : c[k - units];
        // c_t = f c_{t-1} + i g with i, f = sigmoid(z_i, z_f) and g = tanh(z_g)
        dz_dc[rows + j] = g[k] * ((1 - i[k]) * i[k]); // g i (1 - i)
        dz_dc[rows + units + j] = c_prev * ((1 - f[k]) * f[k]); // c_{t-1} f (1 - f)
        dz_dc[rows + 2 * units + j] = i[k] * (1 - g[k] * g[k]); // i (1 - g^2)
        // h_t = o tanh(c_t),  o = sigmoid(z_o)
        dc_dh[k] = (1 - tanh_c[k] * tanh_c[k]) * o[k]; // o (1 - tanh(c_t)^2)
        dz_dh[k] = (1 - o[k]) * o[k] * tanh_c[k]; // tanh(c_t) o (1 - o)
      }
    }
    return { dc_dh, dz_dc, dz_dh, f };
  }

  /**
   * One step of BPTT through step t's equations:
   *
   *     dc_t       += o_t tanh'(c_t) dh_t            through h_t = o_t tanh(c_t)
   *     dz_i        = g_t i_t (1 - i_t) dc_t         through c_t = f_t c_{t-1} + i_t g_t
   *     dz_f        = c_{t-1} f_t (1 - f_t) dc_t
   *     dz_g        = i_t (1 - g_t^2) dc_t
   *     dz_o        = tanh(c_t) o_t (1 - o_t) dh_t
   *     dh_{t-1}   += W_hh^T dz_t                    z_t = W_xh x_t + W_hh h_{t-1} + b
   *     dc_{t-1}   += f_t dc_t
   *
   * @param {LSTMSlopes} slopes
   * @param {number} t  the step
   * @param {import("./base.js").States} d  `[dh_t, dc_t]`: the total dL/dh_t, and dL/dc_t
   *   directly and through c_{t+1}; the step adds the path through h_t to dc_t, in place
   * @param {Float64Array} dz  written: dL/dz_t, (4, units), gates i, f, g, o
   * @param {import("./base.js").States} back  written: `[W_hh^T dz_t, f_t dc_t]`
   */
  stepBack(slopes, t, d, dz, back) {
    const { units } = this;
    const { dc_dh, dz_dc, dz_dh, f } = slopes;
    const [dh_t, dc_t] = d;
    const rows = t * 3 * units;
    for (let j = 0; j < units; j++) {
      const k = t * units + j;
      dc_t[j] += dh_t[j] * dc_dh[k]; // through h_t = o_t tanh(c_t)
      dz[j] = dc_t[j] * dz_dc[rows + j]; // dz_i
      dz[units + j] = dc_t[j] * dz_dc[rows + units + j]; // dz_f
      dz[2 * units + j] = dc_t[j] * dz_dc[rows + 2 * units + j]; // dz_g
      dz[3 * units + j] = dh_t[j] * dz_dh[k]; // dz_o
    }
    matVec(this.W_hh_T, units, 4 * units, dz, 0, back[0]); // W_hh^T dz_t
    for (let j = 0; j < units; j++) back[1][j] = dc_t[j] * f[t * units + j]; // c_t = f c_{t-1} + ..
    return back;
  }

  /**
   * `dx_t = W_xh^T dz_t`: (timesteps, 4 units) -> (timesteps, features).
   * @param {Float64Array} dz
   * @param {number} timesteps
   */
  inputGradient(dz, timesteps) {
    return inputGradient(dz, this.W_xh, timesteps, 4 * this.units, this.features);
  }
}
