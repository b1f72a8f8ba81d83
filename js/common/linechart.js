// The gradient's size against time: log10 ||dL/dh_t||, the chart that makes vanishing and
// exploding gradients obvious at a glance. Values arrive as logarithms, so the chart covers
// 1e-500 as easily as 1e+500, and shades what lies beyond float64's range. An exact zero
// (log10 = -Infinity) lies below any log axis: the curve falls off the chart's bottom edge there,
// and the steps where it is zero are shaded with the kernel's note.

import {
  drawGridLines,
  drawLeftAxis,
  drawMarkLabels,
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
} from "./axes.js";
import { setDataset } from "./dom.js";
import { FLOAT64_LIMITS, rangeNote } from "./format.js";
import { GEOMETRY } from "./geometry.js";

const { chart: CHART, legend: LEGEND, panel: PANEL } = GEOMETRY;

export class NormChart {
  /**
   * @param {{ title?: string, height: number, name?: string }} options the title comes with
   *   the data, and the height too where the kernel sends one; `name` is the canvas's
   *   data-panel (another where a view shows two such charts)
   */
  constructor({ title = "", height, name = "norms" }) {
    this.title = title;
    /** The title, then shorter forms for a narrow chart (the kernel's). */
    this.titles = [title];
    this.axisLabel = "";
    /** @type {[number, string][]} */
    this.ticks = [];
    /** @type {number[]} */
    this.timeTicks = [];
    this.height = height;
    this.canvas = panelCanvas(name, title);
    /** @type {Float32Array | null} the first series: what hover and the x axis read */
    this.logNorms = null;
    /** @type {{ label: string, values: Float32Array }[]} */
    this.series = [];
    this.rect = plotRect(1, height);
    this.range = { lo: -1, hi: 1 };
    /** @type {{ first: number, last: number, note: string }[]} steps where curves are 0 */
    this.zeros = [];
    /** @type {import("./axes.js").Mark[]} the steps that matter to the task */
    this.marks = [];
    this.reveal = null;
    this.marker = null;
    /** Counts changes to what the chart shows, so a view redraws only the panels that changed. */
    this.version = 0;
  }

  /**
   * @param {{ label: string, values: Float32Array }[]} series log10 ||dL/dh_t|| for
   *   t = 1 ... T, one curve per layer
   * @param {{ title: string, titles?: string[], axis_label: string, range: [number, number],
   *   ticks: [number, string][], time_ticks: number[], height?: number,
   *   zeros?: { first: number, last: number, note: string }[],
   *   marks?: import("./axes.js").Mark[] }} axis the kernel's: the decades shown and the
   *   labelled ones (a comparison shares one range across its charts), the chart's title and
   *   its shorter forms, its height where it sends one, the steps (1-based) where curves are
   *   exactly 0, and the steps that matter to the task
   */
  setData(series, axis) {
    const height = axis.height ?? this.height;
    const zeros = axis.zeros ?? [];
    const marks = axis.marks ?? [];
    const unchanged =
      height === this.height && series.length === this.series.length &&
      axis.range[0] === this.range.lo && axis.range[1] === this.range.hi &&
      sameList(axis.titles ?? [axis.title], this.titles) && sameList(axis.ticks.map(([d]) => d), this.ticks.map(([d]) => d)) &&
      sameList(axis.time_ticks ?? [], this.timeTicks) &&
      sameList(zeros.map((run) => `${run.first}:${run.last}:${run.note}`),
        this.zeros.map((run) => `${run.first}:${run.last}:${run.note}`)) &&
      sameList(marks.map(({ t, label }) => `${t}:${label}`),
        this.marks.map(({ t, label }) => `${t}:${label}`)) &&
      series.every((s, i) => s.label === this.series[i].label && sameList(s.values, this.series[i].values));
    if (unchanged) return;
    this.version++;
    this.height = height;
    this.series = series;
    this.logNorms = series[0].values;
    this.title = axis.title;
    this.titles = axis.titles ?? [axis.title];
    this.axisLabel = axis.axis_label;
    this.canvas.setAttribute("aria-label", axis.title);
    this.range = { lo: axis.range[0], hi: axis.range[1] };
    this.ticks = axis.ticks;
    this.timeTicks = axis.time_ticks ?? [];
    this.zeros = zeros;
    this.marks = marks;
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
    const s = theme.scale;
    const room = width - (MARGIN.left + PANEL.title_end_gap) * s; // over the legend's margin
    const { ctx, rect } = preparePanel(canvas,
      { width, height: this.height, theme, titles: this.titles, room, ratio });
    this.rect = rect;
    setDataset(canvas, {
      plotX: rect.x, plotY: rect.y, plotWidth: rect.width, plotHeight: rect.height,
      lo: this.range.lo, hi: this.range.hi, timeTicks: this.timeTicks.join(" "), scale: s,
      marks: this.marks.map(({ t }) => t).join(" "),
    });
    if (!this.logNorms) return;
    const T = this.logNorms.length;

    this.shadeBeyondFloat64(ctx, theme, rect);
    this.shadeZeros(ctx, theme, rect, T);
    drawGridLines(ctx, theme, rect, this.ticks.map(([d]) => this.y(d)));
    drawLeftAxis(ctx, theme, rect, this.ticks.map(([d, text]) => ({ y: this.y(d), text })),
      this.axisLabel);
    drawTimeAxis(ctx, theme, rect, T, this.timeTicks);
    const marks = drawMarks(ctx, theme, rect, T, this.marks); // behind the curves, their labels on top

    // The curves, clipped to the plot: an exact zero (-inf) next to a value is a point below
    // the bottom edge, so the curve falls off the chart there; a value with no neighbour to join
    // (a single step, the last step after zeros) is a dot.
    const colours = CHART.series.map((role) => theme[role]);
    const floor = rect.y + rect.height + CHART.line_width * theme.scale;
    ctx.save();
    ctx.beginPath();
    ctx.rect(rect.x, rect.y, rect.width, rect.height);
    ctx.clip();
    this.series.forEach(({ values }, i) => {
      ctx.strokeStyle = colours[i % colours.length];
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = CHART.line_width * theme.scale;
      ctx.lineJoin = "round";
      ctx.beginPath();
      const finite = (/** @type {number} */ t) => t >= 0 && t < T && Number.isFinite(values[t]);
      let drawing = false;
      for (let t = 0; t < T; t++) {
        const v = values[t];
        const fallen = v === -Infinity && (finite(t - 1) || finite(t + 1));
        if (!Number.isFinite(v) && !fallen) {
          drawing = false;
          continue;
        }
        const y = fallen ? floor : this.y(v);
        if (drawing) ctx.lineTo(this.x(t), y);
        else ctx.moveTo(this.x(t), y);
        drawing = true;
      }
      ctx.stroke();
      for (let t = 0; t < T; t++) {
        if (!finite(t) || finite(t - 1) || finite(t + 1)) continue;
        ctx.beginPath();
        ctx.arc(this.x(t), this.y(values[t]), CHART.dot_radius * theme.scale, 0, 2 * Math.PI);
        ctx.fill();
      }
    });
    ctx.restore();
    drawMarkLabels(ctx, theme, rect, this.marks, marks);
    drawPlayback(ctx, theme, rect, T, this.reveal, this.marker);
    if (this.series.length > 1) this.drawLegend(ctx, theme, rect, colours);
  }

  drawLegend(ctx, theme, rect, colours) {
    setFont(ctx, theme, "legend");
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    const s = theme.scale;
    const x = rect.x + rect.width + LEGEND.offset * s;
    this.series.forEach(({ label }, i) => {
      const y = rect.y + (LEGEND.top + i * LEGEND.row) * s;
      ctx.fillStyle = colours[i % colours.length];
      ctx.fillRect(x, y - (LEGEND.swatch_height / 2) * s, LEGEND.swatch_width * s,
        LEGEND.swatch_height * s);
      ctx.fillStyle = theme.text;
      ctx.fillText(label, x + LEGEND.text * s, y);
    });
  }

  shadeBeyondFloat64(ctx, theme, rect) {
    const { lo, hi } = this.range;
    setFont(ctx, theme, "note");
    ctx.textAlign = "right";
    ctx.textBaseline = "top";
    // Each band's label is the note the words give a magnitude beyond that edge.
    /** @type {[number, number, string][]} */
    const bands = [
      [FLOAT64_LIMITS.max, hi, rangeNote(hi)],
      [FLOAT64_LIMITS.min, lo, rangeNote(lo)],
    ];
    for (const [edge, beyond, label] of bands) {
      const outside = edge > 0 ? hi > edge : lo < edge;
      if (!outside) continue;
      const yEdge = this.y(Math.max(lo, Math.min(hi, edge)));
      const yFar = this.y(beyond);
      ctx.fillStyle = theme.panel;
      ctx.fillRect(rect.x, Math.min(yEdge, yFar), rect.width, Math.abs(yFar - yEdge));
      ctx.fillStyle = theme.warn;
      ctx.fillText(label, rect.x + rect.width - CHART.note_inset * theme.scale,
        Math.min(yEdge, yFar) + CHART.note_top * theme.scale);
    }
  }

  /** The steps where curves are exactly 0, shaded, with the kernel's note at their top left. */
  shadeZeros(ctx, theme, rect, T) {
    setFont(ctx, theme, "note");
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    for (const { first, last, note } of this.zeros) {
      const left = rect.x + ((first - 1) / T) * rect.width;
      const right = rect.x + (last / T) * rect.width;
      ctx.fillStyle = theme.panel;
      ctx.fillRect(left, rect.y, right - left, rect.height);
      ctx.fillStyle = theme.muted;
      ctx.fillText(note, left + CHART.note_inset * theme.scale,
        rect.y + CHART.note_top * theme.scale);
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
