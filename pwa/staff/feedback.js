// The content-feedback queue ("Report a mistake" on cards and helplines), apart from the
// safeguarding inbox: its own section on the staff page, loaded when opened. Items are shown
// only as text (textContent), never as HTML. Imported by staff.js with one line.

import { API, loadBundle, request } from "/assets/js/lib/api.js";
import { h } from "/assets/js/lib/dom.js";
import { translator } from "/assets/js/lib/i18n.js";

const FEEDBACK = `${API}/staff/feedback`;

async function words() {
  const asked = new URLSearchParams(location.search).get("lang");
  const bundle = await loadBundle(asked || "en").catch(() => loadBundle("en"));
  return translator(bundle.messages);
}

// The CSRF token every state-changing staff request carries.
async function csrfToken() {
  const answer = await request("GET", `${API}/staff/session`, { cache: "no-store" });
  return answer.ok ? answer.body.csrf_token : "";
}

function item(t, entry, reload, say) {
  const done = h("button", { type: "button" }, t("staff.feedback.done"));
  done.addEventListener("click", async () => {
    done.disabled = true;
    const answer = await request("PATCH", `${FEEDBACK}/${entry.id}`, {
      body: { done: true },
      headers: { "X-CSRF-Token": await csrfToken() },
      cache: "no-store",
    });
    if (!answer.ok) say(answer.body.error?.message || t("error.generic"));
    await reload();
  });
  return h(
    "li",
    { dataset: { feedbackId: String(entry.id) } },
    h("strong", {}, entry.title),
    h(
      "p",
      {},
      h("span", { class: "tag" }, t(`feedback.kind.${entry.kind}`)),
      h("span", { class: "tag" }, entry.lang),
      h("span", { class: "tag" }, entry.received_day),
    ),
    entry.text ? h("p", { class: "reporter-text" }, entry.text) : null,
    done,
  );
}

async function start() {
  const t = await words();
  const list = h("ul", { class: "reports", id: "feedback-list" });
  const message = h("p", { role: "status" });
  const say = (text) => (message.textContent = text);
  const section = h(
    "details",
    { id: "feedback", class: "feedback" },
    h("summary", {}, h("h2", {}, t("staff.feedback.title"))),
    message,
    list,
  );
  const reload = async () => {
    const answer = await request("GET", FEEDBACK, { cache: "no-store" });
    if (!answer.ok) {
      list.replaceChildren();
      say(answer.body.error?.message || t("error.generic")); // e.g. "Please sign in first."
      return;
    }
    say(answer.body.items.length ? "" : t("staff.feedback.none"));
    list.replaceChildren(...answer.body.items.map((e) => item(t, e, reload, say)));
  };
  section.addEventListener("toggle", () => {
    if (section.open) reload().catch(() => say(t("error.generic")));
  });
  (document.querySelector("main") || document.body).append(section);
}

start().catch(() => {});
