// Shared by the presenter and print pages: the page's language, the offline bundle,
// translated UI strings, QR addresses and safe DOM building (no innerHTML anywhere).

/** The language the server chose for this page (it fills in <html lang dir>). */
export function pageLanguage() {
  return document.documentElement.lang || "en";
}

/** The card id from /present/{id} or /print/{id}. */
export function cardIdFromPath() {
  const parts = location.pathname.split("/").filter(Boolean);
  return decodeURIComponent(parts[1] || "");
}

/** Everything for one language: messages, cards, helplines and glossary (16 kB gzipped). */
export async function loadBundle(lang) {
  const response = await fetch(`/api/v1/bundle?lang=${encodeURIComponent(lang)}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) throw new Error(`bundle ${lang}: ${response.status}`);
  return response.json();
}

/** t(key, {name: value}) from the bundle's messages; {name} placeholders are filled in. */
export function translator(messages) {
  return (key, values = {}) =>
    (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) =>
      name in values ? String(values[name]) : whole,
    );
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

/**
 * Sets the document's language and direction from the bundle. The server already did
 * this for the first paint; this keeps them right if the bundle says otherwise.
 */
export function setDocumentLanguage(bundle) {
  document.documentElement.lang = bundle.lang;
  document.documentElement.dir = bundle.direction;
}

/** el("p", {class: "x", text: "Hello"}, child, ...): build elements without HTML strings. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Paths inside the app that QR codes open (the server adds the app's own address). */
export const cardPath = (id, lang) => `/cards/${encodeURIComponent(id)}?lang=${lang}`;
export const helpPath = (lang) => `/help?lang=${lang}`;
export const qrSource = (path) => `/api/v1/qr.svg?path=${encodeURIComponent(path)}`;

/** A QR code image that opens `path` in this app. */
export function qrImage(path, label, className = "qr") {
  return el("img", { class: className, src: qrSource(path), alt: label, dataset: { qrPath: path } });
}

/**
 * The helplines a card points to, in the card's order, with 999 first: the emergency number
 * belongs on anything a young person might keep in a pocket.
 */
export function cardHelplines(card, helplines) {
  const byId = new Map(helplines.map((h) => [h.id, h]));
  const ids = ["emergency", ...card.related_help.helplines.filter((id) => id !== "emergency")];
  return ids.map((id) => byId.get(id)).filter((h) => h && (h.phone || h.text));
}

/** A phone number kept left-to-right inside right-to-left text, as a tap-to-call link. */
export function phoneLink(number, className = "phone") {
  return el("a", { class: className, href: `tel:${number.replace(/\s+/g, "")}`, dir: "ltr" }, number);
}

/** One helpline as a line of help: name, number (or text number) and when it is open. */
export function helplineItem(helpline, t, tag = "li") {
  return el(
    tag,
    { class: "helpline" },
    el("span", { class: "helpline__name", text: helpline.name }),
    " ",
    helpline.phone ? phoneLink(helpline.phone) : null,
    helpline.text
      ? el("span", { class: "helpline__text", text: ` ${t("lessons.text", { number: helpline.text })}` })
      : null,
    el("span", { class: "helpline__when", text: helpline.when_open }),
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
  container.replaceChildren(el("p", { class: "lessons-failure", role: "alert", text: message }));
}

/** Fallback text when even the messages could not be loaded. */
export const LOAD_FAILED_EN = "We could not load this card. Check the connection and try again.";
