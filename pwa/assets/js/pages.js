// Settings, About and the glossary.

import { add, h } from "./lib/dom.js";
import { saveSettings, settings } from "./store.js";
import { checkbox, radios } from "./widgets.js";

const SIZES = ["standard", "large", "larger"];

// The language list (each language in its own words); choosing one switches at once.
function ownName(lang) {
  try {
    return new Intl.DisplayNames([lang], { type: "language" }).of(lang) || lang;
  } catch {
    return lang;
  }
}

// The list arrives after the screen is drawn, so a slow connection does not hold it up.
export function languagePicker(app, id) {
  const { bundle } = app;
  const option = (l) =>
    h("option", { value: l.code, lang: l.code, selected: l.code === bundle.lang }, l.native_name);
  const select = h(
    "select",
    { class: "app-select", id, name: "language" },
    option({ code: bundle.lang, native_name: ownName(bundle.lang) }),
  );
  select.filled = app
    .locales()
    .then((locales) => {
      if (locales.length) select.replaceChildren(...locales.map(option));
    })
    .catch(() => {});
  return select;
}

// A compact "Language [English]" row for the first screen and More.
export function languageRow(app) {
  const select = languagePicker(app, "app-language");
  select.classList.add("app-select--inline");
  select.addEventListener("change", () => app.setLanguage(select.value));
  return h(
    "div",
    { class: "app-language" },
    h("label", { class: "app-language__label", for: "app-language" }, app.t("settings.language")),
    select,
  );
}

// More: everything that is not a tab.
export async function more(app, main) {
  const { t } = app;
  const links = [
    ["/check", "nav.check"],
    ["/said-we-did", "said.title"],
    ["/settings", "nav.settings"],
    ["/about", "nav.about"],
    ["/glossary", "glossary.title"],
  ];
  add(
    main,
    h("h1", { class: "app-heading-l", tabindex: "-1" }, t("nav.more")),
    languageRow(app),
    h(
      "ul",
      { class: "app-more" },
      links.map(([href, key]) => h("li", {}, h("a", { class: "app-more__link", href }, t(key)))),
    ),
  );
  return t("nav.more");
}

export async function settingsScreen(app, main) {
  const { t } = app;
  const current = settings();
  const status = h("p", { class: "app-status", role: "status" });
  const language = languagePicker(app, "setting-language");
  await language.filled;
  const form = h(
    "form",
    { class: "app-form", novalidate: true },
    h(
      "div",
      { class: "app-form-group" },
      h("label", { class: "app-label", for: "setting-language" }, t("settings.language")),
      language,
    ),
    radios({
      name: "setting-text-size",
      legend: t("settings.text_size"),
      options: SIZES.map((size) => [size, t(`settings.text_size.${size}`)]),
      value: current.textSize,
    }),
    h(
      "div",
      { class: "app-form-group app-checkboxes" },
      checkbox({
        id: "setting-read-aloud",
        label: t("settings.read_aloud"),
        hint: t("settings.read_aloud_hint"),
        checked: current.readAloud,
      }),
      checkbox({
        id: "setting-bilingual",
        label: t("settings.bilingual"),
        hint: t("settings.bilingual_hint"),
        checked: current.bilingual,
      }),
    ),
    status,
  );
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", async (event) => {
    const field = event.target;
    if (field === language) {
      await app.setLanguage(language.value);
      return;
    }
    if (field.name === "setting-text-size") saveSettings({ textSize: field.value });
    if (field.id === "setting-read-aloud") saveSettings({ readAloud: field.checked });
    if (field.id === "setting-bilingual") saveSettings({ bilingual: field.checked });
    app.applySettings();
    status.textContent = t("settings.saved");
  });
  add(
    main,
    h("h1", { class: "app-heading-l", tabindex: "-1" }, t("settings.title")),
    h("p", {}, t("settings.intro")),
    form,
  );
  return t("settings.title");
}

export function about(app, main) {
  const { t, bundle } = app;
  const section = (title, ...keys) => [
    h("h2", { class: "app-heading-m" }, t(title)),
    keys.map((key) => h("p", {}, t(key))),
  ];
  add(
    main,
    h("h1", { class: "app-heading-l", tabindex: "-1" }, t("about.title")),
    section("about.what_title", "about.what_1", "about.what_2"),
    bundle.translation_reviewed
      ? null
      : h("p", { class: "app-inset", id: "about-unreviewed" }, t("app.translation_unreviewed")),
    section(
      "about.privacy_title",
      "about.privacy_1",
      "about.privacy_2",
      "about.privacy_3",
      "about.privacy_4",
    ),
    section(
      "about.credits_title",
      "about.credits_content",
      "about.credits_services",
      "about.credits_postcodes",
      "about.credits_postcodes_2",
    ),
    h("p", {}, h("a", { href: "/glossary" }, t("glossary.title"))),
    h("p", { class: "app-meta" }, t("about.version", { version: bundle.version })),
  );
  return t("about.title");
}

export async function glossary(app, main) {
  const { t, bundle } = app;
  let english = null;
  if (bundle.lang !== "en") english = await app.english().catch(() => null);
  add(
    main,
    h("h1", { class: "app-heading-l", tabindex: "-1" }, t("glossary.title")),
    h("p", {}, t("glossary.intro")),
    h(
      "dl",
      { class: "app-glossary" },
      bundle.glossary.map((entry) => {
        const en = english?.glossary.find((e) => e.id === entry.id);
        return h(
          "div",
          { class: "app-glossary__entry", id: entry.id, tabindex: "-1" },
          h(
            "dt",
            { class: "app-heading-s" },
            entry.term,
            en && en.term !== entry.term
              ? h(
                  "span",
                  { lang: "en", dir: "ltr", class: "app-glossary__en-term" },
                  ` (${en.term})`,
                )
              : null,
          ),
          h("dd", {}, entry.definition),
          en ? h("dd", { lang: "en", dir: "ltr", class: "app-glossary__en" }, en.definition) : null,
        );
      }),
    ),
  );
  return t("glossary.title");
}
