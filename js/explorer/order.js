// Why order matters, live: the sentence and the same words shuffled, through the RNN (final
// states differ: it reads the words in order) and through an order-blind dense model on the
// average word vector (outputs identical). The seed's own example, "The cat sat on the mat".

import {
  fitText,
  MARGIN,
  panelCanvas,
  prepareCanvas,
  setFont,
  wrapText,
} from "../common/axes.js";
import { colourIndex } from "../common/colormaps.js";
import { setDataset } from "../common/dom.js";
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
    const s = theme.scale;
    if (!this.data) {
      const ctx = prepareCanvas(canvas, width, this.height * s, ratio);
      ctx.fillStyle = theme.background;
      ctx.fillRect(0, 0, width, this.height * s);
      return;
    }
    const { units, table } = this.data;
    const layout = this.place(/** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d")),
      width, theme);
    const ctx = prepareCanvas(canvas, width, layout.height, ratio);
    setDataset(canvas, { scale: s, layout: layout.beside ? "beside" : "above" });
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, layout.height);
    ctx.textBaseline = "alphabetic";
    for (const { text, x, y, role, weight, colour, align } of layout.texts) {
      setFont(ctx, theme, role, weight);
      ctx.fillStyle = theme[colour];
      ctx.textAlign = align;
      ctx.fillText(text, x, y);
    }
    for (const { values, row, x, y, width: stripWidth } of layout.strips) {
      const cell = stripWidth / units;
      for (let u = 0; u < units; u++) {
        const [r, g, b] = table[colourIndex(values[row * units + u], -1, 1, table.length)];
        ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
        ctx.fillRect(x + u * cell, y, Math.ceil(cell), ORDER.row * s - ORDER.strip_gap);
      }
    }
  }

  /**
   * Where every text and strip goes at `width`. Each sentence sits left of its strips while
   * both fit (as in the headless figure); on a narrower or enlarged panel it goes on a line of
   * its own above them, a distance that does not fit beside its group's title goes below it,
   * and the title wraps: the panel grows rather than cut a word.
   * @param {CanvasRenderingContext2D} ctx for measuring
   * @returns {{ height: number, beside: boolean,
   *   texts: { text: string, x: number, y: number, role: "title" | "order", weight: string,
   *     colour: "text" | "muted", align: CanvasTextAlign }[],
   *   strips: { values: Float32Array, row: number, x: number, y: number, width: number }[] }}
   */
  place(ctx, width, theme) {
    const { words, shuffled, rnn, dense, distances, groups: titles } =
      /** @type {NonNullable<OrderPanel["data"]>} */ (this.data);
    const s = theme.scale;
    const margin = MARGIN.left * s;
    const right = width - MARGIN.right * s;
    const rowHeight = ORDER.row * s;
    // Some offsets are not scaled: the strips' gaps and the right edge's inset.
    const end = width - ORDER.right_inset;
    const sentences = [words, shuffled].map((sentence) => sentence.join(" "));
    setFont(ctx, theme, "order");
    const labelRoom = ORDER.labels * s - ORDER.label_gap;
    const beside = right - (margin + ORDER.labels * s) >= ORDER.min_strips * s &&
      sentences.every((sentence) => ctx.measureText(sentence).width <= labelRoom);
    const left = beside ? margin + ORDER.labels * s : margin;

    /** @type {ReturnType<OrderPanel["place"]>["texts"]} */
    const texts = [];
    /** @type {ReturnType<OrderPanel["place"]>["strips"]} */
    const strips = [];
    setFont(ctx, theme, "title", "600");
    const title = wrapText(ctx, this.title, width - margin - PANEL.title_end_gap * s);
    const above = (title.length - 1) * PANEL.title_line * s;
    title.forEach((line, i) => texts.push({ text: line, x: margin,
      y: (ORDER.title_baseline + i * PANEL.title_line) * s, role: "title", weight: "600",
      colour: "text", align: "left" }));

    const groups = [
      { title: titles[0], values: rnn, differ: true, distance: distances[0] },
      { title: titles[1], values: dense, differ: false, distance: distances[1] },
    ];
    let y = ORDER.top * s + above;
    for (const group of groups) {
      setFont(ctx, theme, "order");
      const distanceWidth = ctx.measureText(group.distance).width;
      setFont(ctx, theme, "order", "600");
      const room = end - margin - distanceWidth - ORDER.title_gap * s;
      const fits = ctx.measureText(group.title).width <= room;
      texts.push({ text: fits ? group.title : fitText(ctx, group.title, end - margin),
        x: margin, y: y + ORDER.group_baseline * s, role: "order", weight: "600", colour: "text",
        align: "left" });
      if (!fits) y += ORDER.group_title * s; // the distance on a line of its own
      texts.push({ text: group.distance, x: end, y: y + ORDER.group_baseline * s,
        role: "order", weight: "normal", colour: group.differ ? "text" : "muted",
        align: "right" });
      y += ORDER.group_title * s;
      sentences.forEach((sentence, row) => {
        if (!beside) {
          texts.push({ text: fitText(ctx, sentence, right - margin), x: margin,
            y: y + rowHeight - ORDER.sentence_baseline, role: "order", weight: "normal",
            colour: "muted", align: "left" });
          y += rowHeight;
        } else {
          texts.push({ text: sentence, x: margin, y: y + rowHeight - ORDER.sentence_baseline,
            role: "order", weight: "normal", colour: "muted", align: "left" });
        }
        strips.push({ values: group.values, row, x: left, y, width: right - left });
        y += rowHeight;
      });
      y += ORDER.gap * s;
    }
    // The kernel's height holds the sentences beside their strips; anything more adds to it.
    const plain = ORDER.top + 2 * (ORDER.group_title + 2 * ORDER.row + ORDER.gap);
    return { height: Math.round(y + (this.height - plain) * s), beside, texts, strips };
  }
}
