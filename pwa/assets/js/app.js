// The app: picks the language, draws each screen from its address, keeps the shell and the
// chosen language's cards for offline use, and sends reports that waited for a signal.

import { initQuickExit, setExitUrl } from "./exit.js";
import * as home from "./home.js";
import { API, getJSON, loadBundle } from "./lib/api.js";
import { h } from "./lib/dom.js";
import { applyLanguage, translator } from "./lib/i18n.js";
import { about, glossary, more, settingsScreen } from "./pages.js";
import { flush } from "./queue.js";
import { saveSettings, settings } from "./store.js";
import { button, focusText } from "./widgets.js";

initQuickExit();
document.addEventListener("app:quick-exit", () => (app.trail.length = 0));

// What draws each screen; the screens' addresses come from the bundle (server/precache.py).
// Only home's code comes with the page; LATER screens' code when first drawn (its module's
// function named after the screen, else its render), and the worker keeps it all offline.
const DRAW = {
  home: home.render,
  settings: settingsScreen,
  about,
  glossary,
  more,
};
const LATER = {
  card: "./card.js",
  help: "./help.js",
  report: "./report.js",
  unsafePlace: "./voice.js",
  saidWeDid: "./voice.js",
  check: "./check.js",
};
// A page opened before an app update still asks for the old version's modules, and the
// server and the worker no longer have them: the page reloads once at the same address and
// the new version draws the screen. The failed address is kept for this tab (the quick exit
// clears it), so a module that still fails after the reload does not reload it again.
const RELOADED = "cc.reloaded";
const drawer = async (name) =>
  DRAW[name] ||
  (await import(LATER[name]).then(
    (code) => code[name] || code.render,
    (error) => {
      if (sessionStorage.getItem(RELOADED) !== LATER[name]) {
        sessionStorage.setItem(RELOADED, LATER[name]);
        location.reload();
      }
      // This page draws nothing more.
      throw error;
    },
  ));
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
    (app.localesPromise ??= getJSON(`${API}/locales`).catch((error) => {
      app.localesPromise = null;
      throw error;
    })),
  // One history entry for the app's whole life: each screen replaces it, so the browser's
  // Back (and the quick exit's location.replace) never brings a screen of the app back.
  // The app's own back link walks `trail`, which lives only in this page's memory.
  trail: [],
  navigate(url, { back = false } = {}) {
    const here = location.pathname + location.search + location.hash;
    // Going to the screen before this one is going back (e.g. a question's own back link).
    if (!back && url === app.trail.at(-1)) app.trail.pop();
    else if (!back && here !== url) app.trail.push(here);
    history.replaceState(null, "", url);
    app.render({ focus: true });
  },
  back() {
    const to = app.trail.pop();
    if (to) app.navigate(to, { back: true });
  },
  async render({ focus = false } = {}) {
    const path = location.pathname;
    app.params = new URLSearchParams(location.search);
    app.settings = settings();
    const route = routes.find(([pattern]) => pattern.test(path));
    const screen = route?.[1];
    if (screen !== "home") await app.whole();
    const draw = screen && (await drawer(screen));
    document.dispatchEvent(new Event("app:leave-screen"));
    main.replaceChildren();
    if (draw) await draw(app, main, path.match(route[0]), app.params);
    // Titles stay neutral on every screen: a history list or tab switcher tells no story.
    document.title = app.t("app.name");
    if (app.trail.length && !main.querySelector(".app-back-link")) {
      main.prepend(
        h(
          "a",
          { class: "app-back-link", href: app.trail.at(-1), "data-app-back": "" },
          app.t("form.back"),
        ),
      );
    }
    for (const link of document.querySelectorAll(".app-nav a")) {
      const current = link.dataset.tab.split(" ").includes(screen);
      if (current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    if (app.seenNotice) document.getElementById("notice-unreviewed")?.remove();
    app.seenNotice = !!document.getElementById("notice-unreviewed");
    const target =
      location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.focus();
    else if (focus) main.querySelector("h1, [role=heading][aria-level='1']")?.focus();
  },
  // The whole bundle in place of its start (home needs only that).
  async whole() {
    if (app.bundle.start) useBundle(await loadBundle(app.bundle.lang));
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
  async reportSent(body, key) {
    await app.whole();
    const { queuedReportSent, sentPanel } = await import(LATER.report);
    if (queuedReportSent(app, key, body)) return;
    const notice = app.notify(
      "notice-report-sent",
      h("h2", { class: "app-heading-m" }, app.t("report.sent_title")),
      sentPanel(app, body),
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
    .filter(([name]) => DRAW[name] || LATER[name])
    .map(([name, path]) => [screenPattern(path), name]);
  app.t = translator(bundle.messages);
  applyLanguage(bundle, app.t);
  document.getElementById("notice-unreviewed")?.remove();
  // Shown once per language, and it can be dismissed; About always says it.
  const seen = settings().noticesSeen || [];
  if (!bundle.translation_reviewed && !seen.includes(bundle.lang)) {
    saveSettings({ noticesSeen: [...seen, bundle.lang] });
    const notice = app.notify(
      "notice-unreviewed",
      h("p", {}, app.t("app.translation_unreviewed")),
      button(app.t("app.dismiss"), {
        class: "app-button app-button--secondary app-notice__dismiss",
        "data-dismiss": "",
        onclick: () => {
          notice.remove();
          focusText(main.querySelector("h1"));
        },
      }),
    );
    app.seenNotice = false;
  }
}

// Follow links to the app's own screens without reloading the page. Pages of this site that
// are not screens (presenter, print) take the app's place in history rather than adding to
// it, so Back after their quick exit does not find the app either.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0 || link.target) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || link.hasAttribute("data-quick-exit")) return;
  event.preventDefault();
  if (!routes.some(([p]) => p.test(url.pathname))) location.replace(url.href);
  else if (link.hasAttribute("data-app-back")) app.back();
  else if (url.pathname === location.pathname && url.search === location.search && url.hash) {
    history.replaceState(null, "", url);
    document.getElementById(decodeURIComponent(url.hash.slice(1)))?.focus();
  } else app.navigate(url.pathname + url.search + url.hash);
});
window.addEventListener("popstate", () => app.render({ focus: true }));

function keepOffline() {
  const worker = navigator.serviceWorker?.controller || app.registration?.active;
  if (!worker || !app.bundle) return;
  const lang = app.bundle.lang;
  const bundle = `${API}/bundle?lang=${lang}`;
  const urls = [
    bundle,
    `${bundle}&part=start`,
    `${API}/updates?lang=${lang}`,
    `${API}/locales`,
    `${API}/app-config`,
  ];
  if (lang !== "en") urls.push(`${API}/bundle?lang=en`);
  worker.postMessage({ type: "keep", urls, lang });
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
    h(
      "div",
      { lang: "en", dir: "ltr" },
      h("h1", { class: "app-heading-l" }, "You are offline"),
      h(
        "p",
        {},
        "This page needs a connection the first time you open it. In an emergency, call 999.",
      ),
    ),
  );
}

// The chosen language's bundle: ?lang= wins (and is remembered), then the saved choice, then
// what the browser asks for (negotiated by the server); an unknown code falls back to the
// saved choice or English. Home needs only the start of it: its strings and the cards' titles.
async function chooseBundle() {
  const load = (lang) =>
    location.pathname === "/"
      ? getJSON(`${API}/bundle?${lang ? `lang=${lang}&` : ""}part=start`)
      : loadBundle(lang);
  const asked = app.params.get("lang");
  const saved = settings().lang;
  for (const lang of [asked, saved]) {
    if (!lang) continue;
    try {
      const bundle = await load(lang);
      if (lang === asked) saveSettings({ lang: bundle.lang });
      return bundle;
    } catch (error) {
      if (!error.status) throw error; // offline and not cached: nothing else will work
    }
  }
  const bundle = await load(null);
  saveSettings({ lang: bundle.lang });
  return bundle;
}

async function boot() {
  app.applySettings();
  // Asked beside the bundle, not after it: the report screen's promise needs it.
  const configAnswer = getJSON(`${API}/app-config`).catch(() => null);
  let bundle;
  try {
    bundle = await chooseBundle();
  } catch {
    showOffline();
    startWorker();
    return;
  }
  const keepConfig = (config) => {
    if (config) saveSettings({ exitUrl: config.exit_url, reports: config.reports });
  };
  // Only the report screen needs it before drawing (it says who reads reports).
  if (location.pathname === "/report" || !settings().reports) keepConfig(await configAnswer);
  else configAnswer.then(keepConfig);
  useBundle(bundle);
  await app.render();
  root.dataset.ready = "true";
  startWorker();
  flush(app.reportSent, app.reportRefused);
  window.addEventListener("online", () => flush(app.reportSent, app.reportRefused));
  // Offline: the last known neutral site.
  setExitUrl(settings().exitUrl);
}

boot();
