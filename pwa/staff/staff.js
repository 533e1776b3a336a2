// The staff inbox: a single page to work in all day. Sign in with a password and an
// authenticator code; a list with filters, overdue first with deadline badges; one report with
// its thread, owner, triage, reply, decision and handover, and its audit trail; keyboard
// shortcuts. No framework: the app's library builds the page, and its words and choices come
// from the bundle (English unless ?lang= asks for another language). Reporter text is only
// ever put into the page as text (textContent), never as HTML.

import { API, loadBundle, request } from "/assets/js/lib/api.js";
import { h } from "/assets/js/lib/dom.js";
import { applyLanguage, translator } from "/assets/js/lib/i18n.js";
import "./feedback.js"; // the content-feedback queue, apart from reports
import "/staff/listings.js";

const STAFF = `${API}/staff`;
const OUTCOMES = [
  "concern_confirmed",
  "concern_not_confirmed",
  "not_enough_information",
  "duplicate",
];
const DESTINATIONS = [
  "police",
  "crimestoppers_fearless",
  "childrens_social_care",
  "school_dsl",
  "another_service",
  "no_further_action",
];
// Status changes by hand; passed on and closed come only with a decision.
const TRIAGE_STATUSES = ["received", "being_looked_at"];
const state = { csrf: "", user: null, page: 1, pages: 1, reportId: null, items: [], cursor: 0 };
const $ = (id) => document.getElementById(id);
let t = (key) => key;
let choices = { report_categories: [], report_statuses: [] };

const category = (value) => t(`report.category.${value}`);
const status = (value) => t(`staff.status.${value}`);

function notice(text) {
  $("notice").textContent = text || "";
  $("notice").hidden = !text;
}

async function call(method, path, body) {
  const headers = method === "GET" ? {} : { "X-CSRF-Token": state.csrf };
  const answer = await request(method, STAFF + path, { body, headers, cache: "no-store" });
  if (!answer.ok) {
    if (answer.status === 401 && !path.startsWith("/login")) showLogin();
    throw new Error(answer.body.error?.message || t("error.generic"));
  }
  return answer.body;
}

function show(section) {
  $("login").hidden = section !== "login";
  $("workspace").hidden = section === "login";
  $("detail").hidden = section !== "detail";
  $("who").hidden = !state.user;
  $("password-box").hidden = !state.user;
  if (state.user) $("who-name").textContent = `${state.user.username} (${state.user.role})`;
}

function showLogin() {
  state.user = null;
  show("login");
  $("username").focus();
}

// How late, or how long left, in words a person reads at a glance: "2 h 20 min".
function duration(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return hours ? `${hours} h${rest ? ` ${rest} min` : ""}` : `${rest} min`;
}

const when = (iso) =>
  iso
    ? new Date(iso).toLocaleString(document.documentElement.lang, {
        weekday: "short",
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
      })
    : "";

// The page's words and the choices in its lists, in the page's language.
async function useLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  const bundle = await loadBundle(asked || "en").catch(() => loadBundle("en"));
  t = translator(bundle.messages);
  choices = bundle.choices;
  applyLanguage(bundle, t);
  const options = (values, label) => values.map((v) => h("option", { value: v }, label(v)));
  $("filter-status").append(...options(choices.report_statuses, status));
  $("filter-category").append(...options(choices.report_categories, category));
  $("status").append(...options(TRIAGE_STATUSES, status));
  $("outcome").append(...options(OUTCOMES, (v) => t(`staff.outcome.${v}`)));
  $("destination").append(...options(DESTINATIONS, (v) => t(`staff.destination.${v}`)));
  $("enrol-qr").alt = t("staff.enrol");
}

async function start() {
  await useLanguage();
  const session = await call("GET", "/session");
  state.csrf = session.csrf_token;
  state.user = session.user;
  if (state.user) await loadInbox();
  else showLogin();
}

function filters() {
  const params = new URLSearchParams();
  for (const name of ["mine", "unassigned", "overdue", "danger"]) {
    if ($(`filter-${name}`).checked) params.set(name, "true");
  }
  if ($("filter-status").value) params.set("status", $("filter-status").value);
  if ($("filter-category").value) params.set("category", $("filter-category").value);
  return params;
}

async function loadInbox({ focusList = false } = {}) {
  const params = filters();
  const exported = new URLSearchParams(params);
  for (const name of ["mine", "unassigned", "overdue", "danger"]) exported.delete(name);
  $("export").href = `${STAFF}/reports/export.csv${exported.toString() ? "?" + exported : ""}`;
  params.set("page", String(state.page));
  const inbox = await call("GET", `/reports?${params}`);
  state.pages = inbox.pages;
  state.items = inbox.items;
  state.cursor = Math.min(state.cursor, Math.max(0, inbox.items.length - 1));
  $("report-list").replaceChildren(...inbox.items.map(inboxRow));
  $("count").textContent = t("staff.count", { count: inbox.total });
  $("page-label").textContent = t("staff.page", { page: inbox.page, pages: inbox.pages });
  $("prev").disabled = state.page <= 1;
  $("next").disabled = state.page >= state.pages;
  $("mail-failures").hidden = !inbox.mail_failures;
  $("mail-failures").textContent = t("staff.mail_failures", { count: inbox.mail_failures });
  if ($("detail").hidden) show("inbox");
  if (focusList) focusItem(state.cursor);
}

const reportTitle = (report) =>
  t("staff.report_title", { id: report.id, category: category(report.category) });

const tag = (text, className = "tag") => h("span", { class: className }, text);

// Deadline badges: how late when overdue, else the next deadline.
function deadlineBadges(report) {
  if (report.overdue) {
    return [tag(t("staff.overdue", { time: duration(report.overdue_minutes) }), "tag late")];
  }
  if (report.status === "passed_on" || report.status === "closed") return [];
  const acknowledged = report.acknowledged ?? Boolean(report.acknowledged_at);
  return acknowledged
    ? [tag(t("staff.decide_by", { time: when(report.decide_by) }), "tag due")]
    : [tag(t("staff.acknowledge_by", { time: when(report.acknowledge_by) }), "tag due")];
}

function inboxRow(item, index) {
  const link = h("a", {
    href: `#report-${item.id}`,
    text: reportTitle(item),
    onclick: (event) => {
      event.preventDefault();
      state.cursor = index;
      openReport(item.id).catch((e) => notice(e.message));
    },
  });
  return h(
    "li",
    { dataset: { reportId: String(item.id) }, class: item.overdue ? "overdue" : null },
    link,
    h(
      "p",
      {},
      item.danger_now && tag(t("staff.danger_now"), "tag danger"),
      deadlineBadges(item),
      item.awaiting_team && tag(t("staff.needs_reply")),
      tag(status(item.status)),
      tag(item.owner ? `${t("staff.owner")}: ${item.owner}` : t("staff.owner_leads")),
      tag(t("staff.received", { hour: item.received_hour })),
    ),
    h("p", { class: "reporter-text" }, item.excerpt),
  );
}

function focusItem(index) {
  const links = $("report-list").querySelectorAll("li > a");
  if (!links.length) return;
  state.cursor = Math.max(0, Math.min(index, links.length - 1));
  for (const li of $("report-list").children) li.classList.remove("current");
  links[state.cursor].parentElement.classList.add("current");
  links[state.cursor].focus();
}

let team = [];

async function loadTeam() {
  team = await call("GET", "/team");
}

function renderReport(report) {
  state.reportId = report.id;
  $("detail-title").textContent = reportTitle(report);
  $("detail-danger").hidden = !report.danger_now;
  $("detail-badges").replaceChildren(...deadlineBadges(report), tag(status(report.status)));
  const fields = [
    [t("staff.field.received"), report.received_hour],
    [t("report.q_when"), report.when && t(`report.when.${report.when}`)],
    [t("report.q_where"), report.where],
    [t("staff.field.area"), report.area],
    [t("staff.field.lang"), report.lang],
    [t("staff.owner"), report.owner || t("staff.owner_leads")],
  ].filter(([, value]) => value !== null && value !== undefined && value !== "");
  $("detail-fields").replaceChildren(
    ...fields.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]),
  );
  $("detail-what").textContent = report.what_happened;
  $("owner").replaceChildren(
    h("option", { value: "" }, t("staff.owner_leads")),
    ...team.map((m) => h("option", { value: m.username }, `${m.username} (${m.role})`)),
  );
  $("owner").value = report.owner || "";
  const open = report.status !== "passed_on" && report.status !== "closed";
  $("triage").hidden = !open;
  $("decide").hidden = !open;
  $("status").value = TRIAGE_STATUSES.includes(report.status) ? report.status : "being_looked_at";
  $("notes").value = report.notes;
  $("decided").hidden = open;
  $("decided").textContent = open
    ? ""
    : t("staff.decided", {
        outcome: t(`staff.outcome.${report.outcome}`),
        destination:
          report.destination === "another_service"
            ? report.destination_name
            : t(`staff.destination.${report.destination}`),
      });
  const from = (message) =>
    message.sender === "team"
      ? t("staff.from_team", { name: message.staff_username })
      : t("staff.from_reporter");
  $("thread").replaceChildren(
    ...report.messages.map((message) =>
      h(
        "li",
        {},
        h("span", { class: "from" }, `${from(message)}, ${message.day}`),
        h("p", {}, message.text),
      ),
    ),
  );
  if (!report.messages.length) $("thread").append(h("li", {}, t("check.no_messages")));
  $("trail").replaceChildren(
    ...report.audit.map((entry) =>
      h(
        "li",
        {},
        h("time", { datetime: entry.at }, when(entry.at)),
        ` ${entry.username}: ${entry.action.replaceAll("_", " ")}`,
        entry.detail ? ` (${entry.detail})` : "",
      ),
    ),
  );
  show("detail");
}

async function openReport(id) {
  notice("");
  if (!team.length) await loadTeam();
  renderReport(await call("GET", `/reports/${id}`));
  $("detail-title").focus();
}

function on(id, event, handler) {
  $(id).addEventListener(event, (e) => {
    e.preventDefault();
    notice("");
    Promise.resolve(handler(e)).catch((error) => notice(error.message));
  });
}

function signedIn(answer) {
  state.user = answer.user;
  state.csrf = answer.csrf_token;
  $("password").value = "";
  $("totp").value = "";
  $("enrolment").hidden = true;
  const codes = answer.recovery_codes || [];
  $("recovery").hidden = !codes.length;
  $("recovery-codes").replaceChildren(...codes.map((c) => h("li", {}, h("code", {}, c))));
}

on("login-form", "submit", async () => {
  signedIn(
    await call("POST", "/login", {
      username: $("username").value,
      password: $("password").value,
      totp: $("totp").value.trim(),
    }),
  );
  state.page = 1;
  team = [];
  await loadInbox({ focusList: true });
});
on("enrol", "click", async () => {
  const shown = await call("POST", "/login/enrolment", {
    username: $("username").value,
    password: $("password").value,
  });
  $("enrol-qr").src = `data:image/svg+xml;base64,${btoa(shown.qr_svg)}`;
  $("enrol-uri").textContent = shown.totp_uri;
  $("enrolment").hidden = false;
  $("totp").focus();
});
// A new password: the server wraps this member's key again; their other sign-ins end.
on("password-form", "submit", async () => {
  await call("POST", "/password", {
    current_password: $("current-password").value,
    new_password: $("new-password").value,
  });
  $("password-form").reset();
  $("password-box").open = false;
  notice(t("staff.password_changed"));
});
on("logout", "click", async () => {
  await call("POST", "/logout");
  const session = await call("GET", "/session");
  state.csrf = session.csrf_token;
  $("recovery").hidden = true;
  showLogin();
});
$("filters").addEventListener("change", () => {
  state.page = 1;
  loadInbox().catch((error) => notice(error.message));
});
on("filters", "submit", async () => {
  state.page = 1;
  await loadInbox();
});
on("prev", "click", async () => {
  state.page = Math.max(1, state.page - 1);
  await loadInbox();
});
on("next", "click", async () => {
  state.page = Math.min(state.pages, state.page + 1);
  await loadInbox();
});
on("back", "click", backToList);
on("triage", "submit", async () => {
  renderReport(
    await call("PATCH", `/reports/${state.reportId}`, {
      status: $("status").value,
      notes: $("notes").value,
    }),
  );
  notice(t("settings.saved"));
});
on("assign", "submit", async () => {
  renderReport(
    await call("POST", `/reports/${state.reportId}/assign`, { owner: $("owner").value || null }),
  );
  notice(t("settings.saved"));
});
on("reply", "submit", async () => {
  const text = $("reply-text").value;
  renderReport(await call("POST", `/reports/${state.reportId}/messages`, { text }));
  $("reply-text").value = "";
});
$("destination").addEventListener("change", () => {
  $("destination-name-group").hidden = $("destination").value !== "another_service";
});
on("decide", "submit", async () => {
  const destination = $("destination").value;
  renderReport(
    await call("POST", `/reports/${state.reportId}/decision`, {
      outcome: $("outcome").value,
      reason: $("reason").value,
      destination,
      destination_name: destination === "another_service" ? $("destination-name").value : null,
    }),
  );
  $("reason").value = "";
  notice(t("settings.saved"));
});
on("shortcuts-toggle", "click", () => {
  const open = $("shortcuts").hidden;
  $("shortcuts").hidden = !open;
  $("shortcuts-toggle").setAttribute("aria-expanded", String(open));
});

// Back to the list: fetch it first, so the row already shows what was just done.
async function backToList() {
  await loadInbox();
  show("inbox");
  focusItem(state.cursor);
}

// Keyboard shortcuts, ignored while typing in a field.
const SHORTCUTS = {
  j: () => focusItem(state.cursor + 1),
  k: () => focusItem(state.cursor - 1),
  o: () => state.items[state.cursor] && openReport(state.items[state.cursor].id),
  u: () => backToList(),
  a: () => !$("detail").hidden && $("owner").focus(),
  r: () => !$("detail").hidden && $("reply-text").focus(),
  d: () => !$("detail").hidden && !$("decide").hidden && $("outcome").focus(),
  "?": () => $("shortcuts-toggle").click(),
};
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (!state.user || event.ctrlKey || event.metaKey || event.altKey) return;
  if (target.closest && target.closest("input, textarea, select")) return;
  const action = SHORTCUTS[event.key];
  if (!action) return;
  event.preventDefault();
  Promise.resolve(action()).catch((error) => notice(error.message));
});

start().catch((error) => notice(error.message));
