// Runs the browser twin's layout (js/twin/layout.js) on the cases tests/test_layout_twin.py
// writes, and writes the layouts it made: `node tests/layout_runner.mjs cases.json out.json`.
//
// Each case is a twin frame's settings, its given weights and input, numpy's traces for it and
// a template layout; the twin's frame is computed twice, from its own forward pass and from
// numpy's states (`frameOfTraces`), and the layout refreshed for each. Arrays arrive as base64
// of little-endian float64 ({"f8": "..."}), bit for bit; layouts go back as JSON.

import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { decode } from "./f8.mjs";
import { buildLayers, computeFrame, frameOfTraces } from "../js/twin/index.js";
import { refreshLayout, zeroSteps } from "../js/twin/layout.js";

const [casesPath, resultsPath] = process.argv.slice(2);


const cases = decode(JSON.parse(readFileSync(casesPath, "utf8")));
const results = {};
for (const c of cases) {
  if (c.kind === "zeros") {
    results[c.id] = zeroSteps(c.curves, c.words);
    continue;
  }
  const options = { gradientRange: c.gradient_range, normRange: c.norm_range };
  const cells = buildLayers(c.params, c.given);
  const fromTraces = frameOfTraces(c.params, cells, c.traces);
  results[c.id] = {
    from_traces: refreshLayout(c.template, fromTraces, c.params, options),
    own: refreshLayout(c.template, computeFrame(c.params, c.given), c.params, options),
  };
}
writeFileSync(resultsPath, JSON.stringify(results));
