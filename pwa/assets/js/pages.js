// Settings, About and the glossary.

import { add, h } from "./lib/dom.js";
import { saveSettings, settings } from "./store.js";
import { checkbox, radios } from "./widgets.js";

const SIZES = ["standard", "large", "larger"];

export async function settingsScreen(app, main) {
  const { t, bundle } = app;
  const current = settings();
  const locales = await app.locales().catch(() => []);
  const status = h("p", { class: "app-status", role: "status" });
  const language = h(
    "select",
    { class: "app-select", id: "setting-language", name: "language" },
    (locales.length ? locales : [{ code: bundle.lang, native_name: bundle.lang }]).map((l) =>
      h("option", { value: l.code, lang: l.code, selected: l.code === bundle.lang }, l.native_name),
    ),
  );
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
