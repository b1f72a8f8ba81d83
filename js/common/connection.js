// Is the kernel behind this widget still there? After a kernel restart the old widget's model
// is gone from the new kernel: its sliders would move and nothing would happen. The view shows
// a clear "disconnected" state instead, found two ways:
// - the host's kernel status, where the host exposes it (JupyterLab and Notebook 7 do, through
//   the widget manager's kernel connection): "restarting", "autorestarting" or "dead";
// - anywhere else, a change that gets no answer in time (see sync.js).

const LOST = new Set(["restarting", "autorestarting", "dead"]);

/**
 * Call `onLost(status)` once the kernel behind `model` restarts or dies.
 * @param {import("@anywidget/types").AnyModel} model
 * @param {(status: string) => void} onLost
 * @returns {() => void} stops watching
 */
export function watchKernel(model, onLost) {
  // widget_manager is not part of anywidget's stable API: use it only if it looks as expected.
  const statusChanged = /** @type {any} */ (model).widget_manager?.kernel?.statusChanged;
  if (typeof statusChanged?.connect !== "function") return () => {};
  const onStatus = (_kernel, status) => {
    if (LOST.has(status)) onLost(status);
  };
  statusChanged.connect(onStatus);
  return () => statusChanged.disconnect(onStatus);
}
