// Arrays arrive from the kernel as {shape, dtype, buffer: DataView} (rnnwidget/_wire.py):
// float32 for what is drawn, float64 for what the browser computes with (the explorer's twin).

/**
 * @typedef {{ shape: number[], data: Float32Array }} Matrix
 * @typedef {{ shape: number[], data: Float64Array }} Matrix64
 */

/** The typed array of each dtype on the wire. */
const ARRAYS = { float32: Float32Array, float64: Float64Array };

/**
 * A view on the received bytes as the dtype they were sent in, with its shape. The DataView may
 * start anywhere in a larger ArrayBuffer, so its byteOffset is respected (and an unaligned one
 * copied). Every browser is little-endian, as the kernel writes the bytes.
 * @param {{ shape: number[], dtype: string, buffer: DataView }} encoded
 * @returns {Matrix | Matrix64}
 */
export function decodeArray(encoded) {
  const Typed = encoded && Object.hasOwn(ARRAYS, encoded.dtype) ? ARRAYS[encoded.dtype] : null;
  if (!Typed || !(encoded.buffer instanceof DataView)) {
    throw new TypeError("rnnwidget: expected a float32 or float64 array from the kernel");
  }
  const { buffer, byteOffset, byteLength } = encoded.buffer;
  const size = Typed.BYTES_PER_ELEMENT;
  if (byteLength % size !== 0) {
    throw new RangeError(`rnnwidget: ${byteLength} bytes are not whole ${encoded.dtype} values`);
  }
  const data =
    byteOffset % size === 0
      ? new Typed(buffer, byteOffset, byteLength / size)
      : new Typed(buffer.slice(byteOffset, byteOffset + byteLength));
  const expected = encoded.shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new RangeError(`rnnwidget: ${data.length} values for shape [${encoded.shape}]`);
  }
  return { shape: encoded.shape, data };
}

/**
 * Every array of a frame, decoded, wherever it sits in nested objects and lists.
 * @param {any} value
 * @returns {any}
 */
export function decodeArrays(value) {
  if (Array.isArray(value)) return value.map(decodeArrays);
  if (value && typeof value === "object" && "buffer" in value && "shape" in value) {
    return decodeArray(value);
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, decodeArrays(v)]));
  }
  return value;
}

/**
 * js/twin/frame.js's `Given` (flat Float64Arrays) from the kernel's `_twin` or a page's choice
 * (js/explorer/page-kernel.js), its arrays decoded.
 * @param {Record<string, any>} wire
 * @returns {Record<string, any>}
 */
export function givenOf(wire) {
  const flat = (/** @type {any} */ value) => (value && value.data instanceof Float64Array
    ? value.data : value);
  return { ...wire, x: flat(wire.x), layers: wire.layers.map((/** @type {any} */ layer) =>
    Object.fromEntries(Object.entries(layer).map(([name, value]) => [name, flat(value)]))),
  order: wire.order ? { x: flat(wire.order.x), dense_output: flat(wire.order.dense_output) }
    : null };
}
