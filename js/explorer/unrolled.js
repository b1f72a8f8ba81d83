// The recurrence unrolled over a few steps around the step in focus (under the pointer or the
// play head): x_t feeds h_t through W_xh, h_{t-1} feeds h_t through the recurrent arrow (W_hh
// for the Elman cell; the gated cells' memory path too), and the numbers of that step beside
// it. The kernel writes those numbers' labels and the arrow's label, per cell (for the Elman
// cell ||h_t||, ||dL/dh_t|| and the mean tanh'(a_t)); this module only places them.

import { uid } from "../common/controls.js";
import { setText } from "../common/dom.js";

const SVG = "http://www.w3.org/2000/svg";
const STEP = 150; // horizontal distance between unrolled steps, in SVG units
const NODE = { width: 64, height: 28 };

function svg(tag, attributes = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * A node's name at step k (1-based): the input x_k (row -1), or the state h_k of layer row
 * (h2_k and so on where there are more layers than one).
 * @param {number} k
 * @param {number} row
 * @param {number} rows
 */
function nodeName(k, row, rows) {
  if (row < 0) return `x_${k}`;
  return rows === 1 ? `h_${k}` : `h${row + 1}_${k}`;
}

export class UnrolledLoop {
  constructor() {
    this.el = document.createElement("figure");
    this.el.className = "rnnwidget-unrolled";
    this.caption = document.createElement("figcaption");
    this.caption.className = "rnnwidget-unrolled-caption";
    this.svg = svg("svg", { role: "img", "aria-label": "The recurrence unrolled through time" });
    this.markerId = uid("arrow"); // each diagram's arrow marker needs an id of its own
    /** How many steps fit, and the text scale: the diagram is drawn at one unit per CSS pixel
     * times the scale, so its text is as large as the rest of the view's. */
    this.fit = { steps: 3, scale: 1 };
    this.el.append(this.svg, this.caption);
    /** The diagram's shape (how many steps, which in focus, layers, the ends): rebuilt only
     * when that changes; a new step in focus of the same shape renames the nodes. */
    this.shape = "";
    /** Each step's node labels, x_t first, then h_t of each layer. @type {Element[][]} */
    this.names = [];
    /** The recurrent arrow's labels, the kernel's: above the arrow, and (optional) below it. */
    this.recurrentLabels = ["W_hh"];
  }

  /**
   * Draw the steps around `t` (1-based) and that step's numbers.
   * @param {number} t
   * @param {{ T: number, layers: string[][], word?: string, recurrentLabels?: string[] }} step
   *   `layers`: each layer's numbers of step t, written out ("‖h_5‖ = 0.123")
   */
  show(t, { T, layers, word, recurrentLabels = ["W_hh"] }) {
    const count = this.fit.steps;
    const first = Math.max(1, Math.min(t - Math.floor((count - 1) / 2), T - count + 1));
    const steps = [];
    for (let k = first; k <= Math.min(T, first + count - 1); k++) steps.push(k);
    const rows = layers.length;
    const shape = [steps.length, steps.indexOf(t), first === 1, steps[steps.length - 1] < T, rows,
      this.fit.scale, ...recurrentLabels].join("/");
    if (shape !== this.shape) {
      this.shape = shape;
      this.recurrentLabels = recurrentLabels;
      this.drawDiagram(t, T, steps, rows);
    } else {
      steps.forEach((k, i) => this.names[i].forEach((label, row) =>
        setText(label, nodeName(k, row - 1, rows))));
    }
    const parts = layers.map((numbers, i) => `${rows === 1 ? "" : `layer ${i + 1}: `}` +
      numbers.join(", "));
    setText(this.caption, `Step t=${t}${word ? ` (word "${word}")` : ""}: ${parts.join("; ")}`);
  }

  /** The nodes and arrows of `steps` (1-based), step `t` in focus, for `rows` layers. */
  drawDiagram(t, T, steps, rows) {
    const height = 60 + rows * 70;
    const left = 120; // room for the arrow coming in from h_0 or the steps before
    const width = left + steps.length * STEP;
    this.svg.replaceChildren();
    this.svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    this.svg.style.width = `${width * this.fit.scale}px`;
    this.svg.append(this.arrowMarker());

    const xOf = (i) => left + i * STEP;
    const inputY = height - 26;
    const stateY = (row) => height - 26 - 70 * (row + 1);
    this.names = steps.map((k, i) => {
      const focus = k === t;
      const names = [this.node(xOf(i), inputY, nodeName(k, -1, rows), focus)];
      for (let row = 0; row < rows; row++) {
        const below = row === 0 ? inputY : stateY(row - 1);
        this.arrow(xOf(i), below - NODE.height / 2, xOf(i), stateY(row) + NODE.height / 2,
          row === 0 ? "W_xh" : `W_xh${row + 1}`, "vertical");
        names.push(this.node(xOf(i), stateY(row), nodeName(k, row, rows), focus));
        const previous = i === 0 ? (k === 1 ? "h_0" : "…") : null;
        if (previous !== null) {
          this.svg.append(svg("text", { x: xOf(i) - STEP + 48, y: stateY(row) + 4,
            class: "rnnwidget-unrolled-muted" }, previous));
        }
        this.arrow(xOf(i) - STEP + 66, stateY(row), xOf(i) - NODE.width / 2, stateY(row),
          this.recurrentLabels, "horizontal");
      }
      return names;
    });
    if (steps[steps.length - 1] < T) {
      for (let row = 0; row < rows; row++) {
        const x = xOf(steps.length - 1) + NODE.width / 2;
        this.arrow(x, stateY(row), x + 40, stateY(row), "", "horizontal");
      }
    }
  }

  /**
   * Fit the diagram to a view `width` CSS pixels wide at a text `scale`: as many of three steps
   * as fit (one, on a narrow view in presentation mode).
   */
  setFit(width, scale) {
    const steps = Math.max(1, Math.min(3, Math.floor((width / scale - 120) / STEP)));
    this.fit = { steps, scale };
  }

  /** A node with its label; returns the label's element. */
  node(x, y, label, focus) {
    const group = svg("g", { class: focus ? "rnnwidget-node rnnwidget-node-focus" : "rnnwidget-node" });
    const text = svg("text", { x, y: y + 4, "text-anchor": "middle" }, label);
    group.append(
      svg("rect", { x: x - NODE.width / 2, y: y - NODE.height / 2, width: NODE.width,
        height: NODE.height, rx: 6 }),
      text,
    );
    this.svg.append(group);
    return text;
  }

  /**
   * An arrow with its labels: beside a vertical arrow; above a horizontal one, and a second
   * label below it.
   * @param {number} x1 @param {number} y1 @param {number} x2 @param {number} y2
   * @param {string | string[]} labels
   * @param {"vertical" | "horizontal"} direction
   */
  arrow(x1, y1, x2, y2, labels, direction) {
    this.svg.append(svg("line", { x1, y1, x2, y2, class: "rnnwidget-edge",
      "marker-end": `url(#${this.markerId})` }));
    const [above, below] = typeof labels === "string" ? [labels] : labels;
    if (!above) return;
    if (direction === "vertical") {
      this.svg.append(svg("text", { x: x1 + 6, y: (y1 + y2) / 2 + 4,
        class: "rnnwidget-unrolled-muted" }, above));
      return;
    }
    const x = (x1 + x2) / 2;
    this.svg.append(svg("text", { x, y: y1 - 6, "text-anchor": "middle",
      class: "rnnwidget-unrolled-muted" }, above));
    if (below) {
      this.svg.append(svg("text", { x, y: y1 + 16, "text-anchor": "middle",
        class: "rnnwidget-unrolled-muted" }, below));
    }
  }

  arrowMarker() {
    const defs = svg("defs");
    const marker = svg("marker", { id: this.markerId, viewBox: "0 0 10 10", refX: 9,
      refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "rnnwidget-arrowhead" }));
    defs.append(marker);
    return defs;
  }
}
