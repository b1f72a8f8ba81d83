// The explorer's presets, found in the browser: a twin of rnnwidget/explorer/presets.py's
// searches (scan, then bisection on the gradient ratio) over the twin's frames, step for step,
// so that a page with no kernel finds the settings the kernel would. The ranges and targets are
// the kernel's own, read from the one file both sides read (rnnwidget/explorer/presets.json);
// presets.py says why each search goes as it does.

import constants from "../../rnnwidget/explorer/presets.json";
import { measure } from "./frame.js";

/**
 * What a preset chose for an input, and what it measured there (Python's `Regime`).
 * @typedef {object} Regime
 * @property {string} name
 * @property {number} w_hh_scale
 * @property {number} saturation
 * @property {number} bias
 * @property {{ gradient_ratio_log10: number, saturated_fraction: number, mean_tanh_slope: number }} measured
 * @property {number | null} edge
 * @property {boolean} capped
 */

/** @typedef {Regime["measured"]} Measurement */

/** The presets, by name (Python's `_NAMES`). */
export const PRESETS = ["vanishing", "edge_of_chaos", "exploding", "saturated", "high_gain"];

const SCALE_TOP = constants.scale_range[1];
const BIAS_TOP = constants.bias_range[1];
const SCAN = 10; // scan points per unit of W_hh scale

/**
 * Preset `name`'s settings for the input and sizes of `params` (Python's `presets.find`): its
 * `seq_len` and `layers` choose the search, the input and the weights are `given`'s, which must
 * be the Elman cell's (the presets are the Elman cell's; W_hh scale, gain and bias are the
 * search's). Searches and their frames are cached per `given`.
 * @param {string} name
 * @param {Record<string, any>} params
 * @param {Record<string, any>} given  the Elman cell's weights and input
 *   (rnnwidget/explorer/twin.py's `given` with `cell="elman"`)
 * @returns {Regime}
 */
export function findPreset(name, params, given) {
  if (!PRESETS.includes(name)) {
    const names = PRESETS.map((preset) => `'${preset}'`).join(", ");
    throw new RangeError(`preset must be one of ${names}; got '${name}'`);
  }
  const search = new Search(given, params.seq_len, params.layers ?? 1);
  return search.cached(`find ${name}`, () => search.find(name));
}

/**
 * `10**(VANISHING_DECADES / (T - 1))` to the hundredth below, at most VANISHING_SCALE
 * (Python's `_vanishing_scale`).
 * @param {number} seqLen
 */
export function vanishingScale(seqLen) {
  if (seqLen < 2) return constants.vanishing_scale;
  const bound = 10 ** (constants.vanishing_decades / (seqLen - 1));
  return Math.min(constants.vanishing_scale, Math.floor(100 * bound) / 100);
}

/** Every search's cache, by the given weights and input: evaluations and regimes by key. */
const CACHES = new WeakMap();
const CACHE_SIZE = 4096; // as Python's `_ratio`: plenty for every preset at a few lengths

/** The searches for one input, length and depth (Python's `_find` and its helpers for a key). */
class Search {
  /**
   * @param {Record<string, any>} given
   * @param {number} seqLen
   * @param {number} layers
   */
  constructor(given, seqLen, layers) {
    if (!CACHES.has(given)) CACHES.set(given, new Map());
    /** @type {Map<string, any>} */
    this.cache = CACHES.get(given);
    this.given = given;
    this.seqLen = seqLen;
    this.layers = layers;
  }

  /**
   * `compute()`, or its value from the cache under `key` (least recently used first out).
   * @template T
   * @param {string} key
   * @param {() => T} compute
   * @returns {T}
   */
  cached(key, compute) {
    const full = `${this.seqLen} ${this.layers} ${key}`;
    if (this.cache.has(full)) {
      const value = this.cache.get(full);
      this.cache.delete(full); // to the back of the queue
      this.cache.set(full, value);
      return value;
    }
    const value = compute();
    this.cache.set(full, value);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value);
    return value;
  }

  /**
   * The frame's headline numbers at these settings (Python's `measure`).
   * @param {number} scale
   * @param {number} [gain]
   * @param {number} [bias]
   * @returns {Measurement}
   */
  measure(scale, gain = 1, bias = 0) {
    return this.cached(`measure ${scale} ${gain} ${bias}`, () => {
      const params = {
        cell: /** @type {"elman"} */ ("elman"),
        seq_len: this.seqLen,
        layers: this.layers,
        w_hh_scale: scale,
        saturation: gain,
        bias,
      };
      return measure(params, /** @type {any} */ (this.given));
    });
  }

  /** The gradient ratio at W_hh scale `scale`, gain 1, no bias. */
  ratio = (/** @type {number} */ scale) => this.measure(scale).gradient_ratio_log10;

  /**
   * Python's `_find`.
   * @param {string} name
   * @returns {Regime}
   */
  find(name) {
    let [scale, gain, bias, capped] = [1, 1, 0, false];
    /** @type {number | null} */
    let edge = null; // vanishing and high gain need none: they skip its scan
    if (name === "vanishing") {
      scale = vanishingScale(this.seqLen);
    } else if (name === "high_gain") {
      gain = constants.high_gain;
    } else {
      let noEdge;
      [edge, noEdge] = this.edge();
      if (name === "edge_of_chaos") {
        [scale, capped] = [edge, noEdge];
      } else if (name === "exploding") {
        [scale, capped] = this.explodingScale(edge);
      } else {
        scale = edge;
        [bias, capped] = this.pinningBias(scale);
      }
    }
    const measured = this.measure(scale, gain, bias);
    return { name, w_hh_scale: scale, saturation: gain, bias, measured, edge, capped };
  }

  /**
   * The edge of chaos and whether there is none in the scale's range (Python's `_edge`): the
   * first step of 0.1 across ratio 0, bisected to a hundredth, and to a thousandth where the
   * ratio is steep; else the scale where the ratio comes closest, and true.
   * @returns {[number, boolean]}
   */
  edge() {
    return this.cached("edge", () => {
      if (this.seqLen < 2) return [1, false];
      const scan = this.scan();
      const below = [];
      for (let k = 0; k < scan.length - 1; k++) if (scan[k] < 0 && 0 <= scan[k + 1]) below.push(k);
      if (!below.length) return [argmax(scan.length, (k) => scan[k]) / SCAN, true];
      let [i, j] = bisect(this.ratio, 0, below[0] * 10, below[0] * 10 + 10, 100);
      const best = closest(i, j, (k) => Math.abs(this.ratio(k / 100)));
      if (Math.abs(this.ratio(best / 100)) <= 0.5) return [best / 100, false];
      [i, j] = bisect(this.ratio, 0, 10 * i, 10 * j, 1000);
      return [closest(i, j, (k) => Math.abs(this.ratio(k / 1000))) / 1000, false];
    });
  }

  /**
   * A hundredth in [edge, top] where the ratio is at least EXPLODING_DECADES, or the scale with
   * the largest ratio and true (Python's `_exploding_scale`).
   * @param {number} edge
   * @returns {[number, boolean]}
   */
  explodingScale(edge) {
    if (this.seqLen < 2) return [1.5, true];
    const target = constants.exploding_decades;
    const scan = this.scan();
    const start = Math.ceil(edge * SCAN);
    const above = [];
    for (let k = start; k < scan.length; k++) if (scan[k] >= target) above.push(k);
    if (!above.length) {
      const candidates = [edge];
      for (let k = start; k < scan.length; k++) candidates.push(k / SCAN);
      return [candidates[argmax(candidates.length, (k) => this.ratio(candidates[k]))], true];
    }
    const low = above[0] > start ? (above[0] - 1) * 10 : Math.floor(100 * edge);
    const [, j] = bisect(this.ratio, target, low, above[0] * 10, 100);
    return [j / 100, false];
  }

  /**
   * The smallest tenth of a bias whose frame pins PINNED of the cells at ±1, and whether it was
   * capped at the knob's top (Python's `_pinning_bias`).
   * @param {number} scale
   * @returns {[number, boolean]}
   */
  pinningBias(scale) {
    const pinned = (/** @type {number} */ bias) => this.measure(scale, 1, bias).saturated_fraction;
    const top = Math.round(10 * BIAS_TOP);
    if (pinned(top / 10) < constants.pinned) return [top / 10, true];
    const [, j] = bisect(pinned, constants.pinned, 0, top, 10);
    return [j / 10, false];
  }

  /** The ratio at W_hh scales 0, 0.1, ..., the knob's top (Python's `_scan`). */
  scan() {
    const scan = [];
    for (let k = 0; k <= Math.round(SCALE_TOP * SCAN); k++) scan.push(this.ratio(k / SCAN));
    return scan;
  }
}

/**
 * Grid points `i <= j` (in units of `1 / per`) around a crossing of `target` (Python's
 * `_bisect`): `f(i / per) < target <= f(j / per)` with `j = i + 1`, or that end twice where `f`
 * is already at least `target` at `i`, or below it at `j`.
 * @param {(x: number) => number} f
 * @param {number} target
 * @param {number} i
 * @param {number} j
 * @param {number} per
 * @returns {[number, number]}
 */
function bisect(f, target, i, j, per) {
  if (f(i / per) >= target) return [i, i];
  if (f(j / per) < target) return [j, j];
  while (j - i > 1) {
    const middle = Math.floor((i + j) / 2);
    if (f(middle / per) < target) i = middle;
    else j = middle;
  }
  return [i, j];
}

/**
 * The first of 0 ... n - 1 where `key` is largest (Python's `max(range(n), key=key)`).
 * @param {number} n
 * @param {(k: number) => number} key
 */
function argmax(n, key) {
  let best = 0;
  for (let k = 1; k < n; k++) if (key(k) > key(best)) best = k;
  return best;
}

/**
 * `i`, or `j` where `distance` is smaller there (Python's `min((i, j), key=distance)`).
 * @param {number} i
 * @param {number} j
 * @param {(k: number) => number} distance
 */
function closest(i, j, distance) {
  return distance(j) < distance(i) ? j : i;
}
