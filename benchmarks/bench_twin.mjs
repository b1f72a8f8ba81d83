// Times the browser twin's computeFrame (js/twin/frame.js) on the cases
// benchmarks/bench_twin.py writes:
// `node --import ./tests/import_hooks.mjs benchmarks/bench_twin.mjs cases.json`.
//
// Each case is one cell at one size: after a warm-up (V8 optimises the hot loops on their first
// few hundred calls), computeFrame runs until `seconds` have passed, and the median of those
// runs' times is printed, in milliseconds, as one JSON object by case id: `[afresh, kept,
// loop]`, the second a FrameSource's frame with the forward pass kept (what a move of the
// sequence length alone costs the view, forward pass aside), the third `afresh` with the
// matrix-vector products in JavaScript's loop rather than WebAssembly (js/twin/kernel.js).

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { FrameSource, computeFrame } from "../js/twin/index.js";
import { useWebAssembly } from "../js/twin/kernel.js";
import { decode } from "../tests/f8.mjs";

const [casesPath] = process.argv.slice(2);

/**
 * The median of `computeFrame`'s times, in ms, over the runs that fit in `seconds` (at least
 * `least`), after `warmup` untimed runs.
 */
function median({ warmup, seconds, least }, compute) {
  for (let k = 0; k < warmup; k++) compute();
  const times = [];
  const end = performance.now() + 1000 * seconds;
  while (times.length < least || performance.now() < end) {
    const start = performance.now();
    compute();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const cases = decode(JSON.parse(readFileSync(casesPath, "utf8")));
const medians = {};
for (const c of cases) {
  if (!useWebAssembly(true)) throw new Error("this Node runs no WebAssembly with SIMD");
  const source = new FrameSource(c.given);
  const timed = [median(c, () => computeFrame(c.params, c.given)),
    median(c, () => source.frame(c.params))];
  useWebAssembly(false);
  medians[c.id] = [...timed, median(c, () => computeFrame(c.params, c.given))];
}
process.stdout.write(JSON.stringify(medians));
