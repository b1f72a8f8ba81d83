// The explorer's sentences for a twin frame, filled from the templates the kernel fills too
// (rnnwidget/explorer/sentences.json, by rnnwidget/explorer/words.py), so the page and the
// notebook say the same words: the words and their number formats live in the data, which
// template a setting takes is written here as it is there. tests/test_sentences.py holds the two
// equal. The twin computes the seeded network's frames, never a trained network's, so these
// words have no task's marked steps.

import SENTENCES from "../../rnnwidget/explorer/sentences.json";
import { fill, rangeNote } from "../common/format.js";

/**
 * What the gradient does on its way back, by its ratio's log10 (Python's `_verdict`).
 * @param {number} ratio
 */
function verdict(ratio) {
  const key = ratio < -2 ? "vanishes" : ratio > 2 ? "explodes" : "survives";
  return SENTENCES.verdicts[key];
}

/**
 * The headline (Python's `summary`): how much of the gradient reaches t = 1 in the first layer.
 * @param {import("./frame.js").TwinFrame} frame
 * @param {string} cell
 */
export function summary(frame, cell) {
  const words = SENTENCES.summary;
  const logs = frame.layers[0].log10_grad_norm.data;
  const T = logs.length;
  if (T < 2) return fill(words.one_step, {});
  const ratio = logs[0] - logs[T - 1];
  const step = (/** @type {number} */ t) => fill(words.step, { t });
  const fields = { first: step(1), last: step(T), ratio, T };
  if (cell === "lstm") {
    const ratioC = frame.gradient_ratio_log10_c;
    const amount = (/** @type {number} */ r) =>
      fill(r === -Infinity ? words.lstm_none : words.lstm_amount, { ratio: r });
    return fill(words.lstm, {
      ...fields,
      along_c: amount(ratioC),
      through_h: amount(ratio),
      verdict: ratioC === -Infinity ? SENTENCES.verdicts.vanishes_exactly : verdict(ratioC),
    });
  }
  const name = cell === "gru" ? "gru" : frame.layers.length > 1 ? "stacked" : "elman";
  if (ratio === -Infinity) return fill(words[`${name}_zero`], fields);
  const note = rangeNote(logs[0]);
  return fill(words[name], {
    ...fields,
    verdict: verdict(ratio),
    note: note ? fill(words.range_note, { note }) : "",
  });
}

/**
 * The statistics line (Python's `stats`). The Elman cell's spectral radius at W_hh scale s is
 * s times the given radius at scale 1, the very product the kernel computes.
 * @param {import("./frame.js").TwinFrame} frame
 * @param {Record<string, any>} params
 * @param {Record<string, any>} given
 */
export function stats(frame, params, given) {
  const words = SENTENCES.stats;
  const parts = [
    params.cell === "elman"
      ? fill(words.spectral_radius, { radius: params.w_hh_scale * given.unit_radius })
      : fill(words.memory_gate, {
          gate: SENTENCES.memory_gates[params.cell],
          mean: frame.mean_memory_gate,
        }),
    fill(words.saturated, { fraction: frame.saturated_fraction }),
    fill(frame.layers.length > 1 ? words.ratio_stacked : words.ratio, {
      ratio: frame.gradient_ratio_log10,
    }),
  ];
  if (frame.gradient_ratio_log10_c !== null) {
    parts.push(fill(words.ratio_c, { ratio: frame.gradient_ratio_log10_c }));
  }
  return parts.join(words.separator);
}

/**
 * The tensors' shapes through the stack, as Keras prints them (Python's `shapes`, of
 * `Frame.shapes`): "Shapes: (1, 50, 4) → (1, 50, 32) → (1, 32)".
 * @param {import("./frame.js").TwinFrame} frame
 * @param {Record<string, any>} given
 */
export function shapes(frame, given) {
  const [timesteps] = frame.layers[0].h.shape;
  const units = frame.layers.map((layer) => layer.h.shape[1]);
  const dims = [
    [1, timesteps, given.features],
    ...units.slice(0, -1).map((u) => [1, timesteps, u]),
    [1, units[units.length - 1]],
  ];
  const text = dims.map((shape) => `(${shape.join(", ")})`).join(" → ");
  return fill(SENTENCES.shapes, { shapes: text });
}

/**
 * Every parameter and the version, in one line (Python's `caption` for the seeded network).
 * @param {Record<string, any>} params
 * @param {string} version  the package's
 */
export function caption(params, version) {
  const words = SENTENCES.caption;
  const gated = params.cell !== "elman";
  /** @type {Record<string, boolean>} */
  const shown = {
    bias: params.bias !== 0,
    layers: params.layers > 1,
    sentence: params.input_kind === "sentence",
  };
  return (gated ? words.gated : words.elman)
    .filter((/** @type {string} */ item) => shown[item] ?? true)
    .map((/** @type {string} */ item) => fill(words.items[item], { ...params, version }))
    .join(words.separator);
}

/**
 * The snapshot's file name (Python's `snapshot_name` for the seeded network).
 * @param {Record<string, any>} params
 */
export function snapshotName(params) {
  const words = SENTENCES.snapshot_name;
  return fill(params.cell === "elman" ? words.elman : words.gated, params);
}

/**
 * Every sentence the view shows for `frame` (Python's `view_words`), or null where the twin
 * cannot word it and the kernel's last words stay.
 * @param {import("./frame.js").TwinFrame} frame
 * @param {import("./frame.js").TwinParams & Record<string, any>} params  every setting
 * @param {Record<string, any>} given  what the kernel gave the twin (rnnwidget/explorer/twin.py)
 * @returns {Record<string, any> | null}
 */
export function frameWords(frame, params, given) {
  return {
    summary: summary(frame, params.cell),
    stats: stats(frame, params, given),
    shapes: shapes(frame, given),
    caption: given.version === undefined ? null : caption(params, given.version),
    snapshot_name: snapshotName(params),
  };
}

/**
 * Which settings a preset chose for the input in `params` and why (Python's `preset_note`).
 * @param {import("./presets.js").Regime} regime
 * @param {string} label
 * @param {Record<string, any>} params
 * @returns {string}
 */
export function presetNote(regime, label, params) {
  const words = SENTENCES.preset_note;
  const T = params.seq_len;
  const r = regime;
  const ratio = r.measured.gradient_ratio_log10;
  const fields = {
    label,
    input: words.inputs[params.input_kind] ?? params.input_kind,
    steps: fill(T === 1 ? words.one_step : words.steps, { T }),
    T,
    steps_back: T - 1,
    w_hh_scale: r.w_hh_scale,
    saturation: r.saturation,
    bias: r.bias,
    edge: r.edge,
    ratio,
    slope: r.measured.mean_tanh_slope,
    pinned: r.measured.saturated_fraction,
    verdict: verdict(ratio),
  };
  const head = fill(words.head, fields);
  const say = (/** @type {string} */ template, extra = {}) =>
    head + fill(template, { ...fields, ...extra });
  if (T < 2) return say(words.single_step);
  if (r.name === "vanishing") {
    if (r.w_hh_scale === 0) return say(words.vanishing_zero);
    return say(words.vanishing, { bound: (T - 1) * Math.log10(r.w_hh_scale) });
  }
  if (r.name === "edge_of_chaos") {
    if (r.capped) return say(params.units < 16 ? words.edge_capped_small : words.edge_capped);
    const why = fill(
      r.w_hh_scale > 1.05
        ? words.edge_above_1
        : r.w_hh_scale >= 0.95
          ? words.edge_near_1
          : words.edge_below_1,
      fields,
    );
    const balance = fill(words.edge_balance, fields);
    return say(Math.abs(ratio) <= 1 ? words.edge : words.edge_closest, { balance, why });
  }
  if (r.name === "exploding") return say(r.capped ? words.exploding_capped : words.exploding);
  if (r.name === "saturated") {
    const drive = fill(r.capped ? words.saturated_drive_capped : words.saturated_drive, fields);
    const dies = fill(ratio < -2 ? words.saturated_dies : words.saturated_still, fields);
    return say(words.saturated, { drive, dies });
  }
  // high gain
  const carried = fill(ratio > 2 ? words.high_gain_chaos : words.high_gain_calm, fields);
  return say(words.high_gain, { carried });
}
