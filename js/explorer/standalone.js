// The standalone page's entry (RNNExplorer.to_html, rnnwidget/explorer/page.py): the notebook's
// own view over a static model of the state the kernel computed, with the page answering in the
// kernel's place (page-kernel.js: the browser twin recomputes every frame). The page inlines
// this bundle, its CSS and the state, so it opens from disk with no server and nothing fetched.
//
// The settings live in the address's fragment too (link.js): a link opens the page at its
// setting, every change rewrites the fragment (in place, not as a new history entry), and
// "Copy link" copies the address.
import "./standalone.css";

import { element, focusable } from "../common/controls.js";
import { ignoredText, readLink, writeLink } from "./link.js";
import { PageKernel } from "./page-kernel.js";
import { readEmbeddedPage, StaticModel } from "./static-model.js";
import explorer from "./widget.js";

const root = /** @type {HTMLElement} */ (document.getElementById("rnnwidget-root"));
try {
  const text = document.getElementById("rnnwidget-state")?.textContent ?? "";
  const { state, choices } = readEmbeddedPage(text);
  const model = new StaticModel(state);
  model.note = choices.note;
  const kernel = new PageKernel(model, choices);
  const ignored = kernel.live ? openLink(kernel, location.hash) : [];
  // A link opened: the address says the whole setting shown, without the parts ignored.
  if (kernel.live && location.hash) keepLink(kernel);
  followColourScheme();
  // The static model stands in for the kernel's: it has what the views read, not a manager.
  const stand = /** @type {any} */ (model);
  explorer.initialize({ model: stand });
  explorer.render({ model: stand, el: root });
  showWhatIsLive(kernel);
  if (ignored.length) model.set("error", ignoredText(ignored));
  if (kernel.live) {
    kernel.onAnswer(() => keepLink(kernel));
    root.before(copyLinkBar(kernel));
  }
} catch (error) {
  root.textContent = `This page's explorer could not be shown: ${error}`;
  root.className = "rnnwidget-page-error";
}

/**
 * Show the setting the address's fragment asks for, where the page can; returns the parts it
 * ignored, and why.
 * @param {PageKernel} kernel
 * @param {string} fragment
 */
function openLink(kernel, fragment) {
  const { values, ignored } = readLink(fragment, kernel.specs);
  const wanted = { ...kernel.saved, ...values };
  const applied = {};
  for (const [name, value] of Object.entries(values)) {
    const reason = kernel.refusal(name, value, wanted);
    if (reason) ignored.push({ part: `${name}=${value}`, reason });
    else applied[name] = value;
  }
  if (Object.keys(applied).length) kernel.setAll(applied, "");
  return ignored;
}

/** The address's fragment says the settings shown, replaced in place (no history entry). */
function keepLink(/** @type {PageKernel} */ kernel) {
  const fragment = `#${writeLink(kernel.settings(), kernel.specs)}`;
  if (location.hash !== fragment) history.replaceState(history.state, "", fragment);
}

/** The page's address for the settings shown. */
function linkFor(/** @type {PageKernel} */ kernel) {
  const url = new URL(location.href);
  url.hash = writeLink(kernel.settings(), kernel.specs);
  return url.href;
}

/**
 * "Copy link": copies the address of the settings shown; a status beside it says "Copied"
 * (to screen readers too), or shows the link selected to copy by hand.
 * @param {PageKernel} kernel
 */
function copyLinkBar(kernel) {
  const bar = element("div", "rnnwidget-page-link");
  const button = focusable(element("button", "rnnwidget-button", "Copy link"));
  button.type = "button";
  button.title = "Copy the address of this page at the settings shown";
  const status = element("span", "rnnwidget-page-link-status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const field = element("input", "rnnwidget-page-link-field");
  Object.assign(field, { type: "text", readOnly: true, hidden: true });
  field.setAttribute("aria-label", "Link to these settings");
  button.addEventListener("click", async () => {
    const link = linkFor(kernel);
    try {
      await navigator.clipboard.writeText(link);
      field.hidden = true;
      status.textContent = "Copied";
    } catch {
      // No clipboard (an older browser, a denied permission): the link, selected, to copy.
      field.value = link;
      field.hidden = false;
      field.select();
      status.textContent = "Press Ctrl+C (⌘C) to copy the selected link";
    }
  });
  bar.append(button, status, field);
  return bar;
}

/**
 * Turn back on every knob the page can answer; those only a kernel can turn stay off, and say
 * so. (The view says up front what is live: the model's note.)
 * @param {PageKernel} kernel
 */
function showWhatIsLive(kernel) {
  const view = /** @type {HTMLElement} */ (root.querySelector(".rnnwidget"));
  if (!kernel.live) return;
  view.dataset.connection = "page";
  const kernelOnly = new Set(kernel.kernelOnly());
  const controls = view.querySelectorAll("[data-trait], [data-typed], [data-preset], [data-reset]");
  for (const control of /** @type {NodeListOf<HTMLInputElement>} */ (controls)) {
    const name = control.dataset.trait ?? control.dataset.typed;
    const off = name !== undefined && kernelOnly.has(name);
    control.disabled = off;
    if (off) control.title = "Needs a running notebook: this page holds only this value";
  }
  const offerChoices = () => {
    for (const name of kernel.choices.chosen_by) {
      const select = /** @type {HTMLSelectElement | null} */ (
        view.querySelector(`select[data-trait="${name}"]`));
      for (const option of /** @type {HTMLOptionElement[]} */ ([...(select?.options ?? [])])) {
        const spec = kernel.specs.find((s) => s.name === name);
        const value = spec?.options?.find(([v]) => String(v) === option.value)?.[0];
        option.disabled = kernel.refusal(name, value) !== null;
        option.title = option.disabled ? "Needs a running notebook: not held by this page" : "";
      }
    }
  };
  offerChoices();
  kernel.model.on("change:_frame", offerChoices);
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
