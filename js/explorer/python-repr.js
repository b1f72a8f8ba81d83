// Python's repr of a setting's value, for the line of code a page without a kernel gives
// (Copy as code): the kernel writes `repr(w)` once, as a template, and the page fills in the
// values it shows (js/explorer/page-kernel.js). tests/test_link.py holds it equal to Python's.

/**
 * A setting's value as Python's `repr` writes it: a float in its shortest exact form, with
 * ".0" when whole, in scientific notation below 1e-4 and from 1e16 ("1e-05", "2.5e+16"); an
 * int as is; a choice's string quoted ('lstm': the choices are plain words).
 * @param {unknown} value
 * @param {boolean} float  whether the trait is a float
 */
export function pythonRepr(value, float) {
  if (typeof value === "string") return `'${value}'`;
  const x = Number(value);
  if (!float || !Number.isFinite(x)) return String(x);
  const [mantissa, power] = x.toExponential().split("e");
  const exponent = Number(power);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  // The shortest digits, placed by hand (toFixed rounds the binary value, not these digits).
  const sign = x < 0 ? "-" : "";
  const digits = mantissa.replace(/[-.]/g, "");
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  return `${sign}${whole}.${digits.slice(exponent + 1) || "0"}`;
}
