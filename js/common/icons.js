// Small SVG icons, so the bundle needs no icon font or image file (and no glyph a font lacks).

const SVG = "http://www.w3.org/2000/svg";

/** @type {Record<string, [string, Record<string, string | number>][]>} */
const SHAPES = {
  camera: [
    ["path", { d: "M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z" }],
    ["circle", { cx: 12, cy: 13, r: 4 }],
  ],
  chevron: [["path", { d: "M9 5l7 7-7 7" }]],
  play: [["path", { d: "M7 4l13 8-13 8z", fill: "currentColor" }]],
  pause: [
    ["rect", { x: 6, y: 4, width: 4, height: 16, fill: "currentColor" }],
    ["rect", { x: 14, y: 4, width: 4, height: 16, fill: "currentColor" }],
  ],
  "step-back": [
    ["path", { d: "M18 5L8 12l10 7z", fill: "currentColor" }],
    ["rect", { x: 5, y: 5, width: 2.5, height: 14, fill: "currentColor" }],
  ],
  // A magnifier: look inside this network (the explorer).
  explore: [
    ["circle", { cx: 10.5, cy: 10.5, r: 6 }],
    ["path", { d: "M15 15l6 6" }],
  ],
  // A falling loss curve: train this network (the trainer).
  train: [
    ["path", { d: "M3 4v16h18" }],
    ["path", { d: "M6 7c3 8 6 9 14 10" }],
  ],
  "step-forward": [
    ["path", { d: "M6 5l10 7-10 7z", fill: "currentColor" }],
    ["rect", { x: 16.5, y: 5, width: 2.5, height: 14, fill: "currentColor" }],
  ],
};

/**
 * An icon, hidden from screen readers (its button carries the label).
 * @param {string} name one of SHAPES's keys
 */
export function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  /** @type {[string, string][]} */
  const attributes = [["viewBox", "0 0 24 24"], ["width", "16"], ["height", "16"],
    ["aria-hidden", "true"]];
  for (const [attribute, value] of attributes) {
    svg.setAttribute(attribute, value);
  }
  svg.classList.add("rnnwidget-icon");
  for (const [tag, attributes] of SHAPES[name]) {
    const shape = document.createElementNS(SVG, tag);
    shape.setAttribute("fill", "none");
    shape.setAttribute("stroke", "currentColor");
    shape.setAttribute("stroke-width", "2");
    for (const [attribute, value] of Object.entries(attributes)) {
      shape.setAttribute(attribute, String(value));
    }
    svg.append(shape);
  }
  return svg;
}
