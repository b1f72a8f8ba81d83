// rnnwidget's front end: anywidget entry point. The kernel computes every number; this module
// builds the view, sends the lecturer's changes, and draws each frame the kernel sends back.
import "../common/style.css";

import { colourTable } from "../common/colormaps.js";
import { buildControls, element } from "../common/controls.js";
import { copyCodeControl } from "./copycode.js";
import { setText } from "../common/dom.js";
import { caption, composeSnapshot, download, snapshotName, toPng } from "./export.js";
import { formatDecade, formatPow10, gradientSummary, rangeNote } from "../common/format.js";
import { Heatmap } from "./heatmap.js";
import { icon } from "../common/icons.js";
import { NormChart } from "../common/linechart.js";
import { OrderPanel } from "./order.js";
import { buildPlaybackControls, momentAt, Player } from "./playback.js";
import { isStandalone } from "./static-model.js";
import { ViewStatus, watchLayout } from "../common/status.js";
import { ChangeSender } from "../common/sync.js";
import { readTheme } from "../common/theme.js";
import { UnrolledLoop } from "./unrolled.js";

/** One ChangeSender per model, shared by all its views (two cells showing one widget). */
const senders = new WeakMap();

const PARAMETERS = ["w_hh_scale", "seq_len", "saturation", "units", "input_kind", "seed",
  "sentence", "layers", "palette", "presentation"];
const STATS = ["spectral_radius", "saturated_fraction", "gradient_ratio_log10"];

class ExplorerView {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {HTMLElement} el
   */
  constructor(model, el) {
    this.model = model;
    this.sender = senders.get(model);
    /** The newest frame from the kernel, decoded; null until one arrives. */
    this.frame = null;
    /** The timestep (0-based) under the pointer, if any: the unrolled loop shows it. */
    this.hovered = null;

    this.root = element("div", "rnnwidget");
    this.summary = element("p", "rnnwidget-summary");
    this.summary.setAttribute("role", "status");
    this.controls = buildControls(model, this.sender);
    this.status = new ViewStatus(model, this.sender, { root: this.root,
      setDisabled: (disabled) => this.controls.setDisabled(disabled),
      lostText: "Kernel disconnected: this is the last picture computed. Run the cell again " +
        "to reconnect." });
    this.player = new Player(() => this.showPlayhead());
    this.playback = buildPlaybackControls(this.player, element);
    this.shapes = element("p", "rnnwidget-shapes");
    this.figure = element("div", "rnnwidget-figure");
    /** @type {Record<string, Heatmap>} */
    this.heatmaps = {};
    this.chart = new NormChart({
      title: "Gradient norm ‖dL/dh_t‖ reaching each step (log scale)", height: 190 });
    this.order = new OrderPanel();
    this.unrolled = new UnrolledLoop();
    /** Which version of each panel is on screen, at which `layout` version. */
    this.drawn = new WeakMap();
    this.measure();
    this.copyCode = copyCodeControl(model);
    this.stats = element("div", "rnnwidget-stats");
    this.tooltip = element("div", "rnnwidget-tooltip");
    this.tooltip.setAttribute("role", "tooltip");
    this.tooltip.hidden = true;

    const header = element("div", "rnnwidget-header");
    header.append(element("h3", "rnnwidget-title", "RNN explorer"), this.summary,
      this.snapshotButton(), this.copyCode.el);
    this.root.append(header, this.copyCode.panel, ...this.status.elements,
      this.controls.el, this.playback.el, this.shapes, this.figure, this.unrolled.el, this.stats,
      this.tooltip);
    el.append(this.root);

    this.listen();
    this.showOptions();
    this.showFrame();
    if (isStandalone(model)) {
      // A page without a kernel (RNNExplorer.to_html): what was computed can be explored.
      this.status.showNoKernel("This page has no kernel: hover the pictures to read their " +
        "numbers; the sliders need a running notebook (Copy as code gives the line to run there).");
    }
  }

  listen() {
    const { model } = this;
    this.onFrame = () => this.showFrame();
    this.onParams = () => this.controls.update();
    this.onOptions = () => this.showOptions();
    this.onStats = () => this.showStats();
    model.on("change:_frame", this.onFrame);
    for (const name of PARAMETERS) model.on(`change:${name}`, this.onParams);
    model.on("change:controls", this.onParams);
    for (const name of ["palette", "presentation", "gradient_range"]) {
      model.on(`change:${name}`, this.onOptions);
    }
    for (const name of STATS) model.on(`change:${name}`, this.onStats);
    this.stopLayout = watchLayout(this.root, () => {
      this.measure();
      this.redraw();
    });
    this.onPointer = (event) => this.hover(event);
    this.onLeave = () => this.hover(null);
    this.root.addEventListener("pointermove", this.onPointer);
    this.root.addEventListener("pointerleave", this.onLeave);
  }

  destroy() {
    const { model } = this;
    model.off("change:_frame", this.onFrame);
    model.off(null, this.onParams);
    model.off(null, this.onOptions);
    model.off(null, this.onStats);
    this.stopLayout();
    this.status.dispose();
    this.copyCode.destroy();
    this.player.dispose();
    cancelAnimationFrame(this.pending);
    this.root.remove();
  }

  // -- frames from the kernel ---------------------------------------------------------------

  /** Decode the kernel's newest frame and draw it, right away: one message, one redraw. */
  showFrame() {
    const frame = this.model.get("_frame");
    if (!frame || !frame.arrays) return;
    const arrays = this.status.decode(frame.arrays);
    if (!arrays) return; // keep the last good picture
    this.frame = { ...frame, arrays, T: arrays.x.shape[0] };
    this.layoutPanels(arrays.layers.length, frame.order !== null);
    this.setPanelData();
    this.player.setTimesteps(this.frame.T);
    setText(this.shapes, `Shapes: ${frame.shapes}`);
    this.showPlayhead(); // draws the panels whose data changed
    this.root.dataset.revision = String(frame.revision);
    this.root.dispatchEvent(new CustomEvent("rnnwidget:drawn", { bubbles: true,
      detail: { revision: frame.revision, params: frame.params } }));
  }

  /** The panels for a number of layers (and the order panel for a sentence), in order. */
  layoutPanels(layers, withOrder) {
    const key = `${layers}/${withOrder}`;
    if (this.layoutKey === key) return;
    this.layoutKey = key;
    const height = layers === 1 ? 230 : 160;
    const name = (kind, i) => (i === 0 ? kind : `${kind}${i + 1}`);
    const prefix = (i) => (layers === 1 ? "" : `Layer ${i + 1}: `);
    const capital = (text, i) => (layers === 1 ? text[0].toUpperCase() + text.slice(1) : text);
    const sub = (i) => (layers === 1 ? "" : String(i + 1));
    this.heatmaps = { input: new Heatmap({ name: "input", title: "Input x_t",
      rowLabel: "feature", colourLabel: "x", height: 110 }) };
    for (let i = 0; i < layers; i++) {
      this.heatmaps[name("hidden", i)] = new Heatmap({ name: name("hidden", i),
        title: `${prefix(i)}${capital("hidden state", i)} h${sub(i)}_t`, rowLabel: "unit", colourLabel: "h",
        height });
    }
    for (let i = 0; i < layers; i++) {
      this.heatmaps[name("gradient", i)] = new Heatmap({ name: name("gradient", i),
        title: `${prefix(i)}${capital("gradient", i)} |dL/dh${sub(i)}_t| (log scale)`, rowLabel: "unit",
        colourLabel: "|dL/dh|", height });
    }
    const canvases = Object.values(this.heatmaps).map((panel) => panel.canvas);
    this.figure.replaceChildren(...canvases, this.chart.canvas,
      ...(withOrder ? [this.order.canvas] : []));
  }

  /** Hand every panel its data and colours (on a new frame, or a new palette). */
  setPanelData() {
    if (!this.frame) return;
    const { arrays, tokens, scales, order } = this.frame;
    const T = this.frame.T;
    const palette = String(this.model.get("palette"));
    const diverging = colourTable(palette, "diverging");
    const sequential = colourTable(palette, "sequential");
    const ticks = (values) => values.map((v) => ({ value: v, text: formatTick(v) }));
    const [xLo, xHi] = scales.x;
    const [lo, hi] = this.model.get("gradient_range") ?? scales.log10_abs_grad;
    const gradientTicks = decadeTicks(lo, hi).map((d) => ({ value: d, text: formatDecade(d) }));

    this.heatmaps.input.setData({ values: arrays.x.data, timesteps: T, rows: arrays.x.shape[1],
      vmin: xLo, vmax: xHi, table: diverging, tokens, colourTicks: ticks([xLo, 0, xHi]) });
    arrays.layers.forEach((layer, i) => {
      const units = layer.h.shape[1];
      const suffix = i === 0 ? "" : String(i + 1);
      this.heatmaps[`hidden${suffix}`].setData({ values: layer.h.data, timesteps: T,
        rows: units, vmin: -1, vmax: 1, table: diverging, tokens,
        colourTicks: ticks([-1, -0.5, 0, 0.5, 1]) });
      this.heatmaps[`gradient${suffix}`].setData({ values: layer.log10_abs_grad.data,
        timesteps: T, rows: units, vmin: lo, vmax: hi, table: sequential, tokens,
        colourTicks: gradientTicks });
    });
    this.chart.setData(arrays.layers.map((layer, i) => ({ label: `layer ${i + 1}`,
      values: layer.log10_grad_norm.data })));
    if (order) {
      const units = arrays.order.rnn_final.shape[1];
      this.order.setData({ words: order.words, shuffled: order.shuffled, units,
        rnn: arrays.order.rnn_final.data, dense: arrays.order.dense_output.data,
        table: diverging });
    }
    setText(this.summary, gradientSummary(arrays.layers[0].log10_grad_norm.data,
      arrays.layers.length));
  }

  // -- drawing -------------------------------------------------------------------------------

  scheduleRedraw() {
    cancelAnimationFrame(this.pending);
    this.pending = requestAnimationFrame(() => this.redraw());
  }

  /**
   * Read the view's width and theme colours. Only on a resize, a theme switch or a change of
   * presentation mode: reading layout makes the browser compute it on the spot, and doing that
   * on every frame cost a slider step more than drawing the heatmaps did.
   */
  measure() {
    this.layout = {
      width: Math.max(320, this.root.clientWidth),
      theme: readTheme(this.root),
      version: (this.layout?.version ?? 0) + 1,
    };
  }

  /** Draw, at the view's width and in the theme's colours, every panel that has changed. */
  redraw() {
    const { width, theme, version } = this.layout;
    for (const panel of this.panels()) {
      const key = `${version}/${panel.version}`;
      if (this.drawn.get(panel) === key) continue;
      panel.draw(width, theme);
      this.drawn.set(panel, key);
    }
    this.showStats();
  }

  /** The drawable panels in view order (what a snapshot composes too). */
  panels() {
    const order = this.frame?.order ? [this.order] : [];
    return [...Object.values(this.heatmaps), this.chart, ...order];
  }

  /**
   * Play-through-time: during the forward pass the states appear up to the play head and the
   * gradients are not there yet; during BPTT the gradients appear from the last step back.
   */
  showPlayhead() {
    if (!this.frame) return;
    const T = this.frame.T;
    const position = this.player.position;
    const moment = position === null ? null : momentAt(position, T);
    const forward = moment?.phase === "forward";
    const marker = moment ? moment.t - 1 : null;
    for (const [name, panel] of Object.entries(this.heatmaps)) {
      const isGradient = name.startsWith("gradient");
      panel.setPlayback(!moment ? null
        : isGradient ? (forward ? [0, -1] : [moment.t - 1, T - 1])
        : (forward ? [0, moment.t - 1] : null), marker);
    }
    this.chart.setPlayback(!moment ? null : forward ? [0, -1] : [moment.t - 1, T - 1], marker);
    this.playback.update(T);
    this.showStep();
    this.redraw();
  }

  /** The unrolled loop around the step in focus: under the pointer, else the play head. */
  showStep() {
    const { arrays, tokens, T } = this.frame;
    const position = this.player.position;
    const t = this.hovered ?? (position === null ? T - 1 : momentAt(position, T).t - 1);
    this.unrolled.show(t + 1, {
      T,
      word: tokens[t],
      layers: arrays.layers.map((layer) => ({ hNorm: layer.h_norm.data[t],
        logGradNorm: layer.log10_grad_norm.data[t], tanhSlope: layer.tanh_slope.data[t] })),
    });
  }

  showOptions() {
    const presentation = Boolean(this.model.get("presentation"));
    this.root.classList.toggle("rnnwidget-presentation", presentation);
    this.root.style.setProperty("--rnnwidget-scale", presentation ? "1.5" : "1");
    this.measure(); // the scale of text and strokes
    this.setPanelData();
    this.scheduleRedraw();
  }

  showStats() {
    const radius = Number(this.model.get("spectral_radius"));
    const saturated = Number(this.model.get("saturated_fraction"));
    const ratio = this.model.get("gradient_ratio_log10");
    const sub = (this.frame?.arrays.layers.length ?? 1) > 1 ? "1" : ""; // named as in the panels
    const parts = [
      `spectral radius of W_hh ${radius.toFixed(2)}`,
      `saturated units (|h| > 0.99) ${(100 * saturated).toFixed(1)}%`,
      `‖dL/dh${sub}_1‖ / ‖dL/dh${sub}_T‖ = ${ratio === null ? "0" : formatPow10(ratio)}`,
    ];
    setText(this.stats, parts.join("   ·   "));
  }

  // -- snapshot --------------------------------------------------------------------------------

  snapshotButton() {
    const button = element("button", "rnnwidget-button rnnwidget-snapshot");
    button.type = "button";
    button.setAttribute("data-lm-suppress-shortcuts", "true");
    button.setAttribute("aria-label", "Save a PNG snapshot of this view");
    button.title = "Save a PNG of this view for slides (also in w.snapshots)";
    button.append(icon("camera"), element("span", "", "Snapshot"));
    button.addEventListener("click", () => this.snapshot());
    return button;
  }

  /** Compose every panel into one PNG; download it and send the same bytes to the kernel. */
  async snapshot() {
    if (!this.frame) return;
    const { params } = this.frame;
    const captionText = caption(params, String(this.model.get("version")));
    const canvas = composeSnapshot({
      panels: this.panels(),
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

  // -- hover -----------------------------------------------------------------------------------

  hover(event) {
    if (!this.frame) return;
    const found = event ? this.describe(event) : null;
    const step = found?.t ?? null;
    if (step !== this.hovered) {
      this.hovered = step;
      this.showStep();
    }
    if (!found) {
      this.tooltip.hidden = true;
      return;
    }
    this.tooltip.textContent = found.text;
    this.tooltip.hidden = false;
    const box = this.root.getBoundingClientRect();
    this.tooltip.style.left = `${event.clientX - box.left + 14}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 14}px`;
  }

  /**
   * The read-out for the cell or step under the pointer.
   * @returns {{ t: number, text: string } | null} t 0-based
   */
  describe(event) {
    const { arrays, tokens } = this.frame;
    const word = (t) => (tokens[t] ? ` · word "${tokens[t]}"` : "");
    for (const [name, panel] of Object.entries(this.heatmaps)) {
      if (event.target !== panel.canvas) continue;
      const cell = panel.cellAt(event.clientX, event.clientY);
      if (!cell) return null;
      const { t, row } = cell;
      if (name === "input") {
        const x = arrays.x.data[t * arrays.x.shape[1] + row];
        return { t, text: `t=${t + 1} · feature ${row} · x = ${x.toFixed(3)}${word(t)}` };
      }
      const index = Number(name.replace(/\D+/g, "") || 1) - 1;
      const layer = arrays.layers[index];
      const units = layer.h.shape[1];
      const h = layer.h.data[t * units + row];
      const g = layer.log10_abs_grad.data[t * units + row];
      const note = rangeNote(g);
      const where = arrays.layers.length > 1 ? `layer ${index + 1} · ` : "";
      return { t, text: `t=${t + 1} · ${where}unit ${row} · h = ${h.toFixed(3)} · ` +
        `|dL/dh| = ${formatPow10(g)}${note ? ` (${note})` : ""}${word(t)}` };
    }
    if (event.target === this.chart.canvas) {
      const t = this.chart.stepAt(event.clientX, event.clientY);
      if (t === null) return null;
      const layer = arrays.layers[0];
      const g = layer.log10_grad_norm.data[t];
      const note = rangeNote(g);
      return { t, text: `t=${t + 1} · ‖dL/dh_t‖ = ${formatPow10(g)}${note ? ` (${note})` : ""}` +
        ` · ‖h_t‖ = ${layer.h_norm.data[t].toFixed(3)} · mean tanh' = ` +
        `${layer.tanh_slope.data[t].toFixed(3)}` };
    }
    return null;
  }
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
