// Report anonymously: one question per step (GOV.UK's question pages), a plain-words
// explanation of what anonymous means here, then the follow-up code, never kept unless asked.

import { add, h, uid } from "./lib/dom.js";
import { discard, enqueue, flush, newKey, send } from "./queue.js";
import { queued, saveCodes, savedCodes } from "./store.js";
import { button, focusText, radios, showErrors, telLink } from "./widgets.js";

const AREA = /^[A-Z]{1,2}[0-9][A-Z0-9]?$/;

// Typed answers live only in this page's memory: never in storage, never in the address.
let draft = {};
let key = null;
let outcome = null;
document.addEventListener("app:quick-exit", () => {
  draft = {};
  key = null;
  outcome = null;
});

function backLink(app, step) {
  const i = STEPS.indexOf(step);
  const to = i <= 0 ? "/report" : `/report?step=${STEPS[i - 1]}`;
  return h("a", { class: "app-back-link", href: to }, app.t("form.back"));
}

function next(app, step) {
  const i = STEPS.indexOf(step);
  app.navigate(`/report?step=${STEPS[i + 1]}`);
}

function emergencyPanel(t) {
  return h(
    "div",
    { class: "app-panel app-panel--emergency" },
    h("p", { class: "app-heading-m" }, t("report.danger_title")),
    h(
      "p",
      {},
      telLink("999", h("span", { class: "app-button app-button--warning" }, t("report.call_999"))),
    ),
    h("p", {}, t("report.silent_solution")),
  );
}

function question(app, step, body, onContinue) {
  const form = h(
    "form",
    { class: "app-form", novalidate: true },
    body,
    h("button", { type: "submit", class: "app-button" }, app.t("form.continue")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const errors = onContinue(form);
    showErrors(form, app.t, errors || []);
    if (!errors?.length) next(app, step);
  });
  return [backLink(app, step), form];
}

function chosen(form, name) {
  return form.querySelector(`input[name="${name}"]:checked`)?.value;
}

function start(app, main) {
  const { t } = app;
  const waiting = queued();
  add(
    main,
    h("h1", { class: "app-heading-l", tabindex: "-1" }, t("report.title")),
    h("p", { class: "app-lead" }, t("report.intro")),
    promise(app),
    h("p", {}, h("a", { href: "/report/unsafe-place" }, t("unsafe.title"))),
    emergencyPanel(t),
    anonymity(t),
  );
  if (waiting.length) {
    add(
      main,
      h(
        "div",
        { class: "app-inset" },
        h("p", {}, t("report.waiting", { count: String(waiting.length) })),
        button(t("report.discard_waiting"), {
          class: "app-button app-button--secondary",
          onclick: () => {
            for (const item of waiting) discard(item.key);
            app.render({ focus: true });
          },
        }),
      ),
    );
  }
  add(
    main,
    button(t("report.start"), {
      class: "app-button app-button--start",
      "data-start": "",
      onclick: () => {
        // A new report: new answers, and a new Idempotency-Key for it.
        draft = {};
        key = newKey();
        outcome = null;
        app.navigate("/report?step=danger");
      },
    }),
  );
  return t("report.title");
}

// Who reads reports, how fast and whether the police are told: the deployer's settings
// (/api/v1/app-config, kept for offline use), said on the first screen.
function promise(app) {
  const { t } = app;
  const reports = app.settings.reports;
  if (!reports) return null;
  return h(
    "div",
    { class: "app-panel app-promise", "data-promise": "" },
    h("h2", { class: "app-heading-m" }, t("report.promise_title")),
    h(
      "p",
      {},
      reports.organisation
        ? t("report.promise_who", { organisation: reports.organisation })
        : t("report.promise_who_default"),
      " ",
      t("report.promise_when", { hours: new Intl.NumberFormat(app.bundle.lang).format(reports.reply_hours) }),
    ),
    h("p", {}, t("report.promise_next")),
    h("p", {}, t(`report.promise_police.${reports.police}`)),
  );
}

function anonymity(t) {
  return h(
    "div",
    { class: "app-panel" },
    h("h2", { class: "app-heading-m" }, t("report.anonymous_title")),
    h("p", {}, t("report.anonymous_means")),
    h("p", {}, t("report.anonymous_not")),
    h("p", {}, t("report.history")),
  );
}

function answersList(app) {
  const { t } = app;
  const rows = Object.entries(QUESTIONS).map(([step, q]) => [step, q.title(t), q.shown(t)]);
  return h(
    "dl",
    { class: "app-summary-list" },
    rows.map(([step, label, value]) =>
      h(
        "div",
        { class: "app-summary-list__row" },
        h("dt", { class: "app-summary-list__key" }, label),
        h("dd", { class: "app-summary-list__value" }, value),
        h(
          "dd",
          { class: "app-summary-list__actions" },
          h(
            "a",
            { href: `/report?step=${step}` },
            t("form.change"),
            h("span", { class: "app-visually-hidden" }, ` ${label}`),
          ),
        ),
      ),
    ),
  );
}

export function sentPanel(app, body) {
  const { t } = app;
  const codeId = uid("code");
  const status = h("p", { class: "app-status", "aria-live": "polite" });
  const keep = button(t("report.keep_code"), {
    class: "app-button app-button--secondary",
    onclick: () => {
      saveCodes([...new Set([...savedCodes(), body.code])]);
      status.textContent = t("report.code_kept");
      keep.remove();
      focusText(status);
    },
  });
  return h(
    "div",
    { class: "app-panel app-panel--confirmation" },
    body.emergency ? emergencyPanel(t) : null,
    h("p", {}, t("report.your_code")),
    h("p", { class: "app-code", id: codeId, lang: "en", dir: "ltr" }, body.code),
    h("p", { class: "app-heading-s" }, t("report.write_it_down")),
    body.message ? h("p", {}, body.message) : null,
    h(
      "div",
      { class: "app-button-group" },
      button(t("report.copy_code"), {
        class: "app-button app-button--secondary",
        "aria-describedby": codeId,
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(body.code);
            status.textContent = t("report.copied");
          } catch {
            status.textContent = t("report.copy_failed");
          }
        },
      }),
      keep,
    ),
    status,
    h("p", {}, h("a", { href: "/check" }, t("report.check_later"))),
  );
}

// Outcomes live at /report itself, in place of the check page.
function showOutcome(app, value) {
  outcome = value;
  history.replaceState(null, "", "/report");
  app.render({ focus: true });
}

async function submit(app, main, sendButton) {
  const report = { ...draft, lang: app.bundle.lang };
  sendButton.disabled = true;
  let result;
  try {
    result = await send(key, report);
  } catch {
    showOutcome(app, { kind: "offline" });
    return;
  }
  sendButton.disabled = false;
  if (result.ok) {
    draft = {};
    showOutcome(app, { kind: "sent", body: result.body });
    return;
  }
  if (result.status === 429) {
    // Too many reports just now: offer to keep it and send it later, as when offline.
    showOutcome(app, { kind: "busy", message: result.body.error?.message || "" });
    return;
  }
  const form = sendButton.closest("form");
  showErrors(form, app.t, [[sendButton.id, result.body.error?.message || app.t("error.generic")]]);
}

function outcomeScreen(app, main) {
  const { t } = app;
  if (outcome.kind === "sent") {
    add(
      main,
      h("h1", { class: "app-heading-l", tabindex: "-1" }, t("report.sent_title")),
      sentPanel(app, outcome.body),
    );
    return t("report.sent_title");
  }
  if (outcome.kind === "queued") {
    add(
      main,
      h("h1", { class: "app-heading-l", tabindex: "-1" }, t("report.queued_title")),
      h("p", {}, t("report.queued_body")),
      button(t("report.discard"), {
        class: "app-button app-button--warning",
        "data-discard": "",
        onclick: () => {
          discard(outcome.key);
          showOutcome(app, { kind: "discarded" });
        },
      }),
    );
    return t("report.queued_title");
  }
  if (outcome.kind === "discarded") {
    add(
      main,
      h("h1", { class: "app-heading-l", tabindex: "-1" }, t("report.discarded")),
      h("p", {}, h("a", { href: "/report" }, t("report.start_again"))),
    );
    return t("report.discarded");
  }
  // Offline, or refused for now (429): ask before keeping anything on the phone.
  const busy = outcome.kind === "busy";
  add(
    main,
    h(
      "h1",
      { class: "app-heading-l", tabindex: "-1" },
      t(busy ? "report.busy_title" : "report.offline_title"),
    ),
    busy ? h("p", {}, outcome.message) : h("p", {}, t("report.offline_body")),
    h("p", {}, t(busy ? "report.busy_hint" : "report.offline_consent_hint")),
    h(
      "div",
      { class: "app-button-group" },
      button(t(busy ? "report.send_later" : "report.send_when_online"), {
        "data-consent": "",
        onclick: () => {
          enqueue(key, { ...draft, lang: app.bundle.lang });
          draft = {};
          showOutcome(app, { kind: "queued", key });
          flush(app.reportSent, app.reportRefused);
        },
      }),
      button(t("report.dont_send"), {
        class: "app-button app-button--secondary",
        onclick: () => {
          draft = {};
          showOutcome(app, { kind: "discarded" });
        },
      }),
    ),
  );
  return t("report.offline_title");
}

// A waiting report has just been sent (queue.js). If its "waiting" screen is the outcome,
// that screen becomes the "sent" one (no "waiting" and no "Delete it" left beside it); the
// answer says whether it was handled here or needs a notice elsewhere.
export function queuedReportSent(app, sentKey, body) {
  if (outcome?.kind !== "queued" || outcome.key !== sentKey) return false;
  outcome = { kind: "sent", body };
  if (location.pathname !== "/report" || app.params.get("step")) return false;
  app.render({ focus: true });
  return true;
}

// The questions, in order. Each names the answer it keeps in `draft` (later steps need it; a
// reload loses the answers, as they are only in memory), its title and how the check page
// shows its answer. A choice lists its options and the error when none is chosen; others
// `ask(app)` for [fields, check on Continue].
const QUESTIONS = {
  danger: {
    needs: "danger_now",
    title: (t) => t("report.q_danger"),
    error: (t) => t("report.q_danger_error"),
    options: ({ t }) => [
      ["yes", t("form.yes")],
      ["no", t("form.no")],
    ],
    answer: (value) => value === "yes",
    shown: (t) => (draft.danger_now ? t("form.yes") : t("form.no")),
  },
  category: {
    needs: "category",
    emergency: true,
    title: (t) => t("report.q_category"),
    error: (t) => t("report.q_category_error"),
    options: ({ t, bundle }) =>
      bundle.choices.report_categories.map((c) => [c, t(`report.category.${c}`)]),
    shown: (t) => t(`report.category.${draft.category}`),
  },
  what: {
    needs: "what_happened",
    title: (t) => t("report.q_what"),
    ask: askWhat,
    shown: () => draft.what_happened,
  },
  where: {
    title: (t) => t("report.q_where"),
    ask: askWhere,
    shown: (t) => [draft.where, draft.area].filter(Boolean).join(", ") || t("report.not_given"),
  },
  when: {
    needs: "when",
    title: (t) => t("report.q_when"),
    error: (t) => t("report.q_when_error"),
    options: ({ t, bundle }) => bundle.choices.report_when.map((w) => [w, t(`report.when.${w}`)]),
    shown: (t) => t(`report.when.${draft.when}`),
  },
};
const STEPS = [...Object.keys(QUESTIONS), "check"];

// A question answered with radios named after its step.
function choose(app, name, q) {
  const options = q.options(app);
  const answer = q.answer || ((value) => value);
  const field = q.needs;
  const kept = options.find(([value]) => answer(value) === draft[field]);
  return [
    radios({ name, legend: q.title(app.t), options, value: kept ? kept[0] : null, page: true }),
    (form) => {
      const value = chosen(form, name);
      if (!value) return [[`${name}-0`, q.error(app.t)]];
      draft[field] = answer(value);
      return [];
    },
  ];
}

function askWhat({ t }) {
  const area = h("textarea", {
    class: "app-textarea",
    id: "what",
    name: "what",
    rows: "8",
    maxlength: "4000",
    "aria-describedby": "what-hint",
  });
  area.value = draft.what_happened || "";
  return [
    h(
      "div",
      { class: "app-form-group" },
      h(
        "h1",
        { class: "app-heading-l", tabindex: "-1" },
        h("label", { for: "what" }, t("report.q_what")),
      ),
      h("p", { class: "app-hint", id: "what-hint" }, t("report.q_what_hint")),
      area,
    ),
    () => {
      const value = area.value.trim();
      if (!value) return [["what", t("report.q_what_error")]];
      if (value.length > 4000) return [["what", t("report.q_what_too_long")]];
      draft.what_happened = value;
      return [];
    },
  ];
}

function askWhere({ t }) {
  const where = h("input", {
    class: "app-input",
    id: "where",
    name: "where",
    type: "text",
    maxlength: "200",
    autocomplete: "off",
    "aria-describedby": "where-hint",
  });
  const areaInput = h("input", {
    class: "app-input app-input--short",
    id: "area",
    name: "area",
    type: "text",
    maxlength: "4",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "area-hint",
  });
  where.value = draft.where || "";
  areaInput.value = draft.area || "";
  return [
    [
      h("h1", { class: "app-heading-l", tabindex: "-1" }, t("report.q_where")),
      h(
        "div",
        { class: "app-form-group" },
        h("label", { class: "app-label", for: "where" }, t("report.where_label")),
        h("p", { class: "app-hint", id: "where-hint" }, t("report.where_hint")),
        where,
      ),
      h(
        "div",
        { class: "app-form-group" },
        h("label", { class: "app-label", for: "area" }, t("report.area_label")),
        h("p", { class: "app-hint", id: "area-hint" }, t("report.area_hint")),
        areaInput,
      ),
    ],
    () => {
      const area = areaInput.value.trim().toUpperCase().replace(/\s+/g, "");
      if (area && !AREA.test(area)) return [["area", t("report.area_error")]];
      const place = where.value.trim();
      if (place.length > 200) return [["where", t("report.where_too_long")]];
      draft.where = place || undefined;
      draft.area = area || undefined;
      return [];
    },
  ];
}

// Check your answers, then what anonymous means, then send.
function checkPage(app, main) {
  const { t } = app;
  const sendButton = h(
    "button",
    { type: "submit", class: "app-button", id: "send-report" },
    t("report.send"),
  );
  // English reporters may choose a word code; every other language gets digits.
  const style =
    app.bundle.lang === "en"
      ? radios({
          name: "code-style",
          legend: t("report.code_style"),
          options: ["words", "digits"].map((s) => [s, t(`report.code_style.${s}`)]),
          value: draft.code_style || "words",
        })
      : null;
  const form = h(
    "form",
    { class: "app-form", novalidate: true },
    style,
    anonymity(t),
    h("div", { class: "app-form-group" }, sendButton),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (style) draft.code_style = chosen(form, "code-style") || "words";
    submit(app, main, sendButton);
  });
  add(
    main,
    backLink(app, "check"),
    h("h1", { class: "app-heading-l", tabindex: "-1" }, t("report.check_title")),
    draft.danger_now ? emergencyPanel(t) : null,
    answersList(app),
    form,
  );
  return t("report.check_title");
}

export function render(app, main, _match, params) {
  const { t } = app;
  const step = params.get("step");
  if (outcome && !step) return outcomeScreen(app, main);
  const stepIndex = STEPS.indexOf(step);
  // Each step needs the answers before it.
  const needed = STEPS.slice(0, stepIndex).map((s) => QUESTIONS[s].needs);
  if (stepIndex < 0 || !key || needed.some((field) => field && draft[field] === undefined)) {
    return start(app, main);
  }
  outcome = null;
  const q = QUESTIONS[step];
  if (!q) return checkPage(app, main);
  const [body, check] = q.ask ? q.ask(app) : choose(app, step, q);
  add(
    main,
    q.emergency && draft.danger_now ? emergencyPanel(t) : null,
    ...question(app, step, body, check),
  );
  return q.title(t);
}
