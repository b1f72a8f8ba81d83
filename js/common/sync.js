// Slider storms meet a kernel: at most one change in flight per widget, and the last value wins.
//
// A change goes out with a request id; the kernel answers with that id in `_ack` in the same
// message as the recomputed frame. Until then, further changes only overwrite `pending`, which
// is sent as one request when the answer arrives. A drag of 100 steps becomes a handful of
// recomputes, each for the newest value, and nothing queues up behind the hand.

const ANSWER_TIMEOUT_MS = 3000; // a lost answer (kernel restarting) must not block for good

export class ChangeSender {
  /** @param {import("@anywidget/types").AnyModel} model */
  constructor(model) {
    this.model = model;
    /** Views listen here: called with true when an answer is overdue, false when one comes. */
    this.listeners = new Set();
    /** And here: called with every change as it is asked for, before it goes to the kernel. */
    this.requests = new Set();
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

  /** Ask for new parameter values; merged with any not yet sent. */
  send(changes) {
    this.pending = { ...this.pending, ...changes };
    for (const listener of this.requests) listener(changes);
    if (!this.inFlight) this.flush();
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

  setSilent(silent) {
    if (silent === this.silent) return;
    this.silent = silent;
    for (const listener of this.listeners) listener(silent);
  }

  settle() {
    window.clearTimeout(this.timer);
    this.inFlight = 0;
    this.flush();
  }

  dispose() {
    window.clearTimeout(this.timer);
    this.listeners.clear();
    this.requests.clear();
    this.model.off("change:_ack", this.onAck);
  }
}
