// "Copy as code": the line of Python that recreates this view onto the clipboard, so a lecturer
// pins the regime just found into the next cell. The kernel writes the line (repr(w), synced as
// `code`); this module only copies it. Where the clipboard API is missing (a page served over
// plain http is not a secure context) or refuses, the line appears in a text field, selected,
// ready for Ctrl+C.

import { element, uid } from "../common/controls.js";

const CONFIRM_MS = 2500;

/**
 * @param {import("@anywidget/types").AnyModel} model
 * @returns {{ el: HTMLElement, panel: HTMLElement, destroy(): void }} `el` (the button and its
 *   status) goes in the header, `panel` (the fallback field, hidden until needed) below it
 */
export function copyCodeControl(model) {
  const button = element("button", "rnnwidget-button rnnwidget-copy", "Copy as code");
  button.type = "button";
  button.setAttribute("data-lm-suppress-shortcuts", "true");
  button.setAttribute("aria-label", "Copy the Python line that recreates this view");
  const status = element("span", "rnnwidget-copy-status");
  status.setAttribute("role", "status");
  const el = element("span", "rnnwidget-copy-group");
  el.append(button, status);

  const panel = element("div", "rnnwidget-code");
  panel.hidden = true;
  const field = element("input", "rnnwidget-code-field");
  Object.assign(field, { type: "text", readOnly: true, spellcheck: false,
    id: uid("code") });
  field.setAttribute("data-lm-suppress-shortcuts", "true");
  const label = element("label", "rnnwidget-label", "Python");
  label.htmlFor = field.id;
  panel.append(label, field);

  const code = () => String(model.get("code") ?? "");
  const refresh = () => {
    button.title = code();
    field.value = code();
  };
  let timer = 0;
  const say = (text) => {
    window.clearTimeout(timer);
    status.textContent = text;
    timer = window.setTimeout(() => (status.textContent = ""), CONFIRM_MS);
  };
  const showField = () => {
    panel.hidden = false;
    field.focus();
    field.select();
    say("Press Ctrl+C (⌘C on a Mac) to copy the selected line");
  };
  button.addEventListener("click", async () => {
    refresh();
    if (!navigator.clipboard?.writeText) return showField();
    try {
      await navigator.clipboard.writeText(code());
      say("Copied: paste it into a cell");
    } catch {
      showField(); // no permission, or the page lost focus
    }
  });

  refresh();
  model.on("change:code", refresh);
  return {
    el,
    panel,
    destroy() {
      window.clearTimeout(timer);
      model.off("change:code", refresh);
    },
  };
}
