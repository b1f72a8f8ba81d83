// The page's stand-in for the kernel: on a page RNNExplorer.to_html() wrote, the browser twin
// (js/twin) recomputes the explorer's frame, from the weights, inputs and kernel templates the
// page embeds for each discrete choice it offers (rnnwidget/explorer/page_choices.py). It
// answers what the kernel answers: the twin's given (`_twin`) and a new `_frame` for a choice of
// cell, layers or input, a preset's settings and note, Reset, and the line of code for every
// change. A continuous knob (W_hh scale, tanh gain, bias, sequence length) is the view's own
// twin's (twin-view.js, in a Worker), as in a notebook: the page only answers the change.
//
// What the page cannot compute stays the kernel's: a knob that chooses weights or inputs the
// page does not hold (units, seed, the sentence, the memory gate's start, a choice left out of
// the page's budget, every knob of a trained network's page), and a view option that needs the
// kernel's numbers (holding the scales). Those are turned off and say so.

import { decodeArrays, givenOf } from "../common/decode.js";
import { twinPayload } from "../twin/payload.js";
import { findPreset } from "../twin/presets.js";
import { presetNote } from "../twin/words.js";
import { parseValue } from "./link.js";
import { withOrder } from "./page-order.js";
import { pythonRepr } from "./python-repr.js";

/** @typedef {import("../common/controls.js").KnobSpec} KnobSpec */

/** View options that need the kernel's numbers (the kernel fixes the ranges they hold). */
const KERNEL_OPTIONS = ["hold_scales"];

export class PageKernel {
  /**
   * @param {import("./static-model.js").StaticModel} model  the page's model
   * @param {Record<string, any>} choices  what the page embeds for its choices
   */
  constructor(model, choices) {
    this.model = model;
    this.choices = choices;
    /** @type {KnobSpec[]} */
    this.specs = model.get("_knobs") ?? [];
    /** The settings the page was saved with: Reset goes back to them. */
    this.saved = this.settings();
    /** The discrete choices the page holds, by key ("elman/1/noise"). */
    this.offered = new Set(choices.offered.map(keyOf));
    /** @type {Map<string, any>} decoded givens, by choice */
    this.givens = new Map();
    this.revision = Number(model.get("_frame")?.revision ?? 0);
    /** The parameters of the last change answered: a refused one goes back to them. */
    this.answered = this.params();
    /** @type {Set<() => void>} called once each change is answered (the link follows) */
    this.listeners = new Set();
    model.answer = (content) => this.answer(content);
    // A change is answered once the model has acknowledged it (static-model.js), as a kernel's
    // frame comes with its `_ack`: the view then draws the frame as the answer to its newest
    // change.
    model.on("change:_ack", () => this.recompute());
    if (this.live) model.set("_twin", this.wire(this.answered));
  }

  /**
   * Whether the frame for `params` has "Why order matters" (the sentence input): its second
   * run, of the shuffled words, is the page's to compute (page-order.js), so the view's twin
   * leaves every knob of it to the page.
   * @param {Record<string, any>} params
   */
  ordered(params) {
    return Boolean(this.choices.templates[keyOf(params)]?.order);
  }

  /** Whether the page computes anything: a trained network's page offers no choice. */
  get live() {
    return this.offered.size > 0;
  }

  /** The values of every setting knob, as the model holds them now. */
  settings() {
    return Object.fromEntries(this.specs.map((spec) => [spec.name, this.model.get(spec.name)]));
  }

  /**
   * Whether the page can show `name` at `value`, else why not, in words.
   * @param {string} name
   * @param {unknown} value
   * @param {Record<string, unknown>} [settings] the other settings (a choice is offered or not
   *   with the others)
   * @returns {string | null}
   */
  refusal(name, value, settings = this.settings()) {
    const spec = this.specs.find((s) => s.name === name);
    if (!this.live) return "this page shows a trained network, whose settings need a notebook";
    if (!spec || KERNEL_OPTIONS.includes(name)) return `${name} needs a notebook`;
    const parsed = parseValue(String(value), spec);
    if (parsed.refused !== undefined) return parsed.refused;
    const chosen = this.choices.chosen_by.includes(name);
    if (this.choices.discrete.includes(name) && !chosen) {
      return Object.is(value, this.saved[name]) ? null : `this page holds ${name}=` +
        `${this.saved[name]} only; other values need a notebook`;
    }
    if (chosen && !this.offered.has(keyOf({ ...settings, [name]: value }))) {
      return `this page does not hold ${describe({ ...settings, [name]: value })}; ` +
        "it needs a notebook";
    }
    return null;
  }

  /** The knobs the page cannot turn at all (a choice's options it does not hold: `refusal`). */
  kernelOnly() {
    const knobs = this.specs.filter((spec) => !this.live || KERNEL_OPTIONS.includes(spec.name) ||
      (this.choices.discrete.includes(spec.name) && !this.choices.chosen_by.includes(spec.name)));
    return knobs.map((spec) => spec.name);
  }

  // -- answering the view -----------------------------------------------------------------------

  /** A message the view sent for the kernel: a preset, or Reset. */
  answer(content) {
    if (content?.reset) this.setAll(this.saved, "");
    else if (typeof content?.preset === "string") this.preset(content.preset);
  }

  /** Preset `name` for the input in use, found by the twin, and its note. */
  preset(name) {
    const spec = (this.model.get("_presets") ?? []).find((p) => p.name === name);
    if (!spec) return;
    const params = this.params();
    try {
      const regime = findPreset(name, params, this.given(params));
      // What the preset sets, as the kernel lists it, at the values its search found.
      const values = Object.fromEntries(spec.sets.map((knob) => [knob, regime[knob]]));
      this.setAll(values, presetNote(regime, spec.label, { ...params, ...values }));
    } catch (error) {
      this.model.set("error", String(error instanceof Error ? error.message : error));
    }
  }

  /**
   * Set `values` as one change, recompute, and show `note` (a preset's; "" for none).
   * @param {Record<string, unknown>} values
   * @param {string} note
   */
  setAll(values, note) {
    for (const [name, value] of Object.entries(values)) this.model.set(name, value);
    this.recompute(note, true);
  }

  /** Call `listener` once each change is answered. */
  onAnswer(/** @type {() => void} */ listener) {
    this.listeners.add(listener);
  }

  // -- computing ---------------------------------------------------------------------------------

  /** Every parameter, as Python's `Params.as_dict()` names them. */
  params() {
    const frame = this.model.get("_frame");
    const names = Object.keys(frame?.params ?? this.saved);
    return Object.fromEntries(names.map((name) => [name, this.model.get(name)]));
  }

  /**
   * Recompute the frame for the model's settings and publish it as the kernel would; a
   * setting the page cannot show goes back to the last good value, and the view says why.
   * @param {string} [note] the preset's note that goes with this frame
   * @param {boolean} [force] recompute even if no parameter changed (a preset, Reset, a link)
   */
  recompute(note = "", force = false) {
    const names = Object.keys(this.answered);
    const changed = names.filter((name) => !Object.is(this.model.get(name), this.answered[name]));
    for (const name of changed) {
      const value = this.model.get(name);
      const reason = this.refusal(name, value);
      if (reason) {
        this.model.set(name, this.answered[name]);
        this.model.set("error", `${name}=${value}: ${reason}.`);
        return;
      }
    }
    if (!force && changed.length === 0) return;
    const params = this.params();
    this.answered = params;
    this.model.set("error", "");
    this.model.set("code", this.code());
    this.model.set("preset_note", note);
    const drawn = this.model.get("_frame")?.params ?? {};
    const sameChoice = this.choices.discrete.every((name) => Object.is(params[name], drawn[name]));
    if (force || !sameChoice || this.ordered(params)) this.publish(params);
    else this.model.set("spectral_radius", this.radius(params)); // the view's twin draws
    for (const listener of this.listeners) listener();
  }

  /**
   * Compute the frame for `params` and publish it as the kernel would, with the twin's given
   * for its discrete choice.
   * @param {Record<string, any>} params
   */
  publish(params) {
    const key = keyOf(params);
    const given = this.given(params);
    const template = this.choices.templates[key];
    const options = { gradientRange: this.model.get("gradient_range"),
      normRange: this.model.get("norm_range") };
    const payload = twinPayload(params, given, template, options);
    const { twin } = payload;
    const ratio = twin.gradient_ratio_log10;
    this.model.set("_inactive", this.choices.inactive[key]);
    this.model.set("spectral_radius", this.radius(params));
    this.model.set("memory_gate", twin.mean_memory_gate);
    this.model.set("saturated_fraction", twin.saturated_fraction);
    this.model.set("gradient_ratio_log10", Number.isFinite(ratio) ? ratio : null);
    this.model.set("_twin", this.wire(params));
    if (template.order) {
      const held = decodeArrays(this.choices.order.sentence);
      withOrder(payload, given, twin, { x: held.x.data, dense_output: held.dense_output.data });
    }
    this.model.set("_frame", encodeFrame({ ...payload, revision: ++this.revision }));
  }

  /** The Elman cell's spectral radius, the W_hh scale times that of its W_hh at scale 1. */
  radius(/** @type {Record<string, any>} */ params) {
    const { unit_radius: unit } = this.given(params);
    return unit === null || unit === undefined ? null : unit * params.w_hh_scale;
  }

  /**
   * The twin's given for the discrete choice of `params` as the kernel sends it (`_twin`: the
   * arrays as float64 buffers, the settings it was made for and the knobs it turns); none for
   * the sentence input,
   * whose frames the page computes (`ordered`).
   * @param {Record<string, any>} params
   */
  wire(params) {
    if (this.ordered(params)) return null; // the page computes every frame of it
    const network = this.choices.networks[`${params.cell}/${layersOf(params)}`];
    const input = this.choices.inputs[params.input_kind];
    const settings = Object.fromEntries(this.choices.discrete.map((name) => [name, params[name]]));
    return { ...input, ...network, settings, continuous: this.choices.continuous };
  }

  /** The line that recreates the view shown, `repr(w)`: the page's template, filled. */
  code() {
    return this.choices.code.map((/** @type {string | { knob: string }} */ part) => {
      if (typeof part === "string") return part;
      const spec = this.specs.find((s) => s.name === part.knob);
      return pythonRepr(this.model.get(part.knob), spec?.kind === "slider" && !spec.integer);
    }).join("");
  }

  /** The twin's given for the discrete choice of `params` (frame.js's `Given`), decoded once. */
  given(params) {
    const key = keyOf(params);
    if (!this.givens.has(key)) {
      const network = this.choices.networks[`${params.cell}/${layersOf(params)}`];
      const wire = decodeArrays({ ...this.choices.inputs[params.input_kind], ...network });
      this.givens.set(key, givenOf(wire));
    }
    return this.givens.get(key);
  }
}

/** The key of a choice: "elman/2/noise" (a gated cell has one layer). */
function keyOf(/** @type {Record<string, any>} */ settings) {
  return `${settings.cell}/${layersOf(settings)}/${settings.input_kind}`;
}

function layersOf(/** @type {Record<string, any>} */ settings) {
  return settings.cell === "elman" ? Number(settings.layers) : 1;
}

/** "cell=lstm, input_kind=sine": a choice, as its settings. */
function describe(/** @type {Record<string, any>} */ settings) {
  const parts = [`cell=${settings.cell}`, `input_kind=${settings.input_kind}`];
  if (settings.cell === "elman") parts.push(`layers=${settings.layers}`);
  return parts.join(", ");
}

/** A payload with decoded arrays ({shape, data}) as the kernel sends it (rnnwidget/_wire.py). */
function encodeFrame(/** @type {any} */ payload) {
  const encode = (/** @type {any} */ value) => {
    if (Array.isArray(value)) return value.map(encode);
    if (value && typeof value === "object" && value.data instanceof Float32Array) {
      const data = value.data;
      return { shape: value.shape, dtype: "float32",
        buffer: new DataView(data.buffer, data.byteOffset, data.byteLength) };
    }
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
    }
    return value;
  };
  const frame = { ...payload, arrays: encode(payload.arrays) };
  delete frame.twin; // the twin's float64 frame: the page's own, not the kernel's payload
  return frame;
}
