// The explorer's picture while a continuous knob moves, computed in the browser: the twin of
// the kernel's numbers (js/twin) turns the W_hh scale, the tanh gain, the bias and the sequence
// length itself, from the weights and input the kernel gave it (`_twin`) and the layout and
// words of the kernel's latest frame. In a notebook the kernel's frame replaces the twin's when
// it arrives; on a page with no kernel the twin's frame is the last word.
//
// One computation at a time, always of the newest setting: a drag of many steps computes the
// first, then the newest when that is done, never a queue. It runs on the page where it takes
// less than a screen's frame (measured: the last computation's time per multiply-add), and in
// a Worker where it would take longer (1000 steps of 256 units do), so that the slider under
// the hand never waits. Handing a frame to a Worker and back costs milliseconds of its own.

import { computeFrame } from "../twin/frame.js";
import { framePayload } from "../twin/payload.js";
import WORKER_SOURCE from "./twin-worker.js?worker";

/** The knobs the twin turns: a change of only these can be drawn before the kernel answers. */
export const CONTINUOUS = ["w_hh_scale", "saturation", "bias", "seq_len"];

/** A screen's frame, ms: what a computation on the page may take. */
const FRAME_MS = 1000 / 60;

/** The gate blocks of each cell's weight matrices. */
const GATES = { elman: 1, lstm: 4, gru: 3 };

/** ms per multiply-add until one is measured: about the Elman cell's, forward and back. */
const FIRST_MS_PER_WORK = 5e-6;

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
    /** @type {Record<string, any> | null} the kernel's latest frame, decoded */
    this.template = null;
    /** @type {Request | null} the newest setting asked for and not yet started */
    this.next = null;
    /** @type {Request | null} the setting being computed */
    this.running = null;
    /** Bumped whenever a result in flight no longer answers anything (see `drop`). */
    this.epoch = 0;
    /** The milliseconds the last frame took to compute, and where ("worker" or "page"). */
    this.timing = { ms: NaN, where: "" };
    /** The last computation's milliseconds per multiply-add (`work`). */
    this.msPerWork = FIRST_MS_PER_WORK;
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
    this.drop();
    this.worker?.postMessage({ given: this.given });
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
    return CONTINUOUS.every((name) => typeof params[name] === "number" &&
      Number.isFinite(params[name])) && Number.isInteger(params.seq_len) &&
      params.seq_len >= 1 && params.seq_len <= given.timesteps;
  }

  /**
   * Compute and draw the frame for `params`, as soon as the computation before it is done.
   * @param {Record<string, any>} params  every setting
   * @param {PayloadOptions} [options]
   * @returns {boolean} false where the twin cannot (`accepts`): the kernel's frame will come
   */
  show(params, options = {}) {
    if (!this.accepts(params)) return false;
    this.next = { params, options };
    if (!this.running) this.start();
    return true;
  }

  /**
   * The multiply-adds of one frame, forward and back, up to a constant factor: steps x layers x
   * the weights' size.
   * @param {Record<string, any>} params
   */
  work(params) {
    const units = Number(params.units);
    const layers = params.cell === "elman" ? Number(params.layers) : 1;
    const features = Number(this.given?.features ?? 0);
    return Math.max(1, params.seq_len * layers * GATES[params.cell] * units * (units + features));
  }

  /** Forget the computations in flight and asked for: the kernel's frame answers them. */
  drop() {
    this.next = null;
    if (this.running) this.epoch++;
  }

  start() {
    const request = this.next;
    if (!request) return;
    this.next = null;
    this.running = request;
    const id = this.epoch;
    const worker = this.msPerWork * this.work(request.params) > FRAME_MS ? this.startWorker()
      : null;
    if (worker) {
      worker.postMessage({ id, params: request.params });
      return;
    }
    // On the page: after this event's handlers, so a key's own work is not held up.
    queueMicrotask(() => {
      try {
        const started = performance.now();
        const frame = computeFrame(/** @type {any} */ (request.params), /** @type {any} */
          (this.given));
        this.finish({ id, frame, ms: performance.now() - started }, "page");
      } catch (error) {
        this.finish({ id, error: String(error) }, "page");
      }
    });
  }

  /**
   * A computation is done: draw it if it still answers something, then start the newest.
   * @param {{ id: number, frame?: any, ms?: number, error?: string }} message
   * @param {string} [where]
   */
  finish({ id, frame, ms, error }, where = "worker") {
    const request = this.running;
    this.running = null;
    if (request && frame && Number.isFinite(ms)) {
      this.msPerWork = Number(ms) / this.work(request.params);
    }
    if (request && id === this.epoch && frame && this.given && this.template) {
      this.timing = { ms: ms ?? NaN, where };
      this.draw(framePayload(frame, request.params, this.given, this.template,
        request.options));
    } else if (error) {
      console.warn(`rnnwidget: the browser could not compute this frame (${error}); the ` +
        "kernel's will come");
    }
    this.start();
  }

  /** The Worker, started with the given on its first use; null where none can start. */
  startWorker() {
    if (this.worker || !this.mayStartWorker) return this.worker;
    this.mayStartWorker = false; // one attempt
    const started = startWorker((message) => this.finish(message), () => this.workerFailed());
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

/**
 * js/twin/frame.js's `Given` (flat Float64Arrays) from the kernel's `_twin`, decoded.
 * @param {Record<string, any>} wire
 * @returns {Record<string, any>}
 */
function givenOf(wire) {
  const flat = (/** @type {any} */ value) => (value && value.data instanceof Float64Array
    ? value.data : value);
  return { ...wire, x: flat(wire.x), layers: wire.layers.map((/** @type {any} */ layer) =>
    Object.fromEntries(Object.entries(layer).map(([name, value]) => [name, flat(value)]))) };
}
