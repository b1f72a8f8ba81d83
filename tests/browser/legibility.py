"""What a class can read of a view, measured in the browser: every text's size on its canvases
and in its page, boxes that overlap or spill, titles cut short, and what the first screen shows.

`RECORD_CANVAS_TEXT_JS` is an init script: from the page's first line on, it keeps, for every
canvas, the texts it shows (``fillText``, ``strokeText``) and the fonts its context was given,
since the canvas was last cleared (its size set, or ``ctx.reset()``, as ``prepareCanvas`` does
before every drawing). `legibility` reads, for one view, what its canvases show now and what its
page text measures now, so a drawing still pending when the view changed cannot be mistaken for
the picture on screen.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator

# Installed before the front end loads (page.add_init_script). A font's size is read from the
# context's normalised font ("600 21px system-ui" -> 21). Every canvas counts, an offscreen one
# too: `legibility` keeps only the canvases of the view it measures.
RECORD_CANVAS_TEXT_JS = """
(() => {
  const proto = CanvasRenderingContext2D.prototype;
  const size = (font) => Number((String(font).match(/([\\d.]+)px/) ?? [])[1]);
  const shown = (window.__rnnwidgetCanvasShows = new WeakMap());
  const of = (canvas) => {
    if (!shown.has(canvas)) shown.set(canvas, { texts: [], fonts: [] });
    return shown.get(canvas);
  };
  const clear = (canvas) => shown.set(canvas, { texts: [], fonts: [] });
  for (const method of ["fillText", "strokeText"]) {
    const original = proto[method];
    proto[method] = function (text, ...rest) {
      of(this.canvas).texts.push({ text: String(text), size: size(this.font) });
      return original.call(this, text, ...rest);
    };
  }
  const font = Object.getOwnPropertyDescriptor(proto, "font");
  Object.defineProperty(proto, "font", {
    ...font,
    set(value) {
      font.set.call(this, value);
      of(this.canvas).fonts.push({ size: size(this.font), font: this.font });
    },
  });
  const reset = proto.reset;
  proto.reset = function () {
    clear(this.canvas);
    return reset.call(this);
  };
  for (const side of ["width", "height"]) {
    const property = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, side);
    Object.defineProperty(HTMLCanvasElement.prototype, side, {
      ...property,
      set(value) {
        clear(this);
        property.set.call(this, value);
      },
    });
  }
})();
"""

LEGIBILITY_JS = """(root) => {
  const visible = (el) => el.getClientRects().length > 0 && !el.closest("[hidden]") &&
    getComputedStyle(el).visibility !== "hidden";
  const name = (el) => `${el.tagName.toLowerCase()}` +
    `[${el.dataset?.panel ?? el.dataset?.trait ?? el.textContent.trim().slice(0, 24)}]`;
  const canvases = [...root.querySelectorAll("canvas")].filter(visible);
  const shows = (canvas) => window.__rnnwidgetCanvasShows.get(canvas) ?? { texts: [], fonts: [] };
  const canvasText = canvases.flatMap((canvas) => shows(canvas).texts
    .map(({ text, size }) => ({ panel: canvas.dataset.panel ?? "", text, size })));
  const canvasFonts = canvases.flatMap((canvas) => shows(canvas).fonts
    .map(({ size, font }) => ({ panel: canvas.dataset.panel ?? "", size, font })));

  // Every text the page shows in the view: HTML by its computed size, SVG by its size on screen.
  const pageText = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !el || el.closest("option, style, script") || !visible(el)) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) size *= el.ownerSVGElement?.getScreenCTM()?.a ?? 1;
    pageText.push({ text: text.slice(0, 40), size, tag: el.tagName.toLowerCase() });
  }
  // What form controls show is no text node: a select's option, a field's value.
  for (const el of root.querySelectorAll("select, input[type=text], input[type=number]")) {
    if (!visible(el)) continue;
    const text = el.tagName === "SELECT" ? el.selectedOptions[0]?.textContent ?? "" : el.value;
    pageText.push({ text: text.slice(0, 40), size: parseFloat(getComputedStyle(el).fontSize),
      tag: el.tagName.toLowerCase() });
  }

  // Controls, labels, sentences and panels: no two may overlap (one inside the other aside).
  const boxes = [...root.querySelectorAll(
    "label, output, input, select, button, h3, h4, p, figcaption, canvas, svg, .rnnwidget-label")]
    .filter((el) => visible(el) && !el.closest("[role=tooltip], button svg"))
    .map((el) => ({ el, box: el.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 0 && box.height > 0);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (x > 0.5 && y > 0.5) overlaps.push(`${name(a.el)} / ${name(b.el)}`);
    }
  }
  // Nothing past the view's sides, no sideways scrolling, no canvas wider than its box.
  const { left, right } = root.getBoundingClientRect();
  const spills = [...root.querySelectorAll("*")].filter(visible)
    .filter((el) => !el.closest("[role=tooltip]"))
    .filter((el) => {
      const box = el.getBoundingClientRect();
      return box.right > right + 0.5 || box.left < left - 0.5;
    })
    .map(name);
  const wide = canvases.filter((canvas) => {
    const box = canvas.parentElement;
    const { paddingLeft, paddingRight } = getComputedStyle(box);
    const content = box.clientWidth - parseFloat(paddingLeft) - parseFloat(paddingRight);
    return canvas.getBoundingClientRect().width > content + 0.5;
  }).map(name);
  return { canvasText, canvasFonts, pageText, overlaps, spills, wide,
    scroll: root.scrollWidth - root.clientWidth,
    canvases: canvases.map((canvas) => ({ panel: canvas.dataset.panel ?? "",
      scale: Number(canvas.dataset.scale) })) };
}"""

# Scroll the notebook so that the view's top is the top of the area that scrolls, and say where
# `selector`'s first visible element lies then, and where the area and the window end.
FIRST_SCREEN_JS = """(root, selector) => {
  let area = root.parentElement;
  while (area && !(area.scrollHeight > area.clientHeight &&
    /(auto|scroll)/.test(getComputedStyle(area).overflowY))) area = area.parentElement;
  area = area ?? document.scrollingElement;
  area.scrollTop += root.getBoundingClientRect().top - area.getBoundingClientRect().top;
  const first = [...root.querySelectorAll(selector)].find((el) => el.getClientRects().length > 0);
  const box = first.getBoundingClientRect();
  const view = area.getBoundingClientRect();
  return { top: box.top, bottom: box.bottom, areaTop: Math.max(view.top, 0),
    areaBottom: Math.min(view.bottom, window.innerHeight) };
}"""


def legibility(root: Locator) -> dict[str, Any]:
    """What the view at `root` shows now (see `LEGIBILITY_JS`)."""
    result: dict[str, Any] = root.evaluate(LEGIBILITY_JS)
    return result


def first_screen(root: Locator, selector: str) -> dict[str, float]:
    """Where `selector`'s first element lies once the view is scrolled to the top of the area."""
    result: dict[str, float] = root.evaluate(FIRST_SCREEN_JS, selector)
    return result
