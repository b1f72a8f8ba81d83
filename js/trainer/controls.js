// RNNTrainer's controls: start / pause, step, reset, and every setting, labelled and reachable by
// keyboard. Settings go through a ChangeSender (sync.js): a slider storm becomes a few changes,
// the last value winning. Buttons send commands ({command: "start"} ...), which the kernel runs.

import { element, focusable, labelFor, seedInput, selectFor, slider } from "../common/controls.js";
import { setValue } from "../common/dom.js";
import { icon } from "../common/icons.js";

/** The sliders, by group. A run setting starts over at step 0; a live one applies next step. */
export const RUN_SLIDERS = [
  { name: "lag", label: "Lag", min: 1, max: 200, step: 1, digits: 0,
    hint: "recall: noise steps between the symbol and the cue" },
  { name: "seq_len", label: "Sequence length", min: 2, max: 200, step: 1, digits: 0,
    hint: "adding problem: timesteps T" },
  { name: "w_hh_scale", label: "W_hh scale", min: 0, max: 3, step: 0.01, digits: 2,
    hint: "spectral radius of W_hh at the start" },
  { name: "saturation", label: "tanh gain", min: 0.1, max: 5, step: 0.05, digits: 2,
    hint: "saturation g" },
  { name: "units", label: "Hidden units", min: 1, max: 128, step: 1, digits: 0,
    hint: "size of h_t" },
];

export const LIVE_SLIDERS = [
  { name: "learning_rate", label: "Learning rate", min: -4, max: 0, step: 0.05, log: true,
    hint: "the optimizer's step size (log scale)" },
  { name: "batch_size", label: "Batch size", min: 1, max: 256, step: 1, digits: 0,
    hint: "sequences per step" },
  { name: "clip_threshold", label: "Clip at ‖g‖", min: -2, max: 2, step: 0.05, log: true,
    hint: "the largest gradient norm a step may use (log scale)" },
];

/** Lecture moments, one click each: every preset starts a new run with these settings. */
export const PRESETS = [
  { label: "Learns", title: "Recall over a lag of 10: learned in a few dozen steps",
    values: { task: "recall", lag: 10, w_hh_scale: 1, saturation: 1 } },
  { label: "Vanishes", title: "Lag 80, W_hh scale 0.5: no gradient reaches t=1, stuck at chance",
    values: { task: "recall", lag: 80, w_hh_scale: 0.5, saturation: 1 } },
  { label: "Explodes", title: "W_hh scale 1.5, lag 40: huge gradients; try it with clipping off",
    values: { task: "recall", lag: 40, w_hh_scale: 1.5, saturation: 1 } },
];

/**
 * @param {import("@anywidget/types").AnyModel} model
 * @param {{ send(changes: Record<string, unknown>): void, wanted(name: string): unknown }} sender
 * @param {(command: "start" | "pause" | "step" | "reset") => void} command
 * @returns {{ el: HTMLElement, update(): void, setDisabled(disabled: boolean): void }}
 */
export function buildTrainerControls(model, sender, command) {
  const el = element("div", "rnnwidget-trainer-controls");
  /** @type {(() => void)[]} */
  const updaters = [];

  // -- the buttons -----------------------------------------------------------------------------
  const buttons = element("div", "rnnwidget-trainer-buttons");
  buttons.setAttribute("role", "group");
  buttons.setAttribute("aria-label", "Training");
  const button = (name, label, iconName, title) => {
    const b = focusable(element("button", "rnnwidget-button rnnwidget-trainer-button"));
    b.type = "button";
    b.dataset.command = name;
    b.title = title;
    if (iconName) b.append(icon(iconName));
    b.append(element("span", "", label));
    b.addEventListener("click", () => command(/** @type {any} */ (b.dataset.command)));
    buttons.append(b);
    return b;
  };
  const play = button("start", "Start", "play", "Train in the kernel's background thread");
  const step = button("step", "Step", "step-forward", "Pause, then train one step");
  button("reset", "Reset", null, "Pause, and start again at step 0 from the seed");
  updaters.push(() => {
    const status = String(model.get("status"));
    const running = status === "running";
    play.dataset.command = running ? "pause" : "start";
    play.replaceChildren(icon(running ? "pause" : "play"),
      element("span", "", running ? "Pause" : "Start"));
    play.setAttribute("aria-label", running ? "Pause training" : "Start training");
    const stopped = status === "diverged" || status === "failed";
    play.disabled = stopped;
    step.disabled = stopped;
  });
  el.append(buttons);

  // -- the task ------------------------------------------------------------------------------
  const taskRow = element("div", "rnnwidget-control");
  taskRow.append(...select("task", "Task", [["recall", "Recall a symbol"],
    ["adding", "Adding problem"]], "what the network must remember", model, sender, updaters));
  const optimizerParts = select("optimizer", "Optimizer", [["adam", "Adam"], ["sgd", "SGD"]],
    "how the gradient updates the weights", model, sender, updaters);
  taskRow.append(...optimizerParts);
  el.append(taskRow);

  const groups = element("div", "rnnwidget-controls");
  const rows = {};
  for (const [specs, effect] of [[RUN_SLIDERS, "a change starts a new run"],
    [LIVE_SLIDERS, "applies from the next step"]]) {
    for (const spec of specs) {
      rows[spec.name] = slider(spec, { model, sender, updaters, title: `${spec.hint}; ${effect}` });
      groups.append(rows[spec.name]);
    }
  }
  updaters.push(() => {
    const recall = model.get("task") === "recall";
    rows.lag.hidden = !recall;
    rows.seq_len.hidden = recall;
  });

  const checks = element("div", "rnnwidget-control");
  const clip = focusable(document.createElement("input"));
  clip.type = "checkbox";
  clip.dataset.trait = "clip";
  const clipLabel = labelFor(clip, "Clip the gradient", "rnnwidget-label-inline");
  clipLabel.title = "Scale the gradient down to the threshold when its norm is larger";
  clip.addEventListener("change", () => sender.send({ clip: clip.checked }));

  const seed = seedInput(sender);
  const seedLabel = labelFor(seed, "Seed", "rnnwidget-label-inline");
  checks.append(clip, clipLabel, seedLabel, seed);
  groups.append(checks);
  updaters.push(() => {
    clip.checked = Boolean(model.get("clip"));
    rows.clip_threshold.classList.toggle("rnnwidget-trainer-off", !clip.checked);
    if (document.activeElement !== seed) seed.value = String(model.get("seed"));
  });
  el.append(groups);

  const presets = element("div", "rnnwidget-presets");
  presets.setAttribute("role", "group");
  presets.setAttribute("aria-label", "Presets");
  presets.append(element("span", "rnnwidget-label", "Presets"));
  for (const preset of PRESETS) {
    const b = focusable(element("button", "rnnwidget-button", preset.label));
    b.type = "button";
    b.title = preset.title;
    b.addEventListener("click", () => sender.send({ ...preset.values }));
    presets.append(b);
  }
  el.append(presets);

  const update = () => updaters.forEach((f) => f());
  update();
  const setDisabled = (disabled) => {
    for (const control of el.querySelectorAll("input, select, button")) control.disabled = disabled;
  };
  return { el, update, setDisabled };
}

/** A labelled select; returns its label and the select. */
function select(name, text, options, hint, model, sender, updaters) {
  const control = selectFor(name, options);
  const label = labelFor(control, text);
  label.title = hint;
  control.addEventListener("change", () => sender.send({ [name]: control.value }));
  updaters.push(() => setValue(control, model.get(name)));
  return [label, control];
}
