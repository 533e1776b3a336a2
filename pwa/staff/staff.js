// The staff inbox: sign in, read and triage reports, reply, export. No framework: the app's
// library builds the page, and its words and choices come from the bundle (English unless
// ?lang= asks for another language). Reporter text is only ever put into the page as text
// (textContent), never as HTML.

import { API, loadBundle, request } from "/assets/js/lib/api.js";
import { h } from "/assets/js/lib/dom.js";
import { applyLanguage, translator } from "/assets/js/lib/i18n.js";
import "./feedback.js"; // the content-feedback queue, apart from reports

const STAFF = `${API}/staff`;
const state = { csrf: "", user: null, page: 1, pages: 1, reportId: null };
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
    if (answer.status === 401 && path !== "/login") showLogin();
    throw new Error(answer.body.error?.message || t("error.generic"));
  }
  return answer.body;
}

function show(section) {
  for (const id of ["login", "inbox", "detail"]) $(id).hidden = id !== section;
  $("who").hidden = !state.user;
  if (state.user) $("who-name").textContent = `${state.user.username} (${state.user.role})`;
}

function showLogin() {
  state.user = null;
  show("login");
  $("username").focus();
}

// The words on the page and the choices in its lists, in the page's language.
async function useLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  const bundle = await loadBundle(asked || "en").catch(() => loadBundle("en"));
  t = translator(bundle.messages);
  choices = bundle.choices;
  applyLanguage(bundle, t);
  const options = (values, label) => values.map((v) => h("option", { value: v }, label(v)));
  $("filter-status").append(...options(choices.report_statuses, status));
  $("filter-category").append(...options(choices.report_categories, category));
  $("status").append(...options(choices.report_statuses, status));
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
  if ($("filter-status").value) params.set("status", $("filter-status").value);
  if ($("filter-category").value) params.set("category", $("filter-category").value);
  return params;
}

async function loadInbox() {
  const params = filters();
  $("export").href = `${STAFF}/reports/export.csv${params.toString() ? "?" + params : ""}`;
  params.set("page", String(state.page));
  const inbox = await call("GET", `/reports?${params}`);
  state.pages = inbox.pages;
  $("report-list").replaceChildren(...inbox.items.map(inboxRow));
  $("count").textContent = t("staff.count", { count: inbox.total });
  $("page-label").textContent = t("staff.page", { page: inbox.page, pages: inbox.pages });
  $("prev").disabled = state.page <= 1;
  $("next").disabled = state.page >= state.pages;
  show("inbox");
}

const reportTitle = (report) =>
  t("staff.report_title", { id: report.id, category: category(report.category) });

function inboxRow(item) {
  const link = h("a", {
    href: `#report-${item.id}`,
    text: reportTitle(item),
    onclick: (event) => {
      event.preventDefault();
      openReport(item.id).catch((e) => notice(e.message));
    },
  });
  const tag = (text, className = "tag") => h("span", { class: className }, text);
  return h(
    "li",
    { dataset: { reportId: String(item.id) } },
    link,
    h(
      "p",
      {},
      item.danger_now && tag(t("staff.danger_now"), "tag danger"),
      item.awaiting_team && tag(t("staff.needs_reply")),
      tag(status(item.status)),
      tag(t("staff.received", { hour: item.received_hour })),
    ),
    h("p", { class: "reporter-text" }, item.excerpt),
  );
}

function renderReport(report) {
  state.reportId = report.id;
  $("detail-title").textContent = reportTitle(report);
  $("detail-danger").hidden = !report.danger_now;
  const fields = [
    [t("staff.field.received"), report.received_hour],
    [t("report.q_when"), report.when && t(`report.when.${report.when}`)],
    [t("report.q_where"), report.where],
    [t("staff.field.area"), report.area],
    [t("staff.field.lang"), report.lang],
  ].filter(([, value]) => value !== null && value !== undefined && value !== "");
  $("detail-fields").replaceChildren(
    ...fields.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]),
  );
  $("detail-what").textContent = report.what_happened;
  $("status").value = report.status;
  $("notes").value = report.notes;
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
  show("detail");
}

async function openReport(id) {
  notice("");
  renderReport(await call("GET", `/reports/${id}`));
}

function on(id, event, handler) {
  $(id).addEventListener(event, (e) => {
    e.preventDefault();
    notice("");
    Promise.resolve(handler(e)).catch((error) => notice(error.message));
  });
}

on("login-form", "submit", async () => {
  state.user = await call("POST", "/login", {
    username: $("username").value,
    password: $("password").value,
  });
  $("password").value = "";
  state.page = 1;
  await loadInbox();
});
on("logout", "click", async () => {
  await call("POST", "/logout");
  showLogin();
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
on("back", "click", loadInbox);
on("triage", "submit", async () => {
  renderReport(
    await call("PATCH", `/reports/${state.reportId}`, {
      status: $("status").value,
      notes: $("notes").value,
    }),
  );
  notice(t("settings.saved"));
});
on("reply", "submit", async () => {
  const text = $("reply-text").value;
  renderReport(await call("POST", `/reports/${state.reportId}/messages`, { text }));
  $("reply-text").value = "";
});

start().catch((error) => notice(error.message));
