// RNNTrainer's command buttons: start / pause, step, restart, reset. They send commands
// ({command: "start"} ...), which the kernel runs; the settings' knobs are the shared ones
// (js/common/controls.js), built from the kernel's specs.

import { element, focusable } from "../common/controls.js";
import { icon } from "../common/icons.js";

/**
 * @param {(command: "start" | "pause" | "step" | "restart" | "reset") => void} command
 * @returns {{ el: HTMLElement, show(status: string): void }} show() sets the buttons for a status
 */
export function buildCommandButtons(command) {
  const el = element("div", "rnnwidget-trainer-buttons");
  el.setAttribute("role", "group");
  el.setAttribute("aria-label", "Training");
  const button = (name, label, iconName, title) => {
    const b = focusable(element("button", "rnnwidget-button rnnwidget-trainer-button"));
    b.type = "button";
    b.dataset.command = name;
    b.title = title;
    if (iconName) b.append(icon(iconName));
    b.append(element("span", "", label));
    b.addEventListener("click", () => command(/** @type {any} */ (b.dataset.command)));
    el.append(b);
    return b;
  };
  const play = button("start", "Start", "play", "Train in the kernel's background thread");
  const step = button("step", "Step", "step-forward", "Pause, then train one step");
  button("restart", "Restart", null, "Pause, and start again at step 0 with these settings");
  button("reset", "Reset", null,
    "Pause, set every setting back to the values this widget was created with, and start " +
    "again at step 0");
  const show = (/** @type {string} */ status) => {
    const running = status === "running";
    const wanted = running ? "pause" : "start";
    if (play.dataset.command !== wanted || !play.hasAttribute("aria-label")) {
      play.dataset.command = wanted;
      play.replaceChildren(icon(running ? "pause" : "play"),
        element("span", "", running ? "Pause" : "Start"));
      play.setAttribute("aria-label", running ? "Pause training" : "Start training");
    }
    const stopped = status === "diverged" || status === "failed";
    play.disabled = stopped;
    step.disabled = stopped;
  };
  show("ready");
  return { el, show };
}
