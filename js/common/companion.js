// A view's way to the other widget: a button that asks the kernel for the companion (the
// explorer of the trainer's network, or a trainer of the explorer's configuration), and the
// slot below it where the companion's own view renders once the kernel names its model in the
// `_companion` trait ("anywidget:<model id>"), the way compare() renders its columns.

import { element, focusable } from "./controls.js";
import { icon } from "./icons.js";

export class Companion {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {any} host anywidget's host, which renders another widget by its model id (absent
   *   where a host cannot: then the button stays hidden)
   * @param {{ command: string, label: string, title: string, iconName: string,
   *   showError: (message: string) => void }} options the message's command, the button's
   *   words and icon, and how the view says that the companion's view could not render
   */
  constructor(model, host, { command, label, title, iconName, showError }) {
    this.model = model;
    this.host = host;
    this.showError = showError;
    this.button = focusable(element("button", "rnnwidget-button rnnwidget-companion-button"));
    this.button.type = "button";
    this.button.dataset.command = command;
    this.button.title = title;
    this.button.append(icon(iconName), element("span", "", label));
    this.button.addEventListener("click", () => model.send({ command }));
    this.button.hidden = !host;
    /** Where the companion's view renders. */
    this.slot = element("div", "rnnwidget-companion");
    this.slot.hidden = true;
    /** The model reference on show, and what ends its view. */
    this.ref = "";
    this.views = new AbortController();
  }

  /** Render the view of the kernel's newest companion (none: the slot empties). */
  show() {
    this.render().catch((error) => this.showError(`rnnwidget: ${error}`));
  }

  async render() {
    const ref = String(this.model.get("_companion") ?? "");
    if (ref === this.ref) return;
    this.ref = ref;
    this.views.abort();
    this.views = new AbortController();
    this.slot.replaceChildren();
    this.slot.hidden = !ref;
    if (!ref || !this.host) return;
    const { signal } = this.views;
    const child = await this.host.getWidget(ref);
    if (signal.aborted) return;
    await child.render({ el: this.slot, signal });
  }

  dispose() {
    this.views.abort();
  }
}
