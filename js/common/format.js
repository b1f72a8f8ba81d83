// Numbers for people, written in the browser exactly as rnnwidget/formatting.py writes them in
// the kernel (tests/test_sentences.py holds the two equal), and the filler of the sentence
// templates both sides read (rnnwidget/explorer/sentences.json).
//
// Python formats a float from its exact binary value and rounds a tie to even (format(0.125,
// ".2f") is "0.12"); JavaScript's toFixed rounds a tie up and writes 1e21 and beyond in
// exponent form. So the decimal digits here come from exact integer arithmetic on the float's
// binary value (BigInt), as Python's do. Gradients arrive as base-10 logarithms, since they can
// be far outside any float type (1e-500, 1e+476); they are formatted from the logarithm, so the
// text is true at any size.

const FLOAT64_MAX_LOG10 = Math.log10(Number.MAX_VALUE); // 308.25
const FLOAT64_MIN_LOG10 = Math.log10(2.2250738585072014e-308); // -307.65, the smallest normal

export const FLOAT64_LIMITS = { max: FLOAT64_MAX_LOG10, min: FLOAT64_MIN_LOG10 };

// -- exact decimal digits of a float ------------------------------------------------------------

/**
 * |x| as m * 2**e with integers m and e (x finite).
 * @param {number} x
 */
function binary(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { m: fraction, e: -1074 }; // subnormal (or zero)
  return { m: fraction | (1n << 52n), e: biased - 1075 };
}

/**
 * |x| * 10**places rounded to an integer, a tie to even, computed exactly.
 * @param {number} x  finite
 * @param {number} places  any integer, negative too
 */
function scaled(x, places) {
  const { m, e } = binary(x);
  let num = e >= 0 ? m << BigInt(e) : m;
  let den = e >= 0 ? 1n : 1n << BigInt(-e);
  if (places >= 0) num *= 10n ** BigInt(places);
  else den *= 10n ** BigInt(-places);
  const q = num / den;
  const twice = 2n * (num % den);
  return twice > den || (twice === den && q % 2n === 1n) ? q + 1n : q;
}

/** @param {number} x */
const signOf = (x) => (x < 0 || Object.is(x, -0) ? "-" : "");

/**
 * `digits` (a string of decimal digits) with a point before its last `places`.
 * @param {string} digits
 * @param {number} places
 */
function point(digits, places) {
  const padded = digits.padStart(places + 1, "0");
  const whole = padded.slice(0, padded.length - places);
  return places > 0 ? `${whole}.${padded.slice(padded.length - places)}` : whole;
}

/**
 * The `precision + 1` significant digits of |x| (rounded, a tie to even) and the decimal
 * exponent of the first: 1234.5 at precision 2 is {digits: "123", exponent: 3}.
 * @param {number} x  finite
 * @param {number} precision
 */
function significantDigits(x, precision) {
  if (x === 0) return { digits: "0".repeat(precision + 1), exponent: 0 };
  let exponent = Math.floor(Math.log10(Math.abs(x)));
  let q = scaled(x, precision - exponent);
  if (q >= 10n ** BigInt(precision + 1)) q = scaled(x, precision - ++exponent);
  else if (q < 10n ** BigInt(precision)) q = scaled(x, precision - --exponent);
  return { digits: q.toString(), exponent };
}

/** @param {string} text */
const trimZeros = (text) => (text.includes(".") ? text.replace(/\.?0+$/, "") : text);

/** @param {number} exponent */
const exponentText = (exponent) =>
  `e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;

/**
 * `value` as Python's `format(value, spec)` writes it, for the specs the sentences use: an
 * integer with "" or "d"; a float with ".Nf", ".Ne", ".Ng" or ".N%" (N optional: 6).
 * @param {number} value
 * @param {string} spec
 */
export function formatSpec(value, spec) {
  const match = /^(?:\.(\d+))?([defg%]?)$/.exec(spec);
  if (!match) {
    throw new RangeError(`format spec must be "", "d" or .N with f, e, g or %; got ${spec}`);
  }
  const [, digits, type] = match;
  if (type === "" || type === "d") {
    if (!Number.isInteger(value) || digits !== undefined) {
      throw new RangeError(`format spec "${spec}" is for integers; got ${value}`);
    }
    return String(value);
  }
  const precision = digits === undefined ? 6 : Number(digits);
  const percent = type === "%" ? "%" : "";
  const x = percent ? value * 100 : value;
  if (Number.isNaN(x)) return `nan${percent}`;
  const sign = signOf(x);
  if (!Number.isFinite(x)) return `${sign}inf${percent}`;
  if (type === "f" || type === "%") {
    return `${sign}${point(scaled(x, precision).toString(), precision)}${percent}`;
  }
  if (type === "e") {
    const { digits: d, exponent } = significantDigits(x, precision);
    return `${sign}${point(d, precision)}${exponentText(exponent)}`;
  }
  // g: `precision` significant digits, positional from 1e-4 up to 10**precision, trailing
  // zeros trimmed
  const p = Math.max(precision, 1);
  const { digits: d, exponent } = significantDigits(x, p - 1);
  if (exponent < -4 || exponent >= p) {
    return `${sign}${trimZeros(point(d, p - 1))}${exponentText(exponent)}`;
  }
  return `${sign}${trimZeros(point(d, p - 1 - exponent))}`;
}

/**
 * The shortest digits that give `x` back, without an exponent and without trailing zeros
 * (numpy's `format_float_positional(x, trim="-")`): "0.0000001", "1200", "-0".
 * @param {number} x
 */
export function positional(x) {
  if (Number.isNaN(x)) return "nan";
  const sign = signOf(x);
  if (!Number.isFinite(x)) return `${sign}inf`;
  const [mantissa, exp = "0"] = Math.abs(x).toString().split("e");
  const [whole, fraction = ""] = mantissa.split(".");
  const digits = whole + fraction;
  const exponent = Number(exp) + whole.length - 1; // of the first digit
  const places = Math.max(digits.length - 1 - exponent, 0);
  return `${sign}${trimZeros(point(digits.padEnd(exponent + 1, "0"), places))}`;
}

// -- rnnwidget/formatting.py ---------------------------------------------------------------------

/**
 * `value` rounded to `digits` significant digits, written without an exponent and without
 * trailing zeros: "1200", "0.05", "2.3", "-0.5", "0".
 * @param {number} value
 * @param {number} digits
 */
export function significant(value, digits) {
  const text = formatSpec(value, `.${digits}g`);
  const rounded = Number.isFinite(value) ? Number(text) : value;
  return rounded === 0 ? "0" : positional(rounded);
}

/**
 * The number whose base-10 logarithm is `log10`, for people: "3.2e-7" for -6.49, "1" for 0,
 * "0.05" for -1.3, "0" for -Infinity (an exact zero), "?" for NaN or +Infinity. Plain digits
 * from 0.01 to 9999, scientific notation beyond.
 * @param {number} log10
 * @param {number} digits  significant digits after the first
 */
export function formatPow10(log10, digits = 1) {
  if (log10 === -Infinity) return "0";
  if (!Number.isFinite(log10)) return "?";
  let exponent = Math.floor(log10);
  let mantissa = 10 ** (log10 - exponent);
  if (Number(formatSpec(mantissa, `.${digits}f`)) >= 10) {
    mantissa /= 10;
    exponent += 1;
  }
  if (exponent >= -2 && exponent <= 3) return significant(10 ** log10, digits + 1);
  const sign = exponent < 0 ? "-" : "+";
  return `${formatSpec(mantissa, `.${digits}f`)}e${sign}${Math.abs(exponent)}`;
}

/**
 * Tick label for the decade `10**exponent`: "1e-7", "1", "10", "1e+12".
 * @param {number} exponent
 */
export function formatDecade(exponent) {
  if (exponent === 0) return "1";
  if (exponent === 1) return "10";
  return `1e${exponent > 0 ? "+" : ""}${exponent}`;
}

/**
 * A colour-bar label with at most two significant digits: "-0.5", "1", "2.3".
 * @param {number} value
 */
export function formatTick(value) {
  return significant(value, 2);
}

/**
 * A note when a magnitude (as its log10) lies outside what float64 can hold, else "".
 * @param {number} log10
 */
export function rangeNote(log10) {
  if (log10 > FLOAT64_MAX_LOG10) return "beyond float64 (> 1e308)";
  if (log10 < FLOAT64_MIN_LOG10 && log10 !== -Infinity) return "underflows float64 (< 1e-308)";
  return "";
}

/**
 * `value` with `places` decimals, or the fewest more that give it back exactly:
 * decimals(1.2, 2) is "1.20", decimals(2.25, 1) is "2.25".
 * @param {number} value
 * @param {number} places
 */
export function decimals(value, places) {
  const text = formatSpec(value, `.${places}f`);
  if (Number(text) === value) return text;
  const exact = positional(value);
  return (exact.split(".")[1] ?? "").length >= places ? exact : text;
}

// -- the templates --------------------------------------------------------------------------------

/**
 * A template's field written with its spec: a Python format spec (formatSpec), or one of the
 * project's own: "pow10" (a base-10 logarithm, formatPow10), "exact.Nf" (decimals), "json".
 * @param {any} value
 * @param {string} spec
 */
function formatField(value, spec) {
  if (spec === "pow10") return formatPow10(value);
  if (spec === "json") return JSON.stringify(value);
  const exact = /^exact\.(\d+)f$/.exec(spec);
  if (exact) return decimals(value, Number(exact[1]));
  if (typeof value === "string" && spec === "") return value;
  return formatSpec(value, spec);
}

/**
 * `template` with each `{name}` or `{name:spec}` replaced by `fields[name]` written with its
 * spec (rnnwidget/formatting.py's `fill`, on the same templates).
 * @param {string} template
 * @param {Record<string, any>} fields
 */
export function fill(template, fields) {
  return template.replace(/\{(\w+)(?::([^{}]*))?\}/g, (_, name, spec = "") => {
    if (!(name in fields)) throw new RangeError(`template field ${name} has no value: ${template}`);
    return formatField(fields[name], spec);
  });
}
