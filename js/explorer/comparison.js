// rnnwidget.compare(): explorers side by side, in one layout. The kernel shares every setting
// but the compared one and lines the explorers' panels up in shared rows; this view shows the
// shared controls once, above the columns, then one column per explorer: its label, its
// summary and shapes, and the explorer's own view (rendered by anywidget from its model,
// host.getWidget), which in a column shows its playback and its panels only. The label, the
// words and the view are rows of one grid (CSS subgrid), so a longer summary in one column
// moves every column's panels alike.
import "../common/style.css";

import { BaseView, widget } from "../common/base.js";
import { element, enableKnobs, uid } from "../common/controls.js";
import { setText } from "../common/dom.js";
import { GEOMETRY } from "../common/geometry.js";

const { comparison: COMPARISON } = GEOMETRY;

/**
 * @typedef {{ label: string, summary: string, shapes: string }} ColumnWords the kernel's
 * @typedef {{ el: HTMLElement, label: HTMLElement, summary: HTMLElement, shapes: HTMLElement,
 *   slot: HTMLElement, drawn: boolean }} Column  drawn: its explorer has drawn a frame, whose
 *   words it shows since
 */

class ComparisonView extends BaseView {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {HTMLElement} el
   * @param {import("@anywidget/types").Host} host renders each explorer's view from its model
   */
  constructor(model, el, host) {
    const words = /** @type {Record<string, string>} */ (model.get("_words"));
    super(model, el, { className: "rnnwidget-comparison", title: words.title,
      payload: "_columns", lostText: words.disconnected });
    /** Ends the explorers' views when this view goes. */
    this.views = new AbortController();
    /** The columns' explorer views, linked to the shared controls (`link`). */
    this.linked = new Set();
    /** What the status says of a silent or lost kernel, where no column computes on its own. */
    this.withoutTwin = { silent: this.status.silentText, lost: this.status.lostText };
    const refs = /** @type {string[]} */ (model.get("_explorers"));
    this.grid = element("div", "rnnwidget-comparison-grid");
    this.grid.style.setProperty("--rnnwidget-column-min", `${COMPARISON.column_min}px`);
    this.grid.style.setProperty("--rnnwidget-column-gap", `${COMPARISON.gap}px`);
    /** @type {Column[]} */
    this.columns = refs.map(() => column());
    this.grid.append(...this.columns.map((c) => c.el));
    this.controls.el.setAttribute("role", "group");
    this.controls.el.setAttribute("aria-label", words.controls);
    this.root.append(this.header, ...this.status.elements, this.controls.el,
      this.controls.presets, this.grid);

    this.listen();
    this.grid.addEventListener("rnnwidget:column-view",
      (event) => this.link(/** @type {CustomEvent} */ (event).detail));
    this.grid.addEventListener("rnnwidget:drawn", (event) => this.showWords(event));
    this.on(["_summary"], () => this.setHeadline(String(this.model.get("_summary"))));
    this.setHeadline(String(model.get("_summary")));
    this.showPayload();
    // Each explorer's view in its column, in parallel: each waits for its own model.
    this.ready = Promise.all(refs.map(async (ref, i) => {
      const child = await host.getWidget(ref);
      await child.render({ el: this.columns[i].slot, signal: this.views.signal });
    })).then(() => undefined);
  }

  /**
   * An explorer's view in a column: it draws each move of a shared control with its browser
   * twin before the kernel answers, as it draws its own controls' moves, and the kernel's frame
   * replaces the twin's once the comparison's newest change is answered.
   * @param {{ view: any, signal: AbortSignal }} detail  the view, and its end
   */
  link({ view, signal }) {
    const request = (/** @type {Record<string, unknown>} */ changes) =>
      view.request(changes, this.sender);
    // After every change event of the message: the columns' frames have arrived by then.
    const answered = () => queueMicrotask(() => view.settleTwin());
    this.sender.requests.add(request);
    this.model.on("change:_ack", answered);
    this.linked.add(view);
    this.sayWhatIsLive();
    signal.addEventListener("abort", () => {
      this.sender.requests.delete(request);
      this.model.off("change:_ack", answered);
      this.linked.delete(view);
      this.sayWhatIsLive();
    });
  }

  /**
   * What the status says while the kernel does not answer, or once it is gone: the words of
   * the column whose knobs still move the most (a gated cell's column does not follow the
   * W_hh scale).
   */
  sayWhatIsLive() {
    const most = [...this.linked].sort((a, b) => b.twinKnobs().length - a.twinKnobs().length)[0];
    this.status.silentText = most?.silentWords("the columns") ?? this.withoutTwin.silent;
    this.status.lostText = most?.lostWords("the columns") ?? this.withoutTwin.lost;
  }

  /**
   * Turn off what needs the kernel; the knobs a column's twin turns stay on, so a kernel that is
   * gone leaves the columns live.
   * @param {boolean} disabled
   */
  setDisabled(disabled) {
    super.setDisabled(disabled);
    if (!disabled) return;
    enableKnobs(this.controls, [...(this.linked ?? [])].flatMap((view) => view.twinKnobs()));
  }

  /**
   * Each column's words: its label, and its explorer's summary and shapes until the explorer
   * draws (then those of the frame it draws, `showWords`).
   */
  showPayload() {
    const words = /** @type {ColumnWords[]} */ (this.model.get("_columns") ?? []);
    words.forEach((word, i) => {
      const target = this.columns[i];
      if (!target) return;
      setText(target.label, word.label);
      if (target.drawn) return;
      setText(target.summary, word.summary);
      setText(target.shapes, word.shapes);
    });
  }

  /**
   * A column's explorer drew a frame, the kernel's or its twin's: the column's summary and
   * shapes are that frame's, so that the words always say what the column shows.
   * @param {Event} event  the explorer's `rnnwidget:drawn`
   */
  showWords(event) {
    const { words } = /** @type {CustomEvent} */ (event).detail;
    const target = this.columns.find((c) => c.el.contains(/** @type {Node} */ (event.target)));
    if (!target || !words) return;
    target.drawn = true;
    setText(target.summary, words.summary);
    setText(target.shapes, words.shapes);
  }

  destroy() {
    this.views.abort();
    super.destroy();
  }
}

/**
 * One column: its label (which names the column for screen readers), its words, and the
 * slot its explorer's view renders into. The slot's `data-rnnwidget-column` tells the explorer
 * it is a column.
 * @returns {Column}
 */
function column() {
  const el = element("section", "rnnwidget-comparison-column");
  el.dataset.rnnwidgetColumn = "";
  const label = element("h4", "rnnwidget-comparison-label");
  label.id = uid("column");
  el.setAttribute("aria-labelledby", label.id);
  const words = element("div", "rnnwidget-comparison-words");
  const summary = element("p", "rnnwidget-comparison-summary");
  summary.setAttribute("role", "status");
  const shapes = element("p", "rnnwidget-shapes");
  words.append(summary, shapes);
  const slot = element("div", "rnnwidget-comparison-slot");
  el.append(label, words, slot);
  return { el, label, summary, shapes, slot, drawn: false };
}

export default widget(ComparisonView);
