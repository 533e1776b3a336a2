// The app's form widgets, GOV.UK style: error summary and messages, radios, checkboxes,
// buttons and tap-to-call links, built with lib/dom.js (never innerHTML).

import { h, uid } from "./lib/dom.js";

// GOV.UK's error summary: a titled box of links to each field, focused so it is read out.
export function errorSummary(t, errors) {
  const box = h(
    "div",
    { class: "app-error-summary", tabindex: "-1", "aria-labelledby": "error-summary-title" },
    h(
      "h2",
      { class: "app-error-summary__title", id: "error-summary-title" },
      t("form.error_title"),
    ),
    h(
      "ul",
      {},
      errors.map(([id, text]) => h("li", {}, h("a", { href: `#${id}` }, text))),
    ),
  );
  box.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (!link) return;
    event.preventDefault();
    document.getElementById(link.hash.slice(1))?.focus();
  });
  return box;
}

export function showErrors(form, t, errors) {
  form.querySelector(".app-error-summary")?.remove();
  for (const old of form.querySelectorAll(".app-error-message")) old.remove();
  for (const group of form.querySelectorAll(".app-form-group--error")) {
    group.classList.remove("app-form-group--error");
  }
  for (const field of form.querySelectorAll("[aria-invalid]"))
    field.removeAttribute("aria-invalid");
  if (!errors.length) return;
  for (const [id, text] of errors) {
    const field = document.getElementById(id);
    const group = field?.closest(".app-form-group");
    if (!group) continue;
    group.classList.add("app-form-group--error");
    const messageId = `${id}-error`;
    const message = h("p", { class: "app-error-message", id: messageId }, text);
    const anchor = group.querySelector("legend, label");
    if (anchor) anchor.after(message);
    else group.prepend(message);
    field.setAttribute("aria-invalid", "true");
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(messageId)) described.unshift(messageId);
    field.setAttribute("aria-describedby", described.join(" "));
  }
  const summary = errorSummary(t, errors);
  form.prepend(summary);
  summary.focus();
}

// A GOV.UK style radios question; with `page: true` the legend is the page's heading.
export function radios({ name, legend, hint, options, value, page = false }) {
  const hintId = hint ? uid("hint") : null;
  return h(
    "div",
    { class: "app-form-group" },
    h(
      "fieldset",
      { class: "app-fieldset", "aria-describedby": hintId },
      h(
        "legend",
        {
          class: page ? "app-fieldset__legend app-fieldset__legend--page" : "app-fieldset__legend",
        },
        page ? h("h1", { class: "app-heading-l", tabindex: "-1" }, legend) : legend,
      ),
      hint && h("p", { class: "app-hint", id: hintId }, hint),
      h(
        "div",
        { class: "app-radios" },
        options.map(([optionValue, label], i) =>
          h(
            "div",
            { class: "app-radios__item" },
            h("input", {
              class: "app-radios__input",
              type: "radio",
              name,
              id: `${name}-${i}`,
              value: optionValue,
              checked: value === optionValue,
            }),
            h("label", { class: "app-radios__label", for: `${name}-${i}` }, label),
          ),
        ),
      ),
    ),
  );
}

export function checkbox({ id, label, checked, hint }) {
  const hintId = hint ? `${id}-hint` : null;
  return h(
    "div",
    { class: "app-checkboxes__item" },
    h("input", {
      class: "app-checkboxes__input",
      type: "checkbox",
      id,
      name: id,
      checked: !!checked,
      "aria-describedby": hintId,
    }),
    h("label", { class: "app-checkboxes__label", for: id }, label),
    hint && h("p", { class: "app-hint app-checkboxes__hint", id: hintId }, hint),
  );
}

// After a control is removed by a re-render, keyboard focus would fall to <body>: move it to
// the text that replaced the control (a status) or the nearest heading, focusable by script only.
export function focusText(el) {
  if (!el) return;
  if (!el.hasAttribute("tabindex")) el.tabIndex = -1;
  el.focus();
}

export function button(text, attrs = {}) {
  return h("button", { type: "button", class: "app-button", ...attrs }, text);
}

// Tap to call: the number is always shown left to right, even in Urdu and Arabic.
export function telLink(number, label) {
  const digits = String(number).replace(/[^0-9+]/g, "");
  return h("a", { href: `tel:${digits}`, class: "app-tel" }, label || h("bdi", {}, number));
}

