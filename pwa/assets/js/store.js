// What the app keeps on the phone. Settings are harmless; everything in STORY_KEYS could tell
// someone what the user was doing, so the quick exit removes it.

const PREFIX = "cc.";
const SETTINGS = PREFIX + "settings";
export const QUEUE = PREFIX + "queue";
export const LAST_HELP = PREFIX + "last-help";
export const SAVED_CODES = PREFIX + "codes";
export const STORY_KEYS = [QUEUE, LAST_HELP, SAVED_CODES];
// A flag per card question answered or skipped: it says which cards were read, so it goes too.
export const ASKED_PREFIX = "cc-pulse-asked-";

export const DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather";

function read(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    if (value === null || (Array.isArray(value) && !value.length)) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private browsing or a full disk: the app still works, it just remembers less.
  }
}

export const settings = () => ({
  lang: null,
  textSize: "standard",
  readAloud: true,
  bilingual: false,
  exitUrl: DEFAULT_EXIT_URL,
  ...read(SETTINGS, {}),
});
export function saveSettings(changes) {
  write(SETTINGS, { ...settings(), ...changes });
  // The server opens the next page in this language at once (the cookie holds nothing else).
  if (changes.lang) {
    document.cookie = `lang=${encodeURIComponent(changes.lang)}; path=/; max-age=31536000; samesite=strict`;
  }
}

export const queued = () => read(QUEUE, []);
export const saveQueue = (items) => write(QUEUE, items);
export const lastHelp = () => read(LAST_HELP, null);
export const saveLastHelp = (value) => write(LAST_HELP, value);
export const savedCodes = () => read(SAVED_CODES, []);
export const saveCodes = (codes) => write(SAVED_CODES, codes);

// Synchronous on purpose: the quick exit must finish this before the page is replaced. Only
// the quick exit calls it: the page is leaving, so it also stops every later write.
export function forgetStory() {
  // From now on nothing is written, here or in any module: a search, an answer or a pulse
  // still on its way must not put back what is forgotten below (the page runs on until the
  // neutral site replaces it).
  Storage.prototype.setItem = () => {};
  let asked = [];
  try {
    asked = Object.keys(localStorage).filter((key) => key.startsWith(ASKED_PREFIX));
  } catch {
    // no storage
  }
  for (const key of [...STORY_KEYS, ...asked]) {
    try {
      localStorage.removeItem(key);
    } catch {
      // nothing stored, nothing to remove
    }
  }
  try {
    sessionStorage.clear();
  } catch {
    // as above
  }
}
