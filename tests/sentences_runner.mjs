// Writes, in the browser's code, the numbers and sentences tests/test_sentences.py asks for:
// `node tests/sentences_runner.mjs jobs.json results.json`, one result per job, in order.
//
// Arrays cross as base64 of little-endian float64 ({"f8": "..."}) and numbers as Python's repr
// ({"num": "-0.0"}, "inf" and "nan" included), so every number arrives bit for bit.

import { Buffer } from "node:buffer";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import "./import_json.mjs"; // so that the browser's modules below import their JSON

const { decimals, fill, formatPow10, formatSpec, positional, rangeNote, significant } =
  await import("../js/common/format.js");
const { computeFrame } = await import("../js/twin/index.js");
const { frameWords, presetNote } = await import("../js/twin/words.js");

const [jobsPath, resultsPath] = process.argv.slice(2);

const NUMBERS = { inf: Infinity, "-inf": -Infinity, nan: NaN };

/** Arrays and numbers of the jobs file, decoded wherever they sit. */
function decode(value) {
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

const JOBS = {
  spec: ({ value, spec }) => formatSpec(value, spec),
  positional: ({ value }) => positional(value),
  significant: ({ value, digits }) => significant(value, digits),
  pow10: ({ value }) => formatPow10(value),
  range_note: ({ value }) => rangeNote(value),
  decimals: ({ value, places }) => decimals(value, places),
  fill: ({ template, fields }) => fill(template, fields),
  words: ({ frame, params, given }) => frameWords(frame, params, given),
  own_words: ({ params, given }) => frameWords(computeFrame(params, given), params, given),
  preset: ({ regime, label, params }) => presetNote(regime, label, params),
};

const results = decode(JSON.parse(readFileSync(jobsPath, "utf8"))).map((job) => {
  try {
    return JOBS[job.kind](job);
  } catch (error) {
    return { error: `${error.name}: ${error.message}` };
  }
});
writeFileSync(resultsPath, JSON.stringify(results));
