// Training as a film: a range input over the training steps the kernel kept a snapshot of, then
// "now" (the network as it is), a Play button and a read-out of the position. Moving it asks the
// kernel for that step's mechanism ({command: "show", step}); training goes on meanwhile.
//
// One request at a time: while the kernel computes one, the newest position waits and is sent
// when the answer arrives, so a held arrow key never queues up frames the class would see late.
// Play moves one position at a time, a short pause after each frame arrives, and stops at "now".

import { element, focusable } from "../common/controls.js";
import { setAttr, setText, setValue } from "../common/dom.js";
import { icon } from "../common/icons.js";

/** How long Play shows each frame before asking for the next, in ms. */
const PLAY_PAUSE = 250;
/** A request the kernel did not answer in this many ms (a restart dropped its step) is given up. */
const GIVE_UP = 2000;

/**
 * @typedef {{ steps: number[], every: number, label: string, now: string }} Film  the
 *   kernel's: the steps with a snapshot (ascending, from 0) and the words for a position
 * @typedef {number | null} Position  a training step, or null for "now"
 */

export class FilmScrubber {
  /** @param {(step: Position) => void} send asks the kernel for a step's mechanism */
  constructor(send) {
    this.send = send;
    this.el = element("div", "rnnwidget-film");
    this.el.setAttribute("role", "group");
    this.range = focusable(element("input", "rnnwidget-film-range"));
    this.range.type = "range";
    this.range.min = "0";
    this.range.step = "1";
    this.play = focusable(element("button", "rnnwidget-button rnnwidget-film-play"));
    this.play.type = "button";
    // The position in words; screen readers hear it as the range's value text instead.
    this.readout = element("span", "rnnwidget-film-readout");
    this.readout.setAttribute("aria-hidden", "true");
    this.el.append(this.play, this.range, this.readout);

    /** @type {Film} */
    this.film = { steps: [0], every: 1, label: "", now: "" };
    /** The latest training step ("now"'s). */
    this.latest = 0;
    /** @type {Position | undefined} the request on its way, if any */
    this.asked = undefined;
    /** @type {Position | undefined} the newest position, waiting for the answer to `asked` */
    this.waiting = undefined;
    this.playing = false;
    this.timer = 0;
    this.giveUp = 0;

    this.range.addEventListener("input", () => {
      this.stop();
      this.moved();
    });
    this.play.addEventListener("click", () => (this.playing ? this.stop() : this.start()));
    this.showPlay();
    this.range.max = "0";
  }

  /** The positions: the snapshots' steps, then "now". */
  get positions() {
    return [...this.film.steps, null];
  }

  /** @returns {Position} the step at the range's position */
  get position() {
    return this.positions[Number(this.range.value)] ?? null;
  }

  /**
   * The kernel's newest snapshot list and training step. "Now" stays "now" as positions are
   * added; a step stays the step it is (or the nearest earlier one kept, when the kernel thins
   * its snapshots out).
   * @param {Film} film
   * @param {number} latest
   */
  setFilm(film, latest) {
    const position = this.position;
    this.film = film;
    this.latest = latest;
    setAttr(this.range, "max", film.steps.length);
    setAttr(this.range, "aria-label", film.label);
    setAttr(this.el, "aria-label", film.label);
    this.place(position);
  }

  /**
   * A mechanism from the kernel, showing `shown` (null: now): the answer to a request, a
   * refresh while training, or another view's choice (taken when nothing is on its way). An
   * answer names the step it answers (`asked`): a step the film has thinned out since is
   * answered with a kept one.
   * @param {Position} shown
   * @param {Position} [asked] the step asked for, when this is an answer
   */
  arrived(shown, asked) {
    if (this.asked !== undefined && asked !== this.asked && shown !== this.asked) {
      return; // a refresh, not the answer
    }
    this.asked = undefined;
    clearTimeout(this.giveUp);
    if (this.waiting !== undefined) {
      const next = this.waiting;
      this.waiting = undefined;
      if (next !== shown) {
        this.ask(next);
        return;
      }
    }
    this.place(shown);
    if (!this.playing) return;
    if (shown === null) this.stop(); // the film ends at "now"
    else this.timer = window.setTimeout(() => this.advance(), PLAY_PAUSE);
  }

  /** Ask for the range's position, now or after the request on its way. */
  moved() {
    this.describe();
    this.ask(this.position);
  }

  /** @param {Position} step */
  ask(step) {
    if (this.asked !== undefined) {
      this.waiting = step;
      return;
    }
    this.asked = step;
    this.send(step);
    clearTimeout(this.giveUp);
    this.giveUp = window.setTimeout(() => this.arrived(/** @type {Position} */ (this.asked)),
      GIVE_UP);
  }

  start() {
    this.playing = true;
    this.showPlay();
    if (this.position === null) this.range.value = "0"; // from the start again
    else if (this.asked === undefined) this.range.value = String(Number(this.range.value) + 1);
    this.moved();
  }

  advance() {
    if (!this.playing) return;
    this.range.value = String(Math.min(Number(this.range.value) + 1, this.film.steps.length));
    this.moved();
  }

  stop() {
    if (!this.playing) return;
    this.playing = false;
    clearTimeout(this.timer);
    this.showPlay();
  }

  /** Put the range at `position` (a step not kept: the nearest earlier one). */
  place(/** @type {Position} */ position) {
    const { steps } = this.film;
    let index = steps.length;
    if (position !== null) {
      index = 0;
      while (index + 1 < steps.length && steps[index + 1] <= position) index++;
    }
    setValue(this.range, index);
    this.describe();
  }

  /** The position in words, for the read-out and screen readers: the kernel's words. */
  describe() {
    const { label, now } = this.film;
    const step = this.position;
    const text = step === null ? `${now}, ${label} ${this.latest.toLocaleString("en-US")}`
      : `${label} ${step.toLocaleString("en-US")}`;
    setAttr(this.range, "aria-valuetext", text);
    setText(this.readout, text);
  }

  showPlay() {
    const label = this.playing ? "Pause" : "Play";
    this.play.replaceChildren(icon(this.playing ? "pause" : "play"), element("span", "", label));
    this.play.setAttribute("aria-label", this.playing ? "Pause the film of training"
      : "Play the film of training, one snapshot after another");
  }

  dispose() {
    this.stop();
    clearTimeout(this.giveUp);
  }
}
