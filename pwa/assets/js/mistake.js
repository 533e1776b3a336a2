// "Report a mistake" on every card and helpline: a short form (what is wrong, an optional
// note) sent to the content-feedback queue with the card or helpline and the language. Nothing
// about the sender is sent or kept, and nothing is stored on the phone.

import { API, postSolved } from "./lib/api.js";
import { h, uid } from "./lib/dom.js";
import { button, radios } from "./widgets.js";

const KINDS = ["wrong_fact", "bad_translation", "out_of_date", "something_else"];
const MAX_TEXT = 1000;

export function mistakeLink(app, target, id) {
  const { t } = app;
  const name = uid("mistake");
  const textId = `${name}-text`;
  const status = h("p", { class: "app-meta", role: "status" });
  const form = h(
    "form",
    { class: "app-mistake__form", "data-mistake-form": "" },
    radios({
      name,
      legend: t("feedback.kind"),
      options: KINDS.map((kind) => [kind, t(`feedback.kind.${kind}`)]),
    }),
    h(
      "div",
      { class: "app-form-group" },
      h("label", { class: "app-label", for: textId }, t("feedback.text")),
      h("textarea", {
        class: "app-textarea",
        id: textId,
        name: "text",
        rows: "3",
        maxlength: String(MAX_TEXT),
      }),
    ),
    button(t("feedback.send"), { type: "submit" }),
    status,
  );
  // A choice is needed; the browser says so in its own words.
  form.querySelector(`input[name="${name}"]`).required = true;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const kind = form.querySelector(`input[name="${name}"]:checked`)?.value;
    if (!kind) return;
    const text = form.querySelector(`#${textId}`).value.slice(0, MAX_TEXT);
    const sendButton = form.querySelector("button[type=submit]");
    sendButton.disabled = true;
    try {
      const body = { kind, target, target_id: id, lang: app.bundle.lang, text };
      const answer = await postSolved("feedback", `${API}/feedback`, body);
      if (answer.ok) {
        form.replaceChildren(h("p", { role: "status" }, answer.body.message || t("feedback.thanks")));
        return;
      }
      status.textContent = answer.body.error?.message || t("error.generic");
    } catch {
      status.textContent = t("error.generic");
    }
    sendButton.disabled = false;
  });
  return h(
    "details",
    { class: "app-details app-mistake", "data-mistake": `${target}:${id}` },
    h("summary", { class: "app-details__summary" }, t("feedback.link")),
    h("div", { class: "app-details__text" }, h("p", { class: "app-heading-s" }, t("feedback.title")), form),
  );
}
