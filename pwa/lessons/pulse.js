// The class pulse in presenter mode: a slide before the lesson and one after it. The teacher
// starts the pulse, the projector shows a QR code and a short code, and the class's result
// appears live once 10 have answered, as percentages rounded to 5 (the server rounds them).
// After the lesson the two are shown side by side. The presenter's key stays in this tab.

import { request } from "/assets/js/lib/api.js";
import { h } from "/assets/js/lib/dom.js";
import { fitText, numberFormatter, qrImage } from "./common.js";

const POLL_MS = 1500;
const API = "/api/v1/pulse";

// JSON in and out; a failed answer throws with the server's message.
async function call(url, { method = "GET", headers, body } = {}) {
  const answer = await request(method, url, { body, headers });
  if (!answer.ok) throw new Error(answer.body.error?.message || String(answer.status));
  return answer.body;
}

class Pulse {
  constructor(card, questions, t, lang) {
    this.card = card;
    this.questions = questions;
    this.t = t;
    this.number = numberFormatter(lang);
    this.storeKey = `present-pulse-${card.id}`;
    const saved = JSON.parse(sessionStorage.getItem(this.storeKey) || "null");
    this.code = saved?.code || null;
    this.key = saved?.key || null;
    this.views = {};
    this.timer = null;
  }

  async start(phase) {
    if (!this.code) {
      const opened = await call(`${API}/sessions`, {
        method: "POST",
        body: { card_id: this.card.id },
      });
      this.code = opened.code;
      this.key = opened.presenter_key;
      sessionStorage.setItem(this.storeKey, JSON.stringify({ code: this.code, key: this.key }));
    }
    if (phase === "after") {
      await call(`${API}/sessions/${this.code}/phase`, {
        method: "POST",
        headers: { "X-Presenter-Key": this.key },
        body: { phase: "after" },
      });
    }
    this.showJoin(phase);
    this.poll();
  }

  showJoin(phase) {
    const view = this.views[phase];
    const path = `/pulse/${this.code}`;
    const address = `${location.host}/pulse`;
    view.start.hidden = true;
    view.join.replaceChildren(
      h(
        "figure",
        { class: "pulse-join__qr slide__qr" },
        qrImage(path, this.t("pulse.scan", { address })),
      ),
      h(
        "div",
        {},
        h("p", { class: "pulse-join__code", dataset: { pulseCode: this.code }, text: this.t("pulse.code", { code: this.code }) }),
        h("p", { class: "pulse-join__hint", text: this.t("pulse.scan", { address }) }),
      ),
    );
    view.join.hidden = false;
  }

  poll() {
    clearInterval(this.timer);
    const tick = async () => {
      try {
        const results = await call(`${API}/sessions/${this.code}/results`);
        this.render(results);
      } catch {
        // the projector keeps the last result; the next tick tries again
      }
    };
    tick();
    this.timer = setInterval(tick, POLL_MS);
  }

  shares(result, questionId) {
    const found = result.results.find((r) => r.question === questionId);
    return found ? Object.fromEntries(found.shares.map((s) => [s.answer, s.percent])) : null;
  }

  render(results) {
    const byPhase = Object.fromEntries(results.map((r) => [r.phase, r]));
    for (const [phase, view] of Object.entries(this.views)) {
      const result = byPhase[phase];
      if (!result || view.join.hidden) continue;
      view.count.textContent = this.t("pulse.answered", { count: this.number(result.answered) });
      view.count.dataset.answered = String(result.answered);
      if (!result.results.length) {
        view.results.replaceChildren(h("p", { class: "pulse-results__waiting", text: this.t("pulse.waiting") }));
        view.results.dataset.shown = "false";
        continue;
      }
      view.results.dataset.shown = "true";
      view.section.classList.add("slide--pulse-live");
      const compare = phase === "after" && byPhase.before?.results.length;
      view.results.replaceChildren(
        ...(compare ? [h("h3", { class: "pulse-results__compare", text: this.t("pulse.compare") })] : []),
        ...this.questions.map((q) => this.questionResult(q, phase, byPhase, compare)),
        h("p", { class: "pulse-results__note", text: this.t("pulse.rounded") }),
      );
      if (!view.section.hidden) fitText(view.section);
    }
  }

  questionResult(question, phase, byPhase, compare) {
    const columns = compare ? ["before", "after"] : [phase];
    const shares = Object.fromEntries(columns.map((p) => [p, this.shares(byPhase[p], question.id) || {}]));
    return h(
      "table",
      { class: `pulse-results__table${compare ? " pulse-results__table--compare" : ""}` },
      h("caption", { text: question.statement }),
      compare
        ? h(
            "thead",
            {},
            h("tr", {}, h("td"), columns.map((p) => h("th", { scope: "col", text: this.t(`pulse.${p}`) }))),
          )
        : null,
      h(
        "tbody",
        {},
        question.answers.map((answer) =>
          h(
            "tr",
            {},
            h("th", { scope: "row", text: answer.label }),
            columns.map((p) => {
              const value = shares[p][answer.id] ?? 0;
              // Set through the CSSOM: the page's content security policy refuses style="".
              const bar = h("span", { class: "pulse-bar" });
              bar.style.inlineSize = `${value * 0.7}%`;
              return h(
                "td",
                { dataset: { phase: p, answer: answer.id, percent: String(value) } },
                bar,
                h("span", { class: "pulse-bar__value", text: `${this.number(value)}%` }),
              );
            }),
          ),
        ),
      ),
    );
  }

  slide(phase) {
    const start = h("button", {
      type: "button",
      class: "pulse-start",
      dataset: { pulseStart: phase },
      text: this.t(phase === "after" ? "pulse.start_after" : "pulse.start_before"),
    });
    const view = {
      start,
      join: h("div", { class: "pulse-join", hidden: true }),
      count: h("p", { class: "pulse-count", "aria-live": "polite" }),
      results: h("div", { class: "pulse-results", "aria-live": "polite", dataset: { phase } }),
    };
    this.views[phase] = view;
    start.addEventListener("click", () => this.start(phase).catch(() => undefined));
    if (this.code && phase === "before") {
      queueMicrotask(() => {
        this.showJoin("before");
        this.poll();
      });
    }
    view.section = h(
      "section",
      { class: "slide slide--pulse", dataset: { slide: `pulse-${phase}` } },
      h("h2", { text: `${this.t("pulse.title")}: ${this.t(`pulse.${phase}`)}` }),
      h("div", { class: "pulse-side" }, start, view.join, view.count),
      view.results,
    );
    return view.section;
  }
}

/**
 * With ?pulse=1 in the address, adds the pulse slides: "before" after the title slide, "after"
 * before where to get help. Without it the deck is the card alone.
 */
export async function addPulseSlides(slides, card, t, lang) {
  if (!new URLSearchParams(location.search).has("pulse")) return slides;
  let questions = [];
  try {
    questions = await call(`${API}/questions?card=${encodeURIComponent(card.id)}&lang=${encodeURIComponent(lang)}`);
  } catch {
    return slides; // offline or old server: the lesson works without a pulse
  }
  if (!questions.length) return slides;
  const pulse = new Pulse(card, questions, t, lang);
  const helpAt = slides.findIndex((s) => s.dataset.slide === "help" || s.dataset.slide === "closing");
  slides.splice(helpAt < 0 ? slides.length : helpAt, 0, pulse.slide("after"));
  slides.splice(1, 0, pulse.slide("before"));
  return slides;
}
