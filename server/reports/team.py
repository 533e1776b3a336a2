"""The team's side of reports.db: the inbox, one report, triage and replies to the reporter.

Each call names the staff member, and each is written to the audit log in the same
transaction as what it did; reporter text never goes into the audit log.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec

from server.reports.database import MessageOpener, ReportsDatabase
from server.reports.model import PAGE_SIZE, InboxItem, ReportDetail
from server.reports.sealing import TeamKeys, seal_to
from server.staff import write_audit

EXCERPT = 160


class Sealed(msgspec.Struct):
    """What a report's sealed column holds."""

    what: str
    where: str | None = None


_sealed = msgspec.json.Decoder(Sealed)


def open_report(team: TeamKeys, key_id: int | None, sealed: bytes | None) -> Sealed:
    """A report's text and place, opened with the team's keys (ReportsLocked without)."""
    if sealed is None or key_id is None:
        return Sealed(what="")
    return _sealed.decode(team.open(key_id, bytes(sealed)))


def team_opener(team: TeamKeys) -> MessageOpener:
    def opener(row: tuple[Any, ...]) -> str:
        if row[5] is None:
            return str(row[1])
        return team.text(int(row[4]), bytes(row[5]))

    return opener


def filters(
    status: str | None, category: str | None, ids: list[int] | None = None
) -> tuple[str, list[object]]:
    """A WHERE clause (with its parameters) for reports in a status, a category, or by id."""
    clauses: list[str] = []
    params: list[object] = []
    if status:
        clauses.append("status = ?")
        params.append(status)
    if category:
        clauses.append("category = ?")
        params.append(category)
    if ids:
        clauses.append(f"id IN ({', '.join('?' * len(ids))})")
        params.extend(ids)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


class TeamSide(ReportsDatabase):
    """What the safeguarding team can do with reports."""

    def inbox(
        self, actor: str, status: str | None, category: str | None, page: int, team: TeamKeys
    ) -> tuple[list[InboxItem], int]:
        """One page of reports, danger_now first, then newest first; and the total. Only
        the excerpts need the team's keys: order and counts come from clear columns."""
        where, params = filters(status, category)
        with self.write() as conn:
            (total,) = conn.execute(f"SELECT count(*) FROM reports{where}", params).fetchone()  # noqa: S608
            rows = conn.execute(
                "SELECT id, category, status, danger_now, when_happened, received_hour, "  # noqa: S608
                "awaiting_team, key_id, sealed, area, over_limit "
                f"FROM reports{where} "
                "ORDER BY danger_now DESC, received_hour DESC, id DESC LIMIT ? OFFSET ?",
                [*params, PAGE_SIZE, (page - 1) * PAGE_SIZE],
            ).fetchall()
            detail = f"status={status or 'any'} category={category or 'any'} page={page}"
            write_audit(conn, actor, "view_inbox", None, detail)
        items = [
            InboxItem(
                id=r[0],
                category=r[1],
                status=r[2],
                danger_now=bool(r[3]),
                when=r[4],
                received_hour=r[5],
                awaiting_team=bool(r[6]),
                excerpt=open_report(team, r[7], r[8]).what[:EXCERPT],
                area=r[9],
                over_limit=bool(r[10]),
            )
            for r in rows
        ]
        return items, total

    def _detail(
        self, conn: sqlite3.Connection, report_id: int, team: TeamKeys
    ) -> ReportDetail | None:
        r = conn.execute(
            "SELECT id, category, key_id, sealed, area, when_happened, danger_now, "
            "lang, status, notes, received_hour, awaiting_team, over_limit FROM reports "
            "WHERE id = ?",
            (report_id,),
        ).fetchone()
        if r is None:
            return None
        opened = open_report(team, r[2], r[3])
        return ReportDetail(
            id=r[0],
            category=r[1],
            what_happened=opened.what,
            where=opened.where,
            area=r[4],
            when=r[5],
            danger_now=bool(r[6]),
            lang=r[7],
            status=r[8],
            notes=r[9],
            received_hour=r[10],
            awaiting_team=bool(r[11]),
            messages=self._messages(conn, report_id, team_opener(team)),
            over_limit=bool(r[12]),
        )

    def get(self, actor: str, report_id: int, team: TeamKeys) -> ReportDetail | None:
        with self.write() as conn:
            detail = self._detail(conn, report_id, team)
            if detail is not None:
                write_audit(conn, actor, "view_report", report_id)
        return detail

    def update(
        self, actor: str, report_id: int, status: str | None, notes: str | None, team: TeamKeys
    ) -> ReportDetail | None:
        with self.write() as conn:
            before = self._detail(conn, report_id, team)
            if before is None:
                return None
            if status is not None and status != before.status:
                conn.execute("UPDATE reports SET status = ? WHERE id = ?", (status, report_id))
                write_audit(conn, actor, "change_status", report_id, f"{before.status} -> {status}")
            if notes is not None and notes != before.notes:
                conn.execute("UPDATE reports SET notes = ? WHERE id = ?", (notes, report_id))
                # The notes themselves stay out of the audit log: it outlives the report.
                write_audit(conn, actor, "edit_notes", report_id, f"{len(notes)} characters")
            return self._detail(conn, report_id, team)

    def add_team_message(
        self, actor: str, report_id: int, text: str, team: TeamKeys
    ) -> ReportDetail | None:
        """Send the reporter a message: sealed for the team and for the reporter's key, so
        only the team and the holder of the follow-up code can read it."""
        day = self.today()
        key_id, sealed = self.keyring.seal(text.encode())
        with self.write() as conn:
            row = conn.execute(
                "SELECT reporter_public FROM reports WHERE id = ?", (report_id,)
            ).fetchone()
            if row is None:
                return None
            copy = seal_to(bytes(row[0]), text.encode()) if row[0] is not None else None
            conn.execute(
                "INSERT INTO report_messages "
                "(report_id, sender, staff_username, text, day, key_id, sealed, reporter_copy) "
                "VALUES (?, 'team', ?, '', ?, ?, ?, ?)",
                (report_id, actor, day, key_id, sealed, copy),
            )
            conn.execute("UPDATE reports SET awaiting_team = 0 WHERE id = ?", (report_id,))
            write_audit(conn, actor, "send_message", report_id, f"{len(text)} characters")
            return self._detail(conn, report_id, team)
