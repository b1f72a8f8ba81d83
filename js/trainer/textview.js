// What RNNTrainer shows of a language model (task "text") besides its charts: the sample the
// network writes (refreshed by the kernel while it trains), the temperature knob beside it, and
// the unit reading: the held-out text, each character's background the chosen unit's
// activation, with the model's top next-character guesses on hover or keyboard focus.
//
// Every word and number comes from the kernel's snapshot (`_progress.text`, see
// rnnwidget/training/textview.py); this module only draws it. Text is always set as
// textContent. The characters are rebuilt only when the kernel computed them anew
// (`text.revision`), and recoloured only on a new reading or a theme switch.

import { colourTable, colourIndex } from "../common/colormaps.js";
import { element, focusable, labelFor, uid } from "../common/controls.js";
import { setAttr, setHidden, setText, setValue } from "../common/dom.js";

/**
 * @typedef {{ revision: number, source: string, sample_title: string, sample: string,
 *   reading_title: string, reading_hint: string, reading_label: string, reading: string,
 *   guesses: string, top: number, guesses_heading: string, value_name: string,
 *   char_names: Record<string, string>, unit: number, unit_label: string,
 *   units: [number, string][], colours: { palette: string, role: "diverging" | "sequential",
 *   vmin: number, vmax: number, labels: string[] } }} TextWords
 */

/**
 * Black or white, whichever reads on an [r, g, b] background.
 * @param {number[]} rgb
 */
function inkFor([r, g, b]) {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#000" : "#fff";
}

export class TextPanel {
  /**
   * @param {{ knob(name: string): HTMLElement | undefined }} controls the view's knobs: the
   *   text settings' cells move here, beside what they change
   * @param {(unit: number) => void} pickUnit sends the chosen unit to the kernel
   */
  constructor(controls, pickUnit) {
    this.el = element("section", "rnnwidget-trainer-text");
    this.el.hidden = true;
    this.source = element("p", "rnnwidget-trainer-text-source");

    // What the network writes, with the temperature beside it.
    const sampleCell = element("div", "rnnwidget-trainer-text-cell");
    this.sampleTitle = element("h4", "rnnwidget-trainer-text-title");
    this.sampleTitle.id = uid("sample-title");
    const sampleKnobs = element("div", "rnnwidget-trainer-text-knobs");
    const temperature = controls.knob("temperature");
    if (temperature) sampleKnobs.append(temperature);
    this.sample = element("div", "rnnwidget-trainer-sample");
    this.sample.setAttribute("aria-labelledby", this.sampleTitle.id);
    this.sample.tabIndex = 0;
    sampleCell.append(this.sampleTitle, sampleKnobs, this.sample);

    // The unit reading: the knobs that pick the unit, the coloured text, its colour scale.
    const readingCell = element("div", "rnnwidget-trainer-text-cell");
    this.readingTitle = element("h4", "rnnwidget-trainer-text-title");
    this.readingHint = element("p", "rnnwidget-trainer-text-hint");
    const readingKnobs = element("div", "rnnwidget-trainer-text-knobs");
    for (const name of ["feature", "unit_state"]) {
      const knob = controls.knob(name);
      if (knob) readingKnobs.append(knob);
    }
    this.unitSelect = focusable(element("select"));
    this.unitSelect.dataset.trait = "unit";
    this.unitLabel = labelFor(this.unitSelect, "");
    const unitCell = element("div", "rnnwidget-control rnnwidget-control-choice");
    unitCell.dataset.knob = "unit";
    unitCell.append(this.unitLabel, this.unitSelect);
    readingKnobs.append(unitCell);
    this.unitSelect.addEventListener("change", () => pickUnit(Number(this.unitSelect.value)));
    this.unitOptions = "";

    this.scale = element("div", "rnnwidget-trainer-text-scale");
    this.scaleBar = element("span", "rnnwidget-trainer-text-scale-bar");
    this.scaleBar.setAttribute("aria-hidden", "true");
    this.scaleLabels = [element("span"), element("span"), element("span")];
    const [low, , high] = this.scaleLabels;
    this.scale.append(low, this.scaleBar, high);

    this.reading = focusable(element("div", "rnnwidget-trainer-reading"));
    this.reading.tabIndex = 0;
    this.reading.setAttribute("role", "group");
    this.tooltip = element("div", "rnnwidget-tooltip rnnwidget-trainer-guesses");
    this.tooltip.id = uid("guesses");
    this.tooltip.setAttribute("role", "tooltip");
    this.tooltip.setAttribute("aria-live", "polite");
    this.tooltip.hidden = true;
    this.reading.setAttribute("aria-describedby", this.tooltip.id);
    const readingBox = element("div", "rnnwidget-trainer-reading-box");
    readingBox.append(this.reading, this.tooltip);
    readingCell.append(this.readingTitle, readingKnobs, this.readingHint, this.scale, readingBox);

    const grid = element("div", "rnnwidget-trainer-text-grid");
    grid.append(sampleCell, readingCell);
    this.el.append(this.source, grid);

    /** @type {HTMLSpanElement[]} one per character of the reading */
    this.spans = [];
    this.focused = -1; // the character the keyboard is on
    this.highlighted = -1; // the character whose guesses show (the pointer's or the keyboard's)
    this.revision = -1;
    this.coloured = "";
    /** @type {TextWords | null} */
    this.words = null;
    /** @type {ArrayLike<number>} */
    this.activation = [];
    /** @type {ArrayLike<number>} */
    this.probabilities = [];
    this.guesses = /** @type {string[]} */ ([]);

    this.reading.addEventListener("pointerover", (event) => {
      const span = /** @type {HTMLElement} */ (event.target).closest?.("[data-i]");
      if (span instanceof HTMLElement) this.point(Number(span.dataset.i), false);
    });
    this.reading.addEventListener("pointerleave", () => {
      if (document.activeElement === this.reading) this.point(Math.max(this.focused, 0), true);
      else this.hide();
    });
    this.reading.addEventListener("focus", () => this.point(Math.max(this.focused, 0), true));
    this.reading.addEventListener("blur", () => this.hide());
    this.reading.addEventListener("keydown", (event) => this.key(event));
  }

  /**
   * Show the kernel's text snapshot, or hide the panel (a memory task).
   * @param {TextWords | undefined} words
   * @param {Record<string, { data: Float32Array }>} arrays
   */
  show(words, arrays) {
    setHidden(this.el, !words);
    if (!words) return;
    if (words.revision === this.revision) return;
    this.revision = words.revision;
    this.words = words;
    this.activation = arrays.text_activation?.data ?? [];
    this.probabilities = arrays.text_probabilities?.data ?? [];
    this.guesses = Array.from(words.guesses); // by code point, as the kernel counts
    setText(this.source, words.source);
    setText(this.sampleTitle, words.sample_title);
    setText(this.sample, words.sample);
    setText(this.readingTitle, words.reading_title);
    setText(this.readingHint, words.reading_hint);
    setAttr(this.reading, "aria-label", words.reading_label);
    setText(this.unitLabel, words.unit_label);
    const options = JSON.stringify(words.units);
    if (options !== this.unitOptions) {
      this.unitOptions = options;
      this.unitSelect.replaceChildren(...words.units.map(([unit, label]) => {
        const option = element("option", "", label);
        option.value = String(unit);
        return option;
      }));
    }
    setValue(this.unitSelect, words.unit);
    const [low, , high] = words.colours.labels;
    setText(this.scaleLabels[0], low);
    setText(this.scaleLabels[2], high);
    this.buildReading(Array.from(words.reading));
    this.coloured = "";
    // The character in hand keeps its place, with the new numbers.
    const keyboard = document.activeElement === this.reading && this.focused >= 0;
    const at = keyboard ? this.focused : this.highlighted;
    if (at >= 0) this.point(Math.min(at, this.spans.length - 1), keyboard);
  }

  /** Hide the guesses and the highlight; the keyboard's place is kept for the next focus. */
  hide() {
    this.spans[this.highlighted]?.classList.remove("rnnwidget-trainer-char-current");
    this.highlighted = -1;
    this.tooltip.hidden = true;
  }

  /** One span per character; a newline is a visible mark and a line break. */
  buildReading(chars) {
    const nodes = [];
    this.spans = chars.map((char, i) => {
      const span = element("span", "rnnwidget-trainer-char", char === "\n" ? "↵" : char);
      span.dataset.i = String(i);
      nodes.push(span);
      if (char === "\n") nodes.push(document.createTextNode("\n"));
      return span;
    });
    this.reading.replaceChildren(...nodes);
  }

  /**
   * Colour the characters for the theme (with the table made for the box's background, so an
   * activation near 0 is that background), unless they already are.
   * @param {import("../common/theme.js").Theme} theme
   */
  colour(theme) {
    const words = this.words;
    if (!words || this.el.hidden) return;
    const key = `${this.revision}:${theme.surface}`;
    if (key === this.coloured) return;
    this.coloured = key;
    const { palette, role, vmin, vmax } = words.colours;
    const table = colourTable(palette, role, theme.surface);
    this.spans.forEach((span, i) => {
      const rgb = table[colourIndex(this.activation[i], vmin, vmax, table.length)];
      span.style.backgroundColor = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
      span.style.color = inkFor(rgb);
    });
    const stops = [0, 0.25, 0.5, 0.75, 1].map((f) => {
      const [r, g, b] = table[Math.round(f * (table.length - 1))];
      return `rgb(${r}, ${g}, ${b}) ${f * 100}%`;
    });
    this.scaleBar.style.background = `linear-gradient(to right, ${stops.join(", ")})`;
  }

  /** Arrow keys move the highlighted character; Home and End go to the ends; Escape leaves. */
  key(event) {
    const last = this.spans.length - 1;
    if (last < 0) return;
    const at = Math.max(this.focused, 0);
    const moves = { ArrowRight: at + 1, ArrowDown: this.lineBelow(at, 1),
      ArrowLeft: at - 1, ArrowUp: this.lineBelow(at, -1), Home: 0, End: last };
    if (event.key === "Escape") {
      this.hide();
      return;
    }
    if (!(event.key in moves)) return;
    event.preventDefault();
    this.point(Math.max(0, Math.min(last, moves[event.key])), true);
  }

  /** The character in the same column of the next (+1) or previous (-1) line of the text. */
  lineBelow(at, direction) {
    const chars = this.words ? Array.from(this.words.reading) : [];
    let start = at;
    while (start > 0 && chars[start - 1] !== "\n") start--;
    const column = at - start;
    if (direction > 0) {
      let next = at;
      while (next < chars.length && chars[next] !== "\n") next++;
      if (next >= chars.length - 1) return at;
      let end = next + 1;
      while (end < chars.length && end - (next + 1) < column && chars[end] !== "\n") end++;
      return end;
    }
    if (start === 0) return at;
    let previous = start - 1;
    while (previous > 0 && chars[previous - 1] !== "\n") previous--;
    return Math.min(previous + column, start - 1);
  }

  /**
   * Highlight character `i` and show its guesses (-1: none).
   * @param {number} i
   * @param {boolean} keyboard the highlight follows the keyboard (and stays on pointer leave)
   */
  point(i, keyboard) {
    this.spans[this.highlighted]?.classList.remove("rnnwidget-trainer-char-current");
    this.highlighted = i;
    if (keyboard || i < 0) this.focused = i;
    const span = this.spans[i];
    const words = this.words;
    if (!span || !words) {
      this.tooltip.hidden = true;
      return;
    }
    span.classList.add("rnnwidget-trainer-char-current");
    const top = words.top;
    const name = (c) => words.char_names[c] ?? `“${c}”`;
    const chars = Array.from(words.reading);
    const lines = [`${name(chars[i])} · ${words.value_name} = ${this.activation[i].toFixed(2)}`,
      words.guesses_heading];
    for (let k = 0; k < top; k++) {
      const p = this.probabilities[i * top + k];
      lines.push(`${name(this.guesses[i * top + k])}  ${(100 * p).toFixed(p < 0.1 ? 1 : 0)}%`);
    }
    this.tooltip.textContent = lines.join("\n");
    this.tooltip.hidden = false;
    // Below the character, kept inside the panel.
    const box = this.reading.parentElement;
    const width = box ? box.clientWidth : 0;
    const left = Math.max(0, Math.min(span.offsetLeft, width - this.tooltip.offsetWidth - 4));
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${span.offsetTop + span.offsetHeight + 4 - this.reading.scrollTop}px`;
    if (keyboard) span.scrollIntoView?.({ block: "nearest" });
  }
}
