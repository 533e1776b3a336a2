// The chosen language: its bundle (UI strings, cards, helplines, glossary), <html lang dir>,
// and the English bundle beside it for "English alongside" and the glossary.

import { saveSettings, settings } from "./store.js";

const API = "/api/v1";
const bundles = new Map();

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

export async function loadBundle(lang) {
  const key = lang || "";
  if (!bundles.has(key)) {
    const url = lang ? `${API}/bundle?lang=${encodeURIComponent(lang)}` : `${API}/bundle`;
    bundles.set(
      key,
      getJSON(url).catch((error) => {
        bundles.delete(key);
        throw error;
      }),
    );
  }
  return bundles.get(key);
}

// ?lang= wins (and is remembered), then the saved choice, then what the browser asks for
// (negotiated by the server); an unknown code falls back to the saved choice or English.
export async function chooseBundle() {
  const asked = new URLSearchParams(location.search).get("lang");
  const saved = settings().lang;
  for (const lang of [asked, saved]) {
    if (!lang) continue;
    try {
      const bundle = await loadBundle(lang);
      if (lang === asked) saveSettings({ lang: bundle.lang });
      return bundle;
    } catch (error) {
      if (!error.status) throw error; // offline and not cached: nothing else will work
    }
  }
  const bundle = await loadBundle(null);
  saveSettings({ lang: bundle.lang });
  return bundle;
}

export function translator(messages) {
  return (key, values) => {
    let text = messages[key] ?? key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.replaceAll(`{${name}}`, value);
    }
    return text;
  };
}

// Static parts of the page name their message: data-msg for text, data-msg-label for aria-label.
export function applyLanguage(bundle, t) {
  const root = document.documentElement;
  root.lang = bundle.lang;
  root.dir = bundle.direction;
  for (const el of document.querySelectorAll("[data-msg]")) el.textContent = t(el.dataset.msg);
  for (const el of document.querySelectorAll("[data-msg-label]")) {
    el.setAttribute("aria-label", t(el.dataset.msgLabel));
  }
}

export const getLocales = () => getJSON(`${API}/locales`);
export const getConfig = () => getJSON(`${API}/app-config`);
export { getJSON };
