// The partnership figures page: charts drawn by the server (SVG), tables of the protected
// figures, the CSV export, and "You said, we did" updates. Text only ever goes in as text.

import { API, getJSON, request } from "/assets/js/lib/api.js";
import { h } from "/assets/js/lib/dom.js";

const STAFF = `${API}/staff`;
const state = { csrf: "", year: new Date().getUTCFullYear(), figures: null };
const $ = (id) => document.getElementById(id);

// The staff API: JSON in and out; every change carries the CSRF token. A failed answer throws.
async function call(path, { method = "GET", body } = {}) {
  const headers = method === "GET" ? {} : { "X-CSRF-Token": state.csrf };
  const answer = await request(method, STAFF + path, { body, headers, cache: "no-store" });
  if (!answer.ok) {
    const error = new Error(answer.body.error?.message || `Error ${answer.status}`);
    error.status = answer.status;
    throw error;
  }
  return answer.body;
}

function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}

const cell = (value) =>
  value === null || value === undefined
    ? h("td", { class: "suppressed", text: "suppressed" })
    : h("td", { text: String(value) });
const label = (text) => text.replace(/_/g, " ");

function table(caption, columns, rows) {
  return h(
    "table",
    { class: "figures-table" },
    h("caption", { text: caption }),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", text: c })))),
    h("tbody", {}, rows.map(([head, values]) => h("tr", {}, h("th", { scope: "row", text: head }), values.map(cell)))),
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
  $("place-tables").replaceChildren(...(out.length ? out : [h("p", { text: "No complete month yet." })]));
}

function renderReports(figures) {
  const categories = [...new Set(figures.reports.map((r) => r.category))];
  const months = [...new Set(figures.reports.map((r) => r.month))];
  const value = (m, c) => figures.reports.find((r) => r.month === m && r.category === c)?.count ?? null;
  $("report-table").replaceChildren(
    months.length
      ? table("Reports", ["Month", ...categories.map(label)], months.map((m) => [m, categories.map((c) => value(m, c))]))
      : h("p", { text: "No complete month yet." }),
  );
}

async function load() {
  const year = state.year;
  $("year-label").textContent = String(year);
  $("csv").href = `${STAFF}/figures?year=${year}&format=csv`;
  const [figures, charts] = await Promise.all([
    call(`/figures?year=${year}`),
    call(`/figures/charts?year=${year}`),
  ]);
  state.figures = figures;
  $("charts").replaceChildren(
    ...charts.map((name) =>
      h("img", { src: `${STAFF}/figures/charts/${encodeURIComponent(name)}?year=${year}`, alt: `Chart: ${name.replace(/\.svg$/, "").replace(/-/g, " ")}`, width: "720", height: "300" }),
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
      h(
        "li",
        {},
        h("strong", { text: `${u.day} ${u.area || ""} ${u.question || ""}`.trim() }),
        " ",
        h("span", { text: u.text }),
        u.english_only ? h("em", { text: " (English only)" }) : null,
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
  for (let y = state.year; y >= state.year - 4; y -= 1) select.append(h("option", { value: String(y), text: String(y) }));
  const wanted = Number(new URLSearchParams(location.search).get("year"));
  if (wanted) state.year = wanted;
  select.value = String(state.year);
  select.addEventListener("change", () => {
    state.year = Number(select.value);
    load().catch((e) => notice(e.message));
  });
  const questions = await getJSON(`${API}/pulse/questions?lang=en`);
  for (const q of questions) $("update-question").append(h("option", { value: q.id, text: q.statement }));
  $("publish").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await call("/updates", {
        method: "POST",
        body: {
          text: $("update-text").value,
          area: $("update-area").value || null,
          question: $("update-question").value || null,
          english_only: $("update-english").checked,
        },
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
