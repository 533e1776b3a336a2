// Home: who are you? Then that audience's cards.

import { add, h } from "./lib/dom.js";

const AUDIENCES = [
  ["young_person", "home.young_person"],
  ["parent", "home.parent"],
  ["teacher", "home.teacher"],
];

export function render(app, main, _match, params) {
  const { t, bundle } = app;
  const chosen = params.get("audience");
  const audience = AUDIENCES.some(([id]) => id === chosen) ? chosen : null;
  add(
    main,
    h("h1", { class: "app-heading-xl", tabindex: "-1" }, t("app.name")),
    h("p", { class: "app-lead" }, t("app.tagline")),
    h("h2", { class: "app-heading-m", id: "who" }, t("home.who")),
    h(
      "ul",
      { class: "app-choices", "aria-labelledby": "who" },
      AUDIENCES.map(([id, key]) =>
        h(
          "li",
          {},
          h(
            "a",
            {
              class: "app-choice",
              href: `/?audience=${id}`,
              "aria-current": id === audience ? "true" : null,
            },
            t(key),
          ),
        ),
      ),
    ),
  );
  if (audience) {
    const cards = bundle.cards.filter((card) => card.audience === audience);
    add(
      main,
      h("h2", { class: "app-heading-m", id: "cards-title" }, t(`home.cards.${audience}`)),
      h(
        "ul",
        { class: "app-card-list", "aria-labelledby": "cards-title" },
        cards.map((card) =>
          h(
            "li",
            { class: "app-card-list__item" },
            h("a", { class: "app-card-list__link", href: `/cards/${card.id}` }, card.title),
            h("p", { class: "app-card-list__summary" }, card.summary),
          ),
        ),
      ),
    );
  }
  add(main, h("p", { class: "app-said-link" }, h("a", { href: "/said-we-did" }, t("said.title"))));
  return audience ? t(`home.cards.${audience}`) : "";
}
