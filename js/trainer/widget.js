// RNNTrainer's front end: anywidget entry point. The kernel trains in a background thread and
// publishes its progress a few times a second, with every word the view shows; this module
// draws each snapshot and sends the lecturer's settings and commands.
import "../common/style.css";
import "./style.css";

import { BaseView, widget } from "../common/base.js";
import { PALETTES } from "../common/colormaps.js";
import { element } from "../common/controls.js";
import { GEOMETRY } from "../common/geometry.js";
import { NormChart } from "../common/linechart.js";
import { buildCommandButtons } from "./controls.js";
import { MechanismSection } from "./mechanism.js";
import { StepChart } from "./stepchart.js";
import { TextPanel } from "./textview.js";

/** The trainer's mechanism panels are drawn in the standard (first) palette. */
const PALETTE = PALETTES[0];

class TrainerView extends BaseView {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {HTMLElement} el
   * @param {any} [host] anywidget's host: renders the explorer "Explore this network" opens
   */
  constructor(model, el, host) {
    super(model, el, { className: "rnnwidget-trainer", title: "Train it live",
      payload: "_progress", reset: false, // Reset is among the training buttons
      lostText: "Kernel disconnected: this is the last progress it sent. Run the cell again to " +
        "reconnect." });
    this.buttons = buildCommandButtons((command) => model.send({ command }));
    const height = GEOMETRY.heights.trainer_chart;
    this.charts = {
      loss: new StepChart({ name: "loss", height }),
      accuracy: new StepChart({ name: "accuracy", height }),
      // The latest batch's; "norms" is the mechanism's chart, of the validation sequence.
      gradient: new NormChart({ height, name: "batch-norms" }),
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
    // The network inside, for a memory task: the explorer's panels, live or at a snapshot.
    this.mechanism = new MechanismSection(model, host,
      (message) => this.status.showError(message));
    // The charts and the network inside: side by side where both fit (the class sees the
    // accuracy and its cause at once), else one below the other.
    this.body = element("div", "rnnwidget-trainer-body");
    this.body.append(grid, this.mechanism.el);
    this.root.append(this.header, ...this.status.elements, this.buttons.el, this.controls.el,
      this.controls.presets, this.text.el, this.body, this.mechanism.companion.slot,
      this.mechanism.panels.tooltip);
    this.measure();
    this.listen();
    this.showPayload();
    this.showMechanism();
    this.mechanism.companion.show();
  }

  listen() {
    super.listen();
    this.on(["_mechanism"], () => this.showMechanism());
    this.on(["_companion"], () => this.mechanism.companion.show());
    this.onPointer = (/** @type {PointerEvent} */ event) =>
      this.mechanism.panels.hover(event, this.root);
    this.onLeave = () => this.mechanism.panels.hover(null, this.root);
    this.mechanism.el.addEventListener("pointermove", this.onPointer);
    this.mechanism.el.addEventListener("pointerleave", this.onLeave);
  }

  measure() {
    const background = this.layout?.theme.background;
    super.measure();
    // A new theme: the colour tables are made for the background the cells are drawn on.
    if (background !== undefined && background !== this.layout.theme.background) {
      this.mechanism.panels.setData(PALETTE, this.layout.theme.background);
    }
  }

  destroy() {
    this.mechanism.dispose();
    super.destroy();
  }

  /**
   * The kernel's newest mechanism: the panels, and on every training chart a marker at the
   * step they show (none when they show the network as it is now).
   */
  showMechanism() {
    const value = this.model.get("_mechanism");
    let mechanism = null;
    if (value && value.frame) {
      const arrays = this.status.decode(value.frame.arrays);
      if (!arrays) return; // it did not decode: keep the last good picture
      mechanism = { ...value, frame: { ...value.frame, arrays } };
    }
    this.mechanism.show(mechanism, PALETTE, this.layout.theme.background);
    const shown = mechanism?.shown ?? null;
    for (const chart of Object.values(this.charts)) {
      if (chart instanceof StepChart) chart.setMarker(shown);
    }
    this.scheduleRedraw();
  }

  setDisabled(disabled) {
    super.setDisabled(disabled);
    this.text.unitSelect.disabled = disabled;
    for (const button of this.buttons.el.querySelectorAll("button")) button.disabled = disabled;
    // The film and Explore ask the kernel too.
    for (const control of this.mechanism.el.querySelectorAll("button, input")) {
      /** @type {HTMLButtonElement | HTMLInputElement} */ (control).disabled = disabled;
    }
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
    if (progress.film) this.mechanism.film.setFilm(progress.film, steps);

    this.setHeadline(progress.line);
    this.buttons.show(status);
    Object.assign(this.root.dataset, { step: String(steps), status,
      revision: String(progress.revision) });
    this.scheduleRedraw();
  }

  redraw() {
    const { theme } = this.layout;
    // Two columns when there is room (for enlarged text too), as style.css's grids choose: the
    // charts and the mechanism side by side when it is shown, else two columns of charts.
    const two = this.layout.width >= 2 * 420 * theme.scale + 12;
    const side = two && this.mechanism.current !== null;
    this.body.classList.toggle("rnnwidget-trainer-side", side);
    const column = Math.floor((this.layout.width - 12) / 2);
    const width = two ? column : this.layout.width;
    for (const [name, chart] of Object.entries(this.charts)) {
      if (name === "gradient" && !this.gradients) continue;
      chart.draw(width, theme);
    }
    this.text.colour(theme);
    if (this.mechanism.current) {
      this.mechanism.panels.redraw({ ...this.layout, width: side ? column : this.layout.width,
        version: 2 * this.layout.version + Number(side) });
    }
    this.root.dataset.drawn = this.root.dataset.revision;
    this.announce(Number(this.root.dataset.revision));
  }
}

export default widget(TrainerView);
