// Why order matters, live: the sentence and the same words shuffled, through the RNN (final
// states differ: it reads the words in order) and through an order-blind dense model on the
// average word vector (outputs identical). The seed's own example, "The cat sat on the mat".

import { fitText, MARGIN, panelCanvas, prepareCanvas, setFont } from "../common/axes.js";
import { colourIndex } from "../common/colormaps.js";
import { GEOMETRY } from "../common/geometry.js";

const { order: ORDER, panel: PANEL } = GEOMETRY;

export class OrderPanel {
  constructor() {
    this.height = 0; // the kernel's, with the data
    this.title = "";
    this.canvas = panelCanvas("order");
    /** @type {{ words: string[], shuffled: string[], rnn: Float32Array, dense: Float32Array,
     *   units: number, table: number[][], distances: string[], groups: string[] } | null} */
    this.data = null;
    /** Counts changes to what the panel shows, so a view redraws only the panels that changed. */
    this.version = 0;
  }

  /**
   * @param {{ words: string[], shuffled: string[], rnn: Float32Array, dense: Float32Array,
   *   units: number, table: number[][], distances: string[], description: string,
   *   title: string, height: number, groups: string[] }} data the outputs, and the kernel's
   *   words for them
   */
  setData(data) {
    this.data = data;
    this.title = data.title;
    this.height = data.height;
    this.version++;
    this.canvas.setAttribute("aria-label", data.description);
  }

  /**
   * @param {number} width CSS pixels
   * @param {import("../common/theme.js").Theme} theme
   */
  draw(width, theme, canvas = this.canvas, ratio = undefined) {
    const height = this.height * theme.scale;
    const ctx = prepareCanvas(canvas, width, height, ratio);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, height);
    if (!this.data) return;
    const { words, shuffled, rnn, dense, units, table, distances, groups: titles } = this.data;
    const s = theme.scale;
    const margin = MARGIN.left * s;
    const left = margin + ORDER.labels * s;
    const right = width - MARGIN.right * s;
    const rowHeight = ORDER.row * s;
    // Some offsets are not scaled: the strips' gaps and the right edge's inset.
    const end = width - ORDER.right_inset;
    setFont(ctx, theme, "title", "600");
    ctx.fillStyle = theme.text;
    ctx.textBaseline = "alphabetic";
    ctx.textAlign = "left";
    ctx.fillText(fitText(ctx, this.title, width - margin - PANEL.title_end_gap), margin,
      ORDER.title_baseline * s);

    const groups = [
      { title: titles[0], values: rnn, verdict: "differ", distance: distances[0] },
      { title: titles[1], values: dense, verdict: "identical", distance: distances[1] },
    ];
    let y = ORDER.top * s;
    for (const { title, values, verdict, distance } of groups) {
      setFont(ctx, theme, "order");
      const room = end - margin - ctx.measureText(distance).width - ORDER.title_gap * s;
      setFont(ctx, theme, "order", "600");
      ctx.fillStyle = theme.text;
      ctx.fillText(fitText(ctx, title, room), margin, y + ORDER.group_baseline * s);
      setFont(ctx, theme, "order");
      ctx.fillStyle = verdict === "differ" ? theme.text : theme.muted;
      ctx.textAlign = "right";
      ctx.fillText(distance, end, y + ORDER.group_baseline * s);
      ctx.textAlign = "left";
      y += ORDER.group_title * s;
      [words, shuffled].forEach((sentence, i) => {
        ctx.fillStyle = theme.muted;
        setFont(ctx, theme, "order");
        ctx.fillText(fitText(ctx, sentence.join(" "), left - margin - ORDER.label_gap), margin,
          y + rowHeight - ORDER.sentence_baseline);
        const cell = (right - left) / units;
        for (let u = 0; u < units; u++) {
          const [r, g, b] = table[colourIndex(values[i * units + u], -1, 1, table.length)];
          ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
          ctx.fillRect(left + u * cell, y, Math.ceil(cell), rowHeight - ORDER.strip_gap);
        }
        y += rowHeight;
      });
      y += ORDER.gap * s;
    }
  }
}
