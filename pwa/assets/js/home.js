// Home: the language, who are you (remembered), then that audience's cards, searchable offline.

import { add, h } from "./lib/dom.js";
import { languageRow } from "./pages.js";
import { saveSettings, settings } from "./store.js";

// Each is named by its UI string, home.<audience>.
const AUDIENCES = ["young_person", "parent", "teacher"];
const known = (id) => AUDIENCES.includes(id);

// The audience's cards; typing in the search box narrows them, with no connection needed.
function cardList(app, cards) {
  const { t } = app;
  const list = h(
    "ul",
    { class: "app-card-list", "aria-labelledby": "cards-title" },
    cards.map((card) =>
      h(
        "li",
        { class: "app-card-list__item", dataset: { search: `${card.title} ${card.summary}` } },
        h("a", { class: "app-card-list__link", href: `/cards/${card.id}` }, card.title),
        h("p", { class: "app-card-list__summary" }, card.summary),
      ),
    ),
  );
  const none = h("p", { class: "app-hint", hidden: true, role: "status" }, t("cards.no_match"));
  const input = h("input", {
    class: "app-input",
    id: "card-search",
    type: "search",
    autocomplete: "off",
    enterkeyhint: "search",
  });
  input.addEventListener("input", () => {
    const words = input.value.toLocaleLowerCase(app.bundle.lang).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of list.children) {
      const text = item.dataset.search.toLocaleLowerCase(app.bundle.lang);
      item.hidden = !words.every((word) => text.includes(word));
      if (!item.hidden) shown += 1;
    }
    none.hidden = shown > 0;
  });
  const search = h(
    "div",
    { class: "app-form-group app-card-search" },
    h("label", { class: "app-label", for: "card-search" }, t("cards.search")),
    input,
  );
  return [list, none, search];
}

// "You said, we did" (issue 16): reached from home as well as from More.
const saidLink = (t) => h("p", { class: "app-said-link" }, h("a", { href: "/said-we-did" }, t("said.title")));

export function render(app, main, _match, params) {
  const { t, bundle } = app;
  const asked = params.get("audience");
  let audience = null;
  if (known(asked)) {
    audience = asked;
    saveSettings({ audience });
  } else if (!params.has("choose") && known(settings().audience)) {
    audience = settings().audience;
  }
  add(main, languageRow(app));
  if (!audience) {
    add(
      main,
      h("h1", { class: "app-heading-xl", tabindex: "-1" }, t("app.name")),
      h("p", { class: "app-lead" }, t("app.tagline")),
      h("h2", { class: "app-heading-m", id: "who" }, t("home.who")),
      h(
        "ul",
        { class: "app-choices", "aria-labelledby": "who" },
        AUDIENCES.map((id) =>
          h(
            "li",
            {},
            h(
              "a",
              {
                class: "app-choice",
                href: `/?audience=${id}`,
                "aria-current": id === settings().audience ? "true" : null,
              },
              t(`home.${id}`),
            ),
          ),
        ),
      ),
      saidLink(t),
    );
    return "";
  }
  const cards = bundle.cards.filter((card) => card.audience === audience);
  const [list, none, search] = cardList(app, cards);
  add(
    main,
    h(
      "h1",
      { class: "app-heading-l app-home__title", id: "cards-title", tabindex: "-1" },
      t(`home.cards.${audience}`),
    ),
    h("p", { class: "app-home__who" }, h("a", { href: "/?choose=1" }, t("home.who"))),
    search,
    list,
    none,
    saidLink(t),
  );
  return t(`home.cards.${audience}`);
}
