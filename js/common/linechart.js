// The gradient's size against time: log10 ||dL/dh_t||, the chart that makes vanishing and
// exploding gradients obvious at a glance. Values arrive as logarithms, so the chart covers
// 1e-500 as easily as 1e+500, and shades what lies beyond float64's range.

import {
  drawGridLines,
  drawLeftAxis,
  drawPlayback,
  drawTimeAxis,
  drawTitle,
  niceTicks,
  panelCanvas,
  plotRect,
  prepareCanvas,
  sameList,
  sameRange,
  setFont,
} from "./axes.js";
import { setDataset } from "./dom.js";
import { FLOAT64_LIMITS, formatDecade } from "./format.js";

export class NormChart {
  /** @param {{ title: string, height: number }} options */
  constructor({ title, height }) {
    this.title = title;
    this.height = height;
    this.canvas = panelCanvas("norms", title);
    /** @type {Float32Array | null} the first series: what hover and the x axis read */
    this.logNorms = null;
    /** @type {{ label: string, values: Float32Array }[]} */
    this.series = [];
    this.rect = plotRect(1, height);
    this.range = { lo: -1, hi: 1 };
    this.reveal = null;
    this.marker = null;
    /** Counts changes to what the chart shows, so a view redraws only the panels that changed. */
    this.version = 0;
  }

  /**
   * @param {{ label: string, values: Float32Array }[]} series log10 ||dL/dh_t|| for
   *   t = 1 ... T, one curve per layer
   */
  setData(series) {
    const unchanged =
      series.length === this.series.length &&
      series.every((s, i) => s.label === this.series[i].label && sameList(s.values, this.series[i].values));
    if (unchanged) return;
    this.version++;
    this.series = series;
    this.logNorms = series[0].values;
    let lo = Infinity;
    let hi = -Infinity;
    for (const { values } of series) {
      for (const v of values) {
        if (Number.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!Number.isFinite(lo)) [lo, hi] = [-1, 1];
    // Always show the last step's level (0) and at least two decades.
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
    const pad = Math.max(1, (hi - lo) * 0.08);
    this.range = { lo: Math.floor(lo - pad), hi: Math.ceil(hi + pad) };
  }

  /**
   * Play-through-time: steps [from, to] shown in full (null: all) and a marked step.
   * @param {[number, number] | null} reveal
   * @param {number | null} marker
   */
  setPlayback(reveal, marker) {
    if (marker === this.marker && sameRange(reveal, this.reveal)) return;
    this.reveal = reveal;
    this.marker = marker;
    this.version++;
  }

  y(log10) {
    const { lo, hi } = this.range;
    return this.rect.y + this.rect.height * (1 - (log10 - lo) / (hi - lo));
  }

  x(t) {
    const T = this.logNorms?.length ?? 1;
    return this.rect.x + ((t + 0.5) / T) * this.rect.width;
  }

  /**
   * @param {number} width CSS pixels
   * @param {import("./theme.js").Theme} theme
   * @param {HTMLCanvasElement} canvas where to draw: the panel's own, or an export's
   * @param {number} [ratio] device pixels per CSS pixel
   */
  draw(width, theme, canvas = this.canvas, ratio = undefined) {
    const height = this.height * theme.scale;
    const ctx = prepareCanvas(canvas, width, height, ratio);
    const rect = (this.rect = plotRect(width, height));
    setDataset(canvas, {
      plotX: rect.x, plotY: rect.y, plotWidth: rect.width, plotHeight: rect.height,
      lo: this.range.lo, hi: this.range.hi,
    });
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, height);
    drawTitle(ctx, theme, rect, this.title);
    if (!this.logNorms) return;
    const T = this.logNorms.length;
    const { lo, hi } = this.range;

    this.shadeBeyondFloat64(ctx, theme, rect);
    const decades = niceTicks(lo, hi, 5).filter(Number.isInteger);
    drawGridLines(ctx, theme, rect, decades.map((d) => this.y(d)));
    drawLeftAxis(ctx, theme, rect, decades.map((d) => ({ y: this.y(d), text: formatDecade(d) })), "‖dL/dh_t‖");
    drawTimeAxis(ctx, theme, rect, T);

    // The curves; an exact zero (-inf) breaks one.
    const colours = [theme.line, theme.warn];
    ctx.save();
    ctx.beginPath();
    ctx.rect(rect.x, rect.y, rect.width, rect.height);
    ctx.clip();
    this.series.forEach(({ values }, i) => {
      ctx.strokeStyle = colours[i % colours.length];
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = 2 * theme.scale;
      ctx.lineJoin = "round";
      ctx.beginPath();
      let drawing = false;
      for (let t = 0; t < T; t++) {
        const v = values[t];
        if (!Number.isFinite(v)) {
          drawing = false;
          continue;
        }
        if (drawing) ctx.lineTo(this.x(t), this.y(v));
        else ctx.moveTo(this.x(t), this.y(v));
        drawing = true;
      }
      ctx.stroke();
      if (T === 1 && Number.isFinite(values[0])) {
        ctx.beginPath();
        ctx.arc(this.x(0), this.y(values[0]), 3 * theme.scale, 0, 2 * Math.PI);
        ctx.fill();
      }
    });
    ctx.restore();
    drawPlayback(ctx, theme, rect, T, this.reveal, this.marker);
    if (this.series.length > 1) this.drawLegend(ctx, theme, rect, colours);
  }

  drawLegend(ctx, theme, rect, colours) {
    setFont(ctx, theme, 11);
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    let x = rect.x + rect.width + 10;
    this.series.forEach(({ label }, i) => {
      const y = rect.y + 8 + i * 16 * theme.scale;
      ctx.fillStyle = colours[i % colours.length];
      ctx.fillRect(x, y - 1.5, 14, 3);
      ctx.fillStyle = theme.text;
      ctx.fillText(label, x + 18, y);
    });
  }

  shadeBeyondFloat64(ctx, theme, rect) {
    const { lo, hi } = this.range;
    setFont(ctx, theme, 10);
    ctx.textAlign = "right";
    ctx.textBaseline = "top";
    for (const [edge, beyond, label] of [
      [FLOAT64_LIMITS.max, hi, "beyond float64 (> 1e308)"],
      [FLOAT64_LIMITS.min, lo, "underflows float64 (< 1e-308)"],
    ]) {
      const outside = edge > 0 ? hi > edge : lo < edge;
      if (!outside) continue;
      const yEdge = this.y(Math.max(lo, Math.min(hi, edge)));
      const yFar = this.y(beyond);
      ctx.fillStyle = theme.panel;
      ctx.fillRect(rect.x, Math.min(yEdge, yFar), rect.width, Math.abs(yFar - yEdge));
      ctx.fillStyle = theme.warn;
      ctx.fillText(label, rect.x + rect.width - 4, Math.min(yEdge, yFar) + 3);
    }
  }

  /** The timestep under a pointer (0-based), or null. */
  stepAt(clientX, clientY) {
    if (!this.logNorms) return null;
    const box = this.canvas.getBoundingClientRect();
    const u = (clientX - box.left - this.rect.x) / this.rect.width;
    const v = (clientY - box.top - this.rect.y) / this.rect.height;
    if (u < 0 || u >= 1 || v < 0 || v >= 1) return null;
    return Math.floor(u * this.logNorms.length);
  }
}
