// Arrays arrive from the kernel as {shape, dtype: "float32", buffer: DataView} (rnnwidget/_wire.py).

/**
 * @typedef {{ shape: number[], data: Float32Array }} Matrix
 */

/**
 * A view on the received bytes as float32, with its shape. The DataView may start anywhere in a
 * larger ArrayBuffer, so its byteOffset is respected (and an unaligned one copied).
 * @param {{ shape: number[], dtype: string, buffer: DataView }} encoded
 * @returns {Matrix}
 */
export function decodeArray(encoded) {
  if (!encoded || encoded.dtype !== "float32" || !(encoded.buffer instanceof DataView)) {
    throw new TypeError("rnnwidget: expected a float32 array from the kernel");
  }
  const { buffer, byteOffset, byteLength } = encoded.buffer;
  const length = byteLength / Float32Array.BYTES_PER_ELEMENT;
  const data =
    byteOffset % Float32Array.BYTES_PER_ELEMENT === 0
      ? new Float32Array(buffer, byteOffset, length)
      : new Float32Array(buffer.slice(byteOffset, byteOffset + byteLength));
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
