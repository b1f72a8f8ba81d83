// Colours as numbers: CSS colour text to sRGB bytes, and sRGB to CIELAB (D65 white) and back.
// In CIELAB the distance between two colours (ΔE, CIE 1976) is about how different they look,
// about 2.3 being just noticeable; the colour tables for a background are made there
// (js/common/colormaps.js).

/** @typedef {[number, number, number]} Triple an sRGB colour [r, g, b] in bytes, or [L, a, b] */

/**
 * The sRGB bytes of a CSS colour written "#rgb", "#rrggbb" (an alpha digit pair is ignored) or
 * "rgb(r, g, b)" / "rgba(r, g, b, a)" (commas or spaces), as the browser writes computed colours;
 * null for anything else.
 * @param {string} text
 * @returns {Triple | null}
 */
export function parseColour(text) {
  const colour = text.trim().toLowerCase();
  const hex = colour.match(/^#([0-9a-f]{3,8})$/)?.[1];
  if (hex && (hex.length === 3 || hex.length === 6 || hex.length === 8)) {
    const digits = hex.length === 3 ? [...hex].map((c) => c + c) : hex.slice(0, 6).match(/../g);
    return /** @type {Triple} */ (/** @type {string[]} */ (digits).map((h) => parseInt(h, 16)));
  }
  const parts = colour.match(/^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/);
  if (!parts) return null;
  return /** @type {Triple} */ (parts.slice(1, 4).map((part) => Math.min(255, Number(part))));
}

// sRGB (D65) to CIE XYZ, its inverse, and the D65 white point.
const TO_XYZ = [
  [0.4124564, 0.3575761, 0.1804375],
  [0.2126729, 0.7151522, 0.072175],
  [0.0193339, 0.119192, 0.9503041],
];
const FROM_XYZ = [
  [3.2404542, -1.5371385, -0.4985314],
  [-0.969266, 1.8760108, 0.041556],
  [0.0556434, -0.2040259, 1.0572252],
];
const WHITE = [0.95047, 1, 1.08883];
const DELTA = 6 / 29;

/**
 * CIELAB of sRGB bytes.
 * @param {Triple | number[]} rgb
 * @returns {Triple}
 */
export function toLab(rgb) {
  const linear = rgb.map((byte) => {
    const c = byte / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const [fx, fy, fz] = TO_XYZ.map((row, i) => {
    const t = (row[0] * linear[0] + row[1] * linear[1] + row[2] * linear[2]) / WHITE[i];
    return t > DELTA ** 3 ? Math.cbrt(t) : t / (3 * DELTA ** 2) + 4 / 29;
  });
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/**
 * sRGB of a CIELAB colour, in bytes but neither rounded nor clipped: outside [0, 255] it lies
 * beyond what a screen shows.
 * @param {Triple} lab
 * @returns {Triple}
 */
export function fromLab([L, a, b]) {
  // Written out channel by channel: colour tables call this some ten thousand times.
  const fy = (L + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const x = (fx > DELTA ? fx ** 3 : 3 * DELTA ** 2 * (fx - 4 / 29)) * WHITE[0];
  const y = (fy > DELTA ? fy ** 3 : 3 * DELTA ** 2 * (fy - 4 / 29)) * WHITE[1];
  const z = (fz > DELTA ? fz ** 3 : 3 * DELTA ** 2 * (fz - 4 / 29)) * WHITE[2];
  return [
    gamma(FROM_XYZ[0][0] * x + FROM_XYZ[0][1] * y + FROM_XYZ[0][2] * z),
    gamma(FROM_XYZ[1][0] * x + FROM_XYZ[1][1] * y + FROM_XYZ[1][2] * z),
    gamma(FROM_XYZ[2][0] * x + FROM_XYZ[2][1] * y + FROM_XYZ[2][2] * z),
  ];
}

/** An sRGB channel in bytes of a linear-light value (sign kept, for out-of-gamut colours). */
function gamma(c) {
  return 255 * (Math.abs(c) <= 0.0031308
    ? 12.92 * c : Math.sign(c) * (1.055 * Math.abs(c) ** (1 / 2.4) - 0.055));
}

/** Whether a CIELAB colour is one an sRGB screen shows (within rounding to bytes). */
export function inGamut(lab) {
  const [r, g, b] = fromLab(lab);
  return r >= -0.5 && r <= 255.5 && g >= -0.5 && g <= 255.5 && b >= -0.5 && b <= 255.5;
}

/**
 * The colour difference ΔE (CIE 1976) of two CIELAB colours.
 * @param {Triple | number[]} p
 * @param {Triple | number[]} q
 */
export function deltaE(p, q) {
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

/**
 * sRGB bytes of a CIELAB colour, each channel rounded up or down (clipped to the screen's range)
 * so that the colour's difference ΔE from `from` (CIELAB) is as near as bytes allow to the exact
 * colour's: rounding to the nearest bytes moves a dark colour's ΔE by up to about 0.5, enough
 * to move where a fading value drops below what the eye notices.
 * @param {Triple} lab
 * @param {Triple | number[]} from
 * @returns {Triple}
 */
export function toBytesKeepingDistance(lab, from) {
  const exact = fromLab(lab).map((c) => Math.min(255, Math.max(0, c)));
  const target = deltaE(toLab(exact), from);
  /** @type {Triple} */
  let best = [0, 0, 0];
  let bestMiss = Infinity;
  for (let corner = 0; corner < 8; corner++) {
    const bytes = /** @type {Triple} */ (exact.map((c, i) =>
      ((corner >> i) & 1 ? Math.ceil(c) : Math.floor(c))));
    const miss = Math.abs(deltaE(toLab(bytes), from) - target);
    if (miss < bestMiss) [best, bestMiss] = [bytes, miss];
  }
  return best;
}
