// The lecturer's knobs: labelled sliders with live values, the input select, the seed, the
// sentence, and presets for the regimes a lecture walks through. Every control is reachable by
// keyboard and carries data-lm-suppress-shortcuts, without which JupyterLab 4 and Notebook 7
// take the arrow keys of a focused slider for their own shortcuts. A classroom view
// (RNNExplorer(controls=[...])) shows only the named knobs, and only the presets that set no
// hidden knob.

import { setAttr, setHidden, setText, setValue } from "./dom.js";
import { formatSetting } from "./format.js";

/**
 * @typedef {{ name: string, label: string, min: number, max: number, step: number,
 *   hint: string, log?: boolean, digits?: number }} SliderSpec
 *   log: the slider moves log10 of the value, from `min` to `max` (as logarithms)
 */

export const SLIDERS = [
  { name: "w_hh_scale", label: "W_hh scale", min: 0, max: 3, step: 0.01, digits: 2,
    hint: "spectral radius of W_hh" },
  { name: "seq_len", label: "Sequence length", min: 1, max: 1000, step: 1, digits: 0,
    hint: "timesteps T" },
  { name: "saturation", label: "tanh gain", min: 0.1, max: 5, step: 0.05, digits: 2,
    hint: "saturation g" },
  { name: "units", label: "Hidden units", min: 1, max: 256, step: 1, digits: 0,
    hint: "size of h_t" },
];

export const INPUTS = [
  ["impulse", "Impulse at t=1"],
  ["noise", "White noise"],
  ["sine", "Sine waves"],
  ["sentence", "Sentence"],
];

export const PRESETS = [
  { label: "Vanishing", title: "W_hh scale 0.5: memory and gradients fade geometrically",
    values: { w_hh_scale: 0.5, saturation: 1 } },
  { label: "Edge of chaos", title: "W_hh scale 1.0: the gradient keeps its size longest",
    values: { w_hh_scale: 1.0, saturation: 1 } },
  { label: "Exploding", title: "W_hh scale 1.5: gradients grow as they go back in time",
    values: { w_hh_scale: 1.5, saturation: 1 } },
  { label: "Saturated", title: "tanh gain 4: units pinned at ±1, tanh' ≈ 0, gradients die",
    values: { w_hh_scale: 1.0, saturation: 4 } },
];

let nextId = 0;
const uid = (name) => `rnnwidget-${name}-${++nextId}`;

/** An element with a class and, optionally, text (always as textContent, never as HTML). */
export function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

export function focusable(el) {
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  return el;
}

/** A label for `control`, which gets an id of its own. */
export function labelFor(control, text, className = "rnnwidget-label") {
  control.id = uid(control.dataset.trait ?? "control");
  const label = element("label", className, text);
  label.htmlFor = control.id;
  return label;
}

/** A select for a trait, its options as [value, text] pairs. */
export function selectFor(trait, options) {
  const select = focusable(document.createElement("select"));
  select.dataset.trait = trait;
  for (const [value, text] of options) {
    const option = element("option", "", text);
    option.value = value;
    select.append(option);
  }
  return select;
}

/** A row of the controls grid holding `children`. */
export function row(...children) {
  const el = element("div", "rnnwidget-control");
  el.append(...children);
  return el;
}

/** The random seed: a whole number from 0 to 2**32 - 1, sent when it is changed. */
export function seedInput(sender) {
  const seed = focusable(document.createElement("input"));
  Object.assign(seed, { type: "number", min: "0", max: String(2 ** 32 - 1), step: "1" });
  seed.className = "rnnwidget-seed";
  seed.dataset.trait = "seed";
  seed.addEventListener("change", () => {
    const value = Number(seed.value);
    if (seed.value !== "" && Number.isInteger(value)) sender.send({ seed: value });
  });
  return seed;
}

/**
 * A row with a labelled range slider for one setting and its live value. The value goes out
 * through `sender` as the slider moves; `updaters` gets the function that shows the model's
 * value (or the one still on its way to the kernel). A log slider moves log10 of the value.
 * @param {SliderSpec} spec
 * @param {{ model: import("@anywidget/types").AnyModel,
 *   sender: { send(changes: Record<string, unknown>): void, wanted(name: string): unknown },
 *   updaters: (() => void)[], title?: string }} options title: the label's tooltip
 */
export function slider(spec, { model, sender, updaters, title = spec.hint }) {
  const input = focusable(document.createElement("input"));
  Object.assign(input, { type: "range", min: String(spec.min), max: String(spec.max),
    step: String(spec.step) });
  input.dataset.trait = spec.name;
  const label = labelFor(input, spec.label);
  label.title = title;
  const output = element("output", "rnnwidget-value");
  output.htmlFor = input.id;
  const toValue = (position) =>
    spec.log ? Number((10 ** position).toPrecision(3)) : spec.digits ? position : Math.round(position);
  const show = (value) => {
    const text = spec.log ? formatSetting(value) : Number(value).toFixed(spec.digits);
    setText(output, text);
    setAttr(input, "aria-valuetext", `${text} (${spec.hint})`);
  };
  input.addEventListener("input", () => {
    const value = toValue(Number(input.value));
    show(value);
    sender.send({ [spec.name]: value });
  });
  updaters.push(() => {
    const wanted = sender.wanted(spec.name);
    const value = Number(wanted ?? model.get(spec.name));
    // Leave a slider in the hand alone while its newest value is still on its way.
    if (document.activeElement !== input || wanted === undefined) {
      setValue(input, spec.log ? Math.log10(value) : value);
    }
    show(value);
  });
  return row(label, input, output);
}

/**
 * Build the controls for one view.
 * @param {import("@anywidget/types").AnyModel} model
 * @param {{ send(changes: Record<string, unknown>): void, wanted(name: string): unknown }} sender
 * @returns {{ el: HTMLElement, update(): void, setDisabled(disabled: boolean): void }}
 *   update() shows the model's values and the knobs `controls` names; setDisabled() turns every
 *   knob and preset (what needs the kernel) off or on
 */
export function buildControls(model, sender) {
  const el = element("div", "rnnwidget-controls");
  /** @type {(() => void)[]} */
  const updaters = [];
  const shown = (name) => {
    const names = model.get("controls");
    return !Array.isArray(names) || names.includes(name);
  };

  for (const spec of SLIDERS) {
    const sliderRow = slider(spec, { model, sender, updaters });
    updaters.push(() => setHidden(sliderRow, !shown(spec.name)));
    el.append(sliderRow);
  }

  const input = selectFor("input_kind", INPUTS);
  input.addEventListener("change", () => sender.send({ input_kind: input.value }));
  const seed = seedInput(sender);
  const inputLabel = labelFor(input, "Input");
  const seedLabel = labelFor(seed, "Seed", "rnnwidget-label rnnwidget-label-inline");
  const inputRow = row(inputLabel, input, seedLabel, seed);
  el.append(inputRow);

  const layers = selectFor("layers", [["1", "1 recurrent layer"], ["2", "2, stacked"]]);
  layers.addEventListener("change", () => sender.send({ layers: Number(layers.value) }));
  const layersLabel = labelFor(layers, "Layers");
  layersLabel.title = "With 2, layer 1 returns its whole sequence to layer 2 (return_sequences)";
  const layersRow = row(layersLabel, layers);
  el.append(layersRow);

  const sentence = focusable(document.createElement("input"));
  Object.assign(sentence, { type: "text", maxLength: 500, spellcheck: false });
  sentence.dataset.trait = "sentence";
  sentence.addEventListener("change", () => sender.send({ sentence: sentence.value }));
  const sentenceRow = row(labelFor(sentence, "Sentence"), sentence);
  sentenceRow.classList.add("rnnwidget-sentence");
  el.append(sentenceRow);

  const palette = selectFor("palette", [["standard", "Standard"],
    ["colorblind", "Colour-blind safe"]]);
  palette.addEventListener("change", () => sender.send({ palette: palette.value }));
  const presentation = focusable(document.createElement("input"));
  presentation.type = "checkbox";
  presentation.dataset.trait = "presentation";
  presentation.addEventListener("change", () =>
    sender.send({ presentation: presentation.checked }),
  );
  const presentationLabel = labelFor(presentation, "Presentation mode", "rnnwidget-label-inline");
  presentationLabel.title = "Larger text and strokes, for a projector";
  const viewRow = row(labelFor(palette, "Colours"), palette, presentation, presentationLabel);
  el.append(viewRow);

  updaters.push(() => {
    setValue(input, model.get("input_kind"));
    if (document.activeElement !== seed) setValue(seed, model.get("seed"));
    if (document.activeElement !== sentence) setValue(sentence, model.get("sentence"));
    setValue(layers, model.get("layers"));
    setValue(palette, model.get("palette"));
    presentation.checked = Boolean(model.get("presentation"));
    // A classroom view (controls=[...]) shows only the named knobs.
    setHidden(sentenceRow, model.get("input_kind") !== "sentence" || !shown("sentence"));
    for (const el of [input, inputLabel]) setHidden(el, !shown("input_kind"));
    for (const el of [seed, seedLabel]) setHidden(el, !shown("seed"));
    setHidden(inputRow, input.hidden && seed.hidden);
    setHidden(layersRow, !shown("layers"));
    setHidden(viewRow, Array.isArray(model.get("controls"))); // the teacher's view, not the class's
  });

  const presets = element("div", "rnnwidget-presets");
  presets.setAttribute("role", "group");
  presets.setAttribute("aria-label", "Presets");
  presets.append(element("span", "rnnwidget-label", "Presets"));
  for (const preset of PRESETS) {
    const button = focusable(element("button", "rnnwidget-button", preset.label));
    button.type = "button";
    button.title = preset.title;
    button.dataset.preset = preset.label;
    button.addEventListener("click", () => sender.send({ ...preset.values }));
    presets.append(button);
    updaters.push(() => setHidden(button, !Object.keys(preset.values).every(shown)));
  }
  el.append(presets);
  updaters.push(() => {
    setHidden(presets, [...presets.querySelectorAll("button")].every((button) => button.hidden));
  });

  const update = () => updaters.forEach((f) => f());
  update();
  const setDisabled = (disabled) => {
    for (const control of el.querySelectorAll("[data-trait], [data-preset]")) {
      control.disabled = disabled;
    }
  };
  return { el, update, setDisabled };
}
