// How the Node runners read the cases Python writes (tests/node.py): a float64 array crosses as
// the base64 of its little-endian bytes, {"f8": "..."}, and a float JSON has no word for as
// Python's repr, {"num": "-inf"}, so every number (-Infinity, -0.0, NaN) arrives bit for bit.
import { Buffer } from "node:buffer";

const NUMBERS = { inf: Infinity, "-inf": -Infinity, nan: NaN };

/**
 * `value` with every `{"f8": ...}` in it, however deep, a Float64Array, and every
 * `{"num": ...}` a number.
 * @param {any} value
 * @returns {any}
 */
export function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object" && "f8" in value) {
    return new Float64Array(Uint8Array.from(Buffer.from(value.f8, "base64")).buffer);
  }
  if (value && typeof value === "object" && "num" in value) {
    return NUMBERS[value.num] ?? Number(value.num);
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}
