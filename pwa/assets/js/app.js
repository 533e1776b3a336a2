// The app: picks the language, draws each screen from its address, keeps the shell and the
// chosen language's cards for offline use, and sends reports that waited for a signal.

import * as card from "./card.js";
import * as check from "./check.js";
import { initQuickExit, setExitUrl } from "./exit.js";
import * as help from "./help.js";
import * as home from "./home.js";
import { chooseBundle, getConfig, getLocales } from "./i18n.js";
import { API, loadBundle } from "./lib/api.js";
import { h } from "./lib/dom.js";
import { applyLanguage, translator } from "./lib/i18n.js";
import { about, glossary, settingsScreen } from "./pages.js";
import { flush } from "./queue.js";
import * as report from "./report.js";
import { saveSettings, settings } from "./store.js";
import { saidWeDid, unsafePlace } from "./voice.js";
import { button } from "./widgets.js";

initQuickExit();

// What draws each screen; the screens' addresses come from the bundle (server/precache.py).
const DRAW = {
  home: home.render,
  card: card.render,
  help: help.render,
  report: report.render,
  unsafePlace,
  saidWeDid,
  check: check.render,
  settings: settingsScreen,
  about,
  glossary,
};
let routes = [];
const screenPattern = (path) =>
  new RegExp(`^${path.replace(/\/$/, "").replace("{id}", "([a-z0-9-]+)")}/?$`);
const root = document.documentElement;
const main = document.getElementById("app-screen");
const notices = document.getElementById("app-notices");

const app = {
  bundle: null,
  t: (key) => key,
  settings: settings(),
  params: new URLSearchParams(location.search),
  english: () => loadBundle("en"),
  locales: () =>
    (app.localesPromise ??= getLocales().catch((error) => {
      app.localesPromise = null;
      throw error;
    })),
  navigate(url) {
    history.pushState(null, "", url);
    app.render({ focus: true });
  },
  async render({ focus = false } = {}) {
    const path = location.pathname;
    app.params = new URLSearchParams(location.search);
    app.settings = settings();
    const route = routes.find(([pattern]) => pattern.test(path));
    main.replaceChildren();
    let title = "";
    if (route) title = await route[1](app, main, path.match(route[0]), app.params);
    document.title = title ? `${title} – ${app.t("app.name")}` : app.t("app.name");
    for (const link of document.querySelectorAll(".app-nav a")) {
      const current = new URL(link.href).pathname === path;
      if (current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    const target =
      location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.focus();
    else if (focus) main.querySelector("h1, [role=heading][aria-level='1']")?.focus();
  },
  applySettings() {
    app.settings = settings();
    root.classList.remove("app-text-large", "app-text-larger");
    if (app.settings.textSize !== "standard")
      root.classList.add(`app-text-${app.settings.textSize}`);
  },
  async setLanguage(lang) {
    const bundle = await loadBundle(lang);
    saveSettings({ lang: bundle.lang });
    useBundle(bundle);
    await app.render();
    keepOffline();
    main.querySelector("h1")?.focus();
  },
  notify(id, ...content) {
    document.getElementById(id)?.remove();
    const notice = h("div", { class: "app-notice", id, role: "status" }, content);
    notices.append(notice);
    return notice;
  },
  reportSent(body) {
    const notice = app.notify(
      "notice-report-sent",
      h("h2", { class: "app-heading-m" }, app.t("report.sent_title")),
      report.sentPanel(app, body),
    );
    notice.scrollIntoView();
  },
  reportRefused(body) {
    app.notify(
      "notice-report-refused",
      h("p", {}, app.t("report.refused"), " ", body.error?.message || ""),
    );
  },
};

function useBundle(bundle) {
  app.bundle = bundle;
  routes = Object.entries(bundle.screens)
    .filter(([name]) => DRAW[name])
    .map(([name, path]) => [screenPattern(path), DRAW[name]]);
  app.t = translator(bundle.messages);
  applyLanguage(bundle, app.t);
  document.getElementById("notice-unreviewed")?.remove();
  if (!bundle.translation_reviewed) {
    app.notify("notice-unreviewed", h("p", {}, app.t("app.translation_unreviewed")));
  }
}

// Follow links to the app's own screens without reloading the page.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || !routes.some(([p]) => p.test(url.pathname))) return;
  event.preventDefault();
  if (url.pathname === location.pathname && url.search === location.search && url.hash) {
    history.pushState(null, "", url);
    document.getElementById(decodeURIComponent(url.hash.slice(1)))?.focus();
    return;
  }
  app.navigate(url.pathname + url.search + url.hash);
});
window.addEventListener("popstate", () => app.render({ focus: true }));

function keepOffline() {
  const worker = navigator.serviceWorker?.controller || app.registration?.active;
  if (!worker || !app.bundle) return;
  const lang = app.bundle.lang;
  const urls = [`${API}/bundle?lang=${lang}`, `${API}/locales`, `${API}/app-config`];
  urls.push(`${API}/updates?lang=${lang}`);
  if (lang !== "en") urls.push(`${API}/bundle?lang=en`);
  worker.postMessage({ type: "keep", urls });
}

async function startWorker() {
  if (!navigator.serviceWorker) return; // none, or blocked: the app still works online
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type === "kept" && event.data.ok) root.dataset.offlineReady = "true";
  });
  try {
    app.registration = await navigator.serviceWorker.register("/sw.js", {
      scope: "/",
      updateViaCache: "none",
    });
  } catch {
    return; // no worker (e.g. a private window): the app still works online
  }
  if (!app.registration) return;
  app.registration.addEventListener("updatefound", () => {
    // A worker already in charge means this is a new version, not the first install.
    const isUpdate = !!navigator.serviceWorker.controller;
    const worker = app.registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state !== "activated" || !isUpdate) return;
      app.notify(
        "notice-update",
        h("p", {}, app.t("update.ready")),
        button(app.t("update.reload"), {
          class: "app-button app-button--secondary",
          onclick: () => location.reload(),
        }),
      );
    });
  });
  await navigator.serviceWorker.ready;
  app.registration = await navigator.serviceWorker.getRegistration();
  keepOffline();
}

function showOffline() {
  main.replaceChildren(
    h("h1", { class: "app-heading-l" }, "You are offline"),
    h(
      "p",
      {},
      "This page needs a connection the first time you open it. In an emergency, call 999.",
    ),
  );
}

async function boot() {
  app.applySettings();
  let bundle;
  try {
    bundle = await chooseBundle();
  } catch {
    showOffline();
    startWorker();
    return;
  }
  useBundle(bundle);
  await app.render();
  root.dataset.ready = "true";
  startWorker();
  flush(app.reportSent, app.reportRefused);
  window.addEventListener("online", () => flush(app.reportSent, app.reportRefused));
  setExitUrl(settings().exitUrl);
  try {
    const config = await getConfig();
    saveSettings({ exitUrl: config.exit_url });
    setExitUrl(config.exit_url);
  } catch {
    // offline: keep the last known neutral site
  }
}

boot();
