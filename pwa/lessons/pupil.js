// The pupils' page for a class pulse, opened from the QR code at /pulse/{code}. No account,
// no cookie and nothing about the phone: a random token kept only in this tab's session
// storage lets the server count each phone once per part (before and after the lesson).
// The quick exit is here as on the app's other pages: the button and Shift three times.

import { request } from "/assets/js/lib/api.js";
import { h } from "/assets/js/lib/dom.js";
import { translator } from "/assets/js/lib/i18n.js";
import { labelQuickExit, startQuickExit } from "./common.js";

const root = document.getElementById("pulse");
const lang = document.documentElement.lang || "en";
const code = decodeURIComponent(location.pathname.split("/").filter(Boolean)[1] || "");
const POLL_MS = 4000;
let t = (key) => key;

function phoneToken() {
  const key = `pulse-token-${code}`;
  let token = sessionStorage.getItem(key);
  if (!token) {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
    sessionStorage.setItem(key, token);
  }
  return token;
}

const doneKey = (phase) => `pulse-done-${code}-${phase}`;

function say(text, role = "status") {
  root.replaceChildren(
    h("h1", { class: "pulse__title", text: t("pulse.title") }),
    h("p", { class: "pulse__message", role, text }),
  );
}

const ERRORS = {
  already_answered: "pulse.already",
  pulse_closed: "pulse.closed",
  pulse_phase_over: "pulse.closed",
  pulse_not_found: "pulse.not_found",
};

function form(data) {
  const { session, questions } = data;
  const errorBox = h("p", { class: "pulse__error", role: "alert", hidden: true });
  const fieldsets = questions.map((q, i) =>
    h(
      "fieldset",
      { class: "pulse__question", "data-question": q.id },
      h("legend", { text: q.statement }),
      q.answers.map((a) =>
        h(
          "label",
          { class: "pulse__answer" },
          h("input", { type: "radio", name: `q${i}`, value: a.id }),
          h("span", { text: a.label }),
        ),
      ),
    ),
  );
  const send = h("button", { type: "submit", class: "pulse__send", text: t("pulse.send") });
  const element = h(
    "form",
    { class: "pulse__form", novalidate: true },
    errorBox,
    fieldsets,
    send,
  );
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answers = {};
    questions.forEach((q, i) => {
      const chosen = element.querySelector(`input[name="q${i}"]:checked`);
      if (chosen) answers[q.id] = chosen.value;
    });
    if (Object.keys(answers).length !== questions.length) {
      errorBox.textContent = t("pulse.choose");
      errorBox.hidden = false;
      errorBox.focus?.();
      return;
    }
    send.disabled = true;
    const { ok, body } = await request("POST", `/api/v1/pulse/sessions/${encodeURIComponent(code)}/answers`, {
      body: { token: phoneToken(), phase: session.phase, answers },
    });
    if (ok || body.error?.code === "already_answered") {
      sessionStorage.setItem(doneKey(session.phase), "1");
      say(t(ok ? "pulse.thanks" : "pulse.already"));
      document.documentElement.dataset.answered = session.phase;
      watch(session.phase);
      return;
    }
    send.disabled = false;
    errorBox.textContent = t(ERRORS[body.error?.code] || "pulse.closed");
    errorBox.hidden = false;
  });
  root.replaceChildren(
    h("h1", { class: "pulse__title", text: t("pulse.title") }),
    h("p", { class: "pulse__phase", text: t(session.phase === "after" ? "pulse.after" : "pulse.before") }),
    h("p", { class: "pulse__intro", text: t("pulse.intro") }),
    element,
  );
}

async function show() {
  const { ok, body } = await request(
    "GET",
    `/api/v1/pulse/sessions/${encodeURIComponent(code)}?lang=${encodeURIComponent(lang)}`,
  );
  if (!ok) {
    say(t(ERRORS[body.error?.code] || "pulse.not_found"), "alert");
    return null;
  }
  if (!body.session.open) {
    say(t("pulse.closed"));
    return null;
  }
  if (sessionStorage.getItem(doneKey(body.session.phase))) {
    say(t("pulse.thanks"));
    watch(body.session.phase);
    return body;
  }
  form(body);
  document.documentElement.dataset.ready = "true";
  return body;
}

// After answering, wait for the teacher to open the next part (after the lesson).
function watch(phase) {
  const timer = setInterval(async () => {
    const { ok, body } = await request("GET", `/api/v1/pulse/sessions/${encodeURIComponent(code)}`);
    if (!ok || !body.session.open) {
      clearInterval(timer);
      return;
    }
    if (body.session.phase !== phase) {
      clearInterval(timer);
      show();
    }
  }, POLL_MS);
}

function askForCode() {
  const input = h("input", {
    id: "pulse-code",
    class: "pulse__code",
    autocomplete: "off",
    autocapitalize: "characters",
    maxlength: "12",
    dir: "ltr",
  });
  const box = h(
    "form",
    { class: "pulse__form" },
    h("label", { for: "pulse-code", text: t("pulse.code", { code: "" }).replace(/[:：]\s*$/, "") }),
    input,
    h("button", { type: "submit", class: "pulse__send", text: t("report.start") }),
  );
  box.addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = input.value.replace(/[^A-Za-z0-9]/g, "").toUpperCase();
    if (typed) location.assign(`/pulse/${typed}`);
  });
  root.replaceChildren(h("h1", { class: "pulse__title", text: t("pulse.title") }), box);
}

async function main() {
  try {
    const { ok, body } = await request("GET", `/api/v1/messages?lang=${encodeURIComponent(lang)}`);
    if (ok) {
      t = translator(body.messages);
      labelQuickExit(t);
    }
  } catch {
    // keep the keys; the form below still works
  }
  document.title = t("pulse.title");
  if (!code) askForCode();
  else await show();
  document.documentElement.dataset.ready = "true";
}

startQuickExit();
main();
