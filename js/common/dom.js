// DOM writes that happen only when something changed. A slider step redraws the view many
// times a second; writing the same text or attribute again still invalidates style and layout
// for the browser's next frame, and that frame competes with the kernel's reply for the CPU.

/** Set `el`'s text, unless it already reads `text`. */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Set an attribute, unless it already has `value`. */
export function setAttr(el, name, value) {
  const text = String(value);
  if (el.getAttribute(name) !== text) el.setAttribute(name, text);
}

/** Set `el.dataset` entries (written as strings), leaving those that already match alone. */
export function setDataset(el, values) {
  for (const [key, value] of Object.entries(values)) {
    const text = String(value);
    if (el.dataset[key] !== text) el.dataset[key] = text;
  }
}

/** Set a form control's value, unless it already has it. */
export function setValue(el, value) {
  const text = String(value);
  if (el.value !== text) el.value = text;
}

/** Show or hide `el`, touching it only if its state changes. */
export function setHidden(el, hidden) {
  if (el.hidden !== hidden) el.hidden = hidden;
}
