// The listings queue (issue 15): suggested changes to the help finder's listings, apart from
// the safeguarding reports, each marked done when dealt with; and the synced directory
// sources with their last success, counts and last error. It shows itself beside the inbox
// whenever the inbox is shown, and fetches its own session token. Suggestion text is put
// into the page only as text, never as HTML.

import { API, loadBundle, request } from "/assets/js/lib/api.js";
import { h } from "/assets/js/lib/dom.js";
import { translator } from "/assets/js/lib/i18n.js";

const LISTINGS = `${API}/staff/listings`;
let t = (key) => key;

async function call(method, url, body) {
  const headers = {};
  if (method !== "GET") {
    const session = await request("GET", `${API}/staff/session`, { cache: "no-store" });
    headers["X-CSRF-Token"] = session.body.csrf_token;
  }
  const answer = await request(method, url, { body, headers, cache: "no-store" });
  if (!answer.ok) throw new Error(answer.body.error?.message || t("error.generic"));
  return answer.body;
}

function suggestionItem(item, refresh) {
  const done = h("button", { type: "button" }, t("staff.mark_done"));
  done.addEventListener("click", async () => {
    done.disabled = true;
    await call("PATCH", `${LISTINGS}/${item.id}`, { done: true });
    refresh();
  });
  return h(
    "li",
    { class: "report" },
    h("strong", {}, item.service_name),
    " · ",
    t(`help.suggest.${item.topic}`),
    " · ",
    item.received_on,
    item.text ? h("p", { class: "reporter-text" }, item.text) : null,
    done,
  );
}

function sourceItem(source) {
  return h(
    "li",
    {},
    h("strong", {}, source.name),
    ` (${source.url}${source.version ? `, ORUK ${source.version}` : ""}): `,
    `✓ ${source.last_success_at || "–"} · ${source.services} · +${source.imported} ~${source.updated} −${source.removed}`,
    source.last_error ? h("p", { class: "danger" }, source.last_error) : null,
  );
}

function build() {
  const list = h("ul", { class: "reports", id: "listing-list" });
  const sources = h("ul", { id: "source-list" });
  const section = h(
    "section",
    { id: "listings", hidden: true, "aria-labelledby": "listings-title" },
    h("h2", { id: "listings-title" }, t("staff.listings")),
    list,
    h("h2", {}, t("staff.sources")),
    sources,
  );
  const refresh = async () => {
    try {
      const [queue, known] = await Promise.all([
        call("GET", LISTINGS),
        call("GET", `${LISTINGS}/sources`),
      ]);
      list.replaceChildren(...queue.items.map((item) => suggestionItem(item, refresh)));
      if (!queue.items.length) list.append(h("li", {}, "–"));
      sources.replaceChildren(...known.map(sourceItem));
      if (!known.length) sources.append(h("li", {}, "–"));
    } catch (error) {
      list.replaceChildren(h("li", {}, error.message));
    }
  };
  return { section, refresh };
}

async function start() {
  const asked = new URLSearchParams(location.search).get("lang");
  const bundle = await loadBundle(asked || "en").catch(() => loadBundle("en"));
  t = translator(bundle.messages);
  const inbox = document.getElementById("inbox");
  if (!inbox) return;
  const { section, refresh } = build();
  inbox.after(section);
  // Shown with the inbox, and refreshed each time the inbox comes back into view.
  const follow = () => {
    section.hidden = inbox.hidden;
    if (!inbox.hidden) refresh();
  };
  new MutationObserver(follow).observe(inbox, { attributes: true, attributeFilter: ["hidden"] });
  follow();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
