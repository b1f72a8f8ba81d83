// The mechanism's panels: a network's h_t (and its cell's other states) and log10 |dL/dh_t| per
// unit as heatmaps, ||dL/dh_t|| against t, and for a sentence "Why order matters", laid out as
// the kernel's frame lists them, with the hover read-out of every cell. The explorer draws its
// frames with them and the trainer draws its network's with them: one heatmap, one axis, one
// colour scale for both.

import { colourTable } from "../common/colormaps.js";
import { element } from "../common/controls.js";
import { formatPow10, rangeNote } from "../common/format.js";
import { GEOMETRY } from "../common/geometry.js";
import { NormChart } from "../common/linechart.js";
import { Heatmap } from "./heatmap.js";
import { OrderPanel } from "./order.js";

/**
 * @typedef {{ phase: "forward" | "backward", t: number }} Moment  the play head, t 1-based
 * @typedef {{ width: number, theme: import("../common/theme.js").Theme, version: number }}
 *   Layout  the view's measure
 */

export class MechanismPanels {
  constructor() {
    /** The panels, in the kernel's order: append it where the view shows them. */
    this.figure = element("div", "rnnwidget-figure");
    /** The read-out under the pointer: append it to the element `hover` places it in. */
    this.tooltip = element("div", "rnnwidget-tooltip");
    this.tooltip.setAttribute("role", "tooltip");
    this.tooltip.hidden = true;
    /** @type {Record<string, Heatmap>} */
    this.heatmaps = {};
    /** The kernel's spec of each heatmap, by name: which array it draws and how it reads out. */
    this.specs = {};
    this.chart = new NormChart({ height: 0 }); // the kernel's, with the first frame
    this.order = new OrderPanel();
    /** The frame shown, decoded, with its length T; null until one arrives. */
    this.current = null;
    /** Which version of each panel is on screen, at which `Layout` version. */
    this.drawn = new WeakMap();
    this.layoutKey = "";
  }

  /**
   * Show a decoded frame: lay out its panels (anew only if the kernel's list changed) and hand
   * them its data, coloured from `palette` for `background`.
   * @param {any} frame the kernel's frame payload with its arrays decoded
   * @param {string} palette
   * @param {string} background the colour the cells are drawn on
   */
  show(frame, palette, background) {
    this.current = { ...frame, T: frame.arrays.x.shape[0] };
    this.layoutPanels(frame.layout);
    this.setData(palette, background);
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
   * @param {string} palette
   * @param {string} background the colour the cells are drawn on
   */
  setData(palette, background) {
    if (!this.current) return;
    const { arrays, tokens, layout, order, words, T } = this.current;
    const table = (/** @type {"diverging" | "sequential"} */ role) =>
      colourTable(palette, role, background);
    const marks = layout.marks ?? [];
    for (const spec of layout.heatmaps) {
      this.specs[spec.name] = spec; // the newest frame's: its scale and ticks may have moved
      this.heatmaps[spec.name].setTitles(spec.titles ?? [spec.title]);
      const matrix = resolve(arrays, spec.array);
      const [vmin, vmax] = spec.scale;
      this.heatmaps[spec.name].setData({ values: matrix.data, timesteps: T,
        rows: matrix.shape[1], vmin, vmax, table: table(spec.role), tokens,
        colourTicks: spec.colour_ticks.map(([value, text]) => ({ value, text })),
        rowTicks: spec.row_ticks, timeTicks: layout.time_ticks, marks });
    }
    this.chart.setData(layout.chart.series.map((series) => ({ label: series.label,
      values: resolve(arrays, series.array).data })),
    { ...layout.chart, time_ticks: layout.time_ticks, marks });
    if (order) {
      this.order.setData({ words: order.words, shuffled: order.shuffled,
        units: arrays.order.rnn_final.shape[1], rnn: arrays.order.rnn_final.data,
        dense: arrays.order.dense_output.data, table: table("diverging"),
        distances: words.order.distances, description: words.order.description,
        title: layout.order.title, height: layout.order.height, groups: layout.order.groups });
    }
  }

  /** The drawable panels in view order (what a snapshot composes too). */
  panels() {
    const order = this.current?.order ? [this.order] : [];
    return [...Object.values(this.heatmaps), this.chart, ...order];
  }

  /**
   * Draw, at the view's width and in its theme's colours, every panel that has changed.
   * @param {Layout} layout
   */
  redraw({ width, theme, version }) {
    for (const panel of this.panels()) {
      const key = `${version}/${panel.version}`;
      if (this.drawn.get(panel) === key) continue;
      panel.draw(width, theme);
      this.drawn.set(panel, key);
    }
  }

  /**
   * Play-through-time: during the forward pass the states appear up to the play head and the
   * gradients are not there yet; during BPTT the gradients appear from the last step back.
   * @param {Moment | null} moment null: every step in full
   */
  setPlayback(moment) {
    if (!this.current) return;
    const { T } = this.current;
    const forward = moment?.phase === "forward";
    const marker = moment ? moment.t - 1 : null;
    for (const [name, panel] of Object.entries(this.heatmaps)) {
      const isGradient = this.specs[name]?.pass === "backward";
      panel.setPlayback(!moment ? null
        : isGradient ? (forward ? [0, -1] : [moment.t - 1, T - 1])
        : (forward ? [0, moment.t - 1] : null), marker);
    }
    this.chart.setPlayback(!moment ? null : forward ? [0, -1] : [moment.t - 1, T - 1], marker);
  }

  /**
   * Show the read-out for the pointer (`event`; null when it left) in the tooltip, below right
   * of it inside `box`, the tooltip's positioned parent.
   * @param {PointerEvent | null} event
   * @param {HTMLElement} box
   * @returns {number | null} the step under the pointer (0-based), if any
   */
  hover(event, box) {
    const found = event && this.current ? this.readOut(event) : null;
    if (!found || !event) {
      this.tooltip.hidden = true;
      return null;
    }
    this.tooltip.textContent = found.text;
    this.tooltip.hidden = false;
    // Below right of the pointer, or moved left to stay inside the box.
    const rect = box.getBoundingClientRect();
    const room = box.clientWidth - this.tooltip.offsetWidth;
    const left = Math.max(0, Math.min(event.clientX - rect.left + 14, room));
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${event.clientY - rect.top + 14}px`;
    return found.t;
  }

  /**
   * The read-out for the cell or step under the pointer.
   * @param {PointerEvent} event
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
export function formatNumber(value, format) {
  if (format !== "pow10") return value.toFixed(3);
  const note = rangeNote(value);
  return `${formatPow10(value)}${note ? ` (${note})` : ""}`;
}
