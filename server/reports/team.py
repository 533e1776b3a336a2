"""The team's side of reports.db: the inbox, one report, triage and replies to the reporter.

Each call names the staff member, and each is written to the audit log in the same
transaction as what it did; reporter text never goes into the audit log.
"""

from __future__ import annotations

import sqlite3

from server.reports.database import ReportsDatabase
from server.reports.model import PAGE_SIZE, InboxItem, ReportDetail
from server.staff import write_audit


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
        self, actor: str, status: str | None, category: str | None, page: int
    ) -> tuple[list[InboxItem], int]:
        """One page of reports, danger_now first, then newest first; and the total."""
        where, params = filters(status, category)
        with self.write() as conn:
            (total,) = conn.execute(f"SELECT count(*) FROM reports{where}", params).fetchone()  # noqa: S608
            rows = conn.execute(
                "SELECT id, category, status, danger_now, when_happened, received_hour, "  # noqa: S608
                "awaiting_team, substr(what_happened, 1, 160), area, over_limit "
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
                excerpt=r[7],
                area=r[8],
                over_limit=bool(r[9]),
            )
            for r in rows
        ]
        return items, total

    def _detail(self, conn: sqlite3.Connection, report_id: int) -> ReportDetail | None:
        r = conn.execute(
            "SELECT id, category, what_happened, where_text, area, when_happened, danger_now, "
            "lang, status, notes, received_hour, awaiting_team, over_limit FROM reports "
            "WHERE id = ?",
            (report_id,),
        ).fetchone()
        if r is None:
            return None
        return ReportDetail(
            id=r[0],
            category=r[1],
            what_happened=r[2],
            where=r[3],
            area=r[4],
            when=r[5],
            danger_now=bool(r[6]),
            lang=r[7],
            status=r[8],
            notes=r[9],
            received_hour=r[10],
            awaiting_team=bool(r[11]),
            messages=self._messages(conn, report_id),
            over_limit=bool(r[12]),
        )

    def get(self, actor: str, report_id: int) -> ReportDetail | None:
        with self.write() as conn:
            detail = self._detail(conn, report_id)
            if detail is not None:
                write_audit(conn, actor, "view_report", report_id)
        return detail

    def update(
        self, actor: str, report_id: int, status: str | None, notes: str | None
    ) -> ReportDetail | None:
        with self.write() as conn:
            before = self._detail(conn, report_id)
            if before is None:
                return None
            if status is not None and status != before.status:
                conn.execute("UPDATE reports SET status = ? WHERE id = ?", (status, report_id))
                write_audit(conn, actor, "change_status", report_id, f"{before.status} -> {status}")
            if notes is not None and notes != before.notes:
                conn.execute("UPDATE reports SET notes = ? WHERE id = ?", (notes, report_id))
                # The notes themselves stay out of the audit log: it outlives the report.
                write_audit(conn, actor, "edit_notes", report_id, f"{len(notes)} characters")
            return self._detail(conn, report_id)

    def add_team_message(self, actor: str, report_id: int, text: str) -> ReportDetail | None:
        day = self.today()
        with self.write() as conn:
            if conn.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is None:
                return None
            conn.execute(
                "INSERT INTO report_messages (report_id, sender, staff_username, text, day) "
                "VALUES (?, 'team', ?, ?, ?)",
                (report_id, actor, text, day),
            )
            conn.execute("UPDATE reports SET awaiting_team = 0 WHERE id = ?", (report_id,))
            write_audit(conn, actor, "send_message", report_id, f"{len(text)} characters")
            return self._detail(conn, report_id)
