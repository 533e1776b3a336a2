// Presenter mode: one card or lesson as slides for a projector, driven by the keyboard,
// a presentation clicker or the on-screen buttons. It shows the card and where to get
// help, and nothing else: no report form, no follow-up code, nothing about anyone.

import {
  labelQuickExit,
  startQuickExit,
  LOAD_FAILED_EN,
  cardHelplines,
  cardIdFromPath,
  cardPath,
  fitText,
  helpPath,
  helplineItem,
  numberFormatter,
  pageLanguage,
  qrImage,
  settled,
  showFailure,
} from "./common.js";
import { loadBundle } from "/assets/js/lib/api.js";
import { h } from "/assets/js/lib/dom.js";
import { setDocumentLanguage, translator } from "/assets/js/lib/i18n.js";
import { addPulseSlides } from "./pulse.js";

// Clickers send Page Down / Page Up (most), arrow keys, or "." / "b" to blank the screen.
const NEXT_KEYS = new Set(["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"]);
const PREVIOUS_KEYS = new Set(["ArrowLeft", "ArrowUp", "PageUp", "Backspace"]);

function slide(kind, ...children) {
  return h("section", { class: `slide slide--${kind}`, dataset: { slide: kind } }, ...children);
}

function teacherNotes(notes, t) {
  const items = notes.filter(Boolean);
  if (!items.length) return null;
  return h(
    "aside",
    { class: "slide__notes", dataset: { notes: "" }, "aria-label": t("present.teacher_notes") },
    // A label, not a heading: notes sit under an h1 on the title slide and an h2 elsewhere.
    h("p", { class: "slide__notes-title", text: t("present.teacher_notes") }),
    h("ul", {}, items.map((note) => h("li", { text: note }))),
  );
}

/** The slides for one card, in teaching order. */
export function buildSlides(card, helplines, t, lang) {
  const number = numberFormatter(lang);
  const slides = [];

  // A teacher card's key points are advice for the teacher (ground rules, safeguarding), so
  // they travel with the title slide as notes rather than being projected to the class.
  const forTeacher = card.audience === "teacher";
  slides.push(
    slide(
      "title",
      h("h1", { class: "slide__title", text: card.title }),
      h("p", { class: "slide__summary", text: card.summary }),
      card.duration_minutes
        ? h("p", { class: "slide__meta", text: t("lessons.minutes", { minutes: number(card.duration_minutes) }) })
        : null,
      card.translation_reviewed
        ? null
        : h("p", { class: "slide__unreviewed", text: t("app.translation_unreviewed") }),
      forTeacher ? teacherNotes(card.key_points, t) : null,
    ),
  );

  if (card.learning_objectives.length) {
    slides.push(
      slide(
        "objectives",
        h("h2", { text: t("lessons.learning_objectives") }),
        h("ul", { class: "slide__list" }, card.learning_objectives.map((o) => h("li", { text: o }))),
      ),
    );
  }

  if (!forTeacher) {
    slides.push(
      slide(
        "key-points",
        h("h2", { text: t("card.key_points") }),
        h("ul", { class: "slide__list" }, card.key_points.map((p) => h("li", { text: p }))),
      ),
    );
  }

  // A section `for` the teacher (instructions, a quiz's answers) goes with the notes (in the
  // presenter view), and the class sees the step's heading and time.
  for (const section of card.sections) {
    const planned = section.for === "teacher";
    slides.push(
      slide(
        "section",
        h("h2", { text: section.heading }),
        section.minutes
          ? h("p", { class: "slide__meta", text: t("lessons.minutes", { minutes: number(section.minutes) }) })
          : null,
        planned ? null : section.paragraphs.map((p) => h("p", { text: p })),
        teacherNotes(planned ? [...section.paragraphs, ...section.notes] : section.notes, t),
      ),
    );
  }

  // Scenarios: choices to talk through. There are no right-answer buttons and no scores.
  for (const scenario of card.scenarios) {
    slides.push(
      slide(
        "scenario",
        h("h2", { text: t("lessons.what_would_you_do") }),
        h("p", { class: "slide__situation", text: scenario.situation }),
        h("h3", { class: "slide__choices-title", text: t("lessons.choices") }),
        h("ol", { class: "slide__choices" }, scenario.choices.map((c) => h("li", { text: c }))),
        teacherNotes(scenario.notes ? [scenario.notes] : [], t),
      ),
    );
  }

  card.discussion_questions.forEach((question, index) => {
    slides.push(
      slide(
        "question",
        h("p", {
          class: "slide__meta",
          text: `${t("card.discussion")} · ${t("present.question", {
            number: number(index + 1),
            total: number(card.discussion_questions.length),
          })}`,
        }),
        h("p", { class: "slide__question", text: question }),
      ),
    );
  });

  const help = cardHelplines(card, helplines);
  if (help.length) {
    slides.push(
      slide(
        "help",
        h("h2", { text: t("card.related_help") }),
        h("ul", { class: "slide__helplines" }, help.map((line) => helplineItem(line, t))),
      ),
    );
  }

  slides.push(
    slide(
      "closing",
      h("h2", { text: t("present.closing") }),
      h(
        "div",
        { class: "slide__qrs" },
        h(
          "figure",
          { class: "slide__qr" },
          qrImage(cardPath(card.id, lang), t("lessons.scan_card")),
          h("figcaption", { text: t("lessons.scan_card") }),
          // A short address to type, for anyone whose phone cannot scan.
          h("p", { class: "slide__address", dir: "ltr", text: `${location.host}/cards/${card.id}` }),
        ),
        h(
          "figure",
          { class: "slide__qr" },
          qrImage(helpPath(lang), t("lessons.scan_help")),
          h("figcaption", { text: t("lessons.scan_help") }),
          h("p", { class: "slide__address", dir: "ltr", text: `${location.host}/help` }),
        ),
      ),
    ),
  );
  return slides;
}

// The projected window and the presenter view (a second window) keep in step through a
// BroadcastChannel named after the card; neither sends anything off the computer.
const presenterView = () => new URLSearchParams(location.search).get("view") === "presenter";

class Deck {
  constructor(container, slides, t, lang) {
    this.presenter = presenterView();
    this.channel =
      typeof BroadcastChannel === "function" ? new BroadcastChannel(`cc-present-${cardIdFromPath()}`) : null;
    this.container = container;
    this.slides = slides;
    this.t = t;
    this.number = numberFormatter(lang);
    this.index = 0;
    this.progress = document.querySelector("[data-progress]");
    this.progressText = document.querySelector("[data-progress-text]");
    this.notesButton = document.querySelector('[data-action="notes"]');
    this.fullscreenButton = document.querySelector('[data-action="fullscreen"]');
    this.blank = document.querySelector("[data-blank]");
    slides.forEach((s, i) => {
      s.id = `slide-${i + 1}`;
      s.setAttribute("aria-roledescription", "slide");
      s.hidden = true;
    });
    container.replaceChildren(...slides);
  }

  get notesShown() {
    return document.body.classList.contains("show-notes");
  }

  go(index, { remote = false } = {}) {
    const target = Math.max(0, Math.min(this.slides.length - 1, index));
    this.slides[this.index].hidden = true;
    this.index = target;
    const current = this.slides[target];
    current.hidden = false;
    const label = this.t("present.progress", {
      current: this.number(target + 1),
      total: this.number(this.slides.length),
    });
    current.setAttribute("aria-label", label);
    this.progress.max = this.slides.length;
    this.progress.value = target + 1;
    this.progressText.textContent = label;
    document.body.dataset.slide = String(target + 1);
    history.replaceState(null, "", `${location.search}#${target + 1}`);
    if (!remote) this.channel?.postMessage({ type: "go", index: target });
    if (this.presenter) this.showNext();
    this.fit();
  }

  // Presenter view: the next slide, small, beside the current one and its notes.
  showNext() {
    const box = document.querySelector("[data-next-slide]");
    const following = this.slides[this.index + 1];
    box.replaceChildren();
    if (!following) return;
    const copy = following.cloneNode(true);
    copy.hidden = false;
    copy.removeAttribute("id");
    copy.querySelector("[data-notes]")?.remove();
    box.append(copy);
  }

  // The projected window never shows notes: N and the button open the presenter view.
  openPresenter() {
    const url = `${location.pathname}${location.search ? `${location.search}&` : "?"}view=presenter#${this.index + 1}`;
    window.open(url, "cc-presenter", "popup,width=1100,height=700");
  }

  startTimer() {
    const clock = document.querySelector("[data-timer]");
    const started = Date.now();
    const tick = () => {
      const seconds = Math.floor((Date.now() - started) / 1000);
      clock.textContent = `${this.number(Math.floor(seconds / 60))}:${String(seconds % 60).padStart(2, "0")}`;
    };
    tick();
    setInterval(tick, 1000);
  }

  next() {
    this.go(this.index + 1);
  }

  previous() {
    this.go(this.index - 1);
  }

  fit() {
    fitText(this.slides[this.index]);
  }

  toggleNotes() {
    if (!this.presenter) {
      this.openPresenter();
      return;
    }
    const show = !this.notesShown;
    document.body.classList.toggle("show-notes", show);
    this.notesButton.setAttribute("aria-pressed", String(show));
    this.notesButton.querySelector("[data-label]").textContent = this.t(
      show ? "present.notes_hide" : "present.notes_show",
    );
    this.fit();
  }

  toggleBlank() {
    this.blank.hidden = !this.blank.hidden;
  }

  async toggleFullscreen() {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await document.documentElement.requestFullscreen();
    } catch {
      // Some browsers refuse full screen (e.g. inside a frame); the slides still work.
    }
  }

  showFullscreenState() {
    const on = Boolean(document.fullscreenElement);
    this.fullscreenButton.setAttribute("aria-pressed", String(on));
    this.fullscreenButton.querySelector("[data-label]").textContent = this.t(
      on ? "present.fullscreen_exit" : "present.fullscreen",
    );
  }

  onKey(event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    // Space and Enter on a focused button press that button, not the slide.
    if (event.target.closest?.("button, a") && (event.key === " " || event.key === "Enter")) return;
    const key = event.key;
    let handled = true;
    if (!this.blank.hidden && key !== "b" && key !== "B" && key !== ".") {
      this.toggleBlank();
    } else if (key === " " && event.shiftKey) this.previous();
    else if (NEXT_KEYS.has(key)) this.next();
    else if (PREVIOUS_KEYS.has(key)) this.previous();
    else if (key === "Home") this.go(0);
    else if (key === "End") this.go(this.slides.length - 1);
    else if (key === "n" || key === "N") this.toggleNotes();
    else if (key === "f" || key === "F") this.toggleFullscreen();
    else if (key === "b" || key === "B" || key === ".") this.toggleBlank();
    else handled = false;
    if (handled) event.preventDefault();
  }

  start() {
    this.channel?.addEventListener("message", ({ data }) => {
      if (data?.type === "go") this.go(data.index, { remote: true });
      else if (data?.type === "hello") this.channel.postMessage({ type: "go", index: this.index });
    });
    if (this.presenter) {
      document.body.classList.add("presenter", "show-notes");
      document.querySelector("[data-presenter]").hidden = false;
      this.startTimer();
    }
    // Swipe on a touch screen: left for the next slide, right for the one before.
    let touch = null;
    this.container.addEventListener("touchstart", (e) => (touch = e.changedTouches[0]), { passive: true });
    this.container.addEventListener("touchend", (e) => {
      const end = e.changedTouches[0];
      if (!touch || !end) return;
      const dx = end.clientX - touch.clientX;
      const dy = end.clientY - touch.clientY;
      touch = null;
      if (Math.abs(dx) < 50 || Math.abs(dx) < Math.abs(dy)) return;
      const rtl = document.documentElement.dir === "rtl";
      if ((dx < 0) !== rtl) this.next();
      else this.previous();
    });
    document.addEventListener("keydown", (e) => this.onKey(e));
    document.querySelector('[data-action="next"]').addEventListener("click", () => this.next());
    document.querySelector('[data-action="previous"]').addEventListener("click", () => this.previous());
    this.notesButton.addEventListener("click", () => this.toggleNotes());
    this.fullscreenButton.addEventListener("click", () => this.toggleFullscreen());
    this.blank.addEventListener("click", () => this.toggleBlank());
    document.addEventListener("fullscreenchange", () => {
      this.showFullscreenState();
      this.fit();
    });
    window.addEventListener("resize", () => this.fit());
    const fromHash = Number.parseInt(location.hash.slice(1), 10);
    this.go(Number.isFinite(fromHash) ? fromHash - 1 : 0, { remote: this.presenter });
    if (this.presenter) this.channel?.postMessage({ type: "hello" });
  }
}

function labelControls(t) {
  const controls = document.querySelector("[data-controls]");
  controls.setAttribute("aria-label", t("present.controls"));
  const labels = {
    previous: "present.previous",
    next: "present.next",
    notes: presenterView() ? "present.notes_hide" : "present.open_presenter",
    fullscreen: "present.fullscreen",
  };
  const panel = document.querySelector("[data-presenter]");
  panel.setAttribute("aria-label", t("present.presenter_view"));
  panel.querySelector("[data-next-title]").textContent = t("present.next");
  panel.querySelector("[data-timer-title]").textContent = t("present.timer");
  for (const [action, key] of Object.entries(labels)) {
    const button = controls.querySelector(`[data-action="${action}"]`);
    button.querySelector("[data-label]").textContent = t(key);
    // On a phone the arrows show without their words; the name stays for screen readers.
    if (action === "previous" || action === "next") button.setAttribute("aria-label", t(key));
  }
  controls.querySelector("[data-keys]").textContent = t("present.keys");
  // No notes in this card: no notes button to wonder about.
  controls.querySelector('[data-action="notes"]').hidden = !document.querySelector("[data-notes]");
  controls.hidden = false;
}

async function main() {
  const container = document.getElementById("deck");
  const lang = pageLanguage();
  let bundle;
  try {
    bundle = await loadBundle(lang);
  } catch {
    showFailure(container, LOAD_FAILED_EN);
    return;
  }
  setDocumentLanguage(bundle);
  const t = translator(bundle.messages);
  const card = bundle.cards.find((c) => c.id === cardIdFromPath());
  if (!card) {
    showFailure(container, t("lessons.load_failed"));
    return;
  }
  // A neutral title: the history list tells no story.
  document.title = t("app.name");
  labelQuickExit(t);
  const slides = await addPulseSlides(buildSlides(card, bundle.helplines, t, bundle.lang), card, t, bundle.lang);
  const deck = new Deck(container, slides, t, bundle.lang);
  labelControls(t);
  deck.start();
  await settled(container);
  deck.fit();
  document.documentElement.dataset.ready = "true";
}

startQuickExit();
main();
