// Shared by the presenter and print pages: the page's language, QR addresses, help lines and
// fitting text. The offline bundle, UI strings and safe DOM building (no innerHTML anywhere)
// come from the app's library, /assets/js/lib/.

import { initQuickExit, setExitUrl } from "/assets/js/exit.js";
import { API } from "/assets/js/lib/api.js";
import { h } from "/assets/js/lib/dom.js";
import { settings } from "/assets/js/store.js";

/**
 * The quick exit, as in the app: its button (top corner, always in reach) and Shift three
 * times; both leave for the neutral site the app last learnt, forgetting what it kept.
 */
export function startQuickExit() {
  initQuickExit();
  setExitUrl(settings().exitUrl);
}

/** The quick exit's words in the page's language. */
export function labelQuickExit(t) {
  for (const el of document.querySelectorAll(".quick-exit [data-msg]")) {
    el.textContent = t(el.dataset.msg);
  }
  document.querySelector(".quick-exit-nav")?.setAttribute("aria-label", t("quick_exit.label"));
}

/** The language the server chose for this page (it fills in <html lang dir>). */
export function pageLanguage() {
  return document.documentElement.lang || "en";
}

/** The card id from /present/{id} or /print/{id}. */
export function cardIdFromPath() {
  const parts = location.pathname.split("/").filter(Boolean);
  return decodeURIComponent(parts[1] || "");
}

/** Numbers in the page's language (Bengali digits in Bengali, and so on). */
export function numberFormatter(lang) {
  const format = new Intl.NumberFormat(lang);
  return (n) => format.format(n);
}

/** The language's own name for itself, from the browser (no request needed). */
export function languageName(lang) {
  try {
    return new Intl.DisplayNames([lang], { type: "language" }).of(lang) || lang;
  } catch {
    return lang;
  }
}

/** Paths inside the app that QR codes open (the server adds the app's own address). */
export const cardPath = (id, lang) => `/cards/${encodeURIComponent(id)}?lang=${lang}`;
export const helpPath = (lang) => `/help?lang=${lang}`;
export const qrSource = (path) => `${API}/qr.svg?path=${encodeURIComponent(path)}`;

/** A QR code image that opens `path` in this app. */
export function qrImage(path, label, className = "qr") {
  return h("img", { class: className, src: qrSource(path), alt: label, dataset: { qrPath: path } });
}

/**
 * The helplines a card points to, in the card's order, with 999 first: the emergency number
 * belongs on anything a young person might keep in a pocket.
 */
export function cardHelplines(card, helplines) {
  const byId = new Map(helplines.map((line) => [line.id, line]));
  const ids = ["emergency", ...card.related_help.helplines.filter((id) => id !== "emergency")];
  return ids.map((id) => byId.get(id)).filter((line) => line && (line.phone || line.text));
}

/** A phone number kept left-to-right inside right-to-left text, as a tap-to-call link. */
export function phoneLink(number, className = "phone") {
  return h("a", { class: className, href: `tel:${number.replace(/\s+/g, "")}`, dir: "ltr" }, number);
}

/** One helpline as a line of help: name, number (or text number) and when it is open. */
export function helplineItem(helpline, t, tag = "li") {
  return h(
    tag,
    { class: "helpline" },
    h("span", { class: "helpline__name", text: helpline.name }),
    " ",
    helpline.phone ? phoneLink(helpline.phone) : null,
    helpline.text
      ? h("span", { class: "helpline__text", text: ` ${t("lessons.text", { number: helpline.text })}` })
      : null,
    h("span", { class: "helpline__when", text: helpline.when_open }),
  );
}

/**
 * Shrinks a box's text a step at a time until it fits: long translations (Urdu in Nastaliq
 * is much taller than English) must still fit a slide or an A6 card.
 */
export function fitText(box, maxLevel = 8) {
  for (let level = 0; level <= maxLevel; level += 1) {
    box.dataset.fit = String(level);
    if (box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1) {
      return level;
    }
  }
  return maxLevel;
}

/** Resolves when every image has loaded (or failed) and the fonts are ready. */
export async function settled(root = document) {
  const images = [...root.querySelectorAll("img")];
  await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  await document.fonts.ready;
}

/** A plain message in place of the page when the card cannot be loaded. */
export function showFailure(container, message) {
  container.replaceChildren(h("p", { class: "lessons-failure", role: "alert", text: message }));
}

/** Fallback text when even the messages could not be loaded. */
export const LOAD_FAILED_EN = "We could not load this card. Check the connection and try again.";
