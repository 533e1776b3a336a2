"""You said, we did: short updates staff publish, tied to an area or a pulse question.

An update is written in English. Unless it is marked English-only it is translated through
the usual catalogue: staff export the updates (``content/updates.yaml``), ``consequences i18n
extract`` picks them up like cards, and translators translate them in each ``messages.po``.
Until a language has the translation, the app shows the English and says so.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated

import msgspec
import yaml
from msgspec import Meta

from server.db import ThreadLocalDatabase, immediate
from server.postcodes import InvalidPostcode, parse_postcode
from server.problems import Invalid, NotFound
from server.voice.questions import PulseQuestions

UpdateText = Annotated[str, Meta(min_length=1, max_length=400, pattern=r"^[^<>]*$")]
MAX_UPDATES_SHOWN = 50
AREA_HINT = "give a district or sector, like LU1 or LU1 2"


class NewUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: UpdateText
    area: Annotated[str, Meta(max_length=10)] | None = None
    question: Annotated[str, Meta(max_length=80)] | None = None
    english_only: bool = False


class Update(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    day: str
    area: str | None
    question: str | None
    text: str
    english_only: bool


class ShownUpdate(msgspec.Struct, frozen=True, kw_only=True):
    """An update as the app shows it in one language."""

    id: int
    day: str
    area: str | None
    question: str | None
    question_text: str | None
    text: str
    lang: str
    english_only: bool


class ExportedUpdate(msgspec.Struct, frozen=True):
    """One entry of content/updates.yaml: what translators see."""

    id: int
    text: str


def _clean_area(raw: str | None) -> str | None:
    """A district ("LU1") or sector ("LU1 2"), never a full postcode."""
    if not raw or not raw.strip():
        return None
    try:
        postcode = parse_postcode(raw)
    except InvalidPostcode:
        raise Invalid(
            "invalid_input", "Check 'area': give a district or sector, like LU1 or LU1 2."
        ) from None
    if postcode.kind == "unit":
        raise Invalid(
            "invalid_input", "Check 'area': give a district or sector, not a full postcode."
        )
    return postcode.text


class UpdateStore:
    def __init__(
        self, path: Path, questions: PulseQuestions, clock: Callable[[], float] = time.time
    ) -> None:
        self.db = ThreadLocalDatabase(path, synchronous="FULL")
        self.questions = questions
        self.clock = clock

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.get().conn

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction, taken at once so check-then-insert cannot race."""
        return immediate(self.conn)

    def publish(self, actor: str, new: NewUpdate) -> Update:
        text = re.sub(r"\s+", " ", new.text).strip()
        if not text:
            raise Invalid("invalid_input", "Check 'text': write the update.")
        area = _clean_area(new.area)
        if new.question and new.question not in self.questions.by_id:
            raise Invalid("invalid_input", "Check 'question': there is no such pulse question.")
        if area is None and not new.question:
            raise Invalid("invalid_input", "Tie the update to an area or a question.")
        day = dt.datetime.fromtimestamp(self.clock(), dt.UTC).date().isoformat()
        with self.write() as conn:
            cursor = conn.execute(
                "INSERT INTO updates (day, area, question, text, english_only, staff_username) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (day, area, new.question or None, text, int(new.english_only), actor),
            )
        return Update(
            id=int(cursor.lastrowid or 0),
            day=day,
            area=area,
            question=new.question or None,
            text=text,
            english_only=new.english_only,
        )

    def remove(self, update_id: int) -> None:
        with self.write() as conn:
            if not conn.execute("DELETE FROM updates WHERE id = ?", (update_id,)).rowcount:
                raise NotFound("update_not_found", "There is no update with that number.")

    def all(self) -> list[Update]:
        return [
            Update(id=r[0], day=r[1], area=r[2], question=r[3], text=r[4], english_only=bool(r[5]))
            for r in self.conn.execute(
                "SELECT id, day, area, question, text, english_only FROM updates "
                "ORDER BY day DESC, id DESC LIMIT ?",
                (MAX_UPDATES_SHOWN,),
            )
        ]

    def shown(self, lang: str, gettext: Callable[[str], str]) -> list[ShownUpdate]:
        out = []
        for update in self.all():
            text, shown_lang = update.text, "en"
            if not update.english_only and lang != "en":
                translated = gettext(update.text)
                if translated != update.text:
                    text, shown_lang = translated, lang
            question = self.questions.by_id.get(update.question or "")
            out.append(
                ShownUpdate(
                    id=update.id,
                    day=update.day,
                    area=update.area,
                    question=update.question,
                    question_text=gettext(question.statement) if question else None,
                    text=text,
                    lang=shown_lang,
                    english_only=update.english_only,
                )
            )
        return out

    def export_yaml(self) -> str:
        """content/updates.yaml: the updates to translate, for the catalogue."""
        entries = [{"id": u.id, "text": u.text} for u in reversed(self.all()) if not u.english_only]
        header = (
            "# You said, we did: updates to translate (exported from the staff page).\n"
            "# `consequences i18n extract` adds these to messages.pot.\n"
        )
        return header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)

    def close(self) -> None:
        self.db.close()


def translatable_strings(path: Path) -> Iterator[tuple[str, str]]:
    """(context, text) for the babel extractor, from content/updates.yaml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in msgspec.convert(data, list[ExportedUpdate]):
        yield f"update {entry.id}", entry.text
