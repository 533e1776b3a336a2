// One card: key points first, then sections, sources and "last checked", then related help.
// ESOL hooks: English alongside ([data-bilingual] pairs), glossary links, read aloud.

import { helplineList } from "./help.js";
import { add, h } from "./lib/dom.js";
import { mistakeLink } from "./mistake.js";
import { cardQuestion } from "./voice.js";
import { button, telLink } from "./widgets.js";

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

// Phone numbers in card text (999, 0800 1111, 08 08 16 89 111, 116 123) become tap-to-call links.
const PHONE = /(?<![\p{L}\p{N}])(999|0\d(?: ?\d){6,10}|116 ?\d{3})(?![\p{N}])/gu;

export function phoneLinks(nodes) {
  return nodes.flatMap((node) => {
    if (typeof node !== "string") return [node];
    const out = [];
    let last = 0;
    for (const match of node.matchAll(PHONE)) {
      out.push(node.slice(last, match.index), telLink(match[0]));
      last = match.index + match[0].length;
    }
    out.push(node.slice(last));
    return out;
  });
}

// Sentences of a text, in its language (Intl.Segmenter), as [start, end] offsets.
function sentences(text, lang) {
  if (typeof Intl.Segmenter === "function") {
    const parts = [...new Intl.Segmenter(lang, { granularity: "sentence" }).segment(text)];
    return parts
      .map(({ index, segment }) => [index, index + segment.trimEnd().length])
      .filter(([a, b]) => b > a);
  }
  return [[0, text.length]];
}

// A Range over characters [start, end) of an element's text, across its links.
function rangeOf(element, start, end) {
  const range = document.createRange();
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let seen = 0;
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.data.length;
    if (!started && start <= seen + length) {
      range.setStart(node, start - seen);
      started = true;
    }
    if (started && end <= seen + length) {
      range.setEnd(node, end - seen);
      return range;
    }
    seen += length;
  }
  range.selectNodeContents(element);
  return range;
}

// Read aloud: one sentence at a time, the sentence being read highlighted; pause, carry on
// and stop; it stops when the screen changes or on quick exit.
function readAloud(app, controls, lang, article) {
  const { t } = app;
  const synth = window.speechSynthesis;
  const [read, pause, stop] = controls;
  controls.forEach((control) => (control.hidden = true));
  if (!synth || !app.settings.readAloud || typeof SpeechSynthesisUtterance === "undefined") return;
  const voice = () =>
    synth.getVoices().find((v) => v.lang.toLowerCase().replace("_", "-").split("-")[0] === lang);
  let queue = null;
  let paused = false;
  const update = () => (read.hidden = !voice() || !!queue);
  update();
  synth.onvoiceschanged = update;
  const highlights = typeof Highlight === "function" && CSS.highlights;
  const mark = (element, range) => {
    for (const el of article.querySelectorAll(".app-speaking")) el.classList.remove("app-speaking");
    if (highlights) CSS.highlights.delete("app-speaking");
    if (!element) return;
    element.classList.add("app-speaking");
    if (highlights && range) CSS.highlights.set("app-speaking", new Highlight(range));
    element.scrollIntoView({ block: "nearest" });
  };
  const finish = () => {
    queue = null;
    paused = false;
    synth.cancel();
    mark(null);
    read.hidden = !voice();
    pause.hidden = stop.hidden = true;
    pause.textContent = t("card.pause_reading");
  };
  const speakNext = () => {
    if (!queue) return;
    const item = queue.shift();
    if (!item) {
      finish();
      return;
    }
    const [element, start, end] = item;
    const utterance = new SpeechSynthesisUtterance(element.textContent.slice(start, end));
    utterance.lang = lang;
    utterance.voice = voice() || null;
    utterance.onstart = () => mark(element, rangeOf(element, start, end));
    utterance.onend = () => speakNext();
    utterance.onerror = (event) => {
      if (event.error !== "interrupted" && event.error !== "canceled") finish();
    };
    synth.speak(utterance);
  };
  read.addEventListener("click", () => {
    synth.cancel();
    queue = [...article.querySelectorAll("[data-speak]")].flatMap((element) =>
      sentences(element.textContent, lang).map(([start, end]) => [element, start, end]),
    );
    read.hidden = true;
    pause.hidden = stop.hidden = false;
    speakNext();
  });
  pause.addEventListener("click", () => {
    paused = !paused;
    if (paused) synth.pause();
    else synth.resume();
    pause.textContent = t(paused ? "card.resume_reading" : "card.pause_reading");
  });
  stop.addEventListener("click", finish);
  const leave = () => {
    finish();
    document.removeEventListener("app:leave-screen", leave);
  };
  document.addEventListener("app:leave-screen", leave);
}

// Share the card's address: the phone's share sheet, or copy the link.
function shareButton(app, card) {
  const { t } = app;
  const status = h("p", { class: "app-status", role: "status" });
  const url = `${location.origin}/cards/${card.id}?lang=${app.bundle.lang}`;
  const share = button(t("card.share"), {
    class: "app-button app-button--secondary",
    "data-share": "",
    onclick: async () => {
      if (navigator.share) {
        try {
          await navigator.share({ title: card.title, url });
          return;
        } catch (error) {
          if (error?.name === "AbortError") return;
        }
      }
      try {
        await navigator.clipboard.writeText(url);
        status.textContent = t("card.link_copied");
      } catch {
        status.textContent = url;
      }
    },
  });
  return [share, status];
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
  const rich = (tag, value) => phoneLinks(link && tag === "p" ? link(value) : [value]);

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
  const pauseButton = button(t("card.pause_reading"), {
    class: "app-button app-button--secondary",
    "data-pause-reading": "",
  });
  const stopButton = button(t("card.stop_reading"), {
    class: "app-button app-button--secondary",
    "data-stop-reading": "",
  });
  const q = `?lang=${encodeURIComponent(lang)}`;
  add(
    article,
    h(
      "div",
      { class: "app-card__actions" },
      readButton,
      pauseButton,
      stopButton,
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
    // First aid: the call comes before the steps.
    card.topic === "first_aid"
      ? h(
          "p",
          { class: "app-call-999" },
          telLink("999", h("span", { class: "app-button app-button--warning app-button--big" }, t("report.call_999"))),
        )
      : null,
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
  // Next card (of the same audience, round to the first) and Share.
  const same = bundle.cards.filter((c) => c.audience === card.audience);
  const following = same[(same.findIndex((c) => c.id === card.id) + 1) % same.length];
  add(
    article,
    h(
      "div",
      { class: "app-card__actions app-card__end" },
      following && following.id !== card.id
        ? h(
            "a",
            { class: "app-button", href: `/cards/${following.id}`, "data-next-card": "" },
            t("card.next"),
          )
        : null,
      shareButton(app, card),
    ),
  );
  add(main, article);
  readAloud(app, [readButton, pauseButton, stopButton], lang, article);
  cardQuestion(app, card, article);
  return card.title;
}
