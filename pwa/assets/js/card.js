// One card: key points first, then sections, sources and "last checked", then related help.
// ESOL hooks: English alongside ([data-bilingual] pairs), glossary links, read aloud.

import { add, h } from "./lib/dom.js";
import { helplineList } from "./help.js";
import { cardQuestion } from "./voice.js";
import { mistakeLink } from "./mistake.js";

const WORD = "[\\p{L}\\p{N}]";

// Each glossary entry is linked at its first whole-word match in a paragraph.
export function glossaryMatcher(glossary) {
  const byForm = new Map();
  for (const entry of glossary) {
    for (const form of [entry.term, ...(entry.forms || [])]) byForm.set(form.toLowerCase(), entry);
  }
  if (!byForm.size) return (text) => [text];
  const escaped = [...byForm.keys()]
    .sort((a, b) => b.length - a.length)
    .map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(?<!${WORD})(?:${escaped.join("|")})(?!${WORD})`, "giu");
  return (text) => {
    const nodes = [];
    const linked = new Set();
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      const entry = byForm.get(match[0].toLowerCase());
      if (!entry || linked.has(entry.id)) continue;
      linked.add(entry.id);
      nodes.push(text.slice(last, match.index));
      nodes.push(h("a", { class: "app-glossary-link", href: `/glossary#${entry.id}` }, match[0]));
      last = match.index + match[0].length;
    }
    nodes.push(text.slice(last));
    return nodes;
  };
}

function readAloud(app, button, lang, article) {
  const synth = window.speechSynthesis;
  button.hidden = true;
  if (!synth || !app.settings.readAloud || typeof SpeechSynthesisUtterance === "undefined") return;
  const voice = () =>
    synth.getVoices().find((v) => v.lang.toLowerCase().replace("_", "-").split("-")[0] === lang);
  const update = () => (button.hidden = !voice());
  update();
  synth.onvoiceschanged = update;
  button.addEventListener("click", () => {
    if (synth.speaking) {
      synth.cancel();
      return;
    }
    const parts = [...article.querySelectorAll(`[data-speak]`)].map((el) => el.textContent);
    const utterance = new SpeechSynthesisUtterance(parts.join("\n"));
    utterance.lang = lang;
    utterance.voice = voice() || null;
    utterance.onstart = () => (button.textContent = app.t("card.stop_reading"));
    utterance.onend = utterance.onerror = () => (button.textContent = app.t("card.read_aloud"));
    synth.speak(utterance);
  });
}

export async function render(app, main, match) {
  const { t, bundle } = app;
  const card = bundle.cards.find((c) => c.id === match[1]);
  if (!card) {
    add(
      main,
      h("h1", { class: "app-heading-l", tabindex: "-1" }, t("card.not_found")),
      h("p", {}, h("a", { href: "/" }, t("card.back_home"))),
    );
    return t("card.not_found");
  }
  const lang = bundle.lang;
  const dir = bundle.direction;
  const bilingual =
    lang !== "en" && (app.settings.bilingual || app.params.get("bilingual") === "1");
  // Parents' and young people's cards link their hard words to the glossary.
  const linksGlossary = card.audience === "parent" || card.audience === "young_person";
  let english = null;
  if (bilingual || linksGlossary) {
    try {
      english = await app.english();
    } catch {
      english = null; // offline without the English bundle: show the card on its own
    }
  }
  const enCard = bilingual ? english?.cards.find((c) => c.id === card.id) : null;
  const link = linksGlossary ? glossaryMatcher(english?.glossary || bundle.glossary) : null;
  // Glossary links go in paragraphs and key points, not in headings.
  const rich = (tag, value) => (link && tag === "p" ? link(value) : [value]);

  // One piece of text, or (English alongside) the pair of it and its English.
  const text = (tag, value, enValue, attrs = {}) => {
    if (!enCard) return h(tag, { ...attrs, "data-speak": "" }, rich(tag, value));
    const pairAttrs = { class: "app-bilingual__pair" };
    if (tag === "h1" || tag === "h2") {
      // Headings stay headings for screen readers, with both languages in them.
      Object.assign(pairAttrs, {
        role: "heading",
        "aria-level": tag.slice(1),
        tabindex: attrs.tabindex,
      });
      pairAttrs.class += ` app-bilingual__pair--heading app-bilingual__pair--${tag}`;
    }
    return h(
      "div",
      pairAttrs,
      h("p", { lang, dir, "data-speak": "" }, rich(tag, value)),
      h("p", { lang: "en", dir: "ltr" }, rich(tag, enValue ?? "")),
    );
  };

  const sectionsEn = enCard?.sections || [];
  const article = h(
    "article",
    { class: "app-card", "data-card": card.id, "data-bilingual": enCard ? "" : null },
    h("p", { class: "app-caption" }, t(`home.${card.audience}`)),
    text("h1", card.title, enCard?.title, { class: "app-heading-l", tabindex: "-1" }),
    h("p", { class: "app-lead", "data-speak": "" }, card.summary),
  );
  const readButton = h(
    "button",
    { type: "button", class: "app-button app-button--secondary", "data-read-aloud": "" },
    t("card.read_aloud"),
  );
  const q = `?lang=${encodeURIComponent(lang)}`;
  add(
    article,
    h(
      "div",
      { class: "app-card__actions" },
      readButton,
      h(
        "a",
        { class: "app-button app-button--secondary", href: `/present/${card.id}${q}` },
        t("card.present"),
      ),
      h(
        "a",
        { class: "app-button app-button--secondary", href: `/print/${card.id}${q}` },
        t("card.print"),
      ),
    ),
    h(
      "section",
      { class: "app-key-points", "aria-labelledby": "key-points" },
      h("h2", { class: "app-heading-m", id: "key-points" }, t("card.key_points")),
      h(
        "ul",
        { class: "app-list app-list--bullet" },
        card.key_points.map((point, i) => h("li", {}, text("p", point, enCard?.key_points[i]))),
      ),
    ),
    card.learning_objectives.length
      ? [
          h("h2", { class: "app-heading-m" }, t("card.learning_objectives")),
          h(
            "ul",
            { class: "app-list app-list--bullet" },
            card.learning_objectives.map((o) => h("li", {}, o)),
          ),
        ]
      : null,
    card.sections.map((section, i) =>
      h(
        "section",
        { class: "app-card__section" },
        text("h2", section.heading, sectionsEn[i]?.heading, { class: "app-heading-m" }),
        section.minutes
          ? h(
              "p",
              { class: "app-caption" },
              t("card.minutes", { minutes: String(section.minutes) }),
            )
          : null,
        section.paragraphs.map((p, j) => text("p", p, sectionsEn[i]?.paragraphs[j])),
        section.notes.length
          ? h(
              "details",
              { class: "app-details" },
              h("summary", { class: "app-details__summary" }, t("card.teacher_notes")),
              h(
                "div",
                { class: "app-details__text" },
                section.notes.map((n) => h("p", {}, n)),
              ),
            )
          : null,
      ),
    ),
  );
  if (card.scenarios.length) {
    add(
      article,
      h("h2", { class: "app-heading-m" }, t("card.scenarios")),
      card.scenarios.map((scenario) =>
        h(
          "div",
          { class: "app-inset" },
          h("p", { "data-speak": "" }, scenario.situation),
          h(
            "ol",
            { class: "app-list app-list--number" },
            scenario.choices.map((c) => h("li", {}, c)),
          ),
        ),
      ),
    );
  }
  if (card.discussion_questions.length) {
    add(
      article,
      h("h2", { class: "app-heading-m" }, t("card.discussion")),
      h(
        "ul",
        { class: "app-list app-list--bullet" },
        card.discussion_questions.map((q) => h("li", {}, q)),
      ),
    );
  }
  add(
    article,
    h("h2", { class: "app-heading-m" }, t("card.where_applies")),
    h("p", {}, t("card.applies_england_wales")),
    h("p", {}, card.jurisdiction.differences),
    h("h2", { class: "app-heading-m" }, t("card.sources")),
    h(
      "ul",
      { class: "app-list app-sources" },
      card.sources.map((s) => h("li", {}, h("a", { href: s.url, rel: "noreferrer" }, s.title))),
    ),
    h(
      "p",
      { class: "app-meta" },
      `${t("card.last_checked")}: `,
      h("time", { datetime: card.reviewed_on }, card.reviewed_on_text),
    ),
    mistakeLink(app, "card", card.id),
  );
  const helplines = card.related_help.helplines
    .map((id) => bundle.helplines.find((line) => line.id === id))
    .filter(Boolean);
  add(
    article,
    h(
      "section",
      { class: "app-related", "aria-labelledby": "related-help" },
      h("h2", { class: "app-heading-m", id: "related-help" }, t("card.related_help")),
      helplineList(app, helplines, "h3"),
      card.related_help.service_categories.length
        ? h(
            "ul",
            { class: "app-list app-related__services" },
            card.related_help.service_categories.map((category) =>
              h(
                "li",
                {},
                h(
                  "a",
                  { href: `/help?category=${category}` },
                  t("card.find_nearby", { service: t(`category.${category}`) }),
                ),
              ),
            ),
          )
        : null,
    ),
  );
  add(main, article);
  readAloud(app, readButton, lang, article);
  cardQuestion(app, card, article);
  return card.title;
}
