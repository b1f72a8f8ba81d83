// The parts of the explorer's layout that depend on the numbers, recomputed in the browser for
// a twin frame: a twin of the numeric rules of rnnwidget/explorer/layout.py (`view_layout`),
// with rnnwidget/_axes.py's in ./axes.js. Every word and height stays the kernel's: the layout
// it sent for a frame of the same cell and layers is the template, and the words that carry
// numbers (the chart's notes on exact zeros) are filled from the templates it sends with it.

import { fill, formatDecade, formatTick } from "../common/format.js";
import { decadeLabels, decadeTicks, logRange, rowTicks, timeTicks } from "./axes.js";

/**
 * `template` (a `view_layout` the kernel sent for the same cell and layers) with every part
 * that depends on the numbers recomputed for `frame`: the heatmaps' colour scales, colour ticks
 * and row ticks, the chart's range, ticks and runs of exact zeros, and the time ticks.
 * `gradientRange` and `normRange` fix the gradients' colour scale and the chart's range, as
 * Python's `view_layout(gradient_range=..., norm_range=...)` does.
 * @param {Record<string, any>} template
 * @param {import("./frame.js").TwinFrame} frame
 * @param {import("./frame.js").TwinParams} params
 * @param {{ gradientRange?: [number, number] | null, normRange?: [number, number] | null }} [options]
 * @returns {Record<string, any>}
 */
export function refreshLayout(template, frame, params, options = {}) {
  const gradient = options.gradientRange ?? frame.colour_scales.log10_abs_grad;
  return {
    ...template,
    heatmaps: template.heatmaps.map((/** @type {Record<string, any>} */ panel) => ({
      ...panel,
      ...colours(panel, frame, params.cell, gradient),
      // The input's rows are the explorer's features, the same in every frame.
      row_ticks:
        panel.array[0] === "x" ? panel.row_ticks : rowTicks(arrayOf(frame, panel.array).shape[1]),
    })),
    chart: chart(template.chart, frame, options.normRange),
    time_ticks: timeTicks(params.seq_len),
  };
}

/**
 * A heatmap's colour scale and colour ticks (Python's `heatmaps`): the input, a gated cell's
 * h and the LSTM's c symmetric about 0 on their own largest magnitude, ticked at both ends and
 * 0; every gradient on `gradient`, ticked at whole decades. The Elman cell's h (tanh's ±1, at
 * fixed ticks) and a memory gate ([0, 1]) keep the template's.
 * @param {Record<string, any>} panel
 * @param {import("./frame.js").TwinFrame} frame
 * @param {string} cell
 * @param {[number, number]} gradient
 * @returns {{ scale?: [number, number], colour_ticks?: [number, string][] }}
 */
function colours(panel, frame, cell, gradient) {
  const scales = frame.colour_scales;
  switch (panel.kind) {
    case "input":
      return symmetric(scales.x);
    case "hidden":
      return cell === "elman" ? { scale: [...scales.h] } : symmetric(scales.h);
    case "cell_state":
      return symmetric(scales.c);
    case "gradient": {
      const [lo, hi] = gradient;
      const ticks = decadeTicks(lo, hi).map((d) => [d, formatDecade(d)]);
      return { scale: [lo, hi], colour_ticks: /** @type {[number, string][]} */ (ticks) };
    }
    default:
      return {};
  }
}

/** @param {[number, number]} scale  `[lo, hi]`, ticked at lo, 0 and hi */
function symmetric([lo, hi]) {
  return {
    scale: /** @type {[number, number]} */ ([lo, hi]),
    colour_ticks: [lo, 0, hi].map((v) => /** @type {[number, string]} */ ([v, formatTick(v)])),
  };
}

/**
 * The gradient-norm chart (Python's `chart`): its range spans every curve's finite values, 0
 * and a margin of at least one decade, unless `normRange` fixes it; its runs of exact zeros
 * from its curves.
 * @param {Record<string, any>} template  the template's chart
 * @param {import("./frame.js").TwinFrame} frame
 * @param {[number, number] | null | undefined} normRange
 */
function chart(template, frame, normRange) {
  const [lo, hi] = normRange ?? chartRange(frame);
  const curves = template.series.map((/** @type {Record<string, any>} */ series) => ({
    symbol: series.symbol,
    logs: arrayOf(frame, series.array).data,
  }));
  return {
    ...template,
    range: [lo, hi],
    ticks: decadeLabels(lo, hi),
    zeros: zeroSteps(curves, template.zero_words),
  };
}

/**
 * Whole decades that hold every curve's finite values (every layer's `log10 ||dL/dh_t||`, the
 * LSTM's `log10 ||dL/dc_t||`), 0 and a margin (Python's `chart_range`).
 * @param {import("./frame.js").TwinFrame} frame
 */
export function chartRange(frame) {
  return logRange(
    (function* curves() {
      for (const layer of frame.layers) {
        yield* layer.log10_grad_norm.data;
        if (layer.log10_grad_norm_c) yield* layer.log10_grad_norm_c.data;
      }
    })(),
  );
}

/**
 * The runs of steps where the same curves are exactly 0 (log10 = -inf), each with its note
 * filled from `words` (Python's `zero_steps` and `ZERO_WORDS`).
 * @param {{ symbol: string, logs: Float64Array }[]} curves  log10 values for t = 1 ... T
 * @param {Record<string, string>} words
 * @returns {{ first: number, last: number, note: string }[]}
 */
export function zeroSteps(curves, words) {
  const T = curves[0].logs.length;
  // Which curves are 0 at step t, one bit each.
  const code = (/** @type {number} */ t) =>
    curves.reduce((bits, { logs }, i) => bits | (logs[t] === -Infinity ? 1 << i : 0), 0);
  const runs = [];
  let start = 0;
  for (let end = 1; end <= T; end++) {
    const zero = code(start);
    if (end < T && code(end) === zero) continue;
    if (zero) {
      const names = curves.filter((_, i) => zero & (1 << i)).map(({ symbol }) => symbol);
      const steps = stepsInWords(start + 1, end, T, words);
      const note = fill(words.note, { names: names.join(words.and), steps });
      runs.push({ first: start + 1, last: end, note });
    }
    start = end;
  }
  return runs;
}

/**
 * Steps `first` ... `last` of 1 ... T in words: "t < 1000", "t > 3", "t = 5", "4 ≤ t ≤ 9",
 * "every t" (Python's `_steps`).
 * @param {number} first
 * @param {number} last
 * @param {number} T
 * @param {Record<string, string>} words
 */
function stepsInWords(first, last, T, words) {
  let which = "between";
  if (first === 1 && last === T) which = "every";
  else if (first === last) which = "one";
  else if (first === 1) which = "before";
  else if (last === T) which = "after";
  return fill(words[which], { first, last, next: last + 1, previous: first - 1 });
}

/**
 * The array at `path` in the frame: `["layers", depth, name]`.
 * @param {import("./frame.js").TwinFrame} frame
 * @param {(string | number)[]} path
 * @returns {import("./frame.js").Matrix64}
 */
function arrayOf(frame, path) {
  return frame.layers[/** @type {number} */ (path[1])][/** @type {string} */ (path[2])];
}
