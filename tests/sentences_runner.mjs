// Writes, in the browser's code, the numbers and sentences tests/test_sentences.py asks for:
// `node --import ./tests/import_hooks.mjs tests/sentences_runner.mjs jobs.json results.json`, one
// result per job, in order.
//
// Arrays cross as base64 of little-endian float64 ({"f8": "..."}) and numbers as Python's repr
// ({"num": "-0.0"}, "inf" and "nan" included), so every number arrives bit for bit.

import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import {
  decimals,
  fill,
  formatPow10,
  formatSpec,
  positional,
  rangeNote,
  significant,
} from "../js/common/format.js";
import { computeFrame } from "../js/twin/index.js";
import { frameWords, presetNote } from "../js/twin/words.js";
import { decode } from "./f8.mjs";

const [jobsPath, resultsPath] = process.argv.slice(2);

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
