// The service worker. The server puts `const PRECACHE = {...}` and `const SCREENS = [...]`
// (from server/precache.py) before this file, so the worker's bytes change whenever any shell
// file does.
//
// - The shell is precached, one entry per file at its hashed address, in a cache named after
//   this version; unchanged files are copied from the previous version's cache, not fetched.
// - Every screen's address opens the cached shell at once, with or without a signal.
// - Cards, UI strings and helplines (the bundles) are kept and refreshed in the background.
// - Help-finder searches and reports are never cached here: they go to the network only.
// - The shell opens in the chosen language and direction: the server's copy of it in that
//   language is kept beside the English one (no English flash before the app starts).
// - The presenter and print pages, and the files they use, are kept once opened (network
//   first), so a lesson can run offline.
// - Other pages fall back to the offline page. Only this app's own old caches are deleted.

const SHELL_CACHE = `cc-shell-${PRECACHE.version}`;
const CONTENT_CACHE = "cc-content-v1";
// The quick exit deletes this one by name (exit.js): it names the cards presented or printed.
const PAGES_CACHE = "cc-pages-v1";
const OWN = /^cc-(shell|content|pages)-/;
// Presenter and print pages, their scripts and QR codes (shell files asked for without a
// hash, as the lesson pages import the app's library, are answered apart: see fetch).
const LESSON = /^\/((present|print)\/[a-z0-9-]+|lessons\/.+|assets\/.+|api\/v1\/qr\.svg)$/;
const CHOSEN = "/__chosen-language";
const translatedShell = (lang) => `/__shell?lang=${encodeURIComponent(lang)}`;
// "/cards/{id}" matches /cards/knife-law and /cards/knife-law/.
const SCREEN = new RegExp(
  `^(${SCREENS.map((path) => path.replace(/\/$/, "").replace("{id}", "[a-z0-9-]+")).join("|")})/?$`,
);
const CONTENT =
  /^\/api\/v1\/(bundle|cards|messages|locales|helplines|app-config|services\/categories|updates)(\/|$)/;
const hashed = (file) => `${file.url}?v=${file.revision}`;
const SHELL_PAGE = hashed(PRECACHE.files.find((file) => file.url === "/"));
const OFFLINE_PAGE = hashed(PRECACHE.files.find((file) => file.url === "/offline.html"));
const PRECACHED = new Set(PRECACHE.files.map(hashed));

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await Promise.all(
        [...PRECACHED].map(async (url) => {
          if (await cache.match(url)) return;
          const old = await caches.match(url);
          const response = old || (await fetch(url, { cache: "no-cache" }));
          if (!response.ok) throw new Error(`Could not precache ${url}`);
          await cache.put(url, response);
        }),
      );
      // The open page keeps the files it already loaded; the new shell is used on the
      // next reload, and the page says so.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (OWN.test(name) && ![SHELL_CACHE, CONTENT_CACHE, PAGES_CACHE].includes(name))
          await caches.delete(name);
      }
      // A new shell may read what an older kept bundle lacks: fetch them again (offline,
      // the old ones stay).
      const content = await caches.open(CONTENT_CACHE);
      const bundles = (await content.keys()).filter((r) => r.url.includes("/api/v1/bundle"));
      await Promise.all(bundles.map((r) => refresh(content, r).catch(() => undefined)));
      await self.clients.claim();
    })(),
  );
});

async function fromShell(url) {
  const cache = await caches.open(SHELL_CACHE);
  return cache.match(url);
}

async function screen(request) {
  const asked = new URL(request.url).searchParams.get("lang");
  const lang = asked || (await (await fromShell(CHOSEN))?.text());
  const translated = lang && (await fromShell(translatedShell(lang)));
  return translated || (await fromShell(SHELL_PAGE)) || fetch(request);
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request);
    if (kept) return kept;
    if (request.mode === "navigate") return (await fromShell(OFFLINE_PAGE)) || Promise.reject(error);
    throw error;
  }
}

async function otherPage(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return (await fromShell(OFFLINE_PAGE)) || Promise.reject(error);
  }
}

async function refresh(cache, request) {
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

// Kept content opens at once and is refreshed for next time.
async function staleWhileRevalidate(event) {
  const cache = await caches.open(CONTENT_CACHE);
  const cached = await cache.match(event.request, { ignoreVary: true });
  const fresh = refresh(cache, event.request);
  if (cached) {
    event.waitUntil(fresh.catch(() => undefined));
    return cached;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (SCREEN.test(url.pathname)) event.respondWith(screen(request));
    else if (LESSON.test(url.pathname)) event.respondWith(networkFirst(request));
    else event.respondWith(otherPage(request));
    return;
  }
  if (PRECACHED.has(url.pathname + url.search)) {
    event.respondWith(fromShell(url.pathname + url.search).then((hit) => hit || fetch(request)));
    return;
  }
  // A shell file asked for without a hash (the lesson pages import the app's library that
  // way): from the network, else this version's precached copy, whose imports are precached
  // too. Never a copy kept in the pages cache: after an update it imports hashed files the
  // update deleted, and offline the presenter and print pages would be blank, with no exit.
  const shellFile = !url.search && PRECACHE.files.find((file) => file.url === url.pathname);
  if (shellFile) {
    event.respondWith(
      fetch(request).catch(async (error) => (await fromShell(hashed(shellFile))) || Promise.reject(error)),
    );
    return;
  }
  if (LESSON.test(url.pathname)) {
    event.respondWith(networkFirst(request));
    return;
  }
  // Only language-specific content: a bundle chosen by Accept-Language is not kept.
  if (
    CONTENT.test(url.pathname) &&
    (url.searchParams.has("lang") || !/bundle|cards|messages/.test(url.pathname))
  ) {
    event.respondWith(staleWhileRevalidate(event));
  }
});

// The page asks for its language's bundle (and English) to be kept for offline use.
self.addEventListener("message", (event) => {
  if (event.data?.type !== "keep") return;
  const urls = (event.data.urls || []).filter(
    (u) => typeof u === "string" && CONTENT.test(new URL(u, self.location).pathname),
  );
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CONTENT_CACHE);
      const kept = await Promise.all(
        urls.map((u) =>
          refresh(cache, new Request(u)).then(
            (r) => r.ok,
            () => false,
          ),
        ),
      );
      // The shell in the chosen language (the server translates it), for the next visit.
      const lang = event.data.lang;
      if (typeof lang === "string" && /^[a-z]{2,3}(-[a-z]+)?$/.test(lang)) {
        const shell = await caches.open(SHELL_CACHE);
        await shell.put(CHOSEN, new Response(lang));
        try {
          const response = await fetch(`/?lang=${lang}`, { cache: "no-cache" });
          if (response.ok) await shell.put(translatedShell(lang), response);
        } catch {
          // offline: the English shell still opens, and the app switches at once
        }
      }
      event.source?.postMessage({ type: "kept", ok: kept.every(Boolean) });
    })(),
  );
});
