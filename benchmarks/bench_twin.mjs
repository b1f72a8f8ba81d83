// Times the browser twin's computeFrame (js/twin/frame.js) on the cases
// benchmarks/bench_twin.py writes: `node benchmarks/bench_twin.mjs cases.json`.
//
// Each case is one cell at one size: after a warm-up (V8 optimises the hot loops on their first
// few hundred calls), computeFrame runs until `seconds` have passed, and the median of those
// runs' times is printed, in milliseconds, as one JSON object by case id: `[afresh, kept]`, the
// second a FrameSource's frame with the forward pass kept (what a move of the sequence length
// alone costs the view, forward pass aside).

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { FrameSource, computeFrame } from "../js/twin/index.js";
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
  const source = new FrameSource(c.given);
  medians[c.id] = [median(c, () => computeFrame(c.params, c.given)),
    median(c, () => source.frame(c.params))];
}
process.stdout.write(JSON.stringify(medians));
