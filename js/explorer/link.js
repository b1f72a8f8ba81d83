// A setting as a link: the explorer's settings in the page address's fragment,
// `#cell=elman&w_hh_scale=1.2&seq_len=200&…`. Reading and writing it go by the knob specs the
// kernel sent (`_knobs`: names, ranges, choices), so no range or choice is restated here.
//
// A fragment is read part by part: a part that names no setting, holds no valid value or
// repeats a setting is ignored, with the reason in the kernel's own words ("w_hh_scale must be
// a number from 0 to 3"), and the other parts still apply. Values are percent-encoded
// (encodeURIComponent), so a sentence with spaces, "&" or "#" survives the trip.

/** @typedef {import("../common/controls.js").KnobSpec} KnobSpec */

/**
 * What a fragment asks for: the settings it gives, and the parts ignored and why.
 * @typedef {{ values: Record<string, string | number | boolean>,
 *   ignored: { part: string, reason: string }[] }} Link
 */

/** The knobs a link holds: the settings, not the view's options (colours, held scales). */
export function linkedKnobs(/** @type {KnobSpec[]} */ specs) {
  return specs.filter((spec) => spec.group !== "view");
}

/**
 * The fragment for `values` (every linked knob's, in the knobs' order), without its "#".
 * @param {Record<string, unknown>} values
 * @param {KnobSpec[]} specs
 */
export function writeLink(values, specs) {
  return linkedKnobs(specs)
    .filter((spec) => values[spec.name] !== undefined && values[spec.name] !== null)
    .map((spec) => `${spec.name}=${encodeURIComponent(String(values[spec.name]))}`)
    .join("&");
}

/**
 * Read a fragment (with or without its "#") against the knob specs.
 * @param {string} fragment
 * @param {KnobSpec[]} specs
 * @returns {Link}
 */
export function readLink(fragment, specs) {
  const byName = new Map(linkedKnobs(specs).map((spec) => [spec.name, spec]));
  /** @type {Link} */
  const link = { values: {}, ignored: [] };
  const parts = fragment.replace(/^#/, "").split("&").filter((part) => part !== "");
  for (const part of parts) {
    const ignore = (/** @type {string} */ reason) => link.ignored.push({ part: shown(part), reason });
    const equals = part.indexOf("=");
    if (equals < 0) {
      ignore("a setting is written name=value");
      continue;
    }
    const name = decoded(part.slice(0, equals));
    const text = decoded(part.slice(equals + 1));
    if (name === null || text === null) {
      ignore("it is not valid URL encoding");
      continue;
    }
    const spec = byName.get(name);
    if (!spec) {
      ignore(`the explorer has no setting named ${name}`);
      continue;
    }
    if (name in link.values) {
      ignore(`${name} is set earlier in the link`);
      continue;
    }
    const value = parseValue(text, spec);
    if (value.refused !== undefined) ignore(value.refused);
    else link.values[name] = /** @type {string | number | boolean} */ (value.value);
  }
  return link;
}

/**
 * One value read against its knob's spec, or the kernel's words for why it is not one.
 * @param {string} text
 * @param {KnobSpec} spec
 * @returns {{ value?: string | number | boolean, refused?: string }}
 */
export function parseValue(text, spec) {
  const { name } = spec;
  if (spec.kind === "choice") {
    const options = spec.options ?? [];
    const picked = options.find(([value]) => String(value) === text);
    if (picked) return { value: picked[0] };
    return { refused: `${name} must be one of ${options.map(([v]) => quoted(v)).join(", ")}` };
  }
  if (spec.kind === "toggle") {
    if (text === "true" || text === "false") return { value: text === "true" };
    return { refused: `${name} must be true or false` };
  }
  if (spec.kind === "text") {
    const most = Number(spec.max_length);
    if (text.length > most) return { refused: `${name} must be at most ${most} characters long` };
    return { value: text };
  }
  // A slider or a number: plain decimal or scientific notation, as the typed fields take.
  const [min, max] = [Number(spec.min), Number(spec.max)];
  const whole = Boolean(spec.integer) || spec.kind === "number";
  const range = `must be a ${whole ? "whole number" : "number"} from ${min} to ${max}`;
  const number = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(number) || number < min || number > max ||
    (whole && !Number.isInteger(number))) {
    return { refused: `${name} ${range}` };
  }
  return { value: number };
}

/**
 * The view's sentence on what a link asked for and did not get: "Ignored w_hh_scale=9 in the
 * link: w_hh_scale must be a number from 0 to 3." One sentence per part; "" for none.
 * @param {{ part: string, reason: string }[]} ignored
 */
export function ignoredText(ignored) {
  return ignored.map(({ part, reason }) => `Ignored ${part} in the link: ${reason}.`).join(" ");
}

/** A part as the reader typed it, decoded where it can be, and cut short if long. */
function shown(/** @type {string} */ part) {
  const text = decoded(part) ?? part;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** @returns {string | null} */
function decoded(/** @type {string} */ text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** As Python's repr writes a choice in the kernel's refusal: 'elman', 2. */
function quoted(/** @type {string | number} */ value) {
  return typeof value === "string" ? `'${value}'` : String(value);
}
