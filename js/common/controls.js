// The lecturer's knobs, built from the kernel's knob specs (`_knobs`: name, label, help, kind,
// range, step, options) and preset list (`_presets`): a range, a label or a help text is
// written once, on the Python trait. This module keeps only presentation: how each kind of
// knob looks, a log-scale slider's position, how many digits a value shows.
//
// Every control is labelled for screen readers, reachable by keyboard, and carries
// data-lm-suppress-shortcuts, without which JupyterLab 4 and Notebook 7 take the arrow keys of a
// focused slider for their own shortcuts. Knobs the kernel lists in `_inactive` are hidden;
// a classroom view (the explorer's `controls=[...]`) shows only the named knobs, and only the
// presets that set no hidden knob. A preset that sets only inactive knobs is hidden too.

import { setAttr, setHidden, setValue } from "./dom.js";

/**
 * @typedef {{ name: string, label: string, help: string, group?: string,
 *   kind: "slider" | "number" | "choice" | "toggle" | "text",
 *   min?: number, max?: number, step?: number, scale?: "linear" | "log", digits?: number,
 *   integer?: boolean, options?: [string | number, string][], max_length?: number }} KnobSpec
 * @typedef {{ name: string, label: string, help: string, sets: string[] }} PresetSpec
 * @typedef {{ send(changes: Record<string, unknown>): void, wanted(name: string): unknown }} Sender
 */

// Element ids must be unique on a page with many widgets, and every widget model loads its own
// copy of this module (Voila, marimo): the counter lives on the page, not in the module.
const COUNTER = Symbol.for("rnnwidget.ids");

/**
 * An element id no other element on the page has.
 * @param {string} name
 */
export function uid(name) {
  const page = /** @type {any} */ (globalThis);
  page[COUNTER] = (page[COUNTER] ?? 0) + 1;
  return `rnnwidget-${name}-${page[COUNTER]}`;
}

/**
 * An element with a class and, optionally, text (always as textContent, never as HTML).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * Keys go to the control, not to JupyterLab's shortcuts.
 * @template {HTMLElement} E
 * @param {E} el
 * @returns {E}
 */
export function focusable(el) {
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  return el;
}

/**
 * A label for `control`, which gets an id of its own.
 * @param {HTMLElement} control
 * @param {string} text
 */
export function labelFor(control, text, className = "rnnwidget-label") {
  control.id = uid(control.dataset.trait ?? "control");
  const label = element("label", className, text);
  label.htmlFor = control.id;
  return label;
}

/** What a knob contributes to the view. */
class Knob {
  /**
   * @param {KnobSpec} spec
   * @param {HTMLElement} el the knob's cell in the grid
   * @param {() => void} show shows the model's value (or the one on its way to the kernel)
   * @param {(HTMLInputElement | HTMLSelectElement)} control
   */
  constructor(spec, el, show, control) {
    this.spec = spec;
    this.el = el;
    this.show = show;
    this.control = control;
  }
}

/**
 * What the kernel gets for a typed number: the number, where the text is one (a plain decimal
 * or scientific notation, finite), else the text itself, which the kernel refuses in words that
 * quote it and give the allowed range. The range is never checked here: it is the kernel's.
 * @param {string} text
 * @returns {number | string}
 */
export function typedNumber(text) {
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text)) return text;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

/**
 * Make `input` a typed field: Enter (or leaving it) hands the typed text to `commit`, once per
 * edit; Escape puts back the value it showed. While the user is typing, `show` leaves it alone.
 * @param {HTMLInputElement} input
 * @param {(text: string) => void} commit
 * @returns {{ show(text: string): void }}
 */
function typed(input, commit) {
  let shown = input.value;
  let edited = false;
  input.addEventListener("input", () => {
    edited = true;
  });
  const apply = () => {
    if (!edited) return;
    edited = false;
    commit(input.value);
  };
  input.addEventListener("change", apply);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      apply();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation(); // the field's key, not the notebook's command mode
      edited = false;
      input.value = shown;
    }
  });
  return {
    show(text) {
      shown = text;
      if (!(edited && document.activeElement === input)) setValue(input, text);
    },
  };
}

/**
 * A labelled slider with its value in a field beside its label, where a value can be typed
 * (Enter applies, Escape restores; the kernel refuses what is out of range, in words). A log
 * slider moves log10 of the value.
 * @param {KnobSpec} spec
 * @param {import("@anywidget/types").AnyModel} model
 * @param {Sender} sender
 */
function slider(spec, model, sender) {
  const log = spec.scale === "log";
  const [min, max] = [Number(spec.min), Number(spec.max)];
  const input = focusable(element("input"));
  Object.assign(input, { type: "range", min: String(log ? Math.log10(min) : min),
    max: String(log ? Math.log10(max) : max), step: String(spec.step ?? 1) });
  input.dataset.trait = spec.name;
  const label = labelFor(input, spec.label);
  const toValue = (/** @type {number} */ position) => {
    if (log) return Number((10 ** position).toPrecision(3));
    return spec.integer ? Math.round(position) : position;
  };
  const text = (/** @type {number} */ value) =>
    log ? formatSetting(value) : value.toFixed(spec.digits ?? 0);
  const entry = focusable(element("input", "rnnwidget-value"));
  Object.assign(entry, { type: "text", inputMode: "decimal", spellcheck: false,
    autocomplete: "off", size: Math.max(text(min).length, text(max).length) + 1 });
  entry.dataset.typed = spec.name;
  entry.setAttribute("aria-label", `${spec.label}, typed value`);
  const field = typed(entry, (typedText) => {
    sender.send({ [spec.name]: typedNumber(typedText) });
    show(); // the slider follows, and the field shows the value as the slider writes it
  });
  const head = element("div", "rnnwidget-control-head");
  head.append(label, entry);
  const el = element("div", "rnnwidget-control rnnwidget-control-slider");
  el.append(head, input);
  const showValue = (/** @type {number} */ value) => {
    field.show(text(value));
    setAttr(input, "aria-valuetext", `${text(value)} (${spec.label})`);
  };
  input.addEventListener("input", () => {
    const value = toValue(Number(input.value));
    showValue(value);
    sender.send({ [spec.name]: value });
  });
  const show = () => {
    const wanted = sender.wanted(spec.name);
    const value = Number(typeof wanted === "number" ? wanted : model.get(spec.name));
    // A typed value on its way to the kernel is not a number yet: the last good one stays.
    if (!Number.isFinite(value)) return;
    // Leave a slider in the hand alone while its newest value is still on its way.
    if (document.activeElement !== input || wanted === undefined) {
      setValue(input, log ? Math.log10(value) : value);
    }
    showValue(value);
  };
  return new Knob(spec, el, show, input);
}

/**
 * A labelled field for a whole number (a seed) or a text (a sentence): Enter (or leaving the
 * field) sends it, Escape restores it. A number travels as typed where it is not one, so the
 * kernel's refusal quotes what was typed.
 * @param {KnobSpec} spec
 * @param {import("@anywidget/types").AnyModel} model
 * @param {Sender} sender
 */
function field(spec, model, sender) {
  const number = spec.kind === "number";
  const input = focusable(element("input", number ? "rnnwidget-number" : "rnnwidget-text"));
  // A number box is a text box too: an <input type=number> hands over "" for "abc".
  Object.assign(input, { type: "text", spellcheck: false, autocomplete: "off" });
  if (number) input.inputMode = "numeric";
  else input.maxLength = Number(spec.max_length);
  input.dataset.trait = spec.name;
  const el = element("div", `rnnwidget-control rnnwidget-control-${spec.kind}`);
  el.append(labelFor(input, spec.label), input);
  const entry = typed(input, (text) => sender.send({ [spec.name]: number ? typedNumber(text)
    : text }));
  const show = () => {
    const value = model.get(spec.name);
    if (!number || typeof value === "number") entry.show(String(value));
  };
  return new Knob(spec, el, show, input);
}

/**
 * A labelled select.
 * @param {KnobSpec} spec
 * @param {import("@anywidget/types").AnyModel} model
 * @param {Sender} sender
 */
function choice(spec, model, sender) {
  const select = focusable(element("select"));
  select.dataset.trait = spec.name;
  const options = spec.options ?? [];
  for (const [value, text] of options) {
    const option = element("option", "", text);
    option.value = String(value);
    select.append(option);
  }
  const el = element("div", "rnnwidget-control rnnwidget-control-choice");
  el.append(labelFor(select, spec.label), select);
  select.addEventListener("change", () => {
    // Send the option's own value: a number stays a number.
    const picked = options.find(([value]) => String(value) === select.value);
    sender.send({ [spec.name]: picked ? picked[0] : select.value });
  });
  const show = () => setValue(select, model.get(spec.name));
  return new Knob(spec, el, show, select);
}

/**
 * A checkbox with its label after it.
 * @param {KnobSpec} spec
 * @param {import("@anywidget/types").AnyModel} model
 * @param {Sender} sender
 */
function toggle(spec, model, sender) {
  const box = focusable(element("input"));
  box.type = "checkbox";
  box.dataset.trait = spec.name;
  const el = element("div", "rnnwidget-control rnnwidget-control-toggle");
  el.append(box, labelFor(box, spec.label, "rnnwidget-label rnnwidget-label-inline"));
  box.addEventListener("change", () => sender.send({ [spec.name]: box.checked }));
  const show = () => {
    box.checked = Boolean(model.get(spec.name));
  };
  return new Knob(spec, el, show, box);
}

const BUILDERS = { slider, number: field, text: field, choice, toggle };

/**
 * The controls of one view, from the kernel's knob specs and presets.
 * @param {import("@anywidget/types").AnyModel} model
 * @param {Sender} sender
 * @param {{ preset(name: string): void, reset?: () => void }} actions what a preset button
 *   does, and the Reset button (none without `reset`)
 * @returns {{ el: HTMLElement, presets: HTMLElement, update(): void,
 *   setDisabled(disabled: boolean): void, knob(name: string): HTMLElement | undefined }}
 *   el: the knobs' grid; presets: the row of preset buttons and Reset, which the view places
 *   (it stays in sight where the knobs fold away); update() shows the model's values and which
 *   knobs apply; setDisabled() turns every knob, preset and Reset (what needs the kernel) off
 *   or on; knob() is a knob's cell
 */
export function buildControls(model, sender, actions) {
  const el = element("div", "rnnwidget-controls");
  const specs = /** @type {KnobSpec[]} */ (model.get("_knobs") ?? []);
  const knobs = specs.map((spec) => {
    const knob = BUILDERS[spec.kind](spec, model, sender);
    knob.el.title = spec.help;
    knob.el.dataset.knob = spec.name;
    if (spec.group) knob.el.dataset.group = spec.group;
    return knob;
  });
  el.append(...knobs.map((knob) => knob.el));

  const presets = element("div", "rnnwidget-presets");
  presets.setAttribute("role", "group");
  presets.setAttribute("aria-label", "Presets");
  presets.append(element("span", "rnnwidget-label", "Presets"));
  const presetSpecs = /** @type {PresetSpec[]} */ (model.get("_presets") ?? []);
  const buttons = presetSpecs.map((preset) => {
    const button = focusable(element("button", "rnnwidget-button", preset.label));
    button.type = "button";
    button.title = preset.help;
    button.dataset.preset = preset.label;
    button.addEventListener("click", () => actions.preset(preset.name));
    presets.append(button);
    return { button, preset };
  });
  // Reset: every setting back to the constructor's (the kernel keeps them), after the presets
  // on their row, and there too when no preset shows.
  const row = element("div", "rnnwidget-actions");
  row.append(presets);
  if (actions.reset) {
    const reset = focusable(element("button", "rnnwidget-button rnnwidget-reset", "Reset"));
    reset.type = "button";
    reset.dataset.reset = "";
    reset.title = "Every setting back to the values this widget was created with";
    reset.addEventListener("click", () => actions.reset?.());
    row.append(reset);
  }

  const update = () => {
    const inactive = new Set(/** @type {string[]} */ (model.get("_inactive") ?? []));
    // A classroom view (controls=[...]) shows only the named knobs, and the teacher's view
    // options (palette, presentation) not at all.
    const named = model.get("controls");
    const classroom = Array.isArray(named);
    const shown = (/** @type {string} */ name) => !classroom || named.includes(name);
    for (const knob of knobs) {
      const view = knob.spec.group === "view";
      setHidden(knob.el, inactive.has(knob.spec.name) || (view ? classroom : !shown(knob.spec.name)));
      knob.show();
    }
    // A preset is hidden where it would move a knob the classroom view hides, and where every
    // knob it sets means nothing now (the explorer's presets under a gated cell).
    for (const { button, preset } of buttons) {
      setHidden(button, !preset.sets.every(shown) ||
        preset.sets.every((/** @type {string} */ name) => inactive.has(name)));
    }
    setHidden(presets, buttons.every(({ button }) => button.hidden));
    setHidden(row, presets.hidden && !actions.reset);
  };
  update();
  const setDisabled = (/** @type {boolean} */ disabled) => {
    for (const control of [el, row].flatMap((part) => [...part.querySelectorAll(
      "[data-trait], [data-typed], [data-preset], [data-reset]")])) {
      /** @type {HTMLInputElement} */ (control).disabled = disabled;
    }
  };
  const knob = (/** @type {string} */ name) => knobs.find((k) => k.spec.name === name)?.el;
  return { el, presets: row, update, setDisabled, knob };
}

/** "0.01", "3e-4": a value that a log slider shows. */
export function formatSetting(/** @type {number} */ value) {
  if (value >= 0.01 && value < 1000) return String(Number(value.toPrecision(2)));
  return value.toExponential(0).replace("e+", "e");
}

/**
 * Turn the knobs `names` on again (their range and typed field), in controls turned off.
 * @param {{ knob(name: string): HTMLElement | undefined }} controls
 * @param {string[]} names
 */
export function enableKnobs(controls, names) {
  for (const name of names) {
    for (const control of controls.knob(name)?.querySelectorAll("input") ?? []) {
      control.disabled = false;
    }
  }
}
