// The lecturer's knobs: labelled sliders with live values, the input select, the seed, the
// sentence, and presets for the regimes a lecture walks through. Every control is reachable by
// keyboard and carries data-lm-suppress-shortcuts, without which JupyterLab 4 and Notebook 7
// take the arrow keys of a focused slider for their own shortcuts.

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

/**
 * Build the controls for one view.
 * @param {import("@anywidget/types").AnyModel} model
 * @param {{ send(changes: Record<string, unknown>): void, wanted(name: string): unknown }} sender
 * @returns {{ el: HTMLElement, update(): void, setDisabled(disabled: boolean): void }}
 *   update() shows the model's values; setDisabled() turns every control off or on
 */
export function buildControls(model, sender) {
  const el = element("div", "rnnwidget-controls");
  /** @type {(() => void)[]} */
  const updaters = [];

  for (const spec of SLIDERS) {
    const row = element("div", "rnnwidget-control");
    const id = uid(spec.name);
    const label = element("label", "rnnwidget-label", spec.label);
    label.htmlFor = id;
    label.title = spec.hint;
    const slider = focusable(document.createElement("input"));
    Object.assign(slider, { type: "range", id, min: String(spec.min), max: String(spec.max),
      step: String(spec.step) });
    slider.dataset.trait = spec.name;
    const output = element("output", "rnnwidget-value");
    output.htmlFor = id;
    const show = (value) => {
      const text = Number(value).toFixed(spec.digits);
      output.textContent = text;
      slider.setAttribute("aria-valuetext", `${text} (${spec.hint})`);
    };
    slider.addEventListener("input", () => {
      const value = spec.digits ? Number(slider.value) : Math.round(Number(slider.value));
      show(value);
      sender.send({ [spec.name]: value });
    });
    updaters.push(() => {
      const wanted = sender.wanted(spec.name);
      const value = wanted ?? model.get(spec.name);
      if (document.activeElement !== slider || wanted === undefined) slider.value = String(value);
      show(value);
    });
    row.append(label, slider, output);
    el.append(row);
  }

  const inputRow = element("div", "rnnwidget-control");
  const selectId = uid("input");
  const selectLabel = element("label", "rnnwidget-label", "Input");
  selectLabel.htmlFor = selectId;
  const select = focusable(document.createElement("select"));
  select.id = selectId;
  select.dataset.trait = "input_kind";
  for (const [value, text] of INPUTS) {
    const option = element("option", "", text);
    option.value = value;
    select.append(option);
  }
  select.addEventListener("change", () => sender.send({ input_kind: select.value }));

  const seedId = uid("seed");
  const seedLabel = element("label", "rnnwidget-label rnnwidget-label-inline", "Seed");
  seedLabel.htmlFor = seedId;
  const seed = focusable(document.createElement("input"));
  Object.assign(seed, { type: "number", id: seedId, min: "0", max: String(2 ** 32 - 1), step: "1" });
  seed.className = "rnnwidget-seed";
  seed.dataset.trait = "seed";
  seed.addEventListener("change", () => {
    const value = Number(seed.value);
    if (seed.value !== "" && Number.isInteger(value)) sender.send({ seed: value });
  });
  inputRow.append(selectLabel, select, seedLabel, seed);
  el.append(inputRow);

  const stackRow = element("div", "rnnwidget-control");
  const layersId = uid("layers");
  const layersLabel = element("label", "rnnwidget-label", "Layers");
  layersLabel.htmlFor = layersId;
  layersLabel.title = "With 2, layer 1 returns its whole sequence to layer 2 (return_sequences)";
  const layers = focusable(document.createElement("select"));
  layers.id = layersId;
  layers.dataset.trait = "layers";
  for (const [value, text] of [["1", "1 recurrent layer"], ["2", "2, stacked"]]) {
    const option = element("option", "", text);
    option.value = value;
    layers.append(option);
  }
  layers.addEventListener("change", () => sender.send({ layers: Number(layers.value) }));

  const paletteId = uid("palette");
  const paletteLabel = element("label", "rnnwidget-label", "Colours");
  paletteLabel.htmlFor = paletteId;
  const palette = focusable(document.createElement("select"));
  palette.id = paletteId;
  palette.dataset.trait = "palette";
  for (const [value, text] of [["standard", "Standard"], ["colorblind", "Colour-blind safe"]]) {
    const option = element("option", "", text);
    option.value = value;
    palette.append(option);
  }
  palette.addEventListener("change", () => sender.send({ palette: palette.value }));
  stackRow.append(layersLabel, layers);
  el.append(stackRow);

  const sentenceRow = element("div", "rnnwidget-control rnnwidget-sentence");
  const sentenceId = uid("sentence");
  const sentenceLabel = element("label", "rnnwidget-label", "Sentence");
  sentenceLabel.htmlFor = sentenceId;
  const sentence = focusable(document.createElement("input"));
  Object.assign(sentence, { type: "text", id: sentenceId, maxLength: 500, spellcheck: false });
  sentence.dataset.trait = "sentence";
  sentence.addEventListener("change", () => sender.send({ sentence: sentence.value }));
  sentenceRow.append(sentenceLabel, sentence);
  el.append(sentenceRow);

  updaters.push(() => {
    select.value = String(model.get("input_kind"));
    if (document.activeElement !== seed) seed.value = String(model.get("seed"));
    if (document.activeElement !== sentence) sentence.value = String(model.get("sentence"));
    sentenceRow.hidden = model.get("input_kind") !== "sentence";
  });

  const viewRow = element("div", "rnnwidget-control");
  const presentationId = uid("presentation");
  const presentation = focusable(document.createElement("input"));
  Object.assign(presentation, { type: "checkbox", id: presentationId });
  presentation.dataset.trait = "presentation";
  const presentationLabel = element("label", "rnnwidget-label-inline", "Presentation mode");
  presentationLabel.htmlFor = presentationId;
  presentationLabel.title = "Larger text and strokes, for a projector";
  presentation.addEventListener("change", () =>
    sender.send({ presentation: presentation.checked }),
  );
  viewRow.append(paletteLabel, palette, presentation, presentationLabel);
  el.append(viewRow);

  updaters.push(() => {
    layers.value = String(model.get("layers"));
    palette.value = String(model.get("palette"));
    presentation.checked = Boolean(model.get("presentation"));
  });

  const presets = element("div", "rnnwidget-presets");
  presets.setAttribute("role", "group");
  presets.setAttribute("aria-label", "Presets");
  presets.append(element("span", "rnnwidget-label", "Presets"));
  for (const preset of PRESETS) {
    const button = focusable(element("button", "rnnwidget-button", preset.label));
    button.type = "button";
    button.title = preset.title;
    button.addEventListener("click", () => sender.send({ ...preset.values }));
    presets.append(button);
  }
  el.append(presets);

  const update = () => updaters.forEach((f) => f());
  update();
  const setDisabled = (disabled) => {
    for (const control of el.querySelectorAll("input, select, button")) control.disabled = disabled;
  };
  return { el, update, setDisabled };
}
