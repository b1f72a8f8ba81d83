// A heatmap panel: rows (units or features) against time, drawn pixel by pixel with ImageData
// and scaled without smoothing, so every cell is a crisp block of one colour.

import {
  drawLeftAxis,
  drawMarks,
  drawPlayback,
  drawTimeAxis,
  MARGIN,
  panelCanvas,
  plotRect,
  preparePanel,
  sameList,
  sameRange,
  setFont,
} from "../common/axes.js";
import { colourScale, scaledIndex } from "../common/colormaps.js";
import { setDataset } from "../common/dom.js";
import { GEOMETRY } from "../common/geometry.js";

const { colour_bar: BAR, panel: PANEL, text: TEXT } = GEOMETRY;

/**
 * @typedef {Object} HeatmapData
 * @property {Float32Array} values time-major: values[t * rows + row]
 * @property {number} timesteps
 * @property {number} rows
 * @property {number} vmin
 * @property {number} vmax
 * @property {number[][]} table colour table, rows of [r, g, b]
 * @property {{ value: number, text: string }[]} colourTicks
 * @property {number[]} rowTicks rows to label (the kernel's)
 * @property {number[]} timeTicks timesteps to label (the kernel's)
 * @property {string[]} [tokens] word labels for the time axis
 * @property {import("../common/axes.js").Mark[]} [marks] the steps that matter to the task
 */

export class Heatmap {
  /**
   * @param {{ name: string, titles: string[], rowLabel: string, colourLabel: string,
   *   height: number }} options titles: the title, then shorter forms for a narrow panel
   */
  constructor({ name, titles, rowLabel, colourLabel, height }) {
    this.titles = titles;
    this.rowLabel = rowLabel;
    this.colourLabel = colourLabel;
    this.height = height;
    this.canvas = panelCanvas(name, titles[0]);
    // One pixel per cell, scaled up when drawn, from its top-left corner: the canvas only grows,
    // since a new size reallocates its bitmap, and a sequence-length slider changes the width
    // at every step.
    this.cells = document.createElement("canvas");
    /** @type {HeatmapData | null} */
    this.data = null;
    this.rect = plotRect(1, height);
    /** Columns [from, to] (0-based) shown in full, the rest dimmed; null shows every column. */
    this.reveal = null;
    /** A column (0-based) to mark with a line: the play head or the step in focus. */
    this.marker = null;
    /** Counts changes to what the panel shows, so a view redraws only the panels that changed. */
    this.version = 0;
  }

  /**
   * Take new data; the cells are recoloured only if it differs from what is shown (a new
   * W_hh scale leaves the input as it was).
   * @param {HeatmapData} data
   */
  setData(data) {
    const unchanged = this.data !== null && sameData(this.data, data);
    this.data = data;
    if (unchanged) return;
    this.version++;
    const { values, timesteps, rows, vmin, vmax, table } = data;
    if (this.cells.width < timesteps) this.cells.width = timesteps;
    if (this.cells.height < rows) this.cells.height = rows;
    const ctx = /** @type {CanvasRenderingContext2D} */ (this.cells.getContext("2d"));
    const image = ctx.createImageData(timesteps, rows);
    const pixels = new Uint32Array(image.data.buffer);
    const packed = packTable(table);
    const scale = colourScale(vmin, vmax, table.length);
    // Row by row, so that the pixels are written in order (the values are time-major).
    for (let row = 0; row < rows; row++) {
      const line = row * timesteps;
      for (let t = 0; t < timesteps; t++) {
        pixels[line + t] = packed[scaledIndex(values[t * rows + row], scale)];
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  /**
   * New words for the title (a gated cell's h_t says which scale it is drawn on).
   * @param {string[]} titles the title, then shorter forms
   */
  setTitles(titles) {
    if (sameList(titles, this.titles)) return;
    this.titles = titles;
    this.canvas.setAttribute("aria-label", titles[0]);
    this.version++;
  }

  /**
   * Play-through-time: columns [from, to] shown in full (null: all) and a marked column.
   * @param {[number, number] | null} reveal
   * @param {number | null} marker
   */
  setPlayback(reveal, marker) {
    if (marker === this.marker && sameRange(reveal, this.reveal)) return;
    this.reveal = reveal;
    this.marker = marker;
    this.version++;
  }

  /**
   * @param {number} width CSS pixels
   * @param {import("../common/theme.js").Theme} theme
   * @param {HTMLCanvasElement} canvas where to draw: the panel's own, or an export's
   * @param {number} [ratio] device pixels per CSS pixel
   */
  draw(width, theme, canvas = this.canvas, ratio = undefined) {
    // The title ends before the colour bar's label, which shares its (last) line.
    const s = theme.scale;
    const room = width - (MARGIN.left + MARGIN.right) * s +
      (BAR.offset - BAR.label_shift - PANEL.title_end_gap) * s;
    const { ctx, rect } = preparePanel(canvas,
      { width, height: this.height, theme, titles: this.titles, room, ratio });
    this.rect = rect;
    // Where the cells are, and on what, for hover and for tests that read pixels back.
    setDataset(canvas, {
      plotX: rect.x, plotY: rect.y, plotWidth: rect.width, plotHeight: rect.height, scale: s,
      background: theme.background, marks: (this.data?.marks ?? []).map(({ t }) => t).join(" "),
    });
    if (!this.data) return;
    const { timesteps, rows, tokens } = this.data;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.cells, 0, 0, timesteps, rows, rect.x, rect.y, rect.width, rect.height);
    drawMarks(ctx, theme, rect, timesteps, this.data.marks ?? []);
    drawPlayback(ctx, theme, rect, timesteps, this.reveal, this.marker);
    drawTimeAxis(ctx, theme, rect, timesteps, this.data.timeTicks, tokens);
    const { rowTicks } = this.data;
    drawLeftAxis(
      ctx,
      theme,
      rect,
      rowTicks.map((r) => ({ y: rect.y + ((r + 0.5) / rows) * rect.height, text: String(r) })),
      this.rowLabel,
    );
    this.drawColourBar(ctx, theme, rect);
  }

  drawColourBar(ctx, theme, rect) {
    const { vmin, vmax, table, colourTicks } = /** @type {HeatmapData} */ (this.data);
    const s = theme.scale;
    const x = rect.x + rect.width + BAR.offset * s;
    const barWidth = BAR.width * s;
    const y = (value) => rect.y + rect.height * (1 - (value - vmin) / (vmax - vmin || 1));
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(colourBarImage(table), x, rect.y, barWidth, rect.height);
    setFont(ctx, theme, "tick");
    ctx.fillStyle = theme.text;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    // Bottom up; a label that would run into the one below it is left out.
    const half = (TEXT.tick / 2) * s;
    let top = Infinity;
    for (const { value, text } of [...colourTicks].sort((p, q) => p.value - q.value)) {
      const at = y(value);
      if (at + half > top) continue;
      ctx.fillText(text, x + barWidth + BAR.text_gap * s, at);
      top = at - half;
    }
    setFont(ctx, theme, "label");
    ctx.fillStyle = theme.muted;
    ctx.textBaseline = "alphabetic";
    ctx.fillText(this.colourLabel, x - BAR.label_shift * s, rect.y - PANEL.title_offset * s);
  }

  /**
   * The cell under a pointer, or null.
   * @returns {{ t: number, row: number } | null} t and row 0-based
   */
  cellAt(clientX, clientY) {
    if (!this.data) return null;
    const box = this.canvas.getBoundingClientRect();
    const { x, y, width, height } = this.rect;
    const u = (clientX - box.left - x) / width;
    const v = (clientY - box.top - y) / height;
    if (u < 0 || u >= 1 || v < 0 || v >= 1) return null;
    return { t: Math.floor(u * this.data.timesteps), row: Math.floor(v * this.data.rows) };
  }
}

/** @type {WeakMap<number[][], Uint32Array>} */
const packedTables = new WeakMap();

/**
 * A colour table as 32-bit RGBA pixels in the platform's byte order, for ImageData (made once
 * per table: the tables are the kernel's, shared by every frame).
 * @param {number[][]} table
 */
function packTable(table) {
  let packed = packedTables.get(table);
  if (!packed) {
    const bytes = new Uint8ClampedArray(table.length * 4);
    table.forEach(([r, g, b], i) => bytes.set([r, g, b, 255], i * 4));
    packed = new Uint32Array(bytes.buffer);
    packedTables.set(table, packed);
  }
  return packed;
}

/** @type {WeakMap<number[][], HTMLCanvasElement>} */
const colourBars = new WeakMap();

/** A colour table as a one-pixel-wide image, its last colour on top: a colour bar to scale. */
function colourBarImage(table) {
  let image = colourBars.get(table);
  if (!image) {
    image = document.createElement("canvas");
    image.width = 1;
    image.height = table.length;
    const ctx = /** @type {CanvasRenderingContext2D} */ (image.getContext("2d"));
    const pixels = ctx.createImageData(1, table.length);
    table.forEach(([r, g, b], i) => pixels.data.set([r, g, b, 255], 4 * (table.length - 1 - i)));
    ctx.putImageData(pixels, 0, 0);
    colourBars.set(table, image);
  }
  return image;
}

/** @param {import("../common/axes.js").Mark} mark */
const markKey = ({ t, label }) => `${t}:${label}`;

/** Whether two heatmap data show the same picture (the same cells, scale, colours and labels). */
function sameData(a, b) {
  return (
    a.timesteps === b.timesteps &&
    a.rows === b.rows &&
    a.vmin === b.vmin &&
    a.vmax === b.vmax &&
    a.table === b.table &&
    sameList(a.tokens ?? [], b.tokens ?? []) &&
    sameList((a.marks ?? []).map(markKey), (b.marks ?? []).map(markKey)) &&
    sameList(a.rowTicks, b.rowTicks) &&
    sameList(a.timeTicks, b.timeTicks) &&
    sameList(a.colourTicks.map((tick) => tick.value), b.colourTicks.map((tick) => tick.value)) &&
    sameList(a.colourTicks.map((tick) => tick.text), b.colourTicks.map((tick) => tick.text)) &&
    sameList(a.values, b.values)
  );
}
