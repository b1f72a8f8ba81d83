// Slider storms meet a kernel: at most one change in flight per widget, and the last value wins.
//
// A change goes out with a request id; the kernel answers with that id in `_ack` in the same
// message as the recomputed frame. Until then, further changes only overwrite `pending`, which
// is sent as one request when the answer arrives. A drag of 100 steps becomes a handful of
// recomputes, each for the newest value, and nothing queues up behind the hand.

const ANSWER_TIMEOUT_MS = 3000; // a lost answer (kernel restarting) must not block for good
/** The longest a change waits for the browser's own drawing of it before it goes (see `send`). */
const HOLD_MS = 100;

export class ChangeSender {
  /** @param {import("@anywidget/types").AnyModel} model */
  constructor(model) {
    this.model = model;
    /** Views listen here: called with true when an answer is overdue, false when one comes. */
    this.listeners = new Set();
    /**
     * And here: called with every change as it is asked for, before it goes to the kernel. A
     * listener that draws the change itself returns a promise settled once it has drawn it.
     * @type {Set<(changes: Record<string, unknown>) => Promise<unknown> | void>}
     */
    this.requests = new Set();
    /** Whether a change waits for the browser's own drawing of it before it goes out. */
    this.holding = false;
    this.disposed = false;
    this.silent = false;
    /** @type {Record<string, unknown> | null} */
    this.pending = null;
    this.inFlight = 0;
    this.lastId = Number(model.get("_request")) || 0;
    this.timer = 0;
    this.onAck = () => {
      this.setSilent(false);
      if (this.inFlight && Number(model.get("_ack")) >= this.inFlight) this.settle();
    };
    model.on("change:_ack", this.onAck);
  }

  /**
   * Ask for new parameter values; merged with any not yet sent. Where a view draws the change
   * itself (the explorer's browser twin), the change goes to the kernel once that drawing is
   * done (or after HOLD_MS): on a machine of few cores the kernel's computation of the same
   * frame would otherwise slow the browser's, which the hand is waiting for.
   * @param {Record<string, unknown>} changes
   */
  send(changes) {
    this.pending = { ...this.pending, ...changes };
    const drawing = [...this.requests].map((listener) => listener(changes)).filter(Boolean);
    if (drawing.length && !this.holding) this.hold(Promise.allSettled(drawing));
    if (!this.inFlight && !this.holding) this.flush();
  }

  /** The value the user last asked for, if it has not been answered yet. */
  wanted(name) {
    if (this.pending && name in this.pending) return this.pending[name];
    return undefined;
  }

  get busy() {
    return this.inFlight !== 0 || this.pending !== null;
  }

  /**
   * Whether the kernel has answered every change asked for: none waits to be sent, and its
   * `_ack` has reached the newest request. (A frame that arrives while this is false answers an
   * older change than the newest.)
   */
  get answered() {
    return this.pending === null && Number(this.model.get("_ack")) >= this.lastId;
  }

  flush() {
    if (!this.pending) return;
    for (const [name, value] of Object.entries(this.pending)) this.model.set(name, value);
    this.pending = null;
    this.inFlight = ++this.lastId;
    this.model.set("_request", this.inFlight);
    this.model.save_changes();
    this.timer = window.setTimeout(() => {
      this.setSilent(true);
      this.settle();
    }, ANSWER_TIMEOUT_MS);
  }

  /**
   * Send nothing until `drawn` settles (at most HOLD_MS), then the newest changes.
   * @param {Promise<unknown>} drawn
   */
  hold(drawn) {
    this.holding = true;
    let timer = 0;
    const waited = new Promise((resolve) => { timer = window.setTimeout(resolve, HOLD_MS); });
    Promise.race([drawn, waited]).then(() => {
      window.clearTimeout(timer);
      this.holding = false;
      if (!this.inFlight && !this.disposed) this.flush();
    });
  }

  setSilent(silent) {
    if (silent === this.silent) return;
    this.silent = silent;
    for (const listener of this.listeners) listener(silent);
  }

  settle() {
    window.clearTimeout(this.timer);
    this.inFlight = 0;
    if (!this.holding) this.flush();
  }

  dispose() {
    this.disposed = true; // a change still held is not sent
    window.clearTimeout(this.timer);
    this.listeners.clear();
    this.requests.clear();
    this.model.off("change:_ack", this.onAck);
  }
}
