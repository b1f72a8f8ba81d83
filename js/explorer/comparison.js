// rnnwidget.compare(): explorers side by side. The kernel links their controls and shares their
// scales; this view lays out the explorers' own views, each rendered by anywidget from its model
// (host.getWidget), under the label of the value it shows.
import "../common/style.css";

import { element } from "../common/controls.js";
import { Presentation } from "../common/presentation.js";

export default {
  /**
   * @param {{ model: import("@anywidget/types").AnyModel, el: HTMLElement, host: any }} context
   */
  async render({ model, el, host }) {
    const root = element("div", "rnnwidget-comparison");
    const heading = element("p", "rnnwidget-comparison-heading", String(model.get("_heading")));
    const grid = element("div", "rnnwidget-comparison-grid");
    root.append(heading, grid);
    el.append(root);
    // The heading and the labels present with the explorers (each follows on its own).
    const presentation = new Presentation(model, root);
    const views = new AbortController();
    const refs = /** @type {string[]} */ (model.get("_explorers"));
    const labels = /** @type {string[]} */ (model.get("_labels"));
    const slots = refs.map((_, i) => {
      const column = element("section", "rnnwidget-comparison-column");
      column.setAttribute("aria-label", labels[i]);
      const slot = element("div", "rnnwidget-comparison-slot");
      column.append(element("h4", "rnnwidget-comparison-label", labels[i]), slot);
      grid.append(column);
      return slot;
    });
    // Render each explorer's view into its column (in parallel: each waits for its own model).
    await Promise.all(refs.map(async (ref, i) => {
      const child = await host.getWidget(ref);
      await child.render({ el: slots[i], signal: views.signal });
    }));
    return () => {
      views.abort();
      presentation.dispose();
      root.remove();
    };
  },
};
