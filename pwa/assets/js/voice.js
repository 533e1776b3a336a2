// Youth voice in the app: the optional question at the end of a card, the "A place feels
// unsafe" form, and the "You said, we did" screen (kept for offline use like the cards).

import { API, getJSON, postSolved, request } from "./lib/api.js";
import { add, h } from "./lib/dom.js";
import { ASKED_PREFIX } from "./store.js";
import { button, focusText, radios, showErrors } from "./widgets.js";

const KINDS = ["badly_lit", "people_dealing", "groups_gathering", "seen_weapon", "followed_or_harassed", "other"];
const TIMES = ["morning", "afternoon", "evening", "night", "any_time"];
const WHEN = ["now", "today", "this_week", "earlier"];
// Only a flag that this phone has answered or skipped a question; never sent anywhere.
const askedKey = (id) => ASKED_PREFIX + id;

// An unsafe place is a report: it carries a solved proof-of-work puzzle, as reports do.
// Pulse answers do not: a whole class answers at once from one school address.
async function post(path, body, purpose) {
  const { ok, body: data } = await (purpose
    ? postSolved(purpose, API + path, body)
    : request("POST", API + path, { body }));
  return { ok, data };
}

/** The card's first pulse question not yet answered on this phone, with Skip; or nothing. */
export async function cardQuestion(app, card, article) {
  let questions;
  try {
    questions = await getJSON(`${API}/pulse/questions?card=${encodeURIComponent(card.id)}&lang=${app.bundle.lang}`);
  } catch {
    return; // offline: the question is optional, the card is complete without it
  }
  const question = questions.find((q) => !localStorage.getItem(askedKey(q.id)));
  if (!question) return;
  const done = (text) => {
    localStorage.setItem(askedKey(question.id), "1");
    const status = h("p", { role: "status" }, text);
    box.replaceChildren(status);
    // Skipped, nothing to read: the card's last heading before the question.
    focusText(text ? status : [...article.querySelectorAll("h1, h2")].at(-1));
  };
  const form = h(
    "form",
    { class: "app-pulse__form" },
    radios({
      name: "pulse-answer",
      legend: question.statement,
      options: question.answers.map((a) => [a.id, a.label]),
    }),
    h(
      "div",
      { class: "app-button-group" },
      h("button", { type: "submit", class: "app-button" }, app.t("pulse.send")),
      button(app.t("pulse.skip"), {
        class: "app-button app-button--secondary",
        "data-pulse-skip": "",
        onclick: () => done(""),
      }),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = form.querySelector('input[name="pulse-answer"]:checked')?.value;
    if (!answer) {
      showErrors(form, app.t, [["pulse-answer-0", app.t("pulse.choose")]]);
      return;
    }
    const { ok } = await post("/pulse/answers", { question: question.id, answer });
    done(ok ? app.t("pulse.thanks") : app.t("error.generic"));
  });
  const box = h(
    "section",
    { class: "app-pulse app-inset", "aria-labelledby": "pulse-question-title" },
    h("h2", { class: "app-heading-m", id: "pulse-question-title" }, app.t("pulse.card_question")),
    form,
  );
  add(article, box);
}

/** /report/unsafe-place: what, when and where (a postcode or the phone's location). */
export async function unsafePlace(app, main) {
  const { t } = app;
  const location = { latitude: null, longitude: null };
  const postcode = h("input", { class: "app-input app-input--width-10", id: "unsafe-postcode", name: "postcode", maxlength: "12", autocomplete: "off" });
  const locate = button(t("unsafe.use_location"), {
    class: "app-button app-button--secondary",
    onclick: () =>
      navigator.geolocation?.getCurrentPosition(
        (position) => {
          location.latitude = Math.round(position.coords.latitude * 1e4) / 1e4;
          location.longitude = Math.round(position.coords.longitude * 1e4) / 1e4;
          postcode.value = "";
          locate.setAttribute("aria-pressed", "true");
        },
        () => locate.setAttribute("aria-pressed", "false"),
      ),
  });
  const more = h("textarea", { class: "app-textarea", id: "unsafe-more", rows: "4", maxlength: "4000", "aria-describedby": "unsafe-more-hint" });
  const form = h(
    "form",
    { novalidate: "" },
    radios({ name: "kind", legend: t("unsafe.q_kind"), options: KINDS.map((k) => [k, t(`unsafe.kind.${k}`)]) }),
    radios({ name: "time_of_day", legend: t("unsafe.q_time"), options: TIMES.map((k) => [k, t(`unsafe.time.${k}`)]) }),
    radios({ name: "when", legend: t("report.q_when"), options: WHEN.map((k) => [k, t(`report.when.${k}`)]) }),
    h(
      "div",
      { class: "app-form-group" },
      h("fieldset", { class: "app-fieldset" },
        h("legend", { class: "app-fieldset__legend" }, t("unsafe.q_place")),
        h("label", { class: "app-label", for: "unsafe-postcode" }, t("unsafe.postcode_label")),
        postcode,
        h("p", {}, locate),
        h("p", { class: "app-hint" }, t("unsafe.location_note")),
      ),
    ),
    h(
      "div",
      { class: "app-form-group" },
      h("label", { class: "app-label", for: "unsafe-more" }, t("unsafe.q_more")),
      h("p", { class: "app-hint", id: "unsafe-more-hint" }, t("unsafe.more_hint")),
      more,
    ),
    h("button", { type: "submit", class: "app-button" }, t("report.send")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (name) => form.querySelector(`input[name="${name}"]:checked`)?.value;
    const errors = [];
    if (!value("kind")) errors.push(["kind-0", t("report.q_category_error")]);
    if (!value("time_of_day")) errors.push(["time_of_day-0", t("report.q_when_error")]);
    if (!value("when")) errors.push(["when-0", t("report.q_when_error")]);
    if (!postcode.value.trim() && location.latitude === null) errors.push(["unsafe-postcode", t("unsafe.place_error")]);
    showErrors(form, t, errors);
    if (errors.length) return;
    const body = {
      kind: value("kind"),
      time_of_day: value("time_of_day"),
      when: value("when"),
      lang: app.bundle.lang,
      what_happened: more.value.trim() || null,
      ...(postcode.value.trim() ? { postcode: postcode.value.trim() } : location),
    };
    const { ok, data } = await post("/reports/unsafe-place", body, "report");
    if (!ok) {
      showErrors(form, t, [["unsafe-postcode", data.error?.message || t("error.generic")]]);
      return;
    }
    main.replaceChildren(
      h("h1", { class: "app-heading-l", tabindex: "-1" }, t("unsafe.sent")),
      h("p", { "data-sector": data.sector }, t("unsafe.kept_area", { sector: data.sector })),
      h("p", {}, t("report.your_code")),
      h("p", { class: "app-code", dir: "ltr" }, data.code),
      h("p", {}, t("report.write_it_down")),
    );
    main.querySelector("h1").focus();
  });
  add(
    main,
    h("h1", { class: "app-heading-l", tabindex: "-1" }, t("unsafe.title")),
    h("p", { class: "app-lead" }, t("unsafe.intro")),
    h("p", {}, h("a", { href: "tel:999" }, t("help_now.emergency"))),
    form,
  );
  return t("unsafe.title");
}

/** /said-we-did: what changed because young people spoke up. */
export async function saidWeDid(app, main) {
  const { t } = app;
  add(
    main,
    h("h1", { class: "app-heading-l", tabindex: "-1" }, t("said.title")),
    h("p", { class: "app-lead" }, t("said.intro")),
  );
  let updates = [];
  try {
    updates = await getJSON(`${API}/updates?lang=${app.bundle.lang}`);
  } catch {
    updates = null;
  }
  if (!updates?.length) {
    add(main, h("p", {}, updates ? t("said.none") : t("offline.body")));
    return t("said.title");
  }
  add(
    main,
    h(
      "ul",
      { class: "app-list app-updates" },
      updates.map((u) =>
        h(
          "li",
          { class: "app-updates__item" },
          h("p", { class: "app-meta" }, h("time", { datetime: u.day }, u.day), u.area ? ` · ${u.area}` : "", u.question_text ? ` · ${u.question_text}` : ""),
          h("p", { lang: u.lang, dir: u.lang === "en" ? "ltr" : null }, u.text),
          u.lang !== app.bundle.lang ? h("p", { class: "app-hint" }, t("said.english_only")) : null,
        ),
      ),
    ),
  );
  return t("said.title");
}
