// The help finder: location (asked only when tapped) or a postcode, filters, results with
// tap to call and text, and the national helplines, which are always shown, offline too.

import { API, postSolved, request } from "./lib/api.js";
import { add, h } from "./lib/dom.js";
import { mistakeLink } from "./mistake.js";
import { lastHelp, saveLastHelp } from "./store.js";
import { checkbox, radios, showErrors, telLink } from "./widgets.js";

const TEXTABLE = new Set(["mobile", "text", "sms"]);

// Numbers grouped as people read them out: 0800 1111, 020 7946 0000, 01582 123456.
export function spaced(number) {
  const d = String(number).replace(/\s/g, "");
  let at = 0;
  const groups = (...sizes) => sizes.map((n) => d.slice(at, (at += n)));
  if (/^0\d{7}$/.test(d)) return groups(4, 4).join(" ");
  if (/^02\d{9}$/.test(d)) return groups(3, 4, 4).join(" ");
  if (/^0[17]\d{9}$/.test(d)) return groups(5, 6).join(" ");
  if (/^0[389]\d{9}$/.test(d)) return groups(4, 3, 4).join(" ");
  return number;
}

const smsLink = (number, body) =>
  h(
    "a",
    {
      class: "app-tel",
      href: `sms:${number.replace(/\s/g, "")}${body ? `?&body=${encodeURIComponent(body)}` : ""}`,
    },
    body ? [h("bdi", {}, body), " → ", h("bdi", {}, number)] : h("bdi", {}, number),
  );

export function helplineList(app, lines, heading = "h3") {
  const { t } = app;
  return h(
    "ul",
    { class: "app-list app-helplines" },
    lines.map((line) =>
      h(
        "li",
        { class: "app-helpline" },
        h(heading, { class: "app-heading-s" }, line.name),
        h("p", {}, line.what_for),
        h(
          "p",
          { class: "app-meta" },
          line.when_open,
          line.free_from_mobiles ? ` · ${t("help.free_from_mobiles")}` : "",
        ),
        h(
          "p",
          { class: "app-contact" },
          line.phone && [
            t("help.call"),
            " ",
            telLink(line.phone, h("bdi", {}, spaced(line.phone))),
          ],
          line.text && [" ", t("help.text"), " ", smsLink(line.text, line.text_keyword)],
          line.url && [
            " ",
            h("a", { href: line.url, rel: "noreferrer" }, t("help.website", { name: line.name })),
          ],
        ),
        mistakeLink(app, "helpline", line.id),
      ),
    ),
  );
}

// Opening times with their days: the server names days and times in the chosen language
// (babel); days in a row with the same hours join ("Mon–Fri 09:00–17:00"). Each part is
// isolated (<bdi>), so Urdu and Arabic keep days and times in order.
const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

export function hourLines(sessions) {
  const lines = [];
  for (const s of sessions) {
    const last = lines.at(-1);
    const next = last && DAYS.indexOf(s.day) === DAYS.indexOf(last.day) + 1 && s.day;
    if (next && last.text === s.text && last.note === s.note) {
      last.until = s.day_name;
      last.day = s.day;
    } else {
      lines.push({ day: s.day, from: s.day_name || "", text: s.text, note: s.note });
    }
  }
  return lines;
}

function hours(t, sessions) {
  if (!Array.isArray(sessions) || !sessions.length) return null;
  return h(
    "div",
    { class: "app-hours" },
    h("p", { class: "app-meta" }, `${t("help.opening_hours")}:`),
    h(
      "ul",
      { class: "app-list app-meta" },
      hourLines(sessions).map((line) =>
        h(
          "li",
          { "data-hours": "" },
          line.from ? [h("bdi", {}, line.until ? `${line.from}–${line.until}` : line.from), " "] : null,
          h("bdi", { dir: "ltr" }, line.text),
          line.note ? [" (", h("bdi", { lang: "en", dir: "auto" }, line.note), ")"] : null,
        ),
      ),
    ),
  );
}

// Big buttons: Call the first voice number; Directions opens the phone's own map app at the
// place (a geo: link with the address as its label), so the app asks no other site.
function actions(t, r) {
  const voice = (r.phones || []).find((p) => !TEXTABLE.has(p.kind || p.type || "voice"));
  const place = [r.address, r.postcode].filter(Boolean).join(", ");
  const geo =
    r.lat != null && r.lon != null
      ? `geo:${r.lat},${r.lon}?q=${r.lat},${r.lon}(${encodeURIComponent(place || r.name)})`
      : place
        ? `geo:0,0?q=${encodeURIComponent(place)}`
        : null;
  if (!voice && !geo) return null;
  return h(
    "div",
    { class: "app-button-group app-result__actions" },
    voice
      ? telLink(
          voice.number,
          h("span", { class: "app-button" }, t("help.call"), " ", h("bdi", {}, spaced(voice.number))),
        )
      : null,
    geo
      ? h("a", { class: "app-button app-button--secondary", href: geo, "data-directions": "" }, t("help.directions"))
      : null,
  );
}

// National helplines that fit the search, as a compact strip above the local results.
function helplineStrip(app, all) {
  const lines = (all || []).filter((line) => line.phone);
  if (!lines.length) return null;
  return h(
    "ul",
    { class: "app-strip", "aria-label": app.t("help.national") },
    lines.map((line) =>
      h(
        "li",
        {},
        telLink(line.phone, [
          h("bdi", {}, line.name),
          h("bdi", { class: "app-strip__number", dir: "ltr" }, spaced(line.phone)),
        ]),
      ),
    ),
  );
}

const PAGE = 5;

// Five at a time, then "Show more" shows five more (the API sends an explicit limit).
function paged(app, list) {
  const items = [...list.children];
  if (items.length <= PAGE) return list;
  let shown = PAGE;
  const more = h("button", { type: "button", class: "app-button app-button--secondary", "data-show-more": "" }, app.t("help.show_more"));
  const show = () => {
    items.forEach((item, i) => (item.hidden = i >= shown));
    more.hidden = shown >= items.length;
  };
  more.addEventListener("click", () => {
    const first = items[shown];
    shown += PAGE;
    show();
    first?.querySelector("h3")?.focus();
  });
  show();
  return h("div", { class: "app-results-paged" }, list, more);
}

// Outpost's four topics for a suggested change to a listing (issue 15).
const SUGGESTION_TOPICS = ["out_of_date", "extra_information", "service_closed", "something_else"];

// "Suggest a change": a topic and optional words, sent with nothing about the sender.
function suggestChange(app, service) {
  const { t } = app;
  const name = `suggest-${service.id}`;
  const textId = `${name}-text`;
  const note = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "app-form", novalidate: true },
    radios({
      name,
      legend: t("help.suggest"),
      options: SUGGESTION_TOPICS.map((topic) => [topic, t(`help.suggest.${topic}`)]),
    }),
    h(
      "div",
      { class: "app-form-group" },
      h("label", { class: "app-label", for: textId }, t("help.suggest_text")),
      h("textarea", { class: "app-textarea", id: textId, name: "text", rows: "3", maxlength: "1000" }),
    ),
    h("button", { type: "submit", class: "app-button app-button--secondary" }, t("help.suggest_send")),
    note,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const topic = form.querySelector(`input[name="${name}"]:checked`)?.value;
    if (!topic) {
      showErrors(form, t, [[`${name}-0`, t("help.suggest")]]);
      return;
    }
    showErrors(form, t, []);
    const text = form.elements.text.value.trim();
    let answer;
    try {
      answer = await postSolved("suggestion", `${API}/services/${service.id}/suggestions`, { topic, text });
    } catch {
      note.replaceChildren(h("p", { class: "app-inset" }, t("help.offline")));
      return;
    }
    if (!answer.ok) {
      note.replaceChildren(h("p", { class: "app-inset" }, answer.body.error?.message || t("error.generic")));
      return;
    }
    form.replaceChildren(h("p", { class: "app-inset", tabindex: "-1" }, t("help.suggest_thanks")));
    form.firstChild.focus();
  });
  return h(
    "details",
    { class: "app-details app-suggest" },
    h("summary", { class: "app-details__summary" }, t("help.suggest")),
    h("div", { class: "app-details__text" }, form),
  );
}

function resultList(app, results) {
  const { t } = app;
  if (!results.length) return h("p", {}, t("help.no_results"));
  // Directory text is in English: marked so, with its own direction, inside any page.
  const en = app.bundle.lang === "en" ? {} : { lang: "en", dir: "auto" };
  const list = h(
    "ol",
    { class: "app-list app-results" },
    results.map((r) =>
      h(
        "li",
        { class: "app-result" },
        h("h3", { class: "app-heading-s", tabindex: "-1", ...en }, r.name),
        r.organisation && r.organisation !== r.name
          ? h("p", { class: "app-meta", ...en }, r.organisation)
          : null,
        h(
          "p",
          { class: "app-result__facts" },
          // Spaces between the facts, so they are read out as separate words.
          [
            r.distance_text ? h("span", {}, r.distance_text) : null,
            r.open_now === true
              ? h("strong", { class: "app-tag app-tag--green" }, t("help.open_now"))
              : null,
            r.open_now === false ? h("span", { class: "app-tag" }, t("help.closed_now")) : null,
            r.free ? h("span", { class: "app-tag" }, t("help.free")) : null,
          ]
            .filter(Boolean)
            .flatMap((fact, i) => (i ? [" ", fact] : [fact])),
        ),
        actions(t, r),
        r.description ? h("p", en, r.description) : null,
        r.address
          ? h("p", { class: "app-meta", ...en }, [r.address, r.postcode].filter(Boolean).join(", "))
          : null,
        hours(t, r.opening_hours),
        r.cost ? h("p", { class: "app-meta", ...en }, r.cost) : null,
        r.language_names?.length
          ? h("p", { class: "app-meta" }, `${t("help.languages")}: ${r.language_names.join(", ")}`)
          : null,
        h(
          "p",
          { class: "app-contact" },
          (r.phones || []).map((phone) => {
            // A number marked for texts gets "Text"; any other number gets "Call".
            const kind = phone.kind || phone.type || "voice";
            return TEXTABLE.has(kind)
              ? [t("help.text"), " ", smsLink(phone.number), " "]
              : [
                  t("help.call"),
                  " ",
                  telLink(phone.number, h("bdi", {}, spaced(phone.number))),
                  " ",
                ];
          }),
          r.website
            ? h("a", { href: r.website, rel: "noreferrer" }, t("help.website", { name: r.name }))
            : null,
          r.email ? [" ", h("a", { href: `mailto:${r.email}` }, r.email)] : null,
        ),
        r.referral_needed ? h("p", { class: "app-meta" }, t("help.referral_needed")) : null,
        r.last_checked_text
          ? h(
              "p",
              { class: "app-meta" },
              `${t("card.last_checked")}: ${r.last_checked_text}`,
              r.out_of_date ? [" ", h("strong", { class: "app-tag" }, t("help.out_of_date"))] : null,
            )
          : null,
        r.sample ? h("p", { class: "app-meta" }, t("help.sample")) : null,
        r.id ? suggestChange(app, r) : null,
      ),
    ),
  );
  return paged(app, list);
}

export async function render(app, main, _match, params) {
  const { t, bundle } = app;
  const categories = bundle.choices.service_categories;
  const chosenCategory = params.get("category");
  const status = h("div", { class: "app-help-status", "aria-live": "polite" });
  const results = h("div", { class: "app-help-results", id: "results" });
  const locales = await app.locales().catch(() => []);

  const form = h(
    "form",
    { class: "app-form", novalidate: true, "aria-labelledby": "help-title" },
    h(
      "div",
      { class: "app-form-group" },
      h(
        "button",
        { type: "button", class: "app-button", id: "use-location" },
        t("help.use_location"),
      ),
      h("p", { class: "app-hint" }, t("help.location_hint")),
    ),
    h(
      "div",
      { class: "app-form-group" },
      h("label", { class: "app-label", for: "postcode" }, t("help.postcode")),
      h("p", { class: "app-hint", id: "postcode-hint" }, t("help.postcode_hint")),
      h("input", {
        class: "app-input app-input--postcode",
        id: "postcode",
        name: "postcode",
        type: "text",
        autocomplete: "off",
        spellcheck: "false",
        "aria-describedby": "postcode-hint",
      }),
    ),
    h(
      "details",
      { class: "app-details", open: chosenCategory ? true : null },
      h("summary", { class: "app-details__summary" }, t("help.filters")),
      h(
        "div",
        { class: "app-details__text" },
        h(
          "fieldset",
          { class: "app-fieldset app-form-group" },
          h("legend", { class: "app-fieldset__legend" }, t("help.category")),
          categories.map((c) =>
            checkbox({
              id: `category-${c}`,
              label: t(`category.${c}`),
              checked: c === chosenCategory,
            }),
          ),
        ),
        h(
          "div",
          { class: "app-form-group" },
          h("label", { class: "app-label", for: "age" }, t("help.age")),
          h("input", {
            class: "app-input app-input--short",
            id: "age",
            name: "age",
            type: "text",
            inputmode: "numeric",
            maxlength: "2",
          }),
        ),
        h(
          "div",
          { class: "app-form-group" },
          h("label", { class: "app-label", for: "language" }, t("help.language")),
          h(
            "select",
            { class: "app-select", id: "language", name: "language" },
            h("option", { value: "" }, t("help.any_language")),
            locales.map((l) => h("option", { value: l.code, lang: l.code }, l.native_name)),
          ),
        ),
        h(
          "div",
          { class: "app-form-group app-checkboxes" },
          checkbox({ id: "free", label: t("help.free_only") }),
          checkbox({ id: "open-now", label: t("help.open_now_only") }),
        ),
      ),
    ),
    h("button", { type: "submit", class: "app-button" }, t("help.search")),
  );

  add(
    main,
    h("h1", { class: "app-heading-l", id: "help-title", tabindex: "-1" }, t("help.title")),
    h("p", {}, t("help.intro")),
    form,
    status,
    results,
    h(
      "section",
      { class: "app-national", "aria-labelledby": "national-title" },
      h("h2", { class: "app-heading-m", id: "national-title" }, t("help.national")),
      helplineList(app, bundle.helplines),
    ),
  );

  const showLast = (note) => {
    const last = lastHelp();
    if (!last) return false;
    status.replaceChildren(h("p", { class: "app-inset" }, note));
    results.replaceChildren(
      h("h2", { class: "app-heading-m" }, t("help.last_results", { place: last.label || "" })),
      resultList(app, last.results),
    );
    return true;
  };

  const search = async (where) => {
    const query = new URLSearchParams({ lang: bundle.lang, limit: "20" });
    for (const [key, value] of Object.entries(where)) query.set(key, value);
    for (const c of categories)
      if (form.elements[`category-${c}`].checked) query.append("category", c);
    const age = form.elements.age.value.trim();
    if (age) {
      if (!/^\d{1,2}$/.test(age)) {
        showErrors(form, t, [["age", t("help.age_error")]]);
        return;
      }
      query.set("age", age);
    }
    if (form.elements.language.value) query.set("language", form.elements.language.value);
    if (form.elements.free.checked) query.set("free", "true");
    if (form.elements["open-now"].checked) query.set("open_now", "true");
    showErrors(form, t, []);
    status.replaceChildren(h("p", {}, t("help.searching")));
    let answer;
    try {
      // no-store: a search (and so a place) is never written to the browser's cache.
      answer = await request("GET", `${API}/services/nearby?${query}`, { cache: "no-store" });
    } catch {
      if (!showLast(t("help.offline_last"))) {
        status.replaceChildren(h("p", { class: "app-inset" }, t("help.offline")));
      }
      return;
    }
    const { body } = answer;
    if (!answer.ok) {
      status.replaceChildren();
      const field = "postcode" in where ? "postcode" : "use-location";
      showErrors(form, t, [[field, body.error?.message || t("error.generic")]]);
      return;
    }
    const label = body.origin?.label || "";
    // Kept so the last results open with no signal; the quick exit removes them.
    saveLastHelp({ label, results: body.results || [] });
    status.replaceChildren(
      h("p", {}, t("help.found", { count: String((body.results || []).length) })),
    );
    results.replaceChildren(
      helplineStrip(app, body.helplines),
      h("h2", { class: "app-heading-m", tabindex: "-1" }, t("help.results_near", { place: label })),
      resultList(app, body.results || []),
    );
    results.querySelector("h2").focus();
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const postcode = form.elements.postcode.value.trim();
    if (!postcode) {
      showErrors(form, t, [["postcode", t("help.postcode_missing")]]);
      return;
    }
    search({ postcode });
  });
  form.querySelector("#use-location").addEventListener("click", () => {
    if (!navigator.geolocation) {
      showErrors(form, t, [["use-location", t("help.location_error")]]);
      return;
    }
    status.replaceChildren(h("p", {}, t("help.locating")));
    navigator.geolocation.getCurrentPosition(
      // About 100 metres is enough to find what is near, and tells the server less.
      (position) =>
        search({
          lat: position.coords.latitude.toFixed(3),
          lon: position.coords.longitude.toFixed(3),
        }),
      () => {
        status.replaceChildren();
        showErrors(form, t, [["use-location", t("help.location_error")]]);
      },
      { timeout: 20000, maximumAge: 600000 },
    );
  });
  if (!navigator.onLine) showLast(t("help.offline_last"));
  return t("help.title");
}
