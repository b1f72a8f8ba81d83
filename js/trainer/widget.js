// RNNTrainer's front end: anywidget entry point. The kernel trains in a background thread and
// publishes its progress a few times a second, with every word the view shows; this module
// draws each snapshot and sends the lecturer's settings and commands.
import "../common/style.css";
import "./style.css";

import { BaseView, widget } from "../common/base.js";
import { element } from "../common/controls.js";
import { GEOMETRY } from "../common/geometry.js";
import { NormChart } from "../common/linechart.js";
import { buildCommandButtons } from "./controls.js";
import { StepChart } from "./stepchart.js";
import { TextPanel } from "./textview.js";

class TrainerView extends BaseView {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {HTMLElement} el
   */
  constructor(model, el) {
    super(model, el, { className: "rnnwidget-trainer", title: "Train it live",
      payload: "_progress", reset: false, // Reset is among the training buttons
      lostText: "Kernel disconnected: this is the last progress it sent. Run the cell again to " +
        "reconnect." });
    this.buttons = buildCommandButtons((command) => model.send({ command }));
    const height = GEOMETRY.heights.trainer_chart;
    this.charts = {
      loss: new StepChart({ name: "loss", height }),
      accuracy: new StepChart({ name: "accuracy", height }),
      gradient: new NormChart({ height }),
      norm: new StepChart({ name: "grad-norm", height, markLabel: "clipped" }),
      radius: new StepChart({ name: "radius", height }),
    };
    /** @type {Record<string, HTMLElement>} */
    this.cells = {};
    const grid = element("div", "rnnwidget-trainer-charts");
    for (const [name, chart] of Object.entries(this.charts)) {
      const cell = element("div", `rnnwidget-trainer-chart rnnwidget-trainer-chart-${name}`);
      cell.append(chart.canvas);
      this.cells[name] = cell;
      grid.append(cell);
    }
    // A language model's sample and unit reading (hidden for a memory task); the text knobs
    // (temperature, the unit, the feature) move into it, beside what they change.
    this.text = new TextPanel(this.controls, (unit) => this.sender.send({ unit }));
    this.fold(this.text.source); // where the text comes from: a setting's words
    // One row for every button: the commands, then the view's own at its end.
    this.buttons.el.append(this.tools);
    this.root.append(this.header, ...this.status.elements, this.buttons.el, this.controls.el,
      this.controls.presets, this.text.el, grid);
    this.measure();
    this.listen();
    this.showPayload();
  }

  setDisabled(disabled) {
    super.setDisabled(disabled);
    this.text.unitSelect.disabled = disabled;
    for (const button of this.buttons.el.querySelectorAll("button")) button.disabled = disabled;
  }

  /**
   * Decode the kernel's newest snapshot and hand every chart its data. The status, the words
   * and the curves all come in this one value, so the view never mixes two snapshots.
   */
  showPayload() {
    const progress = this.readPayload();
    if (!progress) return; // nothing yet, or it did not decode: keep the last good picture
    const { arrays, charts, steps, status } = progress;
    const x = arrays.step.data;
    const evalX = arrays.eval_step.data;
    const line = (label, y, colour = "line") => ({ label, x, y, style: "line", colour });
    const dots = (label, y) => ({ label, x: evalX, y, style: "dots", colour: "warn" });
    // A memory task's loss on a log chart; a text's in bits per character, on a linear one.
    const bits = charts.loss.scale === "linear";
    this.charts.loss.setData({ ...charts.loss, xMax: steps,
      series: [line("train", (bits ? arrays.loss_bits : arrays.log10_loss).data),
        dots("validation", (bits ? arrays.val_loss_bits : arrays.log10_val_loss).data)] });
    this.charts.accuracy.setData({ ...charts.accuracy, xMax: steps,
      series: [{ label: "validation", x: evalX, y: arrays.val_accuracy.data, style: "line",
        colour: "line" }] });
    const clipped = arrays.clipped.data;
    const marks = [];
    for (let i = 0; i < clipped.length; i++) if (clipped[i] > 0) marks.push({ x: x[i] });
    this.charts.norm.setData({ ...charts.norm, xMax: steps,
      series: [line("‖g‖", arrays.log10_grad_norm.data)], marks });
    this.charts.radius.setData({ ...charts.radius, xMax: steps,
      series: [line(charts.radius.series_label,
        Float64Array.from(arrays.log10_spectral_radius.data, (v) => 10 ** v))] });
    this.gradients = arrays.log10_grad_norms?.data ?? null;
    if (this.gradients) {
      this.charts.gradient.setData([{ label: "latest", values: this.gradients }], charts.gradient);
    }
    this.cells.gradient.hidden = !this.gradients;
    this.text.show(progress.text, arrays);

    this.setHeadline(progress.line);
    this.buttons.show(status);
    Object.assign(this.root.dataset, { step: String(steps), status,
      revision: String(progress.revision) });
    this.scheduleRedraw();
  }

  redraw() {
    const { theme } = this.layout;
    // Two charts side by side when there is room (for enlarged ones too), each filling its
    // grid cell; style.css's grid makes the same choice.
    const columns = this.layout.width >= 2 * 420 * theme.scale + 12 ? 2 : 1;
    const width = Math.floor((this.layout.width - (columns - 1) * 12) / columns);
    for (const [name, chart] of Object.entries(this.charts)) {
      if (name === "gradient" && !this.gradients) continue;
      chart.draw(width, theme);
    }
    this.text.colour(theme);
    this.root.dataset.drawn = this.root.dataset.revision;
    this.announce(Number(this.root.dataset.revision));
  }
}

export default widget(TrainerView);
