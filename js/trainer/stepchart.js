// A quantity against the training step: the loss, the validation accuracy, the gradient norm,
// the spectral radius. Lines and dots, dashed reference levels (chance, the clipping threshold,
// radius 1), on a linear axis or on a log axis whose values arrive as base-10 logarithms.

import {
  drawGridLines,
  drawLeftAxis,
  drawBottomAxis,
  MARGIN,
  niceTicks,
  plotRect,
  preparePanel,
  setFont,
} from "../common/axes.js";
import { setDataset } from "../common/dom.js";
import { formatDecade } from "../common/format.js";
import { GEOMETRY } from "../common/geometry.js";

const { chart: CHART, legend: LEGEND, panel: PANEL, step_chart: STEP } = GEOMETRY;

/**
 * @typedef {{ label: string, x: ArrayLike<number>, y: ArrayLike<number>,
 *   style: "line" | "dots", colour: "line" | "warn" | "muted" }} Series
 *   y in the chart's units: log10 of the value on a log chart
 * @typedef {{ value: number, label: string }} Reference  a dashed level, in the chart's units
 * @typedef {{ x: number }} Mark  a tick along the bottom of the plot, at a step
 */

export class StepChart {
  /** @type {string} */ title;
  /** @type {string} */ axisLabel;
  /** @type {number} */ height;
  /** @type {boolean} */ log;
  /** @type {[number, number] | null} */ fixedRange;
  /** @type {string} */ markLabel;

  /**
   * @param {{ name: string, height: number, log?: boolean, range?: [number, number] | null,
   *   markLabel?: string }} options  `range`: fixed y limits (else fitted); `markLabel`: what
   *   the marks along the bottom show, for the legend. The words come with the data.
   */
  constructor({ name, height, log = false, range = null, markLabel = "" }) {
    Object.assign(this, { title: "", axisLabel: "", height, log, fixedRange: range, markLabel });
    this.canvas = document.createElement("canvas");
    this.canvas.className = "rnnwidget-canvas";
    this.canvas.dataset.panel = name;
    this.canvas.setAttribute("role", "img");
    /** @type {Series[]} */
    this.series = [];
    /** @type {Reference[]} */
    this.references = [];
    /** @type {Mark[]} */
    this.marks = [];
    this.xMax = 1;
    this.range = { lo: 0, hi: 1 };
    this.rect = plotRect(1, height);
  }

  /**
   * @param {{ title: string, axis_label: string, series: Series[], references?: Reference[],
   *   marks?: Mark[], xMax: number }} data  the title, axis label and references are the kernel's
   */
  setData({ title, axis_label: axisLabel, series, references = [], marks = [], xMax }) {
    Object.assign(this, { title, axisLabel, series, references, marks, xMax: Math.max(1, xMax) });
    if (this.canvas.getAttribute("aria-label") !== title) this.canvas.setAttribute("aria-label", title);
    this.range = this.fitRange();
  }

  /** The y range: fixed, or every finite value and reference with a margin. */
  fitRange() {
    if (this.fixedRange) return { lo: this.fixedRange[0], hi: this.fixedRange[1] };
    let lo = Infinity;
    let hi = -Infinity;
    const take = (v) => {
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    };
    for (const { y } of this.series) for (let i = 0; i < y.length; i++) take(y[i]);
    for (const { value } of this.references) take(value);
    if (!Number.isFinite(lo)) [lo, hi] = this.log ? [-1, 1] : [0, 1];
    if (this.log) return { lo: Math.floor(lo - 0.05 * (hi - lo)), hi: Math.ceil(hi + 0.05 * (hi - lo)) };
    const pad = Math.max((hi - lo) * 0.08, 0.05);
    return { lo: Math.max(0, lo - pad), hi: hi + pad };
  }

  x(step) {
    return this.rect.x + (step / this.xMax) * this.rect.width;
  }

  y(value) {
    const { lo, hi } = this.range;
    const clamped = Math.max(lo, Math.min(hi, value));
    return this.rect.y + this.rect.height * (1 - (clamped - lo) / (hi - lo || 1));
  }

  /**
   * @param {number} width CSS pixels
   * @param {import("../common/theme.js").Theme} theme
   */
  draw(width, theme) {
    const room = width - (MARGIN.left + PANEL.title_end_gap) * theme.scale; // over the legend's
    const { ctx, rect } = preparePanel(this.canvas,
      { width, height: this.height, theme, titles: this.title, room });
    this.rect = rect;
    setDataset(this.canvas, { lo: this.range.lo, hi: this.range.hi, scale: theme.scale });

    const ticks = this.log
      ? niceTicks(this.range.lo, this.range.hi, 4).filter(Number.isInteger)
      : niceTicks(this.range.lo, this.range.hi, 4);
    drawGridLines(ctx, theme, rect, ticks.map((v) => this.y(v)));
    const text = (v) => (this.log ? formatDecade(v) : String(Number(v.toPrecision(3))));
    drawLeftAxis(ctx, theme, rect, ticks.map((v) => ({ y: this.y(v), text: text(v) })), this.axisLabel);
    this.drawStepAxis(ctx, theme, rect);

    ctx.save();
    ctx.beginPath();
    ctx.rect(rect.x, rect.y, rect.width, rect.height);
    ctx.clip();
    for (const reference of this.references) this.drawReference(ctx, theme, rect, reference);
    for (const series of this.series) this.drawSeries(ctx, theme, series);
    ctx.fillStyle = theme.warn;
    const { mark_width: markWidth, mark_height: markHeight } = STEP;
    for (const { x } of this.marks) {
      ctx.fillRect(this.x(x) - markWidth / 2, rect.y + rect.height - markHeight, markWidth,
        markHeight);
    }
    ctx.restore();
    this.drawLegend(ctx, theme, rect);
  }

  drawStepAxis(ctx, theme, rect) {
    const ticks = niceTicks(0, this.xMax, 5).filter((s) => Number.isInteger(s));
    drawBottomAxis(ctx, theme, rect,
      ticks.map((s) => ({ x: this.x(s), text: s.toLocaleString("en-US") })), "training step");
  }

  drawReference(ctx, theme, rect, { value, label }) {
    const y = this.y(value);
    ctx.save();
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = STEP.reference_width * theme.scale;
    ctx.setLineDash(STEP.reference_dash);
    ctx.beginPath();
    ctx.moveTo(rect.x, y);
    ctx.lineTo(rect.x + rect.width, y);
    ctx.stroke();
    ctx.restore();
    setFont(ctx, theme, "note");
    ctx.fillStyle = theme.muted;
    ctx.textAlign = "right";
    // Above the line, or below it where the line runs along the top of the plot.
    const below = y - STEP.reference_flip * theme.scale < rect.y;
    ctx.textBaseline = below ? "top" : "bottom";
    ctx.fillText(label, rect.x + rect.width - STEP.reference_inset * theme.scale,
      below ? y + STEP.reference_below : y - STEP.reference_above);
  }

  /** A line (broken where a value is not finite) or dots. */
  drawSeries(ctx, theme, { x, y, style, colour }) {
    ctx.strokeStyle = ctx.fillStyle = theme[colour];
    ctx.lineWidth = CHART.line_width * theme.scale;
    ctx.lineJoin = "round";
    if (style === "dots") {
      const r = STEP.dot_radius * theme.scale;
      for (let i = 0; i < y.length; i++) {
        if (!Number.isFinite(y[i])) continue;
        ctx.beginPath();
        ctx.arc(this.x(x[i]), this.y(y[i]), r, 0, 2 * Math.PI);
        ctx.fill();
      }
      return;
    }
    ctx.beginPath();
    let drawing = false;
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i])) {
        drawing = false;
        continue;
      }
      if (drawing) ctx.lineTo(this.x(x[i]), this.y(y[i]));
      else ctx.moveTo(this.x(x[i]), this.y(y[i]));
      drawing = true;
    }
    ctx.stroke();
  }

  drawLegend(ctx, theme, rect) {
    const s = theme.scale;
    setFont(ctx, theme, "legend");
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    const x = rect.x + rect.width + LEGEND.offset * s;
    const swatch = { width: LEGEND.swatch_width * s, height: LEGEND.swatch_height * s };
    this.series.forEach(({ label, colour, style }, i) => {
      const y = rect.y + (LEGEND.top + i * LEGEND.row) * s;
      ctx.fillStyle = theme[colour];
      if (style === "dots") {
        ctx.beginPath();
        ctx.arc(x + swatch.width / 2, y, STEP.dot_radius * s, 0, 2 * Math.PI);
        ctx.fill();
      } else {
        ctx.fillRect(x, y - swatch.height / 2, swatch.width, swatch.height);
      }
      ctx.fillStyle = theme.text;
      ctx.fillText(label, x + LEGEND.text * s, y);
    });
    if (this.marks.length && this.markLabel) {
      const y = rect.y + (LEGEND.top + this.series.length * LEGEND.row) * s;
      const height = STEP.legend_mark_height * s;
      ctx.fillStyle = theme.warn;
      ctx.fillRect(x + STEP.legend_mark_x * s, y - height / 2, STEP.mark_width * s, height);
      ctx.fillStyle = theme.text;
      ctx.fillText(this.markLabel, x + LEGEND.text * s, y);
    }
  }
}
