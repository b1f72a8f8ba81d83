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

import { setAttr, setHidden, setText, setValue } from "./dom.js";

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
 * A labelled slider with its live value. A log slider moves log10 of the value.
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
  const output = element("output", "rnnwidget-value");
  output.htmlFor = input.id;
  const head = element("div", "rnnwidget-control-head");
  head.append(label, output);
  const el = element("div", "rnnwidget-control rnnwidget-control-slider");
  el.append(head, input);
  const toValue = (/** @type {number} */ position) => {
    if (log) return Number((10 ** position).toPrecision(3));
    return spec.integer ? Math.round(position) : position;
  };
  const text = (/** @type {number} */ value) =>
    log ? formatSetting(value) : value.toFixed(spec.digits ?? 0);
  const showValue = (/** @type {number} */ value) => {
    setText(output, text(value));
    setAttr(input, "aria-valuetext", `${text(value)} (${spec.label})`);
  };
  input.addEventListener("input", () => {
    const value = toValue(Number(input.value));
    showValue(value);
    sender.send({ [spec.name]: value });
  });
  const show = () => {
    const wanted = sender.wanted(spec.name);
    const value = Number(wanted ?? model.get(spec.name));
    // Leave a slider in the hand alone while its newest value is still on its way.
    if (document.activeElement !== input || wanted === undefined) {
      setValue(input, log ? Math.log10(value) : value);
    }
    showValue(value);
  };
  return new Knob(spec, el, show, input);
}

/**
 * A labelled field for a whole number (a seed) or a text (a sentence), sent on Enter or when
 * it loses focus.
 * @param {KnobSpec} spec
 * @param {import("@anywidget/types").AnyModel} model
 * @param {Sender} sender
 */
function field(spec, model, sender) {
  const number = spec.kind === "number";
  const input = focusable(element("input", number ? "rnnwidget-number" : "rnnwidget-text"));
  if (number) {
    Object.assign(input, { type: "number", min: String(spec.min), max: String(spec.max),
      step: "1" });
  } else {
    Object.assign(input, { type: "text", maxLength: spec.max_length, spellcheck: false });
  }
  input.dataset.trait = spec.name;
  const el = element("div", `rnnwidget-control rnnwidget-control-${spec.kind}`);
  el.append(labelFor(input, spec.label), input);
  const commit = () => {
    if (!number) {
      sender.send({ [spec.name]: input.value });
      return;
    }
    const value = Number(input.value);
    // Anything but a whole number goes to the kernel too, which says what it expected.
    sender.send({ [spec.name]: input.value === "" || !Number.isFinite(value) ? input.value
      : value });
  };
  input.addEventListener("change", commit);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") input.blur(); // blur sends the change (Enter alone does not)
  });
  const show = () => {
    if (document.activeElement !== input) setValue(input, model.get(spec.name));
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
 * @param {{ preset(name: string): void }} actions what a preset button does
 * @returns {{ el: HTMLElement, presets: HTMLElement, update(): void,
 *   setDisabled(disabled: boolean): void, knob(name: string): HTMLElement | undefined }}
 *   el: the knobs' grid; presets: the row of preset buttons, which the view places (it stays
 *   in sight where the knobs fold away); update() shows the model's values and which knobs
 *   apply; setDisabled() turns every knob and preset (what needs the kernel) off or on;
 *   knob() is a knob's cell
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
  };
  update();
  const setDisabled = (/** @type {boolean} */ disabled) => {
    for (const control of [...knobs.map((k) => k.control), ...buttons.map((b) => b.button)]) {
      control.disabled = disabled;
    }
  };
  const knob = (/** @type {string} */ name) => knobs.find((k) => k.spec.name === name)?.el;
  return { el, presets, update, setDisabled, knob };
}

/** "0.01", "3e-4": a value that a log slider shows. */
export function formatSetting(/** @type {number} */ value) {
  if (value >= 0.01 && value < 1000) return String(Number(value.toPrecision(2)));
  return value.toExponential(0).replace("e+", "e");
}
