// RNNTrainer's front end: anywidget entry point. The kernel trains in a background thread and
// publishes its progress a few times a second; this module draws each snapshot and sends the
// lecturer's settings and commands.
import "../common/style.css";
import "./style.css";

import { element } from "../common/controls.js";
import { formatPow10 } from "../common/format.js";
import { NormChart } from "../common/linechart.js";
import { StepChart } from "./stepchart.js";
import { ChangeSender } from "../common/sync.js";
import { ViewStatus, watchLayout } from "../common/status.js";
import { readTheme } from "../common/theme.js";
import { buildTrainerControls } from "./controls.js";

/** One ChangeSender per model, shared by all its views (two cells showing one widget). */
const senders = new WeakMap();

const SETTINGS = ["task", "lag", "seq_len", "units", "w_hh_scale", "saturation", "optimizer",
  "seed", "learning_rate", "batch_size", "clip", "clip_threshold", "eval_every", "max_steps"];

const STATUS_TEXT = { ready: "ready", running: "training", paused: "paused",
  diverged: "diverged", failed: "stopped by an error", closed: "closed" };

class TrainerView {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {HTMLElement} el
   */
  constructor(model, el) {
    this.model = model;
    this.sender = senders.get(model);
    this.root = element("div", "rnnwidget rnnwidget-trainer");
    this.progressLine = element("p", "rnnwidget-trainer-progress");
    this.progressLine.setAttribute("role", "status");
    this.controls = buildTrainerControls(model, this.sender, (command) => model.send({ command }));
    this.status = new ViewStatus(model, this.sender, { root: this.root,
      setDisabled: (disabled) => this.controls.setDisabled(disabled),
      lostText: "Kernel disconnected: this is the last progress it sent. Run the cell again to " +
        "reconnect." });

    this.charts = {
      loss: new StepChart({ name: "loss", title: "Loss (log scale)", height: 190,
        axisLabel: "loss", log: true }),
      accuracy: new StepChart({ name: "accuracy", title: "Validation accuracy", height: 190,
        axisLabel: "accuracy", range: [0, 1.02] }),
      gradient: new NormChart({ title: "‖dL/dh_t‖ of the latest batch, reaching each step",
        height: 190 }),
      norm: new StepChart({ name: "grad-norm", title: "Gradient norm ‖g‖ before clipping",
        height: 190, axisLabel: "‖g‖", log: true, markLabel: "clipped" }),
      radius: new StepChart({ name: "radius", title: "Spectral radius of W_hh", height: 190,
        axisLabel: "ρ(W_hh)" }),
    };
    this.cells = {};
    const grid = element("div", "rnnwidget-trainer-charts");
    for (const [name, chart] of Object.entries(this.charts)) {
      const cell = element("div", `rnnwidget-trainer-chart rnnwidget-trainer-chart-${name}`);
      cell.append(chart.canvas);
      this.cells[name] = cell;
      grid.append(cell);
    }

    const header = element("div", "rnnwidget-header");
    header.append(element("h3", "rnnwidget-title", "Train it live"), this.progressLine);
    this.root.append(header, ...this.status.elements, this.controls.el, grid);
    el.append(this.root);

    this.listen();
    this.showProgress();
  }

  listen() {
    const { model } = this;
    this.onProgress = () => this.showProgress();
    this.onSettings = () => this.controls.update();
    model.on("change:_progress", this.onProgress);
    model.on("change:status", this.onSettings);
    for (const name of SETTINGS) model.on(`change:${name}`, this.onSettings);
    this.stopLayout = watchLayout(this.root, () => this.redraw());
  }

  destroy() {
    const { model } = this;
    model.off("change:_progress", this.onProgress);
    model.off(null, this.onSettings);
    this.stopLayout();
    this.status.dispose();
    cancelAnimationFrame(this.pending);
    this.root.remove();
  }

  /** Decode the kernel's newest snapshot and hand every chart its data. */
  showProgress() {
    const progress = this.model.get("_progress");
    if (!progress || !progress.arrays) return;
    const arrays = this.status.decode(progress.arrays);
    if (!arrays) return; // keep the last good picture
    const { steps, chance, clip_threshold: threshold } = progress;
    const x = arrays.step.data;
    const evalX = arrays.eval_step.data;
    const line = (label, y, colour = "line") => ({ label, x, y, style: "line", colour });
    const dots = (label, y) => ({ label, x: evalX, y, style: "dots", colour: "warn" });
    this.charts.loss.setData({ xMax: steps,
      series: [line("train", arrays.log10_loss.data), dots("validation", arrays.log10_val_loss.data)],
      references: [{ value: Math.log10(chance.loss), label: "chance" }] });
    this.charts.accuracy.setData({ xMax: steps,
      series: [{ label: "validation", x: evalX, y: arrays.val_accuracy.data, style: "line",
        colour: "line" }],
      references: [{ value: chance.accuracy, label: `chance ${(100 * chance.accuracy).toFixed(0)}%` }] });
    const clipped = arrays.clipped.data;
    const marks = [];
    for (let i = 0; i < clipped.length; i++) if (clipped[i] > 0) marks.push({ x: x[i] });
    this.charts.norm.setData({ xMax: steps, series: [line("‖g‖", arrays.log10_grad_norm.data)],
      references: threshold === null ? [] : [{ value: Math.log10(threshold),
        label: `clip threshold ${formatPow10(Math.log10(threshold))}` }],
      marks });
    this.charts.radius.setData({ xMax: steps,
      series: [line("ρ", Float64Array.from(arrays.log10_spectral_radius.data, (v) => 10 ** v))],
      references: [{ value: 1, label: "ρ = 1" }] });
    this.gradients = arrays.log10_grad_norms?.data ?? null;
    if (this.gradients) this.charts.gradient.setData([{ label: "latest", values: this.gradients }]);
    this.cells.gradient.hidden = !this.gradients;

    this.progressLine.textContent = describe(progress, String(this.model.get("status")),
      Number(this.model.get("max_steps")));
    Object.assign(this.root.dataset, { step: String(steps), status: this.model.get("status"),
      revision: String(progress.revision) });
    this.scheduleRedraw();
  }

  scheduleRedraw() {
    cancelAnimationFrame(this.pending);
    this.pending = requestAnimationFrame(() => this.redraw());
  }

  redraw() {
    const theme = readTheme(this.root);
    for (const [name, chart] of Object.entries(this.charts)) {
      if (name === "gradient" && !this.gradients) continue;
      chart.draw(Math.max(320, this.cells[name].clientWidth), theme);
    }
    this.root.dataset.drawn = this.root.dataset.revision;
    this.root.dispatchEvent(new CustomEvent("rnnwidget:drawn", { bubbles: true,
      detail: { revision: Number(this.root.dataset.revision) } }));
  }
}

/** "step 1,234 · 1,180 steps/s · 0:12 · loss 0.012 · accuracy 98% · paused" */
export function describe(progress, status, maxSteps) {
  const { steps, steps_per_second: rate, elapsed, latest } = progress;
  const parts = [`step ${steps.toLocaleString("en-US")}`];
  if (steps > 0) {
    parts.push(`${Math.round(rate).toLocaleString("en-US")} steps/s`, formatDuration(elapsed),
      `loss ${formatPow10(Math.log10(latest.loss))}`);
    if (latest.clipped) parts.push(`‖g‖ ${formatPow10(Math.log10(latest.grad_norm))}, clipped`);
  }
  parts.push(`validation accuracy ${(100 * latest.val_accuracy).toFixed(0)}% (step ${latest.eval_step})`);
  const limit = status === "paused" && steps >= maxSteps ? ` at max_steps (${maxSteps})` : "";
  parts.push(`${STATUS_TEXT[status] ?? status}${limit}`);
  return parts.join("  ·  ");
}

/** "0:07", "12:30", "1:02:03" */
export function formatDuration(seconds) {
  const s = Math.floor(seconds);
  const pad = (n) => String(n).padStart(2, "0");
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours ? `${hours}:${pad(minutes)}:${pad(s % 60)}` : `${minutes}:${pad(s % 60)}`;
}

export default {
  initialize({ model }) {
    senders.set(model, new ChangeSender(model));
    return () => senders.get(model)?.dispose();
  },
  render({ model, el }) {
    if (!senders.has(model)) senders.set(model, new ChangeSender(model));
    const view = new TrainerView(model, el);
    return () => view.destroy();
  },
};
