// A model with no kernel behind it, for the page RNNExplorer.to_html() writes (rnnwidget/html.py).
//
// It offers what the view uses of anywidget's model (get, set, on, off, save_changes, send)
// over the state the kernel had computed, with every binary array back as a DataView, where and
// as ipywidgets delivers it. Whatever the page changes fires change events as in a notebook, so
// everything that reads the model and redraws works; nothing reaches a kernel, and the view
// turns off the knobs that would need one (isStandalone).

/** The layout of the embedded state, as rnnwidget/html.py writes it. */
export const FORMAT = "rnnwidget-standalone/1";

/**
 * The state embedded in the page, binary arrays put back as DataViews.
 * @param {string} text the JSON of {format, state, buffers: [{path, encoding, data}]}
 * @returns {Record<string, any>}
 */
export function readEmbeddedState(text) {
  const page = JSON.parse(text);
  if (page?.format !== FORMAT) {
    throw new Error(`rnnwidget: this page's state is not in the ${FORMAT} format`);
  }
  const { state } = page;
  for (const { path, encoding, data } of page.buffers) {
    if (encoding !== "base64") throw new Error(`rnnwidget: unknown buffer encoding ${encoding}`);
    let container = state;
    for (const key of path.slice(0, -1)) container = container[key];
    container[path[path.length - 1]] = fromBase64(data);
  }
  return state;
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
    /** @type {Map<string, Set<Function>>} */
    this.handlers = new Map();
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

  /** Nothing to save to: there is no kernel. */
  save_changes() {}

  /** Nothing to send to: there is no kernel. */
  send() {}

  emit(event, value) {
    for (const callback of [...(this.handlers.get(event) ?? [])]) callback(this, value);
  }
}
