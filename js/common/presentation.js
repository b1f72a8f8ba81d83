// Presentation, for a projector: text of at least 16 px on canvases and controls alike, larger
// panels, the settings folded away. A view presents while any of three says so:
//
// - its widget: `presentation`, set in Python (its default is rnnwidget.options.presentation);
// - the host: JupyterLab's View > Presentation Mode, which puts a class on its shell;
// - the page: the Presentation switch of any rnnwidget view, which flips every view on the page,
//   for hosts with no presentation mode of their own (Notebook 7, Voila, marimo, a to_html
//   page). The switch is an attribute on <html>, not a variable of this module, since every
//   widget model may load its own copy of the module (Voila, marimo).
//
// The sizes are geometry.json's: `presentation.scale` for what the canvases draw (text, margins,
// strokes, panel heights) and `presentation.font_size` for the view's own text.

import { element, focusable } from "./controls.js";
import { GEOMETRY } from "./geometry.js";

const PAGE_ATTRIBUTE = "data-rnnwidget-presentation";
const HOST_CLASS = "jp-mod-presentationMode";
const HOST_SHELL = ".jp-LabShell"; // JupyterLab's shell, which carries HOST_CLASS

/** @typedef {"widget" | "host" | "page" | null} Reason why a view presents; null: it does not */

/** What the Presentation switch says when it cannot turn the view's presentation off. */
const LOCKED = {
  widget: "Presenting: this widget has presentation=True (set it to False in Python)",
  host: "Presenting while JupyterLab's presentation mode is on (View > Presentation Mode)",
};
const SWITCH_HELP = "Larger text and panels for a projector, in every rnnwidget view on this page";

/** Whether the page's switch is on. */
export function pagePresents() {
  return document.documentElement.hasAttribute(PAGE_ATTRIBUTE);
}

/** Turn the page's switch on or off: every rnnwidget view on the page follows. */
export function setPagePresentation(/** @type {boolean} */ on) {
  document.documentElement.toggleAttribute(PAGE_ATTRIBUTE, on);
}

/** Whether the host presents: JupyterLab's shell in its presentation mode. */
export function hostPresents() {
  return Boolean(document.querySelector(HOST_SHELL)?.classList.contains(HOST_CLASS));
}

/**
 * Why a view presents now.
 * @param {boolean} own the widget's `presentation`
 * @returns {Reason}
 */
export function presentationReason(own) {
  if (own) return "widget";
  if (hostPresents()) return "host";
  if (pagePresents()) return "page";
  return null;
}

/**
 * One view's presentation: reads the three sources, puts the view's root in presentation or
 * out of it (the class `rnnwidget-presentation` and the sizes as CSS variables), and calls
 * `onChange` when that changes, live: a change of the widget's trait, of the page's switch or
 * of the host's mode needs no re-run and no reload.
 */
export class Presentation {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {HTMLElement} root
   * @param {(presentation: Presentation) => void} [onChange]
   */
  constructor(model, root, onChange = () => {}) {
    this.model = model;
    this.root = root;
    this.onChange = onChange;
    /** @type {Reason} */
    this.reason = null;
    this.update = this.update.bind(this);
    model.on("change:presentation", this.update);
    this.observer = new MutationObserver(this.update);
    this.observer.observe(document.documentElement,
      { attributes: true, attributeFilter: [PAGE_ATTRIBUTE] });
    const shell = document.querySelector(HOST_SHELL);
    if (shell) this.observer.observe(shell, { attributes: true, attributeFilter: ["class"] });
    this.apply(presentationReason(Boolean(model.get("presentation"))));
  }

  /** Whether the view presents. */
  get on() {
    return this.reason !== null;
  }

  /** The scale of what the canvases draw: text, margins, strokes, panel heights. */
  get scale() {
    return this.on ? GEOMETRY.presentation.scale : 1;
  }

  /** Read the three sources again. */
  update() {
    const reason = presentationReason(Boolean(this.model.get("presentation")));
    if (reason === this.reason) return;
    this.apply(reason);
    this.onChange(this);
  }

  /** @param {Reason} reason */
  apply(reason) {
    this.reason = reason;
    const on = reason !== null;
    this.root.classList.toggle("rnnwidget-presentation", on);
    const style = this.root.style;
    if (on) {
      style.setProperty("--rnnwidget-scale", String(GEOMETRY.presentation.scale));
      style.setProperty("--rnnwidget-font-size", `${GEOMETRY.presentation.font_size}px`);
    } else {
      style.removeProperty("--rnnwidget-scale");
      style.removeProperty("--rnnwidget-font-size");
    }
  }

  dispose() {
    this.model.off("change:presentation", this.update);
    this.observer.disconnect();
  }
}

/**
 * The Presentation switch: a toggle button that turns the page's switch on or off. It shows
 * whether its view presents, and is turned off (saying why) where the view presents for a
 * reason it cannot undo: the widget's own setting or the host's mode.
 * @returns {{ el: HTMLButtonElement, show(presentation: Presentation): void }}
 */
export function presentationSwitch() {
  const el = focusable(element("button", "rnnwidget-button rnnwidget-presentation-switch",
    "Presentation"));
  el.type = "button";
  // A switch that cannot act stays focusable (aria-disabled, not disabled), so a keyboard or a
  // screen reader still finds it and its reason.
  el.addEventListener("click", () => {
    if (el.getAttribute("aria-disabled") !== "true") setPagePresentation(!pagePresents());
  });
  const show = (/** @type {Presentation} */ presentation) => {
    el.setAttribute("aria-pressed", String(presentation.on));
    const locked = presentation.reason === "widget" || presentation.reason === "host";
    el.setAttribute("aria-disabled", String(locked));
    el.title = locked ? LOCKED[presentation.reason] : SWITCH_HELP;
  };
  return { el, show };
}
