// How the Node runners read the cases Python writes: a float64 array crosses as the base64 of
// its little-endian bytes, {"f8": "..."}, so every number (-Infinity, -0.0) arrives bit for bit.
import { Buffer } from "node:buffer";

/**
 * `value` with every `{"f8": ...}` in it, however deep, a Float64Array.
 * @param {any} value
 * @returns {any}
 */
export function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object" && "f8" in value) {
    return new Float64Array(Uint8Array.from(Buffer.from(value.f8, "base64")).buffer);
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}
