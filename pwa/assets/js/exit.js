// Quick exit: the button, or Shift pressed three times (as GOV.UK's "Exit this page").
// It blanks the page at once, stops speech, forgets what could tell a story, and replaces the
// app with a neutral site using location.replace. The app keeps one history entry for its
// whole life (app.js), so Back does not come back here. Used by the presenter and print pages.

import { forgetStory, settings } from "./store.js";

const PRESSES = 3;
const WINDOW_MS = 5000;

export function quickExit() {
  const url = settings().exitUrl;
  document.documentElement.classList.add("app-exiting");
  try {
    window.speechSynthesis?.cancel(); // not a word more out loud
  } catch {
    // no speech here
  }
  // Screens forget what they hold in memory (the draft report, the back trail).
  document.dispatchEvent(new Event("app:quick-exit"));
  document.title = "";
  document.body.replaceChildren();
  forgetStory();
  window.location.replace(url);
  // The worker's copies of presenter and print pages and their QR codes name the cards
  // shown (PAGES_CACHE in sw.js). Not awaited, and last: leaving is never delayed.
  window.caches?.delete("cc-pages-v1");
}

export function initQuickExit() {
  let presses = 0;
  let timer = 0;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Shift" || event.repeat) {
      presses = 0;
      return;
    }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(() => (presses = 0), WINDOW_MS);
    if (presses >= PRESSES) quickExit();
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    quickExit();
  });
}

export function setExitUrl(url) {
  for (const link of document.querySelectorAll("[data-quick-exit]")) link.href = url;
}
