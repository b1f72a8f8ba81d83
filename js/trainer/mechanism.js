// The mechanism inside the trainer: for one fixed validation sequence of the task, the network
// as it is now (or as a snapshot kept it), drawn by the explorer's own panels: h_t and
// log10 |dL/dh_t| per unit, ||dL/dh_t|| against t, the task's steps marked. A heading and the
// kernel's sentences above them, the film scrubber, and "Explore this network", which opens the
// explorer on the network shown in `companion.slot` (the view puts it below, at full width).

import { Companion } from "../common/companion.js";
import { element, uid } from "../common/controls.js";
import { setHidden, setText } from "../common/dom.js";
import { MechanismPanels } from "../explorer/mechanism.js";
import { FilmScrubber } from "./film.js";

/**
 * @typedef {{ revision: number, frame: any, step: number, shown: number | null,
 *   title: string, asked?: number | null }} Mechanism  the kernel's `_mechanism` (the
 *   frame's arrays decoded; `asked`: the film's request it answers, if it does)
 */

export class MechanismSection {
  /**
   * @param {import("@anywidget/types").AnyModel} model
   * @param {any} host anywidget's host (renders the explorer this section opens)
   * @param {(message: string) => void} showError says in the view what went wrong
   */
  constructor(model, host, showError) {
    this.el = element("section", "rnnwidget-trainer-mechanism");
    this.heading = element("h4", "rnnwidget-trainer-mechanism-title");
    this.heading.id = uid("mechanism");
    this.el.setAttribute("aria-labelledby", this.heading.id);
    this.network = element("p", "rnnwidget-trainer-mechanism-words");
    // Not a live region: while training runs, the words change a few times a second.
    this.summary = element("p", "rnnwidget-trainer-mechanism-words");
    this.film = new FilmScrubber((step) => model.send({ command: "show", step }));
    this.panels = new MechanismPanels();
    this.companion = new Companion(model, host, { command: "explore",
      label: "Explore this network", iconName: "explore",
      title: "Open the explorer on the network shown here: its weights, this sequence",
      showError });
    const bar = element("div", "rnnwidget-trainer-mechanism-bar");
    bar.append(this.film.el, this.companion.button);
    this.el.append(this.heading, this.network, this.summary, bar, this.panels.figure);
    this.el.hidden = true;
    /** @type {Mechanism | null} */
    this.current = null;
  }

  /**
   * The kernel's newest mechanism, its arrays decoded (null: nothing to show, a text task).
   * @param {Mechanism | null} mechanism
   * @param {string} palette
   * @param {string} background the colour the cells are drawn on
   */
  show(mechanism, palette, background) {
    this.current = mechanism;
    setHidden(this.el, mechanism === null);
    if (!mechanism) return;
    const { frame } = mechanism;
    setText(this.heading, mechanism.title);
    setText(this.network, frame.words.network ?? "");
    setText(this.summary, frame.words.summary);
    this.panels.show(frame, palette, background);
    this.el.dataset.step = String(mechanism.step);
    this.el.dataset.shown = mechanism.shown === null ? "now" : String(mechanism.shown);
    this.el.dataset.revision = String(mechanism.revision);
    this.film.arrived(mechanism.shown, mechanism.asked);
  }

  dispose() {
    this.film.dispose();
    this.companion.dispose();
  }
}
