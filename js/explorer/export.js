// One click, one PNG for the slides: every panel of the view, composed into one image at twice
// the screen's resolution or more (sharp on a projector), with a caption line listing every
// parameter (the kernel's words). The browser downloads it, and the same bytes go to the kernel
// (w.snapshots).

import { setFont } from "../common/axes.js";
import { GEOMETRY } from "../common/geometry.js";

const MIN_EXPORT_RATIO = 2;
const SNAPSHOT = GEOMETRY.snapshot;

/**
 * Draw every panel again at `ratio` pixels per CSS pixel and stack them under a title and the
 * summary, with the caption at the bottom.
 * @param {{ panels: { canvas: HTMLCanvasElement, draw: Function, height: number }[],
 *   width: number, theme: import("../common/theme.js").Theme, title: string, summary: string,
 *   captionText: string }} options
 * @returns {HTMLCanvasElement}
 */
export function composeSnapshot({ panels, width, theme, title, summary, captionText }) {
  const ratio = Math.max(window.devicePixelRatio || 1, MIN_EXPORT_RATIO);
  const s = theme.scale;
  const headerHeight = SNAPSHOT.header * s;
  const captionHeight = SNAPSHOT.footer * s;
  const drawn = panels.map((panel) => {
    const canvas = document.createElement("canvas");
    panel.draw(width, theme, canvas, ratio);
    return canvas;
  });
  const height =
    headerHeight + drawn.reduce((sum, c) => sum + c.height / ratio, 0) + captionHeight;
  const out = document.createElement("canvas");
  out.width = Math.round(width * ratio);
  out.height = Math.round(height * ratio);
  const ctx = /** @type {CanvasRenderingContext2D} */ (out.getContext("2d"));
  ctx.scale(ratio, ratio);
  ctx.fillStyle = theme.background; // opaque: a transparent PNG vanishes on a dark slide
  ctx.fillRect(0, 0, width, height);

  ctx.fillStyle = theme.text;
  ctx.textBaseline = "alphabetic";
  ctx.textAlign = "left";
  setFont(ctx, theme, "snapshot_title", "600");
  ctx.fillText(title, SNAPSHOT.left, SNAPSHOT.title_baseline * s);
  setFont(ctx, theme, "snapshot_summary");
  ctx.fillText(summary, SNAPSHOT.left, SNAPSHOT.summary_baseline * s);

  let y = headerHeight;
  for (const canvas of drawn) {
    ctx.drawImage(canvas, 0, y, canvas.width / ratio, canvas.height / ratio);
    y += canvas.height / ratio;
  }
  setFont(ctx, theme, "snapshot_caption");
  ctx.fillStyle = theme.muted;
  ctx.fillText(captionText, SNAPSHOT.left, y + SNAPSHOT.caption_baseline * s);
  return out;
}

/**
 * The canvas as PNG bytes, with the caption in a tEXt chunk (key "Description", as the headless
 * renderer writes it), so the file says what it shows wherever it goes.
 * @returns {Promise<Uint8Array>}
 */
export async function toPng(canvas, description) {
  const blob = await new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"),
  );
  const png = new Uint8Array(await blob.arrayBuffer());
  return withTextChunk(png, "Description", description);
}

/** Let the browser save the bytes under a name. */
export function download(bytes, filename) {
  const url = URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// -- PNG tEXt chunk -------------------------------------------------------------------------------
// A PNG is an 8-byte signature and chunks: length (4 bytes), type (4), data, CRC-32 of type+data.
// A tEXt chunk is keyword, NUL, Latin-1 text; it goes right after the IHDR chunk.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function withTextChunk(png, keyword, text) {
  const latin1 = (s) => Uint8Array.from(s, (ch) => (ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : 63));
  const data = new Uint8Array([...latin1(keyword), 0, ...latin1(text)]);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(latin1("tEXt"), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const ihdrEnd = 8 + 12 + new DataView(png.buffer, png.byteOffset).getUint32(8);
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, ihdrEnd), 0);
  out.set(chunk, ihdrEnd);
  out.set(png.subarray(ihdrEnd), ihdrEnd + chunk.length);
  return out;
}
