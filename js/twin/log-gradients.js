// The total gradients dL/dh_t (and the LSTM's dL/dc_t) of one layer in base-10 logarithms,
// exact at any magnitude: a twin of rnnwidget/cells/log_gradients.py (`log10_gradients`, its
// `_plain_pass` and `_log_space_pass`, and `LogGradients`), for one sequence.
//
// The plain float64 recursion runs while every norm stays inside 1e±150 (`safeLog10Range`);
// past it, or where a gradient is exactly zero, the recursion carries step t's gradient as
// 10**e * u with u of modest size, so 1e+400 and 1e-6000 are as exact as 1e-3.
// tests/test_twin.py holds it equal to the Python.

/** @typedef {import("./base.js").Cell} Cell */
/** @typedef {import("./base.js").States} States */

/**
 * The gradient norms, in decades, that a float64 computation holds exactly: ±(log10
 * sqrt(largest) - 4), about ±150 (Python's `safe_log10_range(np.float64)`).
 */
export const SAFE_LOG10 = 0.5 * Math.log10(Number.MAX_VALUE) - 4;

/**
 * One layer's total gradients, at any magnitude (Python's `LogGradients`). Step t's gradients
 * are `10**log10_scale[t]` times the scaled arrays; `-Infinity` marks an exact zero. Arrays
 * are (timesteps, units) unless said otherwise.
 */
export class LogGradients {
  /**
   * @param {object} parts
   * @param {Float64Array} parts.log10_norm  `log10 ||dL/dh_t||`, (timesteps)
   * @param {Float64Array | null} parts.log10_norm_c  the LSTM's `log10 ||dL/dc_t||`
   * @param {Float64Array} parts.log10_scale  log10 of the norm of step t's whole state
   *   gradient, (timesteps)
   * @param {boolean} parts.log_space  whether the log-space pass computed them
   * @param {Float64Array[]} parts.states  the gradients on the states: over
   *   10**log10_scale[t] when log_space, else as they are
   * @param {Float64Array | null} parts.input  the gradient on the input likewise,
   *   (timesteps, features), or null
   * @param {number} parts.units
   * @param {number} parts.features
   */
  constructor(parts) {
    const { log10_norm, log10_norm_c, log10_scale, log_space, states, input, units, features } =
      parts;
    this.log10_norm = log10_norm;
    this.log10_norm_c = log10_norm_c;
    this.log10_scale = log10_scale;
    this.log_space = log_space;
    this._states = states;
    this._input = input;
    this._units = units;
    this._features = features;
    /** @type {Float64Array | undefined} */
    this._log10_abs = undefined;
    /** @type {Float64Array | undefined} */
    this._log10_abs_c = undefined;
    /** @type {Float64Array | undefined} */
    this._x_scaled = undefined;
  }

  /** `log10 |dL/dh_t|` for every unit (computed on first use, as every array below). */
  get log10_abs() {
    this._log10_abs ??= this._log10Abs(this._states[0], this._units);
    return this._log10_abs;
  }

  /** The LSTM's `log10 |dL/dc_t|` for every unit; null for the other cells. */
  get log10_abs_c() {
    if (this._states.length < 2) return null;
    this._log10_abs_c ??= this._log10Abs(this._states[1], this._units);
    return this._log10_abs_c;
  }

  /** `dL/dx_t / 10**log10_scale[t]`, (timesteps, features); null when not asked for. */
  get x_scaled() {
    if (this._input === null) return null;
    this._x_scaled ??= this._scaled(this._input, this._features);
    return this._x_scaled;
  }

  /**
   * @param {Float64Array} values
   * @param {number} width  numbers per step
   */
  _log10Abs(values, width) {
    const logs = new Float64Array(values.length);
    for (let t = 0; t < values.length / width; t++) {
      const shift = this.log_space ? this.log10_scale[t] : 0;
      for (let k = t * width; k < (t + 1) * width; k++) {
        logs[k] = Math.log10(Math.abs(values[k])) + shift; // log10(0) = -Infinity: exact zero
      }
    }
    return logs;
  }

  /**
   * @param {Float64Array} values
   * @param {number} width  numbers per step
   */
  _scaled(values, width) {
    if (this.log_space) return values;
    // norms inside 1e±150: 10**-log10_scale is a normal number
    const scaled = new Float64Array(values.length);
    for (let t = 0; t < values.length / width; t++) {
      const factor = 10 ** -this.log10_scale[t];
      for (let k = t * width; k < (t + 1) * width; k++) scaled[k] = values[k] * factor;
    }
    return scaled;
  }
}

/**
 * The total gradients `cell.backward(trace, dh)` would return, in base-10 logarithms, exact at
 * any magnitude (Python's `log10_gradients`).
 *
 * @param {Cell} cell  a SimpleRNN, LSTM or GRU of js/twin
 * @param {any} trace  what its forward pass returned (or the kernel's trace, field for field)
 * @param {Float64Array} dh  the loss's direct gradient on every hidden state, (timesteps, units)
 * @param {object} [options]
 * @param {Float64Array | null} [options.dc]  the same on every cell state (LSTM; zeros when null)
 * @param {Float64Array | null} [options.dhLog10Scale]  where the direct gradients are
 *   themselves too large or small for float64 (a layer above's `x_scaled`), the true ones at
 *   step t are `10**dhLog10Scale[t]` times dh's, (timesteps), finite or -Infinity
 * @param {boolean} [options.inputGradient]  also return dL/dx_t (`x_scaled`)
 * @param {boolean | null} [options.logSpace]  true forces the log-space pass; false the plain
 *   one, which throws where it cannot be trusted; null takes the plain pass and falls back
 * @param {any} [options.slopes]  `cell.slopes(trace)`, where the caller has them already
 * @returns {LogGradients}
 */
export function log10Gradients(cell, trace, dh, options = {}) {
  const { dc = null, dhLog10Scale = null, inputGradient = true, logSpace = null } = options;
  const slopes = options.slopes ?? cell.slopes(trace);
  const { timesteps } = trace;
  const size = timesteps * cell.units;
  const direct = [directGradient("dh", dh, size)];
  if (cell.states === 2) {
    direct.push(dc === null ? new Float64Array(size) : directGradient("dc", dc, size));
  } else if (dc !== null) {
    throw new RangeError("dc is the gradient on an LSTM's cell state; this cell has none");
  }
  const scale = dhLog10Scale === null ? null : log10Scale(dhLog10Scale, timesteps);

  if (logSpace !== true) {
    const plain = plainPass(cell, slopes, timesteps, direct, scale, inputGradient);
    if (plain !== null) return plain;
    if (logSpace === false) {
      throw new RangeError(
        `a gradient norm left 1e-${SAFE_LOG10.toFixed(0)}...1e+${SAFE_LOG10.toFixed(0)} or is ` +
          "exactly zero, where plain float64 cannot be trusted: take logSpace null or true",
      );
    }
  }
  return logSpacePass(cell, slopes, timesteps, direct, scale, inputGradient);
}

// ---------------------------------------------------------------------------------------------
// The two passes
// ---------------------------------------------------------------------------------------------

/**
 * The recursion in plain float64; null where a norm leaves the safe range (or is exactly zero).
 * @param {Cell} cell
 * @param {any} slopes
 * @param {number} timesteps
 * @param {Float64Array[]} direct
 * @param {Float64Array | null} scale
 * @param {boolean} inputGradient
 * @returns {LogGradients | null}
 */
function plainPass(cell, slopes, timesteps, direct, scale, inputGradient) {
  const { units, dzSize } = cell;
  let totals;
  if (scale !== null) {
    for (const s of scale) {
      if (Number.isFinite(s) && (s < -SAFE_LOG10 || s > SAFE_LOG10)) return null;
    }
    totals = direct.map((d) => {
      const total = new Float64Array(d.length);
      for (let t = 0; t < timesteps; t++) {
        const factor = 10 ** scale[t]; // 0 where the scale is -Infinity
        for (let k = t * units; k < (t + 1) * units; k++) total[k] = d[k] * factor;
      }
      return total;
    });
  } else {
    totals = direct.map((d) => d.slice()); // the direct gradients; become the totals
  }
  const dz = new Float64Array(inputGradient ? timesteps * dzSize : dzSize);
  /** @type {States} */
  const back = totals.map(() => new Float64Array(units));
  const squares = totals.map(() => new Float64Array(timesteps)); // ||total_t||^2 per state
  const log10Norms = totals.map(() => new Float64Array(timesteps));
  for (let t = timesteps - 1; t >= 0; t--) {
    const d = totals.map((total) => total.subarray(t * units, (t + 1) * units));
    for (let k = 0; k < d.length; k++) {
      // (each array read once, outside the loop: Chromium pays for every fresh one)
      const total = d[k];
      const through = back[k];
      for (let j = 0; j < units; j++) total[j] += through[j]; // directly, and through step t+1
    }
    const dz_t = inputGradient ? dz.subarray(t * dzSize, (t + 1) * dzSize) : dz;
    cell.stepBack(slopes, t, d, dz_t, back);
    // Step t's totals are complete. The Python checks every norm after the last step; the
    // first one out of range ends the pass here instead, with the same answer, so that a
    // gradient vanishing or exploding halfway does not pay for a plain pass it cannot use.
    for (let k = 0; k < d.length; k++) {
      squares[k][t] = dot(d[k], d[k]);
      log10Norms[k][t] = 0.5 * Math.log10(squares[k][t]);
      const v = log10Norms[k][t];
      if (!(v >= -SAFE_LOG10 && v <= SAFE_LOG10)) return null; // an exact zero and NaN too
    }
  }
  const log10_scale =
    totals.length === 1
      ? log10Norms[0]
      : squares[0].map((s, t) => 0.5 * Math.log10(0 + s + squares[1][t]));
  return new LogGradients({
    log10_norm: log10Norms[0],
    log10_norm_c: totals.length > 1 ? log10Norms[1] : null,
    log10_scale,
    log_space: false,
    states: totals,
    input: inputGradient ? cell.inputGradient(dz, timesteps) : null,
    units,
    features: cell.features,
  });
}

/**
 * The recursion on `10**e * u`: exact at any magnitude.
 * @param {Cell} cell
 * @param {any} slopes
 * @param {number} timesteps
 * @param {Float64Array[]} direct
 * @param {Float64Array | null} scale
 * @param {boolean} inputGradient
 * @returns {LogGradients}
 */
function logSpacePass(cell, slopes, timesteps, direct, scale, inputGradient) {
  const { units, dzSize } = cell;
  // The direct gradients as 10**e_direct[t] * unit[t], with a largest entry of 1.
  const largest = new Float64Array(timesteps);
  for (const d of direct) {
    for (let t = 0; t < timesteps; t++) {
      for (let j = 0; j < units; j++) largest[t] = Math.max(largest[t], Math.abs(d[t * units + j]));
    }
  }
  // a step without a direct gradient: e = -Infinity
  const e_direct = largest.map((l, t) => Math.log10(l) + (scale === null ? 0 : scale[t]));
  const unit = direct.map((d) => {
    const u = new Float64Array(d.length);
    for (let t = 0; t < timesteps; t++) {
      const size = largest[t] || 1;
      for (let k = t * units; k < (t + 1) * units; k++) u[k] = d[k] / size;
    }
    return u;
  });

  const scaled = direct.map(() => new Float64Array(timesteps * units)); // over 10**log10_scale[t]
  const log10_scale = new Float64Array(timesteps).fill(-Infinity);
  const dz = new Float64Array(inputGradient ? timesteps * dzSize : dzSize);
  /** @type {States} */
  const back = direct.map(() => new Float64Array(units));
  /** @type {States} */
  const into = direct.map(() => new Float64Array(units));
  let e_back = -Infinity; // what step t+1 passes back is 10**e_back * back
  for (let t = timesteps - 1; t >= 0; t--) {
    const top = Math.max(e_back, e_direct[t]);
    if (top === -Infinity) continue; // nothing reaches step t: its gradients are exactly zero
    // Step t's gradients over 10**top: both parts with coefficients of at most 1 (0 for one
    // that is -Infinity or hundreds of decades below the other).
    const from_back = 10 ** (e_back - top);
    const from_loss = 10 ** (e_direct[t] - top);
    const d = scaled.map((s) => s.subarray(t * units, (t + 1) * units));
    for (let k = 0; k < d.length; k++) {
      const u = unit[k];
      for (let j = 0; j < units; j++) {
        d[k][j] = back[k][j] * from_back + from_loss * u[t * units + j];
      }
    }
    const dz_t = inputGradient ? dz.subarray(t * dzSize, (t + 1) * dzSize) : dz;
    cell.stepBack(slopes, t, d, dz_t, into); // completes d into the totals, in place

    let squares = 0;
    for (const d_k of d) squares += dot(d_k, d_k);
    const norm = Math.sqrt(squares);
    if (norm > 0) {
      // 0 only where the parts cancel exactly: then all stays zero
      for (const d_k of d) for (let j = 0; j < units; j++) d_k[j] /= norm;
      if (inputGradient) for (let k = 0; k < dzSize; k++) dz_t[k] /= norm;
      log10_scale[t] = top + Math.log10(norm);
    }
    let size = 0;
    for (const v of into) for (let j = 0; j < units; j++) size = Math.max(size, Math.abs(v[j]));
    for (let k = 0; k < into.length; k++) {
      for (let j = 0; j < units; j++) back[k][j] = size > 0 ? into[k][j] / size : 0;
    }
    e_back = size > 0 ? top + Math.log10(size) : -Infinity;
  }

  const oneState = scaled.length === 1; // then u_t has norm 1: its norm is the scale itself
  const log10Norms = scaled.map((u) =>
    sumOfSquaresPerStep(u, timesteps, units).map((s, t) => log10_scale[t] + 0.5 * Math.log10(s)),
  );
  return new LogGradients({
    log10_norm: oneState ? log10_scale.slice() : log10Norms[0],
    log10_norm_c: oneState ? null : log10Norms[1],
    log10_scale,
    log_space: true,
    states: scaled,
    input: inputGradient ? cell.inputGradient(dz, timesteps) : null,
    units,
    features: cell.features,
  });
}

// ---------------------------------------------------------------------------------------------
// Checks and sums
// ---------------------------------------------------------------------------------------------

/**
 * @param {string} name
 * @param {Float64Array} d
 * @param {number} size
 */
function directGradient(name, d, size) {
  if (!(d instanceof Float64Array) || d.length !== size) {
    throw new RangeError(`${name} must be a Float64Array of (timesteps, units) = ${size} numbers`);
  }
  for (const v of d) {
    if (!Number.isFinite(v)) throw new RangeError(`${name} must be finite; got ${v}`);
  }
  return d;
}

/**
 * @param {Float64Array} scale
 * @param {number} timesteps
 */
function log10Scale(scale, timesteps) {
  if (scale.length !== timesteps || scale.some((s) => Number.isNaN(s) || s === Infinity)) {
    throw new RangeError(
      `dhLog10Scale must hold one finite number (or -Infinity) per step, ${timesteps} numbers`,
    );
  }
  return scale;
}

/**
 * @param {Float64Array} a
 * @param {Float64Array} b
 */
function dot(a, b) {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j] * b[j];
  return sum;
}

/**
 * `sum_j v[t, j]^2` for every step, (timesteps).
 * @param {Float64Array} values  (timesteps, units)
 * @param {number} timesteps
 * @param {number} units
 */
function sumOfSquaresPerStep(values, timesteps, units) {
  const squares = new Float64Array(timesteps);
  for (let t = 0; t < timesteps; t++) {
    const step = values.subarray(t * units, (t + 1) * units);
    squares[t] = dot(step, step);
  }
  return squares;
}
