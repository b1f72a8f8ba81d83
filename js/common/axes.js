// What every panel shares: a HiDPI canvas, its plot rectangle, ticks and labels.

import { GEOMETRY } from "./geometry.js";

const { axis: AXIS, marks: MARKS, panel: PANEL, playback: PLAYBACK, text: TEXT } = GEOMETRY;

/**
 * A panel's canvas: an image for screen readers, named by `data-panel` for tests and export.
 * @param {string} name
 * @param {string} [label] the accessible description
 */
export function panelCanvas(name, label) {
  const canvas = document.createElement("canvas");
  canvas.className = "rnnwidget-canvas";
  canvas.dataset.panel = name;
  canvas.setAttribute("role", "img");
  if (label) canvas.setAttribute("aria-label", label);
  return canvas;
}

/**
 * Space around each plot, in CSS pixels at scale 1 (the same for every panel, so time lines
 * up); presentation mode multiplies it with the text.
 */
export const MARGIN = PANEL.margin;

/**
 * Size a canvas for its CSS box at `ratio` device pixels per CSS pixel (the screen's, unless an
 * export asks for more) and return a cleared context that draws in CSS pixels.
 *
 * The size is written only when it changes: assigning a canvas's width reallocates its bitmap
 * and its compositor resources, even for the same number, and a slider step redraws every panel.
 * @param {HTMLCanvasElement} canvas
 * @param {number} width CSS pixels
 * @param {number} height CSS pixels
 */
export function prepareCanvas(canvas, width, height, ratio = window.devicePixelRatio || 1) {
  const dpr = ratio;
  const pixelWidth = Math.max(1, Math.round(width * dpr));
  const pixelHeight = Math.max(1, Math.round(height * dpr));
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
    canvas.width = pixelWidth; // also resets the context's state
    canvas.height = pixelHeight;
  } else if (typeof ctx.reset === "function") {
    ctx.reset(); // the same size: clear the pixels and the state, keep the bitmap
  } else {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, pixelWidth, pixelHeight);
  }
  if (canvas.style.width !== `${width}px`) canvas.style.width = `${width}px`;
  if (canvas.style.height !== `${height}px`) canvas.style.height = `${height}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/**
 * The plot area inside a panel of the given CSS size, at a text `scale`, below `above` more CSS
 * pixels of title than one line.
 */
export function plotRect(width, height, scale = 1, above = 0) {
  return {
    x: MARGIN.left * scale,
    y: MARGIN.top * scale + above,
    width: Math.max(1, width - (MARGIN.left + MARGIN.right) * scale),
    height: Math.max(1, height - (MARGIN.top + MARGIN.bottom) * scale - above),
  };
}

/**
 * Size a panel's canvas (see prepareCanvas), paint its background and write its title whole:
 * the first of the kernel's `titles` (the title, then shorter forms) that fits in `room` CSS
 * pixels on one line; where none does, the shortest wraps onto more lines and the panel grows
 * by as many, so its plot keeps its height and no title is ever cut.
 * @param {HTMLCanvasElement} canvas
 * @param {{ width: number, height: number, theme: import("./theme.js").Theme,
 *   titles: string | string[], room: number, ratio?: number }} panel  height: at scale 1,
 *   without the title's extra lines; room: the title's width, from the plot's left edge
 * @returns {{ ctx: CanvasRenderingContext2D, rect: ReturnType<typeof plotRect> }}
 */
export function preparePanel(canvas, { width, height, theme, titles, room, ratio }) {
  const s = theme.scale;
  const measure = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  setFont(measure, theme, "title", "600");
  const options = typeof titles === "string" ? [titles] : titles;
  const fits = options.find((text) => measure.measureText(text).width <= room);
  const lines = fits !== undefined ? [fits] : wrapText(measure, options.at(-1) ?? "", room);
  const above = (lines.length - 1) * PANEL.title_line * s;
  const ctx = prepareCanvas(canvas, width, height * s + above, ratio);
  const rect = plotRect(width, height * s + above, s, above);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height * s + above);
  setFont(ctx, theme, "title", "600");
  ctx.fillStyle = theme.text;
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  lines.forEach((line, i) => ctx.fillText(line, rect.x,
    rect.y - PANEL.title_offset * s - (lines.length - 1 - i) * PANEL.title_line * s));
  return { ctx, rect };
}

/**
 * `text` in lines no wider than `width` pixels in the context's font, broken between words
 * (a single word wider than that keeps a line of its own).
 * @returns {string[]}
 */
export function wrapText(ctx, text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(" ")) {
    const longer = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(longer).width > width) {
      lines.push(line);
      line = word;
    } else {
      line = longer;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * The font for a text of `role` (its size is geometry.json's), at the theme's scale.
 * @param {CanvasRenderingContext2D} ctx
 * @param {import("./theme.js").Theme} theme
 * @param {import("./geometry.js").TextRole} role
 */
export function setFont(ctx, theme, role, weight = "normal") {
  ctx.font = `${weight} ${TEXT[role] * theme.scale}px ${theme.font}`;
}

/**
 * The time axis under a plot: ticks at t (1-based; x of the centre of column t - 1), the
 * kernel's `ticks`, and a label. Token labels (a sentence) replace the numbers while they fit.
 * @param {number[]} ticks
 * @param {string[]} [tokens]
 */
export function drawTimeAxis(ctx, theme, rect, T, ticks, tokens = []) {
  const x = (/** @type {number} */ t) => rect.x + ((t - 0.5) / T) * rect.width;
  const useTokens = tokens.length > 0 && rect.width / T >= AXIS.token_width * theme.scale;
  const shown = useTokens ? tokens.map((_, i) => i + 1) : ticks;
  drawBottomAxis(ctx, theme, rect,
    shown.map((t) => ({ x: x(t), text: useTokens ? tokens[t - 1] : String(t) })),
    useTokens ? "word (timestep t)" : "timestep t");
}

/**
 * An axis under a plot: tick marks, their labels on one line (a label that would run into the
 * one before it is left out, so a narrow or enlarged panel thins its labels rather than
 * overlapping them), and the axis label on the line below, at the right.
 * @param {{ x: number, text: string }[]} ticks
 * @param {string} label
 */
export function drawBottomAxis(ctx, theme, rect, ticks, label) {
  const s = theme.scale;
  const y = rect.y + rect.height;
  setFont(ctx, theme, "tick");
  ctx.fillStyle = theme.text;
  ctx.strokeStyle = theme.muted;
  ctx.lineWidth = AXIS.line_width;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.beginPath();
  for (const tick of ticks) {
    ctx.moveTo(tick.x, y);
    ctx.lineTo(tick.x, y + AXIS.tick_length * s);
  }
  ctx.stroke();
  let end = -Infinity; // the right edge of the last label written
  const gap = AXIS.text_gap * s;
  for (const { x, text } of ticks) {
    const half = ctx.measureText(text).width / 2;
    if (x - half < end + gap) continue;
    ctx.fillText(text, x, y + AXIS.bottom_text * s);
    end = x + half;
  }
  setFont(ctx, theme, "label");
  ctx.fillStyle = theme.muted;
  ctx.textAlign = "right";
  ctx.fillText(label, rect.x + rect.width, y + AXIS.bottom_label * s);
}

/** A vertical axis on the left with labelled ticks at the given positions (y in CSS px). */
export function drawLeftAxis(ctx, theme, rect, ticks, label) {
  const s = theme.scale;
  setFont(ctx, theme, "tick");
  ctx.fillStyle = theme.text;
  ctx.strokeStyle = theme.muted;
  ctx.lineWidth = AXIS.line_width;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  ctx.beginPath();
  for (const { y } of ticks) {
    ctx.moveTo(rect.x - AXIS.tick_length * s, y);
    ctx.lineTo(rect.x, y);
  }
  ctx.stroke();
  // A label that would run into the one above it is left out (a short panel, enlarged text).
  let top = Infinity;
  const lineHeight = TEXT.tick * s;
  for (const { y, text } of [...ticks].sort((a, b) => b.y - a.y)) {
    if (y + lineHeight / 2 > top) continue;
    ctx.fillText(text, rect.x - AXIS.left_text * s, y);
    top = y - lineHeight / 2;
  }
  ctx.save();
  setFont(ctx, theme, "label");
  ctx.translate(AXIS.left_label * s, rect.y + rect.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillStyle = theme.muted;
  ctx.fillText(label, 0, 0);
  ctx.restore();
}

/** Horizontal grid lines across the plot at the given heights (CSS px). */
export function drawGridLines(ctx, theme, rect, ys) {
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = AXIS.line_width;
  ctx.beginPath();
  for (const y of ys) {
    ctx.moveTo(rect.x, y);
    ctx.lineTo(rect.x + rect.width, y);
  }
  ctx.stroke();
}

/** `text`, cut with an ellipsis to fit `width` pixels in the context's font. */
export function fitText(ctx, text, width) {
  if (ctx.measureText(text).width <= width) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * What play-through-time adds on top of a plot: columns outside `reveal` covered (not computed
 * yet: an even panel colour, in either theme, not a tint of the colours beneath), and a line at
 * the `marker` column.
 */
export function drawPlayback(ctx, theme, rect, T, reveal, marker) {
  const x = (column) => rect.x + (column / T) * rect.width;
  if (reveal) {
    const [from, to] = reveal;
    ctx.save();
    ctx.fillStyle = theme.panel;
    if (from > 0) ctx.fillRect(rect.x, rect.y, x(from) - rect.x, rect.height);
    if (to < T - 1) ctx.fillRect(x(to + 1), rect.y, rect.x + rect.width - x(to + 1), rect.height);
    ctx.restore();
  }
  if (marker !== null && marker >= 0 && marker < T) {
    ctx.save();
    ctx.strokeStyle = theme.text;
    ctx.lineWidth = PLAYBACK.line_width * theme.scale;
    ctx.setLineDash(PLAYBACK.dash);
    ctx.beginPath();
    ctx.moveTo(x(marker + 0.5), rect.y);
    ctx.lineTo(x(marker + 0.5), rect.y + rect.height);
    ctx.stroke();
    ctx.restore();
  }
}

/**
 * @typedef {{ t: number, label: string }} Mark  a step that matters to the task (1-based), and
 *   what happens there (the kernel's words)
 */

/**
 * The steps that matter to the task: a thin dashed line in the muted colour at the centre of
 * each mark's column, across the plot. Returns the lines' x, in the marks' order.
 * @param {Mark[]} marks
 * @returns {number[]}
 */
export function drawMarks(ctx, theme, rect, T, marks) {
  const xs = marks.map(({ t }) => rect.x + ((t - 0.5) / T) * rect.width);
  if (!marks.length) return xs;
  ctx.save();
  ctx.strokeStyle = theme.muted;
  ctx.lineWidth = MARKS.line_width * theme.scale;
  ctx.setLineDash(MARKS.dash.map((d) => d * theme.scale));
  ctx.beginPath();
  for (const x of xs) {
    ctx.moveTo(x, rect.y);
    ctx.lineTo(x, rect.y + rect.height);
  }
  ctx.stroke();
  ctx.restore();
  return xs;
}

/**
 * Each mark's label at the top of the plot, beside its line (drawMarks's `xs`), on a box of
 * the background's colour: right of it, or left of it where the plot ends first; a label that
 * would run into the one before it moves a row lower, so no two overlap and none leaves the plot.
 * @param {Mark[]} marks
 * @param {number[]} xs
 */
export function drawMarkLabels(ctx, theme, rect, marks, xs) {
  const s = theme.scale;
  setFont(ctx, theme, "note");
  ctx.fillStyle = theme.muted;
  ctx.textBaseline = "top";
  /** @type {number[]} each row's right end so far */
  const ends = [];
  const inset = MARKS.label_inset * s;
  const order = marks.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  for (const i of order) {
    const width = ctx.measureText(marks[i].label).width;
    const right = xs[i] + inset + width <= rect.x + rect.width;
    const left = right ? xs[i] + inset : Math.max(rect.x, xs[i] - inset - width);
    let row = ends.findIndex((end) => left >= end + MARKS.label_gap * s);
    if (row < 0) row = ends.length;
    ends[row] = left + width;
    const top = rect.y + (MARKS.label_top + row * MARKS.label_row) * s;
    ctx.textAlign = "left";
    fillTextOverCurves(ctx, theme, marks[i].label, left, top);
  }
}

/**
 * `text` at (x, y) in the context's font, fill and alignment, over whatever curve runs there:
 * on an outline of the background's colour (geometry's `panel.halo`), so that the text reads
 * and the curve is hidden only next to its letters.
 */
export function fillTextOverCurves(ctx, theme, text, x, y) {
  ctx.save();
  ctx.strokeStyle = theme.background;
  ctx.lineWidth = PANEL.halo * theme.scale;
  ctx.lineJoin = "round";
  ctx.setLineDash([]);
  ctx.strokeText(text, x, y);
  ctx.restore();
  ctx.fillText(text, x, y);
}

/** Whether two reveal ranges ([from, to] or null) are the same. */
export function sameRange(a, b) {
  return a === b || (a !== null && b !== null && a[0] === b[0] && a[1] === b[1]);
}

/** Element-wise equality of two arrays (NaN never equals, so NaN always counts as a change). */
export function sameList(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
