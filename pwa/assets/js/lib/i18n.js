// UI strings: t(key, {name: value}) from a bundle's messages, and the page's language.

export function translator(messages) {
  return (key, values = {}) =>
    (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) =>
      name in values ? String(values[name]) : whole,
    );
}

// <html lang dir> from the bundle (the server already set them for the first paint).
export function setDocumentLanguage(bundle) {
  document.documentElement.lang = bundle.lang;
  document.documentElement.dir = bundle.direction;
}

// The page's language, then static parts of the page that name their message: data-msg for
// text, data-msg-label for aria-label.
export function applyLanguage(bundle, t) {
  setDocumentLanguage(bundle);
  for (const el of document.querySelectorAll("[data-msg]")) el.textContent = t(el.dataset.msg);
  for (const el of document.querySelectorAll("[data-msg-label]")) {
    el.setAttribute("aria-label", t(el.dataset.msgLabel));
  }
}
