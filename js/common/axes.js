// What every panel shares: a HiDPI canvas, its plot rectangle, ticks and labels.

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

/** Space around each plot, in CSS pixels (the same for every panel, so time lines up). */
export const MARGIN = { left: 64, right: 84, top: 22, bottom: 34 };

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

/** The plot area inside a panel of the given CSS size. */
export function plotRect(width, height) {
  return {
    x: MARGIN.left,
    y: MARGIN.top,
    width: Math.max(1, width - MARGIN.left - MARGIN.right),
    height: Math.max(1, height - MARGIN.top - MARGIN.bottom),
  };
}

/**
 * About `count` round numbers covering [lo, hi] (1, 2 or 5 times a power of ten apart): for the
 * trainer's step axes, which only the browser draws. The explorer's ticks come from the kernel.
 */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

/**
 * @param {CanvasRenderingContext2D} ctx
 * @param {import("./theme.js").Theme} theme
 */
export function setFont(ctx, theme, size = 11, weight = "normal") {
  ctx.font = `${weight} ${size * theme.scale}px ${theme.font}`;
}

/**
 * The time axis under a plot: ticks at t (1-based; x of the centre of column t - 1), the
 * kernel's `ticks`, and a label. Token labels (a sentence) replace the numbers while they fit.
 * @param {number[]} ticks
 * @param {string[]} [tokens]
 */
export function drawTimeAxis(ctx, theme, rect, T, ticks, tokens = []) {
  setFont(ctx, theme);
  ctx.fillStyle = theme.text;
  ctx.strokeStyle = theme.muted;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const x = (t) => rect.x + ((t - 0.5) / T) * rect.width;
  const y = rect.y + rect.height;
  const columnWidth = rect.width / T;
  const useTokens = tokens.length > 0 && columnWidth >= 28;
  const shown = useTokens ? tokens.map((_, i) => i + 1) : ticks;
  ctx.beginPath();
  for (const t of shown) {
    ctx.moveTo(x(t), y);
    ctx.lineTo(x(t), y + 4);
  }
  ctx.stroke();
  for (const t of shown) {
    ctx.fillText(useTokens ? tokens[t - 1] : String(t), x(t), y + 6);
  }
  ctx.fillStyle = theme.muted;
  ctx.textAlign = "right";
  ctx.fillText(useTokens ? "word (timestep t)" : "timestep t", rect.x + rect.width, y + 19 * theme.scale);
}

/** A vertical axis on the left with labelled ticks at the given positions (y in CSS px). */
export function drawLeftAxis(ctx, theme, rect, ticks, label) {
  setFont(ctx, theme);
  ctx.fillStyle = theme.text;
  ctx.strokeStyle = theme.muted;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  ctx.beginPath();
  for (const { y } of ticks) {
    ctx.moveTo(rect.x - 4, y);
    ctx.lineTo(rect.x, y);
  }
  ctx.stroke();
  for (const { y, text } of ticks) ctx.fillText(text, rect.x - 6, y);
  ctx.save();
  ctx.translate(12, rect.y + rect.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillStyle = theme.muted;
  ctx.fillText(label, 0, 0);
  ctx.restore();
}

/** Horizontal grid lines across the plot at the given heights (CSS px). */
export function drawGridLines(ctx, theme, rect, ys) {
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const y of ys) {
    ctx.moveTo(rect.x, y);
    ctx.lineTo(rect.x + rect.width, y);
  }
  ctx.stroke();
}

/** The panel's title, top left. */
export function drawTitle(ctx, theme, rect, title) {
  setFont(ctx, theme, 12, "600");
  ctx.fillStyle = theme.text;
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  ctx.fillText(title, rect.x, rect.y - 7);
}

/**
 * What play-through-time adds on top of a plot: columns outside `reveal` dimmed (not reached
 * yet), and a line at the `marker` column.
 */
export function drawPlayback(ctx, theme, rect, T, reveal, marker) {
  const x = (column) => rect.x + (column / T) * rect.width;
  if (reveal) {
    const [from, to] = reveal;
    ctx.save();
    ctx.globalAlpha = 0.85;
    ctx.fillStyle = theme.background;
    if (from > 0) ctx.fillRect(rect.x, rect.y, x(from) - rect.x, rect.height);
    if (to < T - 1) ctx.fillRect(x(to + 1), rect.y, rect.x + rect.width - x(to + 1), rect.height);
    ctx.restore();
  }
  if (marker !== null && marker >= 0 && marker < T) {
    ctx.save();
    ctx.strokeStyle = theme.text;
    ctx.lineWidth = 1.5 * theme.scale;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(x(marker + 0.5), rect.y);
    ctx.lineTo(x(marker + 0.5), rect.y + rect.height);
    ctx.stroke();
    ctx.restore();
  }
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
