// What every rnnwidget view shares, written once: the anywidget entry (one ChangeSender per
// model, one view per render), the root with its header, status bars and knobs built from the
// kernel's specs (folded behind a Settings button in presentation), the Presentation switch,
// the listeners and their removal, and "decode the kernel's newest payload or keep the last
// picture". A widget's own module is a subclass with its panels and its drawing.

import { buildControls, element, focusable, uid } from "./controls.js";
import { setAttr, setText } from "./dom.js";
import { icon } from "./icons.js";
import { Presentation, presentationSwitch } from "./presentation.js";
import { ViewStatus, watchLayout } from "./status.js";
import { ChangeSender } from "./sync.js";
import { readTheme } from "./theme.js";

/** One ChangeSender per model, shared by all its views (two cells showing one widget). */
const senders = new WeakMap();

export class BaseView {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {HTMLElement} el
   * @param {{ className: string, title: string, payload: string, lostText: string,
   *   reset?: boolean }} options
   *   payload: the trait holding the kernel's newest result (arrays and words, in one value);
   *   reset: a Reset button among the knobs (the kernel sets every setting back to the
   *   constructor's), unless the view has its own
   */
  constructor(model, el, { className, title, payload, lostText, reset = true }) {
    this.model = model;
    this.payloadName = payload;
    /** @type {ChangeSender} */
    this.sender = senders.get(model) ?? new ChangeSender(model);
    senders.set(model, this.sender);
    this.root = element("div", className ? `rnnwidget ${className}` : "rnnwidget");
    this.header = element("div", "rnnwidget-header");
    this.headline = element("p", "rnnwidget-summary");
    this.headline.setAttribute("role", "status");
    /** The view's buttons at the header's end: Settings, Presentation, and the subclass's. */
    this.tools = element("div", "rnnwidget-tools");
    this.header.append(element("h3", "rnnwidget-title", title), this.headline, this.tools);
    this.controls = buildControls(model, this.sender, {
      preset: (name) => model.send({ preset: name }),
      reset: reset ? () => model.send({ reset: true }) : undefined,
    });
    this.settingsButton = this.buildSettingsButton();
    this.fold(this.controls.el);
    this.presentationSwitch = presentationSwitch();
    this.tools.append(this.settingsButton, this.presentationSwitch.el);
    this.status = new ViewStatus(model, this.sender, { root: this.root, lostText,
      setDisabled: (disabled) => this.setDisabled(disabled) });
    /** Whether the view presents, and why; its root carries the sizes (--rnnwidget-scale). */
    this.presentation = new Presentation(model, this.root, () => this.showPresentation());
    /** The presentation the settings were last folded or unfolded for. */
    this.foldedFor = null;
    this.showPresentation();
    /** @type {[string, () => void][]} model events and their handlers, removed on destroy */
    this.handlers = [];
    this.pending = 0;
    el.append(this.root);
  }

  /** Listen to `change:name` for each name; the handlers go when the view does. */
  on(names, handler) {
    for (const name of names) {
      this.model.on(`change:${name}`, handler);
      this.handlers.push([`change:${name}`, handler]);
    }
  }

  /** Start listening: the kernel's payload, the knobs, and the view's size and theme. */
  listen() {
    const settings = /** @type {{ name: string }[]} */ (this.model.get("_knobs") ?? []);
    this.on([this.payloadName], () => this.showPayload());
    this.on([...settings.map((spec) => spec.name), "_inactive", "controls"],
      () => this.controls.update());
    this.stopLayout = watchLayout(this.root, () => {
      this.measure();
      this.redraw();
    });
  }

  /**
   * The button that folds the knobs away and back (its `aria-controls` is their grid): folded
   * in presentation, where the panels come first, unfolded otherwise; the presets stay.
   */
  buildSettingsButton() {
    const button = focusable(element("button", "rnnwidget-button rnnwidget-settings-toggle"));
    button.type = "button";
    button.append(icon("chevron"), element("span", "", "Settings"));
    /** What the button folds away: the knobs, and what a subclass adds (`fold`). */
    this.folded = [];
    button.addEventListener("click", () => this.showSettings(this.controls.el.hidden));
    return button;
  }

  /** Fold `el` away with the knobs. */
  fold(el) {
    el.id ||= uid("settings");
    this.folded.push(el);
    this.settingsButton.setAttribute("aria-controls", this.folded.map((f) => f.id).join(" "));
    el.hidden = this.controls.el.hidden;
  }

  /** Show (`open`) or fold away the knobs. */
  showSettings(open) {
    for (const el of this.folded) el.hidden = !open;
    setAttr(this.settingsButton, "aria-expanded", open);
    this.settingsButton.title = open ? "Fold the settings away" : "Show every setting";
  }

  /**
   * Into presentation or out of it: the switch shows why, the settings fold away (or come back)
   * when presentation turns on (or off), and the panels are drawn at the new scale.
   */
  showPresentation() {
    const { on } = this.presentation;
    this.presentationSwitch.show(this.presentation);
    if (this.foldedFor !== on) {
      this.foldedFor = on;
      this.showSettings(!on);
    }
    if (this.layout) {
      this.measure();
      this.scheduleRedraw();
    }
  }

  /** Turn every knob (what needs the kernel) off or on. */
  setDisabled(disabled) {
    this.controls.setDisabled(disabled);
  }

  /**
   * The kernel's newest payload with its arrays decoded, or null (a payload that does not
   * decode says why in the view, which keeps its last good picture).
   * @returns {any}
   */
  readPayload() {
    const payload = this.model.get(this.payloadName);
    if (!payload || !payload.arrays) return null;
    const arrays = this.status.decode(payload.arrays);
    return arrays ? { ...payload, arrays } : null;
  }

  /** Draw the kernel's newest payload (the subclass's job). */
  showPayload() {}

  /** Write the headline, the kernel's sentence. */
  setHeadline(text) {
    setText(this.headline, text);
  }

  /**
   * Read the view's width and theme colours: only on a resize, a theme switch or a change of
   * presentation mode, since reading layout makes the browser compute it on the spot. The
   * width is the content box's (without the root's padding), so a view in a flex row does not
   * widen its own container each time it draws.
   */
  measure() {
    const style = getComputedStyle(this.root);
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    this.layout = {
      width: Math.max(280, Math.floor(this.root.clientWidth - (padding || 0))),
      theme: readTheme(this.root),
      version: (this.layout?.version ?? 0) + 1,
    };
  }

  scheduleRedraw() {
    cancelAnimationFrame(this.pending);
    this.pending = requestAnimationFrame(() => this.redraw());
  }

  /** Draw what changed (the subclass's job). */
  redraw() {}

  /** Tell tests and tools that `revision` is on screen. */
  announce(revision, detail = {}) {
    this.root.dataset.revision = String(revision);
    // Composed: out of a host's shadow root too (marimo renders a widget in one).
    this.root.dispatchEvent(new CustomEvent("rnnwidget:drawn", { bubbles: true, composed: true,
      detail: { revision, ...detail } }));
  }

  destroy() {
    for (const [event, handler] of this.handlers) this.model.off(event, handler);
    this.stopLayout?.();
    this.presentation.dispose();
    this.status.dispose();
    cancelAnimationFrame(this.pending);
    this.root.remove();
  }
}

/**
 * The anywidget entry for a view class: `export default widget(ExplorerView)`. A view that
 * renders others inside it (a comparison's columns) gets anywidget's `host` and offers a `ready`
 * promise, which the render waits for.
 * @param {new (model: any, el: HTMLElement, host?: any) => BaseView & { ready?: Promise<void> }} View
 */
export function widget(View) {
  return {
    /** @param {{ model: import("@anywidget/types").AnyModel }} context */
    initialize({ model }) {
      const sender = new ChangeSender(model);
      senders.set(model, sender);
      return () => sender.dispose();
    },
    /**
     * @param {{ model: import("@anywidget/types").AnyModel, el: HTMLElement, host?: any }} context
     */
    render({ model, el, host }) {
      const view = new View(model, el, host);
      const destroy = () => view.destroy();
      return view.ready ? view.ready.then(() => destroy) : destroy;
    },
  };
}
