"""The team's side of reports.db: the inbox, one report, ownership, deadlines and escalation,
triage, replies to the reporter, and the decision with its handover.

Each call names the staff member, and each is written to the audit log in the same
transaction as what it did; reporter text never goes into the audit log, nor does the
reason for a decision (it stays with the report and goes when the report goes).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any, Literal

import msgspec

from server import problems
from server.audit import audit_trail, write_audit
from server.migrations import HANDOVER_DESTINATIONS
from server.reports.database import MessageOpener, ReportsDatabase
from server.reports.deadlines import WorkingTime, iso, lateness
from server.reports.model import PAGE_SIZE, InboxItem, ReportDetail, on_the_hour
from server.reports.sealing import TeamKeys, seal_to

ASSIGNERS = frozenset({"lead", "deputy", "admin"})
OPEN = "status NOT IN ('passed_on', 'closed')"
Destination = Literal[
    "police",
    "crimestoppers_fearless",
    "childrens_social_care",
    "school_dsl",
    "another_service",
    "no_further_action",
]
Outcome = Literal[
    "concern_confirmed",
    "concern_not_confirmed",
    "not_enough_information",
    "duplicate",
]
assert Destination.__args__ == HANDOVER_DESTINATIONS  # type: ignore[attr-defined]  # noqa: S101
MAX_REASON = 2000


class InboxFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: str | None = None
    category: str | None = None
    mine: bool = False
    unassigned: bool = False
    overdue: bool = False
    danger: bool = False


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    outcome: Outcome
    reason: str
    destination: Destination
    destination_name: str | None = None


class Escalation(msgspec.Struct, frozen=True):
    report_id: int
    stage: int  # 1: deputy (acknowledge), 2: leads (acknowledge), 3: deputy (decide), 4: leads
    notify: list[str]


class NotAllowed(problems.Forbidden):
    def __init__(self, message: str) -> None:
        super().__init__("not_allowed", message)


class DecisionNeeded(problems.Invalid):
    def __init__(self) -> None:
        super().__init__(
            "decision_needed",
            "A report is passed on or closed only with a decision: an outcome, a reason and "
            "where it was handed over.",
        )


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


def _missed(now: str) -> tuple[str, list[object]]:
    """SQL for the deadline a report has missed (NULL if none), and its parameters."""
    return (
        f"CASE WHEN {OPEN} AND acknowledged_at IS NULL AND acknowledge_by <= ? "
        "THEN acknowledge_by "
        f"WHEN {OPEN} AND decided_at IS NULL AND decide_by <= ? THEN decide_by END",
        [now, now],
    )


def _missed_kind(now: str) -> tuple[str, list[object]]:
    return (
        f"CASE WHEN {OPEN} AND acknowledged_at IS NULL AND acknowledge_by <= ? "
        "THEN 'acknowledge' "
        f"WHEN {OPEN} AND decided_at IS NULL AND decide_by <= ? THEN 'decide' END",
        [now, now],
    )


class TeamSide(ReportsDatabase):
    """What the safeguarding team can do with reports."""

    # Set by open_store() from the settings.
    working: WorkingTime = WorkingTime()
    notifications_on: bool = False

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    # -- the inbox

    def inbox(
        self, actor: str, status: str | None, category: str | None, page: int, team: TeamKeys
    ) -> tuple[list[InboxItem], int]:
        """One page of reports; only the excerpts need the team's keys: order and counts
        come from clear columns."""
        return self.inbox_filtered(actor, InboxFilter(status=status, category=category), page, team)

    def inbox_filtered(
        self, actor: str, chosen: InboxFilter, page: int, team: TeamKeys
    ) -> tuple[list[InboxItem], int]:
        """One page of reports: overdue first (the latest first), then danger, then newest."""
        now = self.now()
        stamp = iso(now)
        where, params = filters(chosen.status, chosen.category)
        clauses = [where.removeprefix(" WHERE ")] if where else []
        missed, missed_params = _missed(stamp)
        kind, kind_params = _missed_kind(stamp)
        if chosen.mine:
            clauses.append("owner = ? COLLATE NOCASE")
            params.append(actor)
        if chosen.unassigned:
            clauses.append(f"owner IS NULL AND {OPEN}")
        if chosen.danger:
            clauses.append("danger_now = 1")
        if chosen.overdue:
            clauses.append(f"({missed}) IS NOT NULL")
            params.extend(missed_params)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        with self.write() as conn:
            (total,) = conn.execute(f"SELECT count(*) FROM reports{where}", params).fetchone()  # noqa: S608
            rows = conn.execute(
                "SELECT id, category, status, danger_now, when_happened, received_hour, "  # noqa: S608
                "awaiting_team, key_id, sealed, area, owner, acknowledge_by, "
                f"decide_by, acknowledged_at IS NOT NULL, {missed} AS missed, {kind}, over_limit "
                f"FROM reports{where} "
                "ORDER BY missed IS NULL, missed, danger_now DESC, received_hour DESC, id DESC "
                "LIMIT ? OFFSET ?",
                [*missed_params, *kind_params, *params, PAGE_SIZE, (page - 1) * PAGE_SIZE],
            ).fetchall()
            detail = (
                f"status={chosen.status or 'any'} category={chosen.category or 'any'} "
                f"mine={int(chosen.mine)} unassigned={int(chosen.unassigned)} "
                f"overdue={int(chosen.overdue)} danger={int(chosen.danger)} page={page}"
            )
            write_audit(conn, actor, "view_inbox", None, detail, now)
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
                owner=r[10],
                acknowledge_by=r[11],
                decide_by=r[12],
                acknowledged=bool(r[13]),
                overdue_minutes=lateness(now, r[14]) if r[14] else 0,
                overdue=r[15],
                over_limit=bool(r[16]),
            )
            for r in rows
        ]
        return items, total

    # -- one report

    def _detail(
        self, conn: sqlite3.Connection, report_id: int, team: TeamKeys
    ) -> ReportDetail | None:
        stamp = iso(self.now())
        missed, missed_params = _missed(stamp)
        kind, kind_params = _missed_kind(stamp)
        r = conn.execute(
            "SELECT id, category, key_id, sealed, area, when_happened, danger_now, "  # noqa: S608
            "lang, status, notes, received_hour, awaiting_team, owner, acknowledge_by, "
            "decide_by, acknowledged_at, decided_at, outcome, reason, destination, "
            f"destination_name, {missed}, {kind}, over_limit FROM reports WHERE id = ?",
            (*missed_params, *kind_params, report_id),
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
            owner=r[12],
            acknowledge_by=r[13],
            decide_by=r[14],
            acknowledged_at=r[15],
            decided_at=r[16],
            outcome=r[17],
            reason=r[18],
            destination=r[19],
            destination_name=r[20],
            overdue_minutes=lateness(self.now(), r[21]) if r[21] else 0,
            overdue=r[22],
            audit=audit_trail(conn, report_id),
            over_limit=bool(r[23]),
        )

    def get(self, actor: str, report_id: int, team: TeamKeys) -> ReportDetail | None:
        with self.write() as conn:
            if not self._exists(conn, report_id):
                return None
            write_audit(conn, actor, "view_report", report_id, "", self.now())
            return self._detail(conn, report_id, team)

    @staticmethod
    def _exists(conn: sqlite3.Connection, report_id: int) -> bool:
        return (
            conn.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is not None
        )

    def _acknowledge(self, conn: sqlite3.Connection, actor: str, report_id: int) -> None:
        """Record the first time someone in the team took the report up, and how late."""
        row = conn.execute(
            "SELECT acknowledged_at, acknowledge_by FROM reports WHERE id = ?", (report_id,)
        ).fetchone()
        if row is None or row[0] is not None:
            return
        now = self.now()
        conn.execute("UPDATE reports SET acknowledged_at = ? WHERE id = ?", (iso(now), report_id))
        late = lateness(now, row[1]) if row[1] else 0
        detail = f"{late} minute(s) late" if late else "on time"
        write_audit(conn, actor, "acknowledge", report_id, detail, now)

    def update(
        self, actor: str, report_id: int, status: str | None, notes: str | None, team: TeamKeys
    ) -> ReportDetail | None:
        if status in ("passed_on", "closed"):
            raise DecisionNeeded
        with self.write() as conn:
            before = self._detail(conn, report_id, team)
            if before is None:
                return None
            now = self.now()
            if status is not None and status != before.status:
                conn.execute("UPDATE reports SET status = ? WHERE id = ?", (status, report_id))
                write_audit(
                    conn, actor, "change_status", report_id, f"{before.status} -> {status}", now
                )
                if status != "received":
                    self._acknowledge(conn, actor, report_id)
            if notes is not None and notes != before.notes:
                conn.execute("UPDATE reports SET notes = ? WHERE id = ?", (notes, report_id))
                # The notes themselves stay out of the audit log: it outlives the report.
                write_audit(conn, actor, "edit_notes", report_id, f"{len(notes)} characters", now)
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
            write_audit(
                conn, actor, "send_message", report_id, f"{len(text)} characters", self.now()
            )
            self._acknowledge(conn, actor, report_id)
            return self._detail(conn, report_id, team)

    # -- ownership

    def assign(
        self, actor: str, actor_role: str, report_id: int, owner: str | None, team: TeamKeys
    ) -> ReportDetail | None:
        """Give a report to an account (or back to the leads with None); recorded."""
        if actor_role not in ASSIGNERS:
            raise NotAllowed("Only a lead, a deputy or an admin can assign reports.")
        with self.write() as conn:
            row = conn.execute("SELECT owner FROM reports WHERE id = ?", (report_id,)).fetchone()
            if row is None:
                return None
            if owner is not None:
                found = conn.execute(
                    "SELECT username FROM staff WHERE username = ?", (owner,)
                ).fetchone()
                if found is None:
                    raise problems.Invalid(
                        "account_not_found", "There is no account with that username."
                    )
                owner = str(found[0])
            if owner != row[0]:
                conn.execute("UPDATE reports SET owner = ? WHERE id = ?", (owner, report_id))
                now = self.now()
                detail = f"{row[0] or 'the leads'} -> {owner or 'the leads'}"
                write_audit(conn, actor, "assign", report_id, detail, now)
                if owner is not None and owner.casefold() != actor.casefold():
                    self.enqueue(conn, "assigned", [owner], report_id)
                self._acknowledge(conn, actor, report_id)
            return self._detail(conn, report_id, team)

    # -- the decision and handover

    def decide(
        self,
        actor: str,
        actor_role: str,
        report_id: int,
        decision: Decision,
        team: TeamKeys,
    ) -> ReportDetail | None:
        """Close a report with an outcome, a reason and where it was handed over."""
        reason = decision.reason.strip()
        if not reason or len(reason) > MAX_REASON:
            raise problems.Invalid(
                "invalid_input", f"Check 'reason': write why, in at most {MAX_REASON} characters."
            )
        name = (decision.destination_name or "").strip() or None
        if decision.destination == "another_service" and not name:
            raise problems.Invalid(
                "invalid_input", "Check 'destination_name': name the service it went to."
            )
        with self.write() as conn:
            row = conn.execute("SELECT owner FROM reports WHERE id = ?", (report_id,)).fetchone()
            if row is None:
                return None
            owns = row[0] is not None and row[0].casefold() == actor.casefold()
            if actor_role not in ASSIGNERS and not owns:
                raise NotAllowed("Only the report's owner, a lead or a deputy can decide it.")
            now = self.now()
            status = "closed" if decision.destination == "no_further_action" else "passed_on"
            self._acknowledge(conn, actor, report_id)
            conn.execute(
                "UPDATE reports SET status = ?, outcome = ?, reason = ?, destination = ?, "
                "destination_name = ?, decided_at = ? WHERE id = ?",
                (
                    status,
                    decision.outcome,
                    reason,
                    decision.destination,
                    name if decision.destination == "another_service" else None,
                    iso(now),
                    report_id,
                ),
            )
            # Fixed words only: the reason and the service's name stay with the report.
            detail = f"outcome={decision.outcome} destination={decision.destination}"
            write_audit(conn, actor, "decide", report_id, detail, now)
            return self._detail(conn, report_id, team)

    # -- escalation

    def escalate(self) -> list[Escalation]:
        """Tell the deputy of every deadline missed, and every lead when it is missed twice
        over; each step once, each recorded. Run every minute by the notifier."""
        now = self.now()
        stamp = iso(now)
        done: list[Escalation] = []
        with self.write() as conn:
            rows = conn.execute(
                "SELECT id, alert_stage, acknowledged_at IS NULL, decided_at IS NULL, "  # noqa: S608
                "acknowledge_by, acknowledge_leads_by, decide_by, decide_leads_by "
                f"FROM reports WHERE {OPEN} AND acknowledge_by IS NOT NULL AND ("
                "(acknowledged_at IS NULL AND acknowledge_by <= ? AND alert_stage < 2) OR "
                "(decided_at IS NULL AND decide_by <= ? AND alert_stage < 4))",
                (stamp, stamp),
            ).fetchall()
            for rid, level, unacknowledged, undecided, ack, ack2, dec, dec2 in rows:
                stages = {
                    1: unacknowledged and ack <= stamp,
                    2: unacknowledged and ack2 <= stamp,
                    3: undecided and dec <= stamp,
                    4: undecided and dec2 <= stamp,
                }
                due = [s for s, hit in stages.items() if hit and s > level]
                for stage in due:
                    role = "deputy" if stage in (1, 3) else "lead"
                    people = self._accounts_with_role(conn, role)
                    if not people:  # a team without a deputy: the leads are told at once
                        role, people = "lead", self._accounts_with_role(conn, "lead")
                    deadline = "acknowledge" if stage < 3 else "decide"
                    who = "the deputy" if role == "deputy" else "every lead"
                    write_audit(
                        conn, "system", "escalate", rid,
                        f"{deadline} deadline missed; told {who}", now,
                    )  # fmt: skip
                    self.enqueue(conn, "escalation", people, rid)
                    done.append(Escalation(rid, stage, people))
                if due:
                    conn.execute("UPDATE reports SET alert_stage = ? WHERE id = ?", (max(due), rid))
        return done

    @staticmethod
    def _accounts_with_role(conn: sqlite3.Connection, role: str) -> list[str]:
        return [
            r[0]
            for r in conn.execute(
                "SELECT username FROM staff WHERE role = ? ORDER BY username", (role,)
            )
        ]

    # -- notifications (see server.notify): queued in the same transaction, sent later

    def enqueue(
        self, conn: sqlite3.Connection, kind: str, usernames: list[str], report_id: int | None
    ) -> None:
        """Queue an email for each account (with an address) when mail is on; no content.

        Kept to the hour, as a danger report's email is queued the moment it arrives."""
        if not self.notifications_on or not usernames:
            return
        stamp = iso(on_the_hour(self.now()))
        conn.executemany(
            "INSERT INTO notifications (kind, username, report_id, created_at) "
            "SELECT ?, username, ?, ? FROM staff WHERE username = ? AND email != ''",
            [(kind, report_id, stamp, u) for u in usernames],
        )

    def mail_failures(self) -> int:
        """Notifications that could not be sent in the last seven days."""
        since = iso(self.now() - dt.timedelta(days=7))
        (count,) = self.conn.execute(
            "SELECT count(*) FROM notifications WHERE state = 'failed' AND created_at >= ?",
            (since,),
        ).fetchone()
        return int(count)
