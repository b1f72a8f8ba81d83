// A quantity against the training step: the loss, the validation accuracy, the gradient norm,
// the spectral radius. Lines and dots, dashed reference levels (chance, the clipping threshold,
// radius 1), on a linear axis or on a log axis whose values arrive as base-10 logarithms. The
// axes (range, ticks and their labels) are the kernel's, placed by its one tick rule.

import {
  drawGridLines,
  drawLeftAxis,
  drawBottomAxis,
  fillTextOverCurves,
  MARGIN,
  plotRect,
  preparePanel,
  setFont,
} from "../common/axes.js";
import { setDataset } from "../common/dom.js";
import { GEOMETRY } from "../common/geometry.js";

const { chart: CHART, legend: LEGEND, panel: PANEL, playback: PLAYBACK, step_chart: STEP } =
  GEOMETRY;

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
  /** @type {string} */ markLabel;

  /**
   * @param {{ name: string, height: number, markLabel?: string }} options  `markLabel`: what
   *   the marks along the bottom show, for the legend. The words and the axes come with the
   *   data.
   */
  constructor({ name, height, markLabel = "" }) {
    Object.assign(this, { title: "", axisLabel: "", height, markLabel });
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
    /** @type {[number, string][]} the kernel's labelled values on the y axis */
    this.ticks = [];
    /** @type {[number, string][]} the kernel's labelled steps on the x axis */
    this.stepTicks = [];
    this.xMax = 1;
    /** @type {number | null} the training step whose network the mechanism shows, marked */
    this.marker = null;
    this.range = { lo: 0, hi: 1 };
    this.rect = plotRect(1, height);
  }

  /**
   * @param {{ title: string, axis_label: string, series: Series[], references?: Reference[],
   *   marks?: Mark[], xMax: number, range: [number, number], ticks: [number, string][],
   *   step_ticks: [number, string][] }} data  the title, axis label, references, range and
   *   ticks are the kernel's
   */
  setData({ title, axis_label: axisLabel, series, references = [], marks = [], xMax, range,
    ticks, step_ticks: stepTicks }) {
    Object.assign(this, { title, axisLabel, series, references, marks, ticks, stepTicks,
      xMax: Math.max(1, xMax), range: { lo: range[0], hi: range[1] } });
    if (this.canvas.getAttribute("aria-label") !== title) this.canvas.setAttribute("aria-label", title);
  }

  /**
   * Mark the training step whose network the mechanism panels show (null: none, "now").
   * @param {number | null} step
   */
  setMarker(step) {
    this.marker = step;
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
    // What the axes show, for tests and tools: the kernel's ticks, as drawn, and the text scale.
    setDataset(this.canvas, { lo: this.range.lo, hi: this.range.hi, scale: theme.scale,
      ticks: this.ticks.map(([, text]) => text).join(" "),
      stepTicks: this.stepTicks.map(([, text]) => text).join(" "),
      marker: this.marker ?? "" });

    drawGridLines(ctx, theme, rect, this.ticks.map(([v]) => this.y(v)));
    drawLeftAxis(ctx, theme, rect, this.ticks.map(([v, text]) => ({ y: this.y(v), text })),
      this.axisLabel);
    drawBottomAxis(ctx, theme, rect, this.stepTicks.map(([s, text]) => ({ x: this.x(s), text })),
      "training step");

    ctx.save();
    // The plot, and a dot's radius around it: a dot at either end, or on the range's edge, is
    // drawn whole.
    const spill = STEP.dot_radius * theme.scale;
    ctx.beginPath();
    ctx.rect(rect.x - spill, rect.y - spill, rect.width + 2 * spill, rect.height + 2 * spill);
    ctx.clip();
    for (const { value } of this.references) this.drawReference(ctx, theme, rect, value);
    for (const series of this.series) this.drawSeries(ctx, theme, series);
    // The references' words over the curves: a curve running along "chance" (an untrained or
    // failing network's) leaves them readable.
    for (const reference of this.references) this.labelReference(ctx, theme, rect, reference);
    ctx.fillStyle = theme.warn;
    const { mark_width: markWidth, mark_height: markHeight } = STEP;
    for (const { x } of this.marks) {
      ctx.fillRect(this.x(x) - markWidth / 2, rect.y + rect.height - markHeight, markWidth,
        markHeight);
    }
    ctx.restore();
    if (this.marker !== null) this.drawMarker(ctx, theme, rect, this.marker);
    this.drawLegend(ctx, theme, rect);
  }

  /** The step the mechanism shows: a dashed line across the plot, as the explorer's play head. */
  drawMarker(ctx, theme, rect, step) {
    const x = this.x(Math.min(step, this.xMax));
    ctx.save();
    ctx.strokeStyle = theme.text;
    ctx.lineWidth = PLAYBACK.line_width * theme.scale;
    ctx.setLineDash(PLAYBACK.dash.map((d) => d * theme.scale));
    ctx.beginPath();
    ctx.moveTo(x, rect.y);
    ctx.lineTo(x, rect.y + rect.height);
    ctx.stroke();
    ctx.restore();
  }

  /** A reference level: a dashed line across the plot. */
  drawReference(ctx, theme, rect, /** @type {number} */ value) {
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
  }

  /** A reference level's words at the plot's right end: above the line, or below it where
   * the line runs along the top of the plot. */
  labelReference(ctx, theme, rect, /** @type {Reference} */ { value, label }) {
    const y = this.y(value);
    const below = y - STEP.reference_flip * theme.scale < rect.y;
    const x = rect.x + rect.width - STEP.reference_inset * theme.scale;
    const at = below ? y + STEP.reference_below : y - STEP.reference_above;
    setFont(ctx, theme, "note");
    ctx.textAlign = "right";
    ctx.textBaseline = below ? "top" : "bottom";
    ctx.fillStyle = theme.muted;
    fillTextOverCurves(ctx, theme, label, x, at);
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
