// rnnwidget's explorer: anywidget entry point. The kernel computes every number and writes every
// word; this module lays out the panels the kernel lists, sends the lecturer's changes, and
// draws each frame the kernel sends back.
import "../common/style.css";

import { BaseView, widget } from "../common/base.js";
import { colourTable } from "../common/colormaps.js";
import { element } from "../common/controls.js";
import { setHidden, setText } from "../common/dom.js";
import { formatPow10, rangeNote } from "../common/format.js";
import { GEOMETRY } from "../common/geometry.js";
import { icon } from "../common/icons.js";
import { NormChart } from "../common/linechart.js";
import { slideTheme } from "../common/theme.js";
import { copyCodeControl } from "./copycode.js";
import { composeSnapshot, download, toPng } from "./export.js";
import { Heatmap } from "./heatmap.js";
import { OrderPanel } from "./order.js";
import { buildPlaybackControls, momentAt, Player } from "./playback.js";
import { isStandalone } from "./static-model.js";
import { UnrolledLoop } from "./unrolled.js";

class ExplorerView extends BaseView {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {HTMLElement} el
   */
  constructor(model, el) {
    super(model, el, { className: "", title: "RNN explorer", payload: "_frame",
      lostText: "Kernel disconnected: this is the last picture computed. Run the cell again " +
        "to reconnect." });
    /** The newest frame from the kernel, decoded; null until one arrives. */
    this.current = null;
    /** The timestep (0-based) under the pointer, if any: the unrolled loop shows it. */
    this.hovered = null;

    this.player = new Player(() => this.showPlayhead());
    this.playback = buildPlaybackControls(this.player, element);
    this.shapes = element("p", "rnnwidget-shapes");
    this.figure = element("div", "rnnwidget-figure");
    /** @type {Record<string, Heatmap>} */
    this.heatmaps = {};
    /** The kernel's spec of each heatmap, by name: which array it draws and how it reads out. */
    this.specs = {};
    this.chart = new NormChart({ height: 0 }); // the kernel's, with the first frame
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

    // Which settings the last preset chose and why: the kernel's words, until a change.
    this.note = element("p", "rnnwidget-note");
    this.note.setAttribute("role", "status");

    this.tools.append(this.snapshotButton(), this.copyCode.el);
    // A column of compare() shows only what differs between columns, from the panels on: the
    // comparison shows the shared controls once, and each column's label, summary and shapes
    // in rows of its own, so that no column's words push its panels below another's.
    this.inColumn = el.closest("[data-rnnwidget-column]") !== null;
    this.root.classList.toggle("rnnwidget-in-column", this.inColumn);
    const top = this.inColumn ? [...this.status.elements]
      : [this.header, this.note, this.copyCode.panel, ...this.status.elements, this.controls.el,
        this.controls.presets];
    this.root.append(...top, this.playback.el, ...(this.inColumn ? [] : [this.shapes]),
      this.figure, this.unrolled.el, this.stats, this.tooltip);

    this.listen();
    this.showNote();
    this.showPayload();
    if (isStandalone(model)) {
      // A page without a kernel (RNNExplorer.to_html): what was computed can be explored.
      this.status.showNoKernel("This page has no kernel: hover the pictures to read their " +
        "numbers; the sliders need a running notebook (Copy as code gives the line to run there).");
    }
  }

  measure() {
    const background = this.layout?.theme.background;
    super.measure();
    this.unrolled?.setFit(this.layout.width, this.layout.theme.scale);
    // A new theme: the colour tables are made for the background the cells are drawn on.
    if (background !== undefined && background !== this.layout.theme.background) {
      this.setPanelData();
    }
    if (this.current) this.showStep(); // the diagram, fitted anew
  }

  listen() {
    super.listen();
    this.on(["palette"], () => this.showPalette());
    this.on(["preset_note"], () => this.showNote());
    this.onPointer = (event) => this.hover(event);
    this.onLeave = () => this.hover(null);
    this.root.addEventListener("pointermove", this.onPointer);
    this.root.addEventListener("pointerleave", this.onLeave);
  }

  destroy() {
    this.copyCode.destroy();
    this.player.dispose();
    super.destroy();
  }

  /** The kernel's note on the last preset, as text; hidden when there is none. */
  showNote() {
    const text = String(this.model.get("preset_note") ?? "");
    setText(this.note, text);
    setHidden(this.note, text === "");
  }

  // -- frames from the kernel ---------------------------------------------------------------

  /** Decode the kernel's newest frame and draw it, right away: one message, one redraw. */
  showPayload() {
    const frame = this.readPayload();
    if (!frame) return; // nothing yet, or it did not decode: keep the last good picture
    this.current = { ...frame, T: frame.arrays.x.shape[0] };
    this.layoutPanels(frame.layout);
    this.setPanelData();
    this.player.setTimesteps(this.current.T);
    this.setHeadline(frame.words.summary);
    setText(this.shapes, frame.words.shapes);
    setText(this.stats, frame.words.stats);
    this.showPlayhead(); // draws the panels whose data changed
    this.announce(frame.revision, { params: frame.params });
  }

  /**
   * The figure's rows as the kernel lists them: its heatmaps, and in a column of compare() an
   * empty place, as tall as the other columns' panel, where this cell has no such panel (the
   * kernel says why); then the chart (and the order panel for a sentence).
   */
  layoutPanels(layout) {
    const rows = layout.rows ?? layout.heatmaps.map((spec) => ({ panel: spec.name }));
    const key = JSON.stringify([rows, layout.heatmaps.map((spec) => [spec.name, spec.height]),
      this.current.order !== null]);
    if (this.layoutKey === key) return;
    this.layoutKey = key;
    this.heatmaps = Object.fromEntries(layout.heatmaps.map((spec) => [spec.name,
      new Heatmap({ name: spec.name, titles: spec.titles ?? [spec.title],
        rowLabel: spec.row_label, colourLabel: spec.colour_label, height: spec.height })]));
    this.specs = Object.fromEntries(layout.heatmaps.map((spec) => [spec.name, spec]));
    const parts = rows.map((row) => (row.panel !== undefined ? this.heatmaps[row.panel].canvas
      : absentPanel(row)));
    this.figure.replaceChildren(...parts, this.chart.canvas,
      ...(this.current.order ? [this.order.canvas] : []));
  }

  /**
   * Hand every panel its data and colours (on a new frame, a new palette or theme).
   * @param {string} [background] the colour the cells are drawn on (the view's theme's by default)
   */
  setPanelData(background = this.layout.theme.background) {
    if (!this.current) return;
    const { arrays, tokens, layout, order, words } = this.current;
    const T = this.current.T;
    const palette = String(this.model.get("palette"));
    const table = (/** @type {"diverging" | "sequential"} */ role) =>
      colourTable(palette, role, background);
    for (const spec of layout.heatmaps) {
      this.specs[spec.name] = spec; // the newest frame's: its scale and ticks may have moved
      this.heatmaps[spec.name].setTitles(spec.titles ?? [spec.title]);
      const matrix = resolve(arrays, spec.array);
      const [vmin, vmax] = spec.scale;
      this.heatmaps[spec.name].setData({ values: matrix.data, timesteps: T,
        rows: matrix.shape[1], vmin, vmax, table: table(spec.role), tokens,
        colourTicks: spec.colour_ticks.map(([value, text]) => ({ value, text })),
        rowTicks: spec.row_ticks, timeTicks: layout.time_ticks });
    }
    this.chart.setData(layout.chart.series.map((series) => ({ label: series.label,
      values: resolve(arrays, series.array).data })),
    { ...layout.chart, time_ticks: layout.time_ticks });
    if (order) {
      this.order.setData({ words: order.words, shuffled: order.shuffled,
        units: arrays.order.rnn_final.shape[1], rnn: arrays.order.rnn_final.data,
        dense: arrays.order.dense_output.data, table: table("diverging"),
        distances: words.order.distances, description: words.order.description,
        title: layout.order.title, height: layout.order.height, groups: layout.order.groups });
    }
  }

  // -- drawing -------------------------------------------------------------------------------

  /** Draw, at the view's width and in the theme's colours, every panel that has changed. */
  redraw() {
    const { width, theme, version } = this.layout;
    for (const panel of this.panels()) {
      const key = `${version}/${panel.version}`;
      if (this.drawn.get(panel) === key) continue;
      panel.draw(width, theme);
      this.drawn.set(panel, key);
    }
  }

  /** The drawable panels in view order (what a snapshot composes too). */
  panels() {
    const order = this.current?.order ? [this.order] : [];
    return [...Object.values(this.heatmaps), this.chart, ...order];
  }

  /**
   * Play-through-time: during the forward pass the states appear up to the play head and the
   * gradients are not there yet; during BPTT the gradients appear from the last step back.
   */
  showPlayhead() {
    if (!this.current) return;
    const T = this.current.T;
    const position = this.player.position;
    const moment = position === null ? null : momentAt(position, T);
    const forward = moment?.phase === "forward";
    const marker = moment ? moment.t - 1 : null;
    for (const [name, panel] of Object.entries(this.heatmaps)) {
      const isGradient = this.specs[name]?.pass === "backward";
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
    const { arrays, tokens, layout, T } = this.current;
    const position = this.player.position;
    const t = this.hovered ?? (position === null ? T - 1 : momentAt(position, T).t - 1);
    const { numbers, recurrent_labels: recurrentLabels } = layout.unrolled;
    this.unrolled.show(t + 1, {
      T,
      word: tokens[t],
      recurrentLabels,
      // The kernel names each number and its format; "{t}" stands for the step.
      layers: arrays.layers.map((layer) => numbers.map((number) =>
        `${number.label.replaceAll("{t}", String(t + 1))} = ` +
        formatNumber(layer[number.array].data[t], number.format))),
    });
  }

  showPalette() {
    this.setPanelData();
    this.scheduleRedraw();
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
    if (!this.current) return;
    const { words } = this.current;
    // For slides: light colours and the whole picture, whatever the theme and the play head.
    const playing = this.player.position;
    this.player.position = null;
    const theme = slideTheme(this.layout.theme);
    this.setPanelData(theme.background);
    this.showPlayhead();
    const canvas = composeSnapshot({
      panels: this.panels(),
      width: this.layout.width,
      theme,
      title: "RNN explorer",
      summary: words.summary,
      captionText: words.caption,
    });
    this.player.position = playing;
    this.setPanelData();
    this.showPlayhead();
    const bytes = await toPng(canvas, words.caption);
    const filename = words.snapshot_name;
    download(bytes, filename);
    // The PNG's own bytes (a fresh Uint8Array owns its whole ArrayBuffer).
    this.model.send({ type: "snapshot", filename }, undefined, [/** @type {ArrayBuffer} */ (bytes.buffer)]);
  }

  // -- hover -----------------------------------------------------------------------------------

  hover(event) {
    if (!this.current) return;
    const found = event ? this.readOut(event) : null;
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
    // Below right of the pointer, or moved left to stay inside the view.
    const box = this.root.getBoundingClientRect();
    const room = this.root.clientWidth - this.tooltip.offsetWidth;
    const left = Math.max(0, Math.min(event.clientX - box.left + 14, room));
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 14}px`;
  }

  /**
   * The read-out for the cell or step under the pointer.
   * @returns {{ t: number, text: string } | null} t 0-based
   */
  readOut(event) {
    const { arrays, tokens } = this.current;
    const word = (t) => (tokens[t] ? ` · word "${tokens[t]}"` : "");
    for (const [name, panel] of Object.entries(this.heatmaps)) {
      if (event.target !== panel.canvas) continue;
      const cell = panel.cellAt(event.clientX, event.clientY);
      if (!cell) return null;
      const { t, row } = cell;
      const spec = this.specs[name];
      if (spec.array[0] === "x") {
        const x = arrays.x.data[t * arrays.x.shape[1] + row];
        return { t, text: `t=${t + 1} · feature ${row} · x = ${x.toFixed(3)}${word(t)}` };
      }
      // Every layer panel reads out h and |dL/dh| there, and its own value when it is another.
      const layer = arrays.layers[spec.layer];
      const units = layer.h.shape[1];
      const at = (/** @type {{ data: Float32Array }} */ array) => array.data[t * units + row];
      const parts = [`h = ${at(layer.h).toFixed(3)}`,
        `|dL/dh| = ${formatNumber(at(layer.log10_abs_grad), "pow10")}`];
      const own = spec.array[spec.array.length - 1];
      if (own !== "h" && own !== "log10_abs_grad") {
        parts.push(`${spec.readout} = ${formatNumber(at(layer[own]), spec.log ? "pow10" : "fixed3")}`);
      }
      const where = arrays.layers.length > 1 ? `layer ${spec.layer + 1} · ` : "";
      return { t, text: `t=${t + 1} · ${where}unit ${row} · ${parts.join(" · ")}${word(t)}` };
    }
    if (event.target === this.chart.canvas) {
      const t = this.chart.stepAt(event.clientX, event.clientY);
      if (t === null) return null;
      const layer = arrays.layers[0];
      const parts = this.current.layout.chart.readout.map((number) =>
        `${number.label} = ${formatNumber(layer[number.array].data[t], number.format)}`);
      return { t, text: `t=${t + 1} · ${parts.join(" · ")}` };
    }
    return null;
  }
}

/**
 * The place of a panel this column's cell does not have, as tall as the other columns' panel
 * (at the view's text scale), with the kernel's words on why in a box where its plot would be.
 * @param {{ absent: string, height: number, name: string }} row
 */
function absentPanel(row) {
  const place = element("div", "rnnwidget-absent");
  place.dataset.absent = row.name;
  const scaled = (/** @type {number} */ px) => `calc(${px}px * var(--rnnwidget-scale))`;
  const { top, right, bottom, left } = GEOMETRY.panel.margin;
  const bar = GEOMETRY.colour_bar; // the box spans the plot and its colour bar
  place.style.height = scaled(row.height);
  place.style.padding = [top, right - bar.offset - bar.width, bottom, left].map(scaled)
    .join(" ");
  place.append(element("p", "rnnwidget-absent-box", row.absent));
  return place;
}

/**
 * The array at `path` in a frame's decoded arrays: the kernel's layout names every array a
 * panel or a curve draws (["x"], ["layers", 0, "h"]), so the view has no rule of its own.
 * @param {any} arrays
 * @param {(string | number)[]} path
 * @returns {{ data: Float32Array, shape: number[] }}
 */
function resolve(arrays, path) {
  return path.reduce((node, key) => node[key], arrays);
}

/**
 * A number as the kernel's format asks: "pow10" for a base-10 logarithm (shown as the power of
 * ten, with a note beyond float64's range), "fixed3" for three decimals.
 * @param {number} value
 * @param {string} format
 */
function formatNumber(value, format) {
  if (format !== "pow10") return value.toFixed(3);
  const note = rangeNote(value);
  return `${formatPow10(value)}${note ? ` (${note})` : ""}`;
}

export default widget(ExplorerView);
