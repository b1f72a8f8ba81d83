// Numbers the browser computes itself, for people (hover read-outs, the unrolled loop): every
// other sentence and label comes from the kernel. Gradients arrive as base-10 logarithms, since
// they can be far outside any float type (1e-500, 1e+476); they are formatted from the
// logarithm, so the text is true.

const FLOAT64_MAX_LOG10 = Math.log10(Number.MAX_VALUE); // 308.25
const FLOAT64_MIN_LOG10 = Math.log10(2.2250738585072014e-308); // -307.65, the smallest normal

/**
 * "3.2e-7" for log10 = -6.49; "1" for 0; "0" for -Infinity (an exact zero).
 * @param {number} log10
 * @param {number} digits significant digits after the first
 */
export function formatPow10(log10, digits = 1) {
  if (log10 === -Infinity) return "0";
  if (!Number.isFinite(log10)) return "?";
  let exponent = Math.floor(log10);
  let mantissa = 10 ** (log10 - exponent);
  if (Number(mantissa.toFixed(digits)) >= 10) {
    mantissa /= 10;
    exponent += 1;
  }
  if (exponent >= -2 && exponent <= 3) return Number((10 ** log10).toPrecision(digits + 1)).toString();
  const sign = exponent < 0 ? "-" : "+";
  return `${mantissa.toFixed(digits)}e${sign}${Math.abs(exponent)}`;
}

/** A note when a magnitude lies outside what float64 can hold, else "". */
export function rangeNote(log10) {
  if (log10 > FLOAT64_MAX_LOG10) return "beyond float64 (> 1e308)";
  if (log10 < FLOAT64_MIN_LOG10 && log10 !== -Infinity) return "underflows float64 (< 1e-308)";
  return "";
}

export const FLOAT64_LIMITS = { max: FLOAT64_MAX_LOG10, min: FLOAT64_MIN_LOG10 };
