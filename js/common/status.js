// What every view shows about its connection and its last refusal: the kernel disconnected
// (restarted or dead), the kernel not answering, a page without a kernel, and the error the
// kernel gave for the last change. Shared by the explorer and the trainer.

import { watchKernel } from "./connection.js";
import { element } from "./controls.js";
import { decodeArrays } from "./decode.js";

export class ViewStatus {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {{ listeners: Set<(silent: boolean) => void> }} sender
   * @param {{ root: HTMLElement, setDisabled(disabled: boolean): void, lostText: string }} view
   *   the view's root (its data-connection says the state), how to turn its knobs off, and
   *   what to say when the kernel is gone
   */
  constructor(model, sender, { root, setDisabled, lostText }) {
    this.model = model;
    this.sender = sender;
    this.root = root;
    this.setDisabled = setDisabled;
    this.lostText = lostText;
    /** What to say while the kernel does not answer (a view that computes on its own says so). */
    this.silentText = "The kernel is not answering (busy, or disconnected?): changes will " +
      "apply when it does.";
    this.connectionBar = element("div", "rnnwidget-disconnected");
    this.connectionBar.setAttribute("role", "status");
    this.connectionBar.hidden = true;
    this.errorBar = element("div", "rnnwidget-error");
    this.errorBar.setAttribute("role", "alert");
    this.errorBar.hidden = true;

    this.onError = () => this.showError(String(model.get("error") || ""));
    model.on("change:error", this.onError);
    this.stopWatching = watchKernel(model, () => this.showLost());
    this.onSilence = (silent) => this.showSilence(silent);
    sender.listeners.add(this.onSilence);
    this.onError();
  }

  /** The bars, in page order. */
  get elements() {
    return [this.connectionBar, this.errorBar];
  }

  /** An error message, or "" for none. */
  showError(message) {
    this.errorBar.textContent = message;
    this.errorBar.hidden = message === "";
  }

  /**
   * The arrays of a payload from the kernel, decoded; or null, with the reason shown, when they
   * do not decode (the view then keeps its last good picture).
   */
  decode(arrays) {
    try {
      return decodeArrays(arrays);
    } catch (error) {
      this.showError(String(error));
      return null;
    }
  }

  /** The kernel restarted or died: this view can no longer change anything. Say so. */
  showLost() {
    this.show("lost", this.lostText);
    this.setDisabled(true);
  }

  /** A page without a kernel: say so up front rather than let the knobs do nothing. */
  showNoKernel(text) {
    this.show("none", text);
    this.setDisabled(true);
  }

  /** A change got no answer in time (or an answer came after all). */
  showSilence(silent) {
    const { connection } = this.root.dataset;
    if (connection === "lost" || connection === "none") return; // already says why
    this.root.dataset.connection = silent ? "silent" : "live";
    this.connectionBar.textContent = silent ? this.silentText : "";
    this.connectionBar.hidden = !silent;
  }

  show(connection, text) {
    this.root.dataset.connection = connection;
    this.connectionBar.textContent = text;
    this.connectionBar.hidden = false;
  }

  dispose() {
    this.model.off("change:error", this.onError);
    this.stopWatching();
    this.sender.listeners.delete(this.onSilence);
  }
}

/**
 * Call `onChange` (once per animation frame at most) when the view's width or JupyterLab's
 * theme changes: JupyterLab switches themes by changing CSS variables under
 * <body data-jp-theme-name>. Returns a function that stops watching.
 */
export function watchLayout(root, onChange) {
  let pending = 0;
  const schedule = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(onChange);
  };
  // Only a new width: the view's height changes with its content (a progress line that wraps
  // to a second line), which needs no new measure.
  let width = -1;
  const resize = new ResizeObserver((entries) => {
    const now = entries[entries.length - 1].contentRect.width;
    if (now === width) return;
    width = now;
    schedule();
  });
  resize.observe(root);
  const theme = new MutationObserver(schedule);
  theme.observe(document.body, { attributes: true,
    attributeFilter: ["data-jp-theme-name", "data-jp-theme-light"] });
  return () => {
    cancelAnimationFrame(pending);
    resize.disconnect();
    theme.disconnect();
  };
}
