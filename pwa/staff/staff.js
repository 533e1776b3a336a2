// The staff inbox: sign in, read and triage reports, reply, export. No framework.
// Reporter text is only ever put into the page with textContent, never as HTML.
"use strict";

(function () {
  const API = "/api/v1/staff";
  const STATUS = {
    received: "Received",
    being_looked_at: "Being looked at",
    passed_on: "Passed on",
    closed: "Closed",
  };
  const CATEGORY = {
    seen_a_knife: "Seen a knife",
    someone_carrying: "Someone carrying",
    threat_or_planned_violence: "Threat or planned violence",
    being_pressured_or_exploited: "Being pressured or exploited",
    unsafe_place: "Unsafe place",
    something_else: "Something else",
  };
  const WHEN = { now: "Now", today: "Today", this_week: "This week", earlier: "Earlier" };

  const state = { csrf: "", user: null, page: 1, pages: 1, reportId: null };
  const $ = (id) => document.getElementById(id);

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function notice(text) {
    $("notice").textContent = text || "";
    $("notice").hidden = !text;
  }

  async function call(method, path, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = state.csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(API + path, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return null;
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      if (response.status === 401 && path !== "/login") showLogin();
      const message = (data.error && data.error.message) || "Something went wrong.";
      throw new Error(message);
    }
    return data;
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

  async function start() {
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
    $("export").href = `${API}/reports/export.csv${params.toString() ? "?" + params : ""}`;
    params.set("page", String(state.page));
    const inbox = await call("GET", `/reports?${params}`);
    state.pages = inbox.pages;
    const list = $("report-list");
    list.replaceChildren();
    for (const item of inbox.items) list.append(inboxRow(item));
    $("count").textContent = `${inbox.total} report(s)`;
    $("page-label").textContent = `Page ${inbox.page} of ${inbox.pages}`;
    $("prev").disabled = state.page <= 1;
    $("next").disabled = state.page >= state.pages;
    show("inbox");
  }

  function inboxRow(item) {
    const li = el("li");
    li.dataset.reportId = String(item.id);
    const link = el("a", `Report ${item.id}: ${CATEGORY[item.category] || item.category}`);
    link.href = `#report-${item.id}`;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      openReport(item.id).catch((e) => notice(e.message));
    });
    const tags = el("p");
    if (item.danger_now) tags.append(el("span", "Danger now", "tag danger"));
    if (item.awaiting_team) tags.append(el("span", "Needs a reply", "tag"));
    tags.append(el("span", STATUS[item.status] || item.status, "tag"));
    tags.append(el("span", `Received ${item.received_hour}`, "tag"));
    li.append(link, tags, el("p", item.excerpt, "reporter-text"));
    return li;
  }

  function field(list, label, value) {
    if (value === null || value === undefined || value === "") return;
    list.append(el("dt", label), el("dd", value));
  }

  function renderReport(report) {
    state.reportId = report.id;
    $("detail-title").textContent = `Report ${report.id}: ${CATEGORY[report.category] || report.category}`;
    $("detail-danger").hidden = !report.danger_now;
    const fields = $("detail-fields");
    fields.replaceChildren();
    field(fields, "Received (UTC, to the hour)", report.received_hour);
    field(fields, "When it happened", WHEN[report.when] || report.when);
    field(fields, "Where", report.where);
    field(fields, "Area", report.area);
    field(fields, "Reporter's language", report.lang);
    $("detail-what").textContent = report.what_happened;
    $("status").value = report.status;
    $("notes").value = report.notes;
    const thread = $("thread");
    thread.replaceChildren();
    for (const message of report.messages) {
      const li = el("li");
      const who = message.sender === "team" ? `Team (${message.staff_username})` : "Reporter";
      li.append(el("span", `${who}, ${message.day}`, "from"), el("p", message.text));
      thread.append(li);
    }
    if (!report.messages.length) thread.append(el("li", "No messages yet."));
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
    notice("Saved.");
  });
  on("reply", "submit", async () => {
    const text = $("reply-text").value;
    renderReport(await call("POST", `/reports/${state.reportId}/messages`, { text }));
    $("reply-text").value = "";
  });

  start().catch((error) => notice(error.message));
})();
