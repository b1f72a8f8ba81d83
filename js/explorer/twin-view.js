// The explorer's picture while a continuous knob moves, computed in the browser: the twin of
// the kernel's numbers (js/twin) turns the W_hh scale, the tanh gain, the bias and the sequence
// length itself, from the weights and input the kernel gave it (`_twin`) and the layout and
// words of the kernel's latest frame. In a notebook the kernel's frame replaces the twin's when
// it arrives; on a page with no kernel the twin's frame is the last word.
//
// One computation at a time, always of the newest setting: a drag of many steps computes the
// first, then the newest when that is done, never a queue. It runs on the page where it takes
// less than a screen's frame (estimated from the page's recent computations, per
// multiply-add), and in a Worker where it would take longer (1000 steps of 256 units do), so
// that the slider under the hand never waits. A Worker shares the machine with the browser's
// own drawing of the moved slider, which on two cores makes it slower than the page: the page
// computes whatever fits. A gated cell's frames keep one forward pass over the whole input
// (js/twin/frame.js's FrameSource): the Worker runs it with the first frame and hands the page
// a copy, so that the page goes back only.

import { givenOf } from "../common/decode.js";
import { FrameSource } from "../twin/frame.js";
import { framePayload } from "../twin/payload.js";
import { withOrder } from "./page-order.js";
import WORKER_SOURCE from "./twin-worker.js?worker";

/** A screen's frame, ms: what a computation on the page may take. */
const FRAME_MS = 1000 / 60;

/** ms per multiply-add until the page measures one: about Chromium's at 64 units. */
const FIRST_MS_PER_WORK = 3e-6;

/** How many of the page's last computations estimate the next one's time (the fastest). */
const MEASURED = 5;

/**
 * How long a measurement counts, ms: a page slowed for a moment (the kernel or the browser
 * busy) sends frames to the Worker, and then has no computation of its own to say otherwise.
 */
const MEASURED_FOR_MS = 2000;

/**
 * @typedef {import("../twin/payload.js").PayloadOptions} PayloadOptions
 * @typedef {{ params: Record<string, any>, options: PayloadOptions }} Request
 */

export class TwinView {
  /**
   * @param {(payload: Record<string, any>) => void} draw  draws a frame the twin computed
   * @param {{ worker?: boolean }} [options]  worker: a frame too long for the page is computed
   *   in a Worker, started on first need, where the browser can start one (the default); false:
   *   every frame on the page
   */
  constructor(draw, { worker = true } = {}) {
    this.draw = draw;
    /** @type {Record<string, any> | null} the kernel's given, decoded; null: no twin */
    this.given = null;
    /** @type {FrameSource | null} the page's frames of the given */
    this.source = null;
    /** Counts the givens: a forward pass the Worker hands over must be of the newest. */
    this.givenVersion = 0;
    /** The given whose forward pass the Worker was asked for (once per given). */
    this.askedVersion = 0;
    /** @type {Record<string, any> | null} the kernel's latest frame, decoded */
    this.template = null;
    /** @type {Request | null} the newest setting asked for and not yet started */
    this.next = null;
    /** @type {Request | null} the setting being computed */
    this.running = null;
    /** Bumped whenever a result in flight no longer answers anything (see `drop`). */
    this.epoch = 0;
    /** @type {(() => void)[]} what waits for the next frame drawn (or dropped) */
    this.waiting = [];
    /** The milliseconds the last frame took to compute, and where ("worker" or "page"). */
    this.timing = { ms: NaN, where: "" };
    /** @type {{ rate: number, at: number }[]} the page's last computations: ms per multiply-add */
    this.measured = [];
    /** Whether a Worker may be started (the first computation too long for the page does). */
    this.mayStartWorker = worker;
    /** @type {Worker | null} */
    this.worker = null;
    this.workerUrl = "";
  }

  /**
   * What the twin computes with: the kernel's `_twin` with its arrays decoded (`{shape, data}`,
   * js/common/decode.js), or null where there is none (an explorer on a trained network).
   * @param {Record<string, any> | null} wire
   */
  setGiven(wire) {
    this.given = wire ? givenOf(wire) : null;
    this.source = this.given ? new FrameSource(/** @type {any} */ (this.given)) : null;
    this.givenVersion++;
    this.drop();
    this.worker?.postMessage({ given: this.given });
  }

  /**
   * The Worker's forward pass for the page's FrameSource (`prepare` in twin-worker.js), if it
   * is still of the given the page holds.
   * @param {{ prepared: Record<string, any>, version: number, traces: any[] }} message
   */
  adopt({ prepared, version, traces }) {
    if (version !== this.givenVersion || !this.source) return;
    this.source.adopt(/** @type {any} */ (prepared), traces);
  }

  /**
   * The kernel's latest frame, decoded: the layout and words a twin frame of the same cell and
   * layers takes (js/twin/payload.js).
   * @param {Record<string, any>} frame
   */
  setTemplate(frame) {
    this.template = frame;
  }

  /**
   * The knobs the twin turns, as the kernel lists them with the given (Python's
   * rnnwidget.explorer.twin.CONTINUOUS): a change of only these can be drawn before the kernel
   * answers. None without a given.
   * @returns {string[]}
   */
  get continuous() {
    return this.given?.continuous ?? [];
  }

  /**
   * Whether the twin can compute `params`: it holds the given of their discrete settings and a
   * kernel frame of their cell and layers, and each continuous knob is a number.
   * @param {Record<string, any>} params  every setting
   */
  accepts(params) {
    const { given, template } = this;
    if (!given || !template?.params) return false;
    // The discrete settings it was made for (Python's rnnwidget.explorer.twin.DISCRETE).
    const settings = Object.entries(given.settings ?? {});
    if (!settings.every(([name, value]) => params[name] === value)) return false;
    if (template.params.cell !== params.cell || template.params.layers !== params.layers) {
      return false;
    }
    return this.continuous.every((name) => typeof params[name] === "number" &&
      Number.isFinite(params[name])) && Number.isInteger(params.seq_len) &&
      params.seq_len >= 1 && params.seq_len <= given.timesteps;
  }

  /**
   * Compute and draw the frame for `params`, as soon as the computation before it is done.
   * @param {Record<string, any>} params  every setting
   * @param {PayloadOptions} [options]
   * @returns {Promise<void> | null}  settled once a frame is drawn (this one, or a newer
   *   setting's) or the twin has given up on it; null where the twin cannot (`accepts`): the
   *   kernel's frame will come
   */
  show(params, options = {}) {
    if (!this.accepts(params)) return null;
    this.next = { params, options };
    const drawn = new Promise((resolve) => this.waiting.push(() => resolve(undefined)));
    if (!this.running) this.start();
    return drawn;
  }

  /** Settle what waits for a frame: one was drawn, or none will be. */
  settle() {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /**
   * The page's milliseconds per multiply-add: the fastest of its last MEASURED computations of
   * the last MEASURED_FOR_MS (one slowed by the first compilation of the code, or by a garbage
   * collection, is not the rule), and no slower than the first guess until there are that many.
   */
  get msPerWork() {
    const since = performance.now() - MEASURED_FOR_MS;
    const rates = this.measured.filter(({ at }) => at >= since).map(({ rate }) => rate);
    const first = rates.length < MEASURED ? [FIRST_MS_PER_WORK] : [];
    return Math.min(...first, ...rates);
  }

  /** Forget the computations in flight and asked for: the kernel's frame answers them. */
  drop() {
    this.next = null;
    if (this.running) this.epoch++;
    this.settle();
  }

  start() {
    const request = this.next;
    if (!request) return;
    this.next = null;
    this.running = request;
    const id = this.epoch;
    const source = /** @type {FrameSource} */ (this.source);
    const params = /** @type {any} */ (request.params);
    // What the page would take, with the forward pass it keeps (a Worker keeps its own).
    const work = source.work(params);
    const worker = this.msPerWork * work > FRAME_MS ? this.startWorker() : null;
    if (worker) {
      worker.postMessage({ id, params: request.params });
      // A gated cell's forward pass, which the Worker runs for this frame, is the page's too:
      // its next frames only go back, and may then fit on the page.
      if (params.cell !== "elman" && this.askedVersion !== this.givenVersion) {
        this.askedVersion = this.givenVersion;
        worker.postMessage({ prepare: params, version: this.givenVersion });
      }
      return;
    }
    // On the page: after this event's handlers, so a key's own work is not held up.
    queueMicrotask(() => {
      try {
        const started = performance.now();
        const frame = source.frame(params);
        this.finish({ id, frame, ms: performance.now() - started, work }, "page");
      } catch (error) {
        this.finish({ id, error: String(error) }, "page");
      }
    });
  }

  /**
   * A computation is done: draw it if it still answers something, then start the newest.
   * @param {{ id: number, frame?: any, ms?: number, work?: number, error?: string }} message
   *   work: the multiply-adds a computation on the page took (FrameSource.work)
   * @param {string} [where]
   */
  finish({ id, frame, ms, work, error }, where = "worker") {
    const request = this.running;
    this.running = null;
    if (where === "page" && frame && Number.isFinite(ms) && Number(work) > 0) {
      const rate = Number(ms) / Number(work);
      this.measured = [...this.measured, { rate, at: performance.now() }].slice(-MEASURED);
    }
    if (request && id === this.epoch && frame && this.given && this.template) {
      this.timing = { ms: ms ?? NaN, where };
      const payload = framePayload(frame, request.params, this.given, this.template,
        request.options);
      // The sentence input's "Why order matters": the shuffled words, through the same network.
      const { order } = this.given;
      this.draw(order ? withOrder(payload, this.given, frame, order) : payload);
    } else if (error) {
      console.warn(`rnnwidget: the browser could not compute this frame (${error}); the ` +
        "kernel's will come");
    }
    this.settle();
    this.start();
  }

  /** The Worker, started with the given on its first use; null where none can start. */
  startWorker() {
    if (this.worker || !this.mayStartWorker) return this.worker;
    this.mayStartWorker = false; // one attempt
    const started = startWorker(
      (message) => ("prepared" in message ? this.adopt(message) : this.finish(message)),
      () => this.workerFailed());
    if (!started) return null;
    ({ worker: this.worker, url: this.workerUrl } = started);
    this.worker.postMessage({ given: this.given });
    return this.worker;
  }

  /** The Worker could not run (a page's security policy, say): compute on the page instead. */
  workerFailed() {
    this.stopWorker();
    const request = this.running;
    this.running = null;
    if (request && !this.next) this.next = request;
    this.start();
  }

  dispose() {
    this.mayStartWorker = false;
    this.stopWorker();
    this.next = null;
    this.epoch++;
    this.settle();
  }

  stopWorker() {
    this.worker?.terminate();
    this.worker = null;
    if (this.workerUrl) URL.revokeObjectURL(this.workerUrl);
    this.workerUrl = "";
  }
}

/**
 * A Worker running twin-worker.js from the bundle's own text, or null where the browser
 * refuses one.
 * @param {(message: any) => void} onResult
 * @param {() => void} onFailure
 * @returns {{ worker: Worker, url: string } | null}  the Worker and the URL of its script
 */
function startWorker(onResult, onFailure) {
  if (typeof Worker === "undefined") return null;
  let url = "";
  try {
    url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    const worker = new Worker(url);
    worker.onmessage = (event) => onResult(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      onFailure();
    };
    return { worker, url };
  } catch {
    if (url) URL.revokeObjectURL(url);
    return null;
  }
}
