// rnnwidget's front end: anywidget entry point. The kernel computes every number; this module
// builds the view, sends the lecturer's changes, and draws each frame the kernel sends back.
import "./style.css";

import { colourTable } from "./colormaps.js";
import { buildControls, element } from "./controls.js";
import { copyCodeControl } from "./copycode.js";
import { decodeArrays } from "./decode.js";
import { watchKernel } from "./connection.js";
import { caption, composeSnapshot, download, snapshotName, toPng } from "./export.js";
import { formatDecade, formatPow10, gradientSummary, rangeNote } from "./format.js";
import { Heatmap } from "./heatmap.js";
import { NormChart } from "./linechart.js";
import { isStandalone } from "./static-model.js";
import { ChangeSender } from "./sync.js";
import { readTheme } from "./theme.js";

/** One ChangeSender per model, shared by all its views (two cells showing one widget). */
const senders = new WeakMap();

class ExplorerView {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {HTMLElement} el
   */
  constructor(model, el) {
    this.model = model;
    this.sender = senders.get(model);
    this.palette = "standard";
    this.frame = null;

    this.root = element("div", "rnnwidget");
    this.summary = element("p", "rnnwidget-summary");
    this.summary.setAttribute("role", "status");
    this.errorBar = element("div", "rnnwidget-error");
    this.errorBar.setAttribute("role", "alert");
    this.errorBar.hidden = true;
    this.statusBar = element("div", "rnnwidget-disconnected");
    this.statusBar.setAttribute("role", "status");
    this.statusBar.hidden = true;
    this.controls = buildControls(model, this.sender);
    this.copyCode = copyCodeControl(model);
    this.panels = {
      input: new Heatmap({ name: "input", title: "Input x_t", rowLabel: "feature",
        colourLabel: "x", height: 110 }),
      hidden: new Heatmap({ name: "hidden", title: "Hidden state h_t", rowLabel: "unit",
        colourLabel: "h", height: 230 }),
      gradient: new Heatmap({ name: "gradient", title: "Gradient |dL/dh_t| (log scale)",
        rowLabel: "unit", colourLabel: "|dL/dh|", height: 230 }),
    };
    this.chart = new NormChart({ title: "Gradient norm ‖dL/dh_t‖ reaching each step (log scale)",
      height: 190 });
    this.stats = element("div", "rnnwidget-stats");
    this.tooltip = element("div", "rnnwidget-tooltip");
    this.tooltip.setAttribute("role", "tooltip");
    this.tooltip.hidden = true;

    const figure = element("div", "rnnwidget-figure");
    figure.append(...Object.values(this.panels).map((p) => p.canvas), this.chart.canvas);
    const header = element("div", "rnnwidget-header");
    header.append(element("h3", "rnnwidget-title", "RNN explorer"), this.summary,
      this.snapshotButton(), this.copyCode.el);
    this.root.append(header, this.copyCode.panel, this.statusBar, this.errorBar, this.controls.el,
      figure, this.stats, this.tooltip);
    el.append(this.root);

    this.listen();
    this.showError();
    this.showFrame();
    if (isStandalone(model)) this.showStandalone();
  }

  listen() {
    const { model } = this;
    this.onFrame = () => this.showFrame();
    this.onParams = () => this.controls.update();
    this.onError = () => this.showError();
    this.onStats = () => this.showStats();
    model.on("change:_frame", this.onFrame);
    model.on("change:error", this.onError);
    for (const name of ["w_hh_scale", "seq_len", "saturation", "units", "input_kind", "seed",
      "sentence"]) {
      model.on(`change:${name}`, this.onParams);
    }
    model.on("change:controls", this.onParams);
    for (const name of ["spectral_radius", "saturated_fraction", "gradient_ratio_log10"]) {
      model.on(`change:${name}`, this.onStats);
    }
    this.resize = new ResizeObserver(() => this.scheduleRedraw());
    this.resize.observe(this.root);
    // JupyterLab switches themes by changing CSS variables under <body data-jp-theme-name>.
    this.themeWatch = new MutationObserver(() => this.scheduleRedraw());
    this.themeWatch.observe(document.body, { attributes: true,
      attributeFilter: ["data-jp-theme-name", "data-jp-theme-light"] });
    this.stopWatching = watchKernel(model, () => this.showDisconnected());
    this.onSilence = (silent) => this.showSilence(silent);
    this.sender.listeners.add(this.onSilence);
    this.onPointer = (event) => this.hover(event);
    this.onLeave = () => (this.tooltip.hidden = true);
    this.root.addEventListener("pointermove", this.onPointer);
    this.root.addEventListener("pointerleave", this.onLeave);
  }

  destroy() {
    const { model } = this;
    model.off("change:_frame", this.onFrame);
    model.off("change:error", this.onError);
    model.off(null, this.onParams);
    model.off(null, this.onStats);
    this.resize.disconnect();
    this.themeWatch.disconnect();
    this.stopWatching();
    this.copyCode.destroy();
    this.sender.listeners.delete(this.onSilence);
    cancelAnimationFrame(this.pending);
    this.root.remove();
  }

  snapshotButton() {
    const button = element("button", "rnnwidget-button rnnwidget-snapshot");
    button.type = "button";
    button.setAttribute("data-lm-suppress-shortcuts", "true");
    button.setAttribute("aria-label", "Save a PNG snapshot of this view");
    button.title = "Save a PNG of this view for slides (also in w.snapshots)";
    button.append(cameraIcon(), element("span", "", "Snapshot"));
    button.addEventListener("click", () => this.snapshot());
    return button;
  }

  /** Compose every panel into one PNG; download it and send the same bytes to the kernel. */
  async snapshot() {
    if (!this.frame) return;
    const { params } = this.frame;
    const captionText = caption(params, String(this.model.get("version")));
    const canvas = composeSnapshot({
      panels: [...Object.values(this.panels), this.chart],
      width: Math.max(320, this.root.clientWidth),
      theme: readTheme(this.root),
      title: "RNN explorer",
      summary: this.summary.textContent ?? "",
      captionText,
    });
    const bytes = await toPng(canvas, captionText);
    const filename = snapshotName(params);
    download(bytes, filename);
    this.model.send({ type: "snapshot", filename }, undefined, [bytes.buffer]);
  }

  /** Decode the kernel's newest frame and draw it, right away: one message, one redraw. */
  showFrame() {
    const frame = this.model.get("_frame");
    if (!frame || !frame.arrays) return;
    let arrays;
    try {
      arrays = decodeArrays(frame.arrays);
    } catch (error) {
      this.errorBar.textContent = String(error);
      this.errorBar.hidden = false;
      return; // keep the last good picture
    }
    this.frame = { ...frame, arrays };
    this.setPanelData();
    this.redraw();
    this.root.dataset.revision = String(frame.revision);
    this.root.dispatchEvent(new CustomEvent("rnnwidget:drawn", { bubbles: true,
      detail: { revision: frame.revision, params: frame.params } }));
  }

  setPanelData() {
    const { arrays, tokens, scales } = this.frame;
    const [T, features] = arrays.x.shape;
    const units = arrays.h.shape[1];
    const diverging = colourTable(this.palette, "diverging");
    const sequential = colourTable(this.palette, "sequential");
    const ticks = (values) => values.map((v) => ({ value: v, text: formatTick(v) }));

    const [xLo, xHi] = scales.x;
    this.panels.input.setData({ values: arrays.x.data, timesteps: T, rows: features,
      vmin: xLo, vmax: xHi, table: diverging, tokens, colourTicks: ticks([xLo, 0, xHi]) });
    this.panels.hidden.setData({ values: arrays.h.data, timesteps: T, rows: units,
      vmin: -1, vmax: 1, table: diverging, tokens, colourTicks: ticks([-1, -0.5, 0, 0.5, 1]) });
    const [lo, hi] = scales.log10_abs_grad;
    this.panels.gradient.setData({ values: arrays.log10_abs_grad.data, timesteps: T, rows: units,
      vmin: lo, vmax: hi, table: sequential, tokens,
      colourTicks: decadeTicks(lo, hi).map((d) => ({ value: d, text: formatDecade(d) })) });
    this.chart.setData(arrays.log10_grad_norm.data);
    this.summary.textContent = gradientSummary(arrays.log10_grad_norm.data);
  }

  scheduleRedraw() {
    cancelAnimationFrame(this.pending);
    this.pending = requestAnimationFrame(() => this.redraw());
  }

  redraw() {
    const width = Math.max(320, this.root.clientWidth);
    const theme = readTheme(this.root);
    for (const panel of Object.values(this.panels)) panel.draw(width, theme);
    this.chart.draw(width, theme);
    this.showStats();
  }

  showStats() {
    const radius = Number(this.model.get("spectral_radius"));
    const saturated = Number(this.model.get("saturated_fraction"));
    const ratio = this.model.get("gradient_ratio_log10");
    const parts = [
      `spectral radius of W_hh ${radius.toFixed(2)}`,
      `saturated units (|h| > 0.99) ${(100 * saturated).toFixed(1)}%`,
      `‖dL/dh_1‖ / ‖dL/dh_T‖ = ${ratio === null ? "0" : formatPow10(ratio)}`,
    ];
    this.stats.textContent = parts.join("   ·   ");
  }

  /** The kernel restarted or died: this view can no longer change anything. Say so. */
  showDisconnected() {
    this.root.dataset.connection = "lost";
    this.statusBar.textContent =
      "Kernel disconnected: this is the last picture computed. Run the cell again to reconnect.";
    this.statusBar.hidden = false;
    this.controls.setDisabled(true);
  }

  /** A page without a kernel (RNNExplorer.to_html): what was computed can be explored, the
   * knobs cannot recompute anything. Say so up front rather than let them do nothing. */
  showStandalone() {
    this.root.dataset.connection = "none";
    this.statusBar.textContent = "This page has no kernel: hover the pictures to read their " +
      "numbers; the sliders need a running notebook (Copy as code gives the line to run there).";
    this.statusBar.hidden = false;
    this.controls.setDisabled(true);
  }

  /** A change got no answer in time (or an answer came after all). */
  showSilence(silent) {
    const { connection } = this.root.dataset;
    if (connection === "lost" || connection === "none") return; // already says why
    this.root.dataset.connection = silent ? "silent" : "live";
    this.statusBar.textContent = silent
      ? "The kernel is not answering (busy, or disconnected?): changes will apply when it does."
      : "";
    this.statusBar.hidden = !silent;
  }

  showError() {
    const message = String(this.model.get("error") || "");
    this.errorBar.textContent = message;
    this.errorBar.hidden = message === "";
  }

  hover(event) {
    if (!this.frame) return;
    const text = this.describe(event);
    if (!text) {
      this.tooltip.hidden = true;
      return;
    }
    this.tooltip.textContent = text;
    this.tooltip.hidden = false;
    const box = this.root.getBoundingClientRect();
    this.tooltip.style.left = `${event.clientX - box.left + 14}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 14}px`;
  }

  /** The read-out for the cell or step under the pointer, or "". */
  describe(event) {
    const { arrays, tokens } = this.frame;
    const units = arrays.h.shape[1];
    const word = (t) => (tokens[t] ? ` · word "${tokens[t]}"` : "");
    for (const [name, panel] of Object.entries(this.panels)) {
      if (event.target !== panel.canvas) continue;
      const cell = panel.cellAt(event.clientX, event.clientY);
      if (!cell) return "";
      const { t, row } = cell;
      if (name === "input") {
        return `t=${t + 1} · feature ${row} · x = ${arrays.x.data[t * arrays.x.shape[1] + row].toFixed(3)}${word(t)}`;
      }
      const h = arrays.h.data[t * units + row];
      const g = arrays.log10_abs_grad.data[t * units + row];
      const note = rangeNote(g);
      return `t=${t + 1} · unit ${row} · h = ${h.toFixed(3)} · |dL/dh| = ${formatPow10(g)}${note ? ` (${note})` : ""}${word(t)}`;
    }
    if (event.target === this.chart.canvas) {
      const t = this.chart.stepAt(event.clientX, event.clientY);
      if (t === null) return "";
      const g = arrays.log10_grad_norm.data[t];
      const note = rangeNote(g);
      return `t=${t + 1} · ‖dL/dh_t‖ = ${formatPow10(g)}${note ? ` (${note})` : ""} · ‖h_t‖ = ${arrays.h_norm.data[t].toFixed(3)} · mean tanh' = ${arrays.tanh_slope.data[t].toFixed(3)}`;
    }
    return "";
  }
}

/** A camera, drawn as SVG so the bundle needs no icon font or image file. */
function cameraIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("rnnwidget-icon");
  const body = document.createElementNS(ns, "path");
  body.setAttribute("d", "M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z");
  const lens = document.createElementNS(ns, "circle");
  lens.setAttribute("cx", "12");
  lens.setAttribute("cy", "13");
  lens.setAttribute("r", "4");
  for (const shape of [body, lens]) {
    shape.setAttribute("fill", "none");
    shape.setAttribute("stroke", "currentColor");
    shape.setAttribute("stroke-width", "2");
    svg.append(shape);
  }
  return svg;
}

/** A colour-bar label: at most two significant digits. */
function formatTick(value) {
  return Number(value.toPrecision(2)).toString();
}

/** About five whole decades inside [lo, hi]. */
function decadeTicks(lo, hi) {
  const step = Math.max(1, Math.ceil((hi - lo) / 5));
  const ticks = [];
  for (let d = Math.ceil(lo / step) * step; d <= hi; d += step) ticks.push(d);
  return ticks;
}

export default {
  initialize({ model }) {
    senders.set(model, new ChangeSender(model));
    return () => senders.get(model)?.dispose();
  },
  render({ model, el }) {
    if (!senders.has(model)) senders.set(model, new ChangeSender(model));
    const view = new ExplorerView(model, el);
    return () => view.destroy();
  },
};
