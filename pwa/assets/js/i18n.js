// The chosen language: its bundle (UI strings, cards, helplines, glossary), <html lang dir>,
// and the English bundle beside it for "English alongside" and the glossary.

import { API, getJSON, loadBundle } from "./lib/api.js";
import { saveSettings, settings } from "./store.js";

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

export const getLocales = () => getJSON(`${API}/locales`);
export const getConfig = () => getJSON(`${API}/app-config`);
