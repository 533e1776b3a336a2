// Print layouts for one card, printed with the browser's own print (print CSS, no PDF
// library): pocket cards 4 to an A4 sheet, an A4 handout, and a bilingual A4 handout with
// English beside (or under) the chosen language for ESOL classes.

import {
  labelQuickExit,
  startQuickExit,
  LOAD_FAILED_EN,
  cardHelplines,
  cardIdFromPath,
  cardPath,
  fitText,
  helplineItem,
  languageName,
  numberFormatter,
  pageLanguage,
  qrImage,
  settled,
  showFailure,
} from "./common.js";
import { loadBundle } from "/assets/js/lib/api.js";
import { h } from "/assets/js/lib/dom.js";
import { setDocumentLanguage, translator } from "/assets/js/lib/i18n.js";

export const LAYOUTS = ["pocket", "handout", "bilingual"];
const POCKETS_PER_SHEET = 4;
// Above this many characters a pair of paragraphs reads better one under the other than
// as two tall, narrow columns.
const LONG_PAIR = 200;

function chosenLayout() {
  const layout = new URLSearchParams(location.search).get("layout");
  return LAYOUTS.includes(layout) ? layout : "pocket";
}

function helpList(card, helplines, t, className) {
  return h("ul", { class: className }, cardHelplines(card, helplines).map((line) => helplineItem(line, t)));
}

// -- pocket: front (title and key points) and back (help numbers and QR), 4 of each per sheet

function pocketFront(card, t) {
  return h(
    "div",
    { class: "pocket pocket--front" },
    h(
      "div",
      { class: "pocket__content", dataset: { fitBox: "" } },
      h("p", { class: "pocket__brand", text: t("app.name") }),
      h("h2", { class: "pocket__title", text: card.title }),
      h("ul", { class: "pocket__points" }, card.key_points.map((p) => h("li", { text: p }))),
      h("p", { class: "pocket__emergency", text: t("help_now.emergency") }),
    ),
  );
}

function pocketBack(card, helplines, t, lang) {
  return h(
    "div",
    { class: "pocket pocket--back" },
    h(
      "div",
      { class: "pocket__content", dataset: { fitBox: "" } },
      h("p", { class: "pocket__brand", text: card.title }),
      h("h2", { class: "pocket__title", text: t("lessons.help_numbers") }),
      helpList(card, helplines, t, "pocket__help"),
      h(
        "figure",
        { class: "pocket__qr" },
        qrImage(cardPath(card.id, lang), t("print.scan_card")),
        h("figcaption", { text: t("print.scan_card") }),
      ),
    ),
  );
}

function pocketSheets(card, helplines, t, lang) {
  const sheet = (side, make) =>
    h(
      "section",
      { class: `sheet sheet--pocket sheet--${side}`, dataset: { side } },
      Array.from({ length: POCKETS_PER_SHEET }, make),
    );
  // With identical cards in each cell, the backs line up whichever way the sheet is flipped.
  return [
    // The cards' own titles are h2s, repeated; one h1 names the page for screen readers.
    h("h1", { class: "visually-hidden", text: card.title }),
    sheet("front", () => pocketFront(card, t)),
    sheet("back", () => pocketBack(card, helplines, t, lang)),
  ];
}

// -- handout: the whole card on A4 (teacher notes stay out: the handout is for the class)

function handout(card, helplines, t, lang) {
  const number = numberFormatter(lang);
  const body = [
    h("p", { class: "doc__brand", text: t("app.name") }),
    h("h1", { class: "doc__title", text: card.title }),
    h("p", { class: "doc__summary", text: card.summary }),
    card.translation_reviewed
      ? null
      : h("p", { class: "doc__unreviewed", text: t("app.translation_unreviewed") }),
    h(
      "section",
      { class: "doc__key-points" },
      h("h2", { text: t("card.key_points") }),
      h("ul", {}, card.key_points.map((p) => h("li", { text: p }))),
    ),
  ];
  if (card.learning_objectives.length) {
    body.push(
      h(
        "section",
        {},
        h("h2", { text: t("lessons.learning_objectives") }),
        h("ul", {}, card.learning_objectives.map((o) => h("li", { text: o }))),
      ),
    );
  }
  for (const section of card.sections) {
    body.push(
      h(
        "section",
        { class: "doc__section" },
        h("h2", { text: section.heading }),
        section.minutes
          ? h("p", { class: "doc__meta", text: t("lessons.minutes", { minutes: number(section.minutes) }) })
          : null,
        section.paragraphs.map((p) => h("p", { text: p })),
      ),
    );
  }
  if (card.scenarios.length) {
    body.push(
      h(
        "section",
        { class: "doc__scenarios" },
        h("h2", { text: t("lessons.what_would_you_do") }),
        card.scenarios.map((s) =>
          h(
            "div",
            { class: "doc__scenario" },
            h("p", { text: s.situation }),
            h("ol", { class: "doc__choices" }, s.choices.map((c) => h("li", { text: c }))),
          ),
        ),
      ),
    );
  }
  if (card.discussion_questions.length) {
    body.push(
      h(
        "section",
        {},
        h("h2", { text: t("card.discussion") }),
        h("ol", {}, card.discussion_questions.map((q) => h("li", { text: q }))),
      ),
    );
  }
  body.push(helpAndQr(card, helplines, t, lang), sourcesBlock(card, t));
  return [h("article", { class: "sheet sheet--doc" }, body)];
}

function helpAndQr(card, helplines, t, lang) {
  return h(
    "section",
    { class: "doc__help" },
    h(
      "div",
      {},
      h("h2", { text: t("card.related_help") }),
      helpList(card, helplines, t, "doc__helplines"),
    ),
    h(
      "figure",
      { class: "doc__qr" },
      qrImage(cardPath(card.id, lang), t("print.scan_card")),
      h("figcaption", { text: t("print.scan_card") }),
    ),
  );
}

function sourcesBlock(card, t) {
  return h(
    "footer",
    { class: "doc__sources" },
    h("h2", { text: t("card.sources") }),
    h(
      "ul",
      {},
      card.sources.map((s) => h("li", {}, s.title, " ", h("span", { class: "doc__url", dir: "ltr", text: s.url }))),
    ),
    h("p", { text: card.jurisdiction.differences }),
    h("p", {}, `${t("card.last_checked")}: `, card.reviewed_on_text),
  );
}

// -- bilingual: the chosen language and English, paragraph by paragraph

function pair(tag, translated, english, lang, direction) {
  if (lang === "en") {
    return h("div", { class: "pair pair--single" }, h(tag, { lang: "en", dir: "ltr", text: english }));
  }
  const long = Math.max(translated.length, english.length) > LONG_PAIR;
  return h(
    "div",
    { class: long ? "pair pair--stacked" : "pair" },
    h(tag, { lang, dir: direction, text: translated }),
    h(tag, { lang: "en", dir: "ltr", text: english }),
  );
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Glossary entries whose English forms appear, as whole words, in the English card. */
export function glossaryInCard(englishCard, englishGlossary) {
  const text = [
    englishCard.title,
    englishCard.summary,
    ...englishCard.key_points,
    ...englishCard.sections.flatMap((s) => [s.heading, ...s.paragraphs]),
  ].join("\n");
  return englishGlossary.filter((entry) =>
    [entry.term, ...entry.forms].some((form) =>
      new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(form)}(?=$|[^\\p{L}\\p{N}])`, "iu").test(text),
    ),
  );
}

function bilingual(card, english, bundle, englishBundle, t) {
  const { lang, direction } = bundle;
  const p = (tag, a, b) => pair(tag, a, b, lang, direction);
  const body = [
    h("p", { class: "doc__brand" }, t("app.name"), lang === "en" ? null : ` · ${languageName(lang)} · English`),
    p("h1", card.title, english.title),
    p("p", card.summary, english.summary),
    card.translation_reviewed
      ? null
      : h("p", { class: "doc__unreviewed", text: t("app.translation_unreviewed") }),
    h(
      "section",
      { class: "doc__key-points" },
      p("h2", t("card.key_points"), englishBundle.messages["card.key_points"]),
      card.key_points.map((point, i) => p("p", point, english.key_points[i])),
    ),
  ];
  card.sections.forEach((section, i) => {
    const en = english.sections[i];
    body.push(
      h(
        "section",
        { class: "doc__section" },
        p("h2", section.heading, en.heading),
        section.paragraphs.map((para, j) => p("p", para, en.paragraphs[j])),
      ),
    );
  });
  const words = glossaryInCard(english, englishBundle.glossary);
  if (words.length) {
    const translatedById = new Map(bundle.glossary.map((g) => [g.id, g]));
    body.push(
      h(
        "section",
        { class: "doc__words" },
        p("h2", t("print.words"), englishBundle.messages["print.words"]),
        words.map((entry) => {
          const mine = translatedById.get(entry.id) ?? entry;
          return h(
            "div",
            { class: "doc__word", id: `word-${entry.id}` },
            p("h3", mine.term, entry.term),
            p("p", mine.definition, entry.definition),
          );
        }),
      ),
    );
  }
  body.push(helpAndQr(card, bundle.helplines, t, lang), sourcesBlock(card, t));
  return [h("article", { class: "sheet sheet--doc sheet--bilingual" }, body)];
}

// -- the page

function toolbar(t, layout, lang) {
  const bar = document.querySelector("[data-toolbar]");
  const printButton = bar.querySelector('[data-action="print"]');
  printButton.textContent = t("print.print");
  printButton.addEventListener("click", () => window.print());
  const nav = bar.querySelector("[data-layouts]");
  nav.setAttribute("aria-label", t("print.layout"));
  nav.replaceChildren(
    ...LAYOUTS.map((name) =>
      h("a", {
        href: `?lang=${lang}&layout=${name}`,
        "aria-current": name === layout ? "page" : null,
        text: t(`print.layout_${name}`),
      }),
    ),
  );
  bar.querySelector("[data-hint]").textContent = layout === "pocket" ? t("print.pocket_hint") : "";
  bar.hidden = false;
}

async function main() {
  const output = document.getElementById("output");
  const lang = pageLanguage();
  const layout = chosenLayout();
  document.body.dataset.layout = layout;
  let bundle;
  let englishBundle;
  try {
    [bundle, englishBundle] = await Promise.all([
      loadBundle(lang),
      layout === "bilingual" && lang !== "en" ? loadBundle("en") : null,
    ]);
  } catch {
    showFailure(output, LOAD_FAILED_EN);
    return;
  }
  englishBundle ??= bundle;
  setDocumentLanguage(bundle);
  const t = translator(bundle.messages);
  const id = cardIdFromPath();
  const card = bundle.cards.find((c) => c.id === id);
  const english = englishBundle.cards.find((c) => c.id === id);
  if (!card || !english) {
    showFailure(output, t("lessons.load_failed"));
    return;
  }
  // A neutral title: the history list tells no story.
  document.title = t("app.name");
  labelQuickExit(t);
  toolbar(t, layout, bundle.lang);
  const sheets =
    layout === "pocket"
      ? pocketSheets(card, bundle.helplines, t, bundle.lang)
      : layout === "handout"
        ? handout(card, bundle.helplines, t, bundle.lang)
        : bilingual(card, english, bundle, englishBundle, t);
  output.replaceChildren(...sheets);
  await settled(output);
  for (const box of output.querySelectorAll("[data-fit-box]")) fitText(box);
  document.documentElement.dataset.ready = "true";
}

startQuickExit();
main();
