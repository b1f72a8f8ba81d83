// Runs the browser twin's presets (js/twin/presets.js) on the inputs tests/test_presets_twin.py
// writes, and writes the regimes they found:
// `node --import ./tests/import_hooks.mjs tests/presets_runner.mjs cases.json results.json`.
//
// Each case is the Elman cell's given weights and input (rnnwidget/explorer/twin.py) and the
// lengths and depths to search at, with numpy's states at the settings of the presets whose
// numbers rounding decides (the twin measures there from them too). Arrays arrive as base64 of
// little-endian float64. With "timing", every search runs once more on a fresh cache, and how
// long that took (ms) is written beside it.

import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { buildLayers, frameOfTraces } from "../js/twin/index.js";
import { PRESETS, findPreset } from "../js/twin/presets.js";
import { decode } from "./f8.mjs";

const [casesPath, resultsPath] = process.argv.slice(2);


/** Numbers as their exact text (-Infinity too), for Python's float(). */
const encode = (numbers) =>
  Object.fromEntries(Object.entries(numbers).map(([k, v]) => [k, String(v)]));

const settings = ({ w_hh_scale, saturation, bias }) => ({ w_hh_scale, saturation, bias });

const measurement = (frame) => ({
  gradient_ratio_log10: frame.gradient_ratio_log10,
  saturated_fraction: frame.saturated_fraction,
  mean_tanh_slope: frame.mean_tanh_slope,
});

const cases = decode(JSON.parse(readFileSync(casesPath, "utf8")));
const results = {};
for (const c of cases) {
  for (const { id, seq_len, layers, states } of c.searches) {
    results[id] = {};
    for (const name of PRESETS) {
      const regime = findPreset(name, { seq_len, layers }, c.given);
      results[id][name] = { ...regime, measured: encode(regime.measured) };
      if (name in states) {
        // The measurement at the settings found, from numpy's states there.
        const params = { cell: "elman", seq_len, layers, ...settings(regime) };
        const frame = frameOfTraces(params, buildLayers(params, c.given), states[name]);
        results[id][name].from_states = encode(measurement(frame));
      }
    }
    if (c.timing) {
      const fresh = { ...c.given }; // a given the cache has not seen
      const start = performance.now();
      for (const name of PRESETS) findPreset(name, { seq_len, layers }, fresh);
      results[id].milliseconds = performance.now() - start;
    }
  }
}
writeFileSync(resultsPath, JSON.stringify(results));
