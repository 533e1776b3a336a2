// Check a report: enter the follow-up code, see its status and messages, reply.

import { API, postSolved } from "./lib/api.js";
import { add, h } from "./lib/dom.js";
import { saveCodes, savedCodes } from "./store.js";
import { showErrors } from "./widgets.js";

// Lookups and replies carry a solved proof-of-work puzzle, as reports do.
const post = (url, body) => postSolved("lookup", url, body);

// Digit codes end in a Damm check digit (server/codes.py): a mistyped one is caught here,
// before any lookup. Digits in any script count; spaces and dashes are ignored.
const DAMM = [
  "0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
  "3674209581", "5869720134", "8945362017", "9438617205", "2581436790",
];
export function mistyped(code) {
  const plain = [...code.normalize("NFKC")]
    .map((c) => (/\p{Nd}/u.test(c) ? String(digitValue(c)) : /\p{L}/u.test(c) ? "x" : ""))
    .join("");
  if (plain.includes("x") || Math.abs(plain.length - 16) > 4) return false;
  let interim = 0;
  for (const digit of plain) interim = Number(DAMM[interim][Number(digit)]);
  return plain.length !== 16 || interim !== 0;
}

// A decimal digit's value in any script: digits run 0 to 9 in a row, so count back to zero.
function digitValue(char) {
  const point = char.codePointAt(0);
  let value = 0;
  while (value < 9 && /\p{Nd}/u.test(String.fromCodePoint(point - value - 1))) value += 1;
  return value;
}

// The answer: {status, status_text, lang, messages: [{sender, text, date, date_text}]}.
function thread(app, found) {
  const { t } = app;
  const messages = found.messages || [];
  return h(
    "div",
    { class: "app-thread" },
    h("h2", { class: "app-heading-m", tabindex: "-1", id: "report-status" }, t("check.status")),
    h("p", { class: "app-panel" }, found.status_text || ""),
    h("h2", { class: "app-heading-m" }, t("check.messages")),
    messages.length
      ? h(
          "ol",
          { class: "app-list app-thread__messages" },
          messages.map((m) =>
            h(
              "li",
              { class: `app-thread__message app-thread__message--${m.sender}` },
              h(
                "p",
                { class: "app-meta" },
                t(`check.from.${m.sender === "reporter" ? "reporter" : "team"}`),
                " · ",
                h("time", { datetime: m.date }, m.date_text),
              ),
              h("p", {}, m.text),
            ),
          ),
        )
      : h("p", {}, t("check.no_messages")),
  );
}

// Withdrawing (issue 13): what it does is said before the reporter confirms it.
function withdrawPanel(app, code, finished) {
  const { t } = app;
  const confirm = h("button", { type: "button", class: "app-button app-button--warning" });
  confirm.textContent = t("report.withdraw_confirm");
  confirm.hidden = true;
  const error = h("p", { class: "app-error-message", role: "alert" });
  const start = h("button", {
    type: "button",
    class: "app-button app-button--secondary",
    "aria-expanded": "false",
    onclick: () => {
      confirm.hidden = false;
      start.setAttribute("aria-expanded", "true");
      confirm.focus();
    },
  });
  start.textContent = t("report.withdraw");
  confirm.addEventListener("click", async () => {
    let answer;
    try {
      answer = await post(`${API}/reports/withdraw?lang=${app.bundle.lang}`, { code });
    } catch {
      error.textContent = t("check.offline");
      return;
    }
    if (!answer.ok) {
      error.textContent = answer.body.error?.message || t("error.generic");
      return;
    }
    saveCodes(savedCodes().filter((saved) => saved !== code));
    finished(h("p", { class: "app-panel", tabindex: "-1" }, answer.body.message));
  });
  return h(
    "div",
    { class: "app-withdraw" },
    h("h2", { class: "app-heading-m" }, t("report.withdraw")),
    h("p", {}, t("report.withdraw_explain")),
    start,
    " ",
    confirm,
    error,
  );
}

export function render(app, main) {
  const { t } = app;
  const result = h("div", { class: "app-check-result" });
  const input = h("input", {
    class: "app-input app-input--code",
    id: "code",
    name: "code",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "code-hint",
  });
  const saved = savedCodes();
  if (saved.length) input.value = saved[saved.length - 1];
  const form = h(
    "form",
    { class: "app-form", novalidate: true },
    h(
      "div",
      { class: "app-form-group" },
      h("label", { class: "app-label", for: "code" }, t("check.code_label")),
      h("p", { class: "app-hint", id: "code-hint" }, t("check.code_hint")),
      input,
    ),
    h("button", { type: "submit", class: "app-button" }, t("check.submit")),
  );
  let code = "";
  const lookup = async () => {
    let answer;
    try {
      answer = await post(`${API}/reports/lookup?lang=${app.bundle.lang}`, { code });
    } catch {
      showErrors(form, t, [["code", t("check.offline")]]);
      return;
    }
    if (!answer.ok) {
      showErrors(form, t, [["code", answer.body.error?.message || t("error.generic")]]);
      return;
    }
    showErrors(form, t, []);
    result.replaceChildren(
      thread(app, answer.body),
      replyForm(),
      withdrawPanel(app, code, (done) => {
        result.replaceChildren(done);
        done.focus();
      }),
    );
    result.querySelector("#report-status").focus();
  };
  const replyForm = () => {
    const text = h("textarea", {
      class: "app-textarea",
      id: "reply",
      name: "reply",
      rows: "5",
      maxlength: "4000",
    });
    const reply = h(
      "form",
      { class: "app-form", novalidate: true },
      h(
        "div",
        { class: "app-form-group" },
        h("label", { class: "app-label", for: "reply" }, t("check.reply_label")),
        text,
      ),
      h("button", { type: "submit", class: "app-button" }, t("check.reply_send")),
    );
    reply.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = text.value.trim();
      if (!value) {
        showErrors(reply, t, [["reply", t("check.reply_missing")]]);
        return;
      }
      let answer;
      try {
        answer = await post(`${API}/reports/reply?lang=${app.bundle.lang}`, { code, text: value });
      } catch {
        showErrors(reply, t, [["reply", t("check.offline")]]);
        return;
      }
      if (!answer.ok) {
        showErrors(reply, t, [["reply", answer.body.error?.message || t("error.generic")]]);
        return;
      }
      await lookup();
    });
    return reply;
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    code = input.value.trim();
    if (!code) {
      showErrors(form, t, [["code", t("check.code_missing")]]);
      return;
    }
    if (mistyped(code)) {
      showErrors(form, t, [["code", t("report.code_mistyped")]]);
      return;
    }
    lookup();
  });
  add(
    main,
    h("h1", { class: "app-heading-l", tabindex: "-1" }, t("check.title")),
    h("p", {}, t("check.intro")),
    form,
    result,
  );
  return t("check.title");
}
