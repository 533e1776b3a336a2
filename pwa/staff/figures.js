// The partnership figures page: charts drawn by the server (SVG), tables of the protected
// figures, the CSV export, and "You said, we did" updates. Text only ever goes in as text.

const API = "/api/v1/staff";
const state = { csrf: "", year: new Date().getUTCFullYear(), figures: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child != null && child !== false) node.append(child);
  return node;
}

async function call(path, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  if (options.body) headers["Content-Type"] = "application/json";
  if ((options.method || "GET") !== "GET") headers["X-CSRF-Token"] = state.csrf;
  const response = await fetch(API + path, { credentials: "same-origin", ...options, headers });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(body?.error?.message || `Error ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}

const cell = (value) =>
  value === null || value === undefined
    ? el("td", { class: "suppressed", text: "suppressed" })
    : el("td", { text: String(value) });
const label = (text) => text.replace(/_/g, " ");

function table(caption, columns, rows) {
  return el(
    "table",
    { class: "figures-table" },
    el("caption", { text: caption }),
    el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col", text: c })))),
    el("tbody", {}, rows.map(([head, values]) => el("tr", {}, el("th", { scope: "row", text: head }), values.map(cell)))),
  );
}

function renderPulse(figures) {
  const byQuestion = new Map();
  for (const row of figures.pulse) {
    if (!byQuestion.has(row.question)) byQuestion.set(row.question, []);
    byQuestion.get(row.question).push(row);
  }
  const out = [];
  for (const rows of byQuestion.values()) {
    const answers = Object.keys(rows[0].counts);
    const shown = rows.filter((r) => r.answered !== null || Object.values(r.counts).some((c) => c !== null));
    const columns = ["Month and where asked", "Answered", ...answers.map((a) => `${label(a)} %`)];
    out.push(
      table(
        rows[0].statement,
        columns,
        (shown.length ? shown : rows.slice(0, 3)).map((r) => [
          `${r.month}, ${r.phase}`,
          [r.answered, ...answers.map((a) => r.percent[a])],
        ]),
      ),
    );
  }
  $("pulse-tables").replaceChildren(...out);
}

function renderPlaces(figures) {
  const kinds = [...new Set(figures.unsafe_places.map((r) => r.kind))];
  const months = [...new Set(figures.unsafe_places.map((r) => r.month))];
  const out = months.map((month) => {
    const rows = figures.unsafe_places.filter((r) => r.month === month);
    const districts = [...new Set(rows.map((r) => r.district))];
    const value = (d, k) => rows.find((r) => r.district === d && r.kind === k)?.count ?? null;
    return table(
      month,
      ["District", ...kinds.map(label)],
      districts.map((d) => [d, kinds.map((k) => value(d, k))]),
    );
  });
  $("place-tables").replaceChildren(...(out.length ? out : [el("p", { text: "No complete month yet." })]));
}

function renderReports(figures) {
  const categories = [...new Set(figures.reports.map((r) => r.category))];
  const months = [...new Set(figures.reports.map((r) => r.month))];
  const value = (m, c) => figures.reports.find((r) => r.month === m && r.category === c)?.count ?? null;
  $("report-table").replaceChildren(
    months.length
      ? table("Reports", ["Month", ...categories.map(label)], months.map((m) => [m, categories.map((c) => value(m, c))]))
      : el("p", { text: "No complete month yet." }),
  );
}

async function load() {
  const year = state.year;
  $("year-label").textContent = String(year);
  $("csv").href = `${API}/figures?year=${year}&format=csv`;
  const [figures, charts] = await Promise.all([
    call(`/figures?year=${year}`),
    call(`/figures/charts?year=${year}`),
  ]);
  state.figures = figures;
  $("charts").replaceChildren(
    ...charts.map((name) =>
      el("img", { src: `${API}/figures/charts/${encodeURIComponent(name)}?year=${year}`, alt: `Chart: ${name.replace(/\.svg$/, "").replace(/-/g, " ")}`, width: "720", height: "300" }),
    ),
  );
  renderPulse(figures);
  renderPlaces(figures);
  renderReports(figures);
  document.documentElement.dataset.ready = "true";
}

async function loadUpdates() {
  const updates = await call("/updates");
  $("update-list").replaceChildren(
    ...updates.map((u) =>
      el(
        "li",
        {},
        el("strong", { text: `${u.day} ${u.area || ""} ${u.question || ""}`.trim() }),
        " ",
        el("span", { text: u.text }),
        u.english_only ? el("em", { text: " (English only)" }) : null,
      ),
    ),
  );
}

async function main() {
  const session = await call("/session");
  state.csrf = session.csrf_token;
  if (!session.user) {
    notice("Please sign in on the reports inbox first.");
    return;
  }
  const select = $("year");
  for (let y = state.year; y >= state.year - 4; y -= 1) select.append(el("option", { value: String(y), text: String(y) }));
  const wanted = Number(new URLSearchParams(location.search).get("year"));
  if (wanted) state.year = wanted;
  select.value = String(state.year);
  select.addEventListener("change", () => {
    state.year = Number(select.value);
    load().catch((e) => notice(e.message));
  });
  const questions = await fetch("/api/v1/pulse/questions?lang=en").then((r) => r.json());
  for (const q of questions) $("update-question").append(el("option", { value: q.id, text: q.statement }));
  $("publish").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await call("/updates", {
        method: "POST",
        body: JSON.stringify({
          text: $("update-text").value,
          area: $("update-area").value || null,
          question: $("update-question").value || null,
          english_only: $("update-english").checked,
        }),
      });
      $("publish").reset();
      notice("");
      await loadUpdates();
    } catch (error) {
      notice(error.message);
    }
  });
  await Promise.all([load(), loadUpdates()]);
}

main().catch((error) => notice(error.message));
