// A model with no kernel behind it, for the page RNNExplorer.to_html() writes
// (rnnwidget/explorer/page.py).
//
// It offers what the view uses of anywidget's model (get, set, on, off, save_changes, send)
// over the state the kernel had computed, with every binary array back as a DataView, where and
// as ipywidgets delivers it. Whatever the page changes fires change events as in a notebook, so
// everything that reads the model and redraws works. The page itself answers in the kernel's
// place (js/explorer/page-kernel.js): every change is acknowledged at once, and a message the
// view sends (a preset, Reset) goes to the page's handler.

/** The layout of the embedded page, as rnnwidget/explorer/page.py writes it. */
export const FORMAT = "rnnwidget-standalone/2";

/**
 * The page's embedded data, binary arrays put back as DataViews: the widget's `state` and the
 * discrete `choices` the page holds for the browser's twin (rnnwidget/explorer/page_choices.py).
 * @param {string} text the JSON of {format, state, choices, buffers: [{path, encoding, data}]},
 *   each buffer's path from the top
 * @returns {{ state: Record<string, any>, choices: Record<string, any> }}
 */
export function readEmbeddedPage(text) {
  const page = JSON.parse(text);
  if (page?.format !== FORMAT) {
    throw new Error(`rnnwidget: this page's state is not in the ${FORMAT} format`);
  }
  for (const { path, encoding, data } of page.buffers) {
    if (encoding !== "base64") throw new Error(`rnnwidget: unknown buffer encoding ${encoding}`);
    let container = page;
    for (const key of path.slice(0, -1)) container = container[key];
    container[path[path.length - 1]] = fromBase64(data);
  }
  return { state: page.state, choices: page.choices };
}

/** @param {string} text */
function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new DataView(bytes.buffer);
}

/** Whether `model` is a StaticModel: a page without a kernel. */
export function isStandalone(model) {
  return model instanceof StaticModel;
}

export class StaticModel {
  /** @param {Record<string, any>} state */
  constructor(state) {
    this.state = { ...state };
    /** What the view says up front: what is live on this page without a kernel. */
    this.note = "";
    /** @type {Map<string, Set<Function>>} */
    this.handlers = new Map();
    /**
     * What answers the view's messages in the kernel's place (a preset, Reset); none: they go
     * nowhere.
     * @type {((content: any) => void) | null}
     */
    this.answer = null;
  }

  get(name) {
    return this.state[name];
  }

  /** Change a value and tell the listeners, as Backbone does: `change:name`, then `change`. */
  set(name, value) {
    if (Object.is(this.state[name], value)) return;
    this.state[name] = value;
    this.emit(`change:${name}`, value);
    this.emit("change");
  }

  on(event, callback) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)?.add(callback);
  }

  /** Stop calling `callback` for `event`; a null event means every event, no callback all. */
  off(event = null, callback = null) {
    const events = event === null ? [...this.handlers.keys()] : [event];
    for (const name of events) {
      if (callback === null) this.handlers.delete(name);
      else this.handlers.get(name)?.delete(callback);
    }
  }

  /**
   * Nothing to save to, but the change is answered as a kernel answers it (js/common/sync.js):
   * its request id comes back as `_ack`, once the caller has finished sending.
   */
  save_changes() {
    const request = this.state._request;
    if (request === undefined || request === this.state._ack) return;
    queueMicrotask(() => this.set("_ack", request));
  }

  /** A message for the kernel, handed to the page's `answer`. */
  send(content) {
    this.answer?.(content);
  }

  emit(event, value) {
    for (const callback of [...(this.handlers.get(event) ?? [])]) callback(this, value);
  }
}
