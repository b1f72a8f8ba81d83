// Where ticks go, and how a tick is written, for the twin's frames: a twin of
// rnnwidget/_axes.py (nice_ticks, decade_ticks, time_ticks, row_ticks, log_range,
// decade_labels), rule for rule, so that a layout the browser recomputes places every tick
// where the kernel would. The ticks' text is formatting.py's, twinned in js/common/format.js.

import { formatDecade, formatSpec } from "../common/format.js";

/**
 * About `count` round numbers covering [lo, hi]: the multiples of a step of 1, 2 or 5 times a
 * power of ten inside it (Python's `nice_ticks`, d3-array's step).
 * @param {number} lo
 * @param {number} hi
 * @param {number} [count]
 * @returns {number[]}
 */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const factor = FACTORS.find(([, at]) => error >= at)?.[0] ?? 1;
  const step = factor * power;
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks = [];
  for (let k = first; k <= last; k++) ticks.push(Number(formatSpec(k * step, ".12g")));
  return ticks;
}

/** d3-array's thresholds: how far the power of ten lies below the wanted step before the step
 * becomes 10, 5 or 2 times it. */
const FACTORS = [
  [10, Math.sqrt(50)],
  [5, Math.sqrt(10)],
  [2, Math.sqrt(2)],
];

/**
 * About five whole decades inside [lo, hi] (a colour bar's; Python's `decade_ticks`).
 * @param {number} lo
 * @param {number} hi
 * @returns {number[]}
 */
export function decadeTicks(lo, hi) {
  const step = Math.max(1, Math.ceil((hi - lo) / 5));
  const ticks = [];
  for (let d = Math.ceil(lo / step) * step; d < Math.floor(hi) + 1; d += step) ticks.push(d);
  return ticks;
}

/**
 * Timestep ticks for t = 1 ... T at whole steps, starting from t = 1 where it fits (Python's
 * `time_ticks`).
 * @param {number} T
 * @param {number} [count]
 * @returns {number[]}
 */
export function timeTicks(T, count = 5) {
  const ticks = niceTicks(1, T, count).filter((t) => Number.isInteger(t) && 1 <= t && t <= T);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : T;
  if (ticks.length && ticks[0] !== 1 && ticks[0] - 1 >= step / 2) ticks.unshift(1);
  return ticks;
}

/** rowTicks by row count: a frame asks for every heatmap's, and writing the numbers is slow. */
const ROW_TICKS = new Map();

/**
 * Row ticks (feature or unit numbers, 0-based) for a heatmap of `rows` rows (Python's
 * `row_ticks`).
 * @param {number} rows
 * @returns {number[]}
 */
export function rowTicks(rows) {
  let ticks = ROW_TICKS.get(rows);
  if (!ticks) {
    ticks = niceTicks(0, rows - 1, Math.min(6, rows)).filter((r) => Number.isInteger(r));
    ROW_TICKS.set(rows, ticks);
  }
  return [...ticks];
}

/**
 * Whole decades for a chart of base-10 logarithms: every finite value, 0 (a gradient's
 * reference level, the last step's) and a margin of at least one decade (Python's `log_range`).
 * @param {Iterable<number>} logs
 * @returns {[number, number]}
 */
export function logRange(logs) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of logs) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo === Infinity) [lo, hi] = [-1, 1];
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 0);
  const pad = Math.max(1, (hi - lo) * 0.08);
  return [Math.floor(lo - pad), Math.ceil(hi + pad)];
}

/**
 * About five labelled decades for a log axis from `lo` to `hi`: `[-6, "1e-6"]` (Python's
 * `decade_labels`).
 * @param {number} lo
 * @param {number} hi
 * @returns {[number, string][]}
 */
export function decadeLabels(lo, hi) {
  return niceTicks(lo, hi, 5)
    .filter((d) => Number.isInteger(d))
    .map((d) => [d, formatDecade(d)]);
}
