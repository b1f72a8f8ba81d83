// The standalone page's entry (RNNExplorer.to_html, rnnwidget/html.py): the notebook's own view
// over a static model of the state the kernel computed. The page inlines this bundle, its CSS
// and the state, so it opens from disk with no server and nothing fetched.
import "./standalone.css";

import explorer from "./widget.js";
import { readEmbeddedState, StaticModel } from "./static-model.js";

const root = /** @type {HTMLElement} */ (document.getElementById("rnnwidget-root"));
try {
  const text = document.getElementById("rnnwidget-state")?.textContent ?? "";
  const model = new StaticModel(readEmbeddedState(text));
  followColourScheme();
  // The static model stands in for the kernel's: it has what the views read, not a manager.
  const stand = /** @type {any} */ (model);
  explorer.initialize({ model: stand });
  explorer.render({ model: stand, el: root });
} catch (error) {
  root.textContent = `This page's explorer could not be shown: ${error}`;
  root.className = "rnnwidget-page-error";
}

/**
 * Light or dark, as the reader's system prefers. The page sets JupyterLab's theme attributes on
 * <body>: standalone.css switches colours by them, and the view redraws its canvases when they
 * change, as it does when JupyterLab switches themes.
 */
function followColourScheme() {
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const apply = () => {
    document.body.dataset.jpThemeLight = String(!dark.matches);
    document.body.dataset.jpThemeName = dark.matches ? "dark" : "light";
  };
  apply();
  dark.addEventListener("change", apply);
}
