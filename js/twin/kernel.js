// `W v` in WebAssembly (./matvec.wat), where the browser or Node runs 128-bit SIMD: the product
// every step of every cell takes, forward and back, several times as fast as the plain loop in
// Chromium (whose typed arrays pay for its memory sandbox on every read; docs/benchmarks.md),
// and the same bits.
// js/twin/base.js's `matVec` hands its products here and keeps its own loop where WebAssembly
// is missing (or turned off, as tests and benchmarks do to compare the two).
//
// The module's memory holds two scratch vectors (v in, out back) and, after them, each matrix
// the cells multiply by, transposed and copied in once: a matrix is known by its array, which
// the twin never writes after building it. When the matrices fill the memory it starts over
// (every matrix is copied in again at its next product), and it grows where that would happen
// again and again within one pass.

import bytes from "./matvec.wat?wasm";

const BYTES = 8; // a float64
const LANES = 8; // rows the module sums at once; columns are padded to a multiple of it
const PAGE = 65536; // bytes in a WebAssembly memory page
/** Products between two fresh starts below which the memory grows instead. */
const CROWDED = 4096;

/**
 * @typedef {object} Place
 * @property {number} generation  the fresh start it was copied in after
 * @property {number} at  where its first number is, in float64s from the memory's start
 * @property {number} rows
 * @property {number} cols
 */

/** The module, its memory and the matrices in it. */
class WebAssemblyProduct {
  /** @param {WebAssembly.Instance} instance */
  constructor(instance) {
    const exports = /** @type {Record<string, any>} */ (instance.exports);
    /** @type {WebAssembly.Memory} */
    this.memory = exports.memory;
    /** @type {(wt: number, rowsPadded: number, cols: number, v: number, out: number) => void} */
    this.matvec = exports.matvec;
    this.numbers = new Float64Array(this.memory.buffer);
    this.scratch = 0; // float64s in each scratch vector
    this.start = 0; // where the matrices start
    this.top = 0; // where the next matrix goes
    this.generation = 0;
    this.products = 0; // since the last fresh start
    /** @type {WeakMap<Float64Array, Place>} */
    this.places = new WeakMap();
  }

  /**
   * `out[outOffset + k] = sum_j W[k, j] v[vOffset + j]`, as js/twin/base.js's `matVec`.
   * @param {Float64Array} W  (rows, cols)
   * @param {number} rows
   * @param {number} cols
   * @param {Float64Array} v
   * @param {number} vOffset
   * @param {Float64Array} out
   * @param {number} outOffset
   */
  matVec(W, rows, cols, v, vOffset, out, outOffset) {
    const rowsPadded = Math.ceil(rows / LANES) * LANES;
    if (this.scratch < Math.max(rowsPadded, cols)) this.startOver(Math.max(rowsPadded, cols), 0);
    const at = this.place(W, rows, cols, rowsPadded);
    const numbers = this.numbers;
    const scratch = this.scratch;
    for (let j = 0; j < cols; j++) numbers[j] = v[vOffset + j];
    this.matvec(at * BYTES, rowsPadded, cols, 0, scratch * BYTES);
    for (let k = 0; k < rows; k++) out[outOffset + k] = numbers[scratch + k];
    this.products++;
    return out;
  }

  /**
   * Where W's transpose is in the memory, copied in if it is not.
   * @param {Float64Array} W
   * @param {number} rows
   * @param {number} cols
   * @param {number} rowsPadded
   */
  place(W, rows, cols, rowsPadded) {
    const known = this.places.get(W);
    if (known && known.generation === this.generation && known.rows === rows &&
        known.cols === cols) {
      return known.at;
    }
    const size = rowsPadded * cols;
    if (this.top + size > this.numbers.length) {
      // Full: start over, with more room where the last start was recent.
      this.startOver(this.scratch, this.products < CROWDED ? 2 * (this.top - this.start) : 0);
      if (this.top + size > this.numbers.length) this.grow(this.top + size);
    }
    const at = this.top;
    this.top += size;
    const numbers = this.numbers;
    for (let j = 0; j < cols; j++) {
      const column = at + j * rowsPadded;
      for (let k = 0; k < rows; k++) numbers[column + k] = W[k * cols + j];
    }
    this.places.set(W, { generation: this.generation, at, rows, cols });
    return at;
  }

  /**
   * Forget every matrix copied in, with scratch vectors of `scratch` numbers and room for
   * `matrices` numbers of matrices at least.
   * @param {number} scratch
   * @param {number} matrices
   */
  startOver(scratch, matrices) {
    this.scratch = Math.ceil(scratch / LANES) * LANES;
    this.start = 2 * this.scratch;
    this.top = this.start;
    this.generation++;
    this.products = 0;
    this.grow(this.start + matrices);
  }

  /** @param {number} numbers  float64s the memory must hold */
  grow(numbers) {
    const pages = Math.ceil((numbers * BYTES) / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) {
      this.memory.grow(pages);
      this.numbers = new Float64Array(this.memory.buffer); // growing detached the last view
    }
  }
}

/** The module where WebAssembly with SIMD runs here, else null. */
function instantiate() {
  if (typeof WebAssembly !== "object" || !WebAssembly.validate(bytes)) return null;
  try {
    // (a module of a few hundred bytes compiles at once, on any thread)
    return new WebAssemblyProduct(new WebAssembly.Instance(new WebAssembly.Module(bytes)));
  } catch {
    return null; // a page whose Content-Security-Policy forbids compiling WebAssembly
  }
}

/** @type {WebAssemblyProduct | null} */
let product = instantiate();

/** The WebAssembly product in use, or null where `matVec` runs its own loop. */
export function webAssemblyProduct() {
  return product;
}

/**
 * Take the products in WebAssembly (where it runs) or in JavaScript's loop: for the tests and
 * benchmarks that compare the two. Whether WebAssembly is now in use.
 * @param {boolean} on
 */
export function useWebAssembly(on) {
  product = on ? instantiate() : null;
  return product !== null;
}
