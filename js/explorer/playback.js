import { setAttr, setText } from "../common/dom.js";
import { icon } from "../common/icons.js";

// Play through time, drawn from the data already in the browser: no kernel round trip per frame.
//
// The timeline has 2T positions. The first T are the forward pass, t = 1 ... T: the hidden
// state appears column by column. The next T are backpropagation through time, t = T ... 1:
// the gradient appears from the last step back to the first, the way BPTT runs.

/** @typedef {{ phase: "forward" | "backward", t: number }} Moment  t is 1-based */

/**
 * The moment at a position of the timeline.
 * @param {number} position 0 ... 2T - 1
 * @param {number} T
 * @returns {Moment}
 */
export function momentAt(position, T) {
  return position < T
    ? { phase: "forward", t: position + 1 }
    : { phase: "backward", t: 2 * T - position };
}

/** "forward pass, t=12" or "backpropagation, t=188": for the scrubber and screen readers. */
export function describeMoment({ phase, t }) {
  return phase === "forward" ? `forward pass, t=${t}` : `backpropagation, t=${t}`;
}

export class Player {
  /**
   * @param {(position: number | null) => void} onChange called with the new position, or null
   *   when the player stops and the whole picture shows again
   */
  constructor(onChange) {
    this.onChange = onChange;
    this.length = 2;
    /** @type {number | null} */
    this.position = null;
    this.stepsPerSecond = 20;
    this.playing = false;
    this.animation = 0; // the pending animation frame's id
    this.last = 0;
    this.carry = 0;
  }

  /** A new sequence length T (the timeline keeps its place where it can). */
  setTimesteps(T) {
    this.length = 2 * T;
    if (this.position !== null) this.seek(Math.min(this.position, this.length - 1));
  }

  seek(position) {
    this.position = Math.max(0, Math.min(this.length - 1, Math.round(position)));
    this.onChange(this.position);
  }

  step(delta) {
    this.pause();
    this.seek((this.position ?? (delta > 0 ? -1 : this.length)) + delta);
  }

  play() {
    if (this.playing) return;
    if (this.position === null || this.position >= this.length - 1) this.seek(0);
    this.playing = true;
    this.last = performance.now();
    this.carry = 0;
    this.animation = requestAnimationFrame((now) => this.tick(now));
    this.onChange(this.position);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    cancelAnimationFrame(this.animation);
    this.onChange(this.position);
  }

  /** Stop and show the whole picture again. */
  reset() {
    this.playing = false;
    cancelAnimationFrame(this.animation);
    this.position = null;
    this.onChange(null);
  }

  tick(now) {
    if (!this.playing) return;
    // Advance by elapsed time, not by frames, so the speed holds on a slow machine too.
    this.carry += ((now - this.last) / 1000) * this.stepsPerSecond;
    this.last = now;
    const steps = Math.floor(this.carry);
    if (steps > 0) {
      this.carry -= steps;
      const next = (this.position ?? 0) + steps;
      if (next >= this.length - 1) {
        this.seek(this.length - 1);
        this.pause();
        return;
      }
      this.seek(next);
    }
    this.animation = requestAnimationFrame((t) => this.tick(t));
  }

  dispose() {
    this.playing = false;
    cancelAnimationFrame(this.animation);
  }
}

const SPEEDS = [2, 5, 10, 20, 50, 100, 200]; // timesteps per second

/**
 * The play controls: play/pause, a step back and forward, the time scrubber and the speed.
 * @param {Player} player
 * @param {typeof import("../common/controls.js").element} element
 * @returns {{ el: HTMLElement, update(T: number): void }}
 */
export function buildPlaybackControls(player, element) {
  const el = element("div", "rnnwidget-playback");
  el.setAttribute("role", "group");
  el.setAttribute("aria-label", "Play through time");
  const button = (content, label, onClick) => {
    const b = element("button", "rnnwidget-button");
    b.append(content);
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.setAttribute("data-lm-suppress-shortcuts", "true");
    b.addEventListener("click", onClick);
    return b;
  };
  const back = button(icon("step-back"), "Step back", () => player.step(-1));
  const play = button(icon("play"), "Play through time", () =>
    player.playing ? player.pause() : player.play(),
  );
  play.classList.add("rnnwidget-play");
  const forward = button(icon("step-forward"), "Step forward", () => player.step(1));
  const all = button("Show all", "Stop and show the whole picture", () => player.reset());

  const scrubber = document.createElement("input");
  Object.assign(scrubber, { type: "range", min: "0", step: "1" });
  scrubber.className = "rnnwidget-scrubber";
  scrubber.setAttribute("aria-label", "Time");
  scrubber.setAttribute("data-lm-suppress-shortcuts", "true");
  scrubber.dataset.control = "time";
  scrubber.addEventListener("input", () => {
    const position = Number(scrubber.value);
    player.pause();
    player.seek(position);
  });

  const speed = document.createElement("select");
  speed.setAttribute("aria-label", "Speed, timesteps per second");
  speed.title = "Speed, timesteps per second";
  speed.setAttribute("data-lm-suppress-shortcuts", "true");
  for (const value of SPEEDS) {
    const option = element("option", "", `${value} steps/s`);
    option.value = String(value);
    speed.append(option);
  }
  speed.value = String(player.stepsPerSecond);
  speed.addEventListener("change", () => (player.stepsPerSecond = Number(speed.value)));

  const where = element("output", "rnnwidget-moment");
  el.append(back, play, forward, scrubber, where, speed, all);

  /** Show the player's state; T is the current sequence length. */
  let shownPlaying = null;
  const update = (T) => {
    if (scrubber.max !== String(2 * T - 1)) scrubber.max = String(2 * T - 1);
    const position = player.position ?? 2 * T - 1;
    if (scrubber.value !== String(position)) scrubber.value = String(position);
    const text = player.position === null ? "whole picture" : describeMoment(momentAt(position, T));
    setAttr(scrubber, "aria-valuetext", text);
    setText(where, text);
    if (shownPlaying !== player.playing) {
      shownPlaying = player.playing;
      play.replaceChildren(icon(player.playing ? "pause" : "play"));
      play.setAttribute("aria-label", player.playing ? "Pause" : "Play through time");
      play.setAttribute("aria-pressed", String(player.playing));
    }
  };
  return { el, update };
}
