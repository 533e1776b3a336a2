"""Email to staff that carries no report content: only "a report needs you" and the link.

Notifications are queued in reports.db in the same transaction as what caused them (a new
danger report, an assignment, an escalation) and sent by a background task over SMTP with
STARTTLS, with retries. A failure is logged (its kind only) and counted in the inbox; it
never loses or holds up a report. With no mail server in the settings nothing is queued.
Once a day, after the working day starts, the leads and deputies get a digest with counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage

import anyio
import anyio.to_thread

from server.audit import write_audit
from server.reports.deadlines import iso
from server.reports.store import ReportStore
from server.settings import Settings

logger = logging.getLogger("server.notify")

NOTIFY_EVERY_SECONDS = 60
MAX_ATTEMPTS = 5
# Seconds to wait after each failed attempt.
BACKOFF = (60, 300, 900, 3600)
SUBJECT = "A report needs you"
WHY = {
    "danger": "A new report needs you now.",
    "assigned": "A report has been given to you.",
    "escalation": "A report is past its deadline and needs you.",
    "digest": "Reports are waiting in the inbox.",
}


class Mailer:
    """Sends one message over SMTP, upgrading with STARTTLS when the settings say so."""

    def __init__(self, settings: Settings, tls: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.tls = tls or ssl.create_default_context()

    @property
    def on(self) -> bool:
        return bool(self.settings.smtp_host)

    def send(self, to: str, body: str) -> None:
        s = self.settings
        message = EmailMessage()
        message["Subject"] = SUBJECT
        message["From"] = s.smtp_from
        message["To"] = to
        message.set_content(body)
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=20) as smtp:
            if s.smtp_starttls:
                smtp.starttls(context=self.tls)
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password)
            smtp.send_message(message)


def body(kind: str, settings: Settings, counts: tuple[int, int] | None = None) -> str:
    """The whole text of a notification: why, and the link. Never a report's content."""
    inbox = (settings.public_url.rstrip("/") or "the Consequences Card server") + "/staff/"
    lines = [WHY.get(kind, WHY["digest"])]
    if counts is not None:
        lines.append(f"Open reports: {counts[0]}. Past a deadline: {counts[1]}.")
    lines += ["", f"Open the inbox to see it: {inbox}", "", "Please do not reply to this email."]
    return "\n".join(lines)


class Notifier:
    """Escalates reports past their deadlines, queues the daily digest and sends the queue."""

    def __init__(
        self,
        store: ReportStore,
        mailer: Mailer,
        settings: Settings,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.store = store
        self.mailer = mailer
        self.settings = settings
        self._clock = clock

    def clock(self) -> dt.datetime:
        return (self._clock or self.store.clock)()

    def run_once(self) -> int:
        """One pass: escalate, queue the digest if due, send what is due; messages sent."""
        self.store.escalate()
        if not self.mailer.on:
            return 0
        self._queue_digest()
        return self._send_due()

    def _queue_digest(self) -> None:
        now = self.clock().astimezone(dt.UTC)
        working = self.store.working
        local = now.astimezone(working.zone)
        if not working.is_working_day(local.date()) or local.time() < working.opens:
            return
        today = local.date().isoformat()
        with self.store.write() as conn:
            sent = conn.execute(
                "SELECT 1 FROM notifications WHERE kind = 'digest' AND created_at >= ?",
                (iso(dt.datetime.combine(local.date(), working.opens, tzinfo=working.zone)),),
            ).fetchone()
            if sent is not None:
                return
            people = [
                r[0]
                for r in conn.execute(
                    "SELECT username FROM staff WHERE role IN ('lead', 'deputy') ORDER BY username"
                )
            ]
            self.store.enqueue(conn, "digest", people, None)
            write_audit(conn, "system", "digest", None, today, now)

    def _counts(self) -> tuple[int, int]:
        stamp = iso(self.clock())
        row = self.store.conn.execute(
            "SELECT count(*), coalesce(sum((acknowledged_at IS NULL AND acknowledge_by <= ?) OR "
            "(decided_at IS NULL AND decide_by <= ?)), 0) FROM reports "
            "WHERE status NOT IN ('passed_on', 'closed')",
            (stamp, stamp),
        ).fetchone()
        return int(row[0]), int(row[1])

    def _send_due(self) -> int:
        now = self.clock().astimezone(dt.UTC)
        # Claimed in one transaction (pushed 10 minutes on), so two workers never both send.
        with self.store.write() as conn:
            due = conn.execute(
                "SELECT n.id, n.kind, s.email, n.attempts FROM notifications n "
                "JOIN staff s ON s.username = n.username "
                "WHERE n.state = 'pending' AND n.next_try <= ? ORDER BY n.id LIMIT 100",
                (int(now.timestamp()),),
            ).fetchall()
            conn.executemany(
                "UPDATE notifications SET next_try = ? WHERE id = ?",
                [(int(now.timestamp()) + 600, r[0]) for r in due],
            )
        sent = 0
        for nid, kind, email, attempts in due:
            counts = self._counts() if kind == "digest" else None
            try:
                self.mailer.send(email, body(kind, self.settings, counts))
            except (OSError, smtplib.SMTPException) as exc:
                attempts += 1
                failed = attempts >= MAX_ATTEMPTS
                wait = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
                # The kind of failure and the SMTP code only: never an address or content.
                error = type(exc).__name__ + (
                    f" {exc.smtp_code}" if isinstance(exc, smtplib.SMTPResponseException) else ""
                )
                logger.warning(
                    "Could not send a staff notification (attempt %d of %d): %s",
                    attempts,
                    MAX_ATTEMPTS,
                    error,
                )
                with self.store.write() as conn:
                    conn.execute(
                        "UPDATE notifications SET attempts = ?, next_try = ?, state = ?, "
                        "error = ? WHERE id = ?",
                        (
                            attempts,
                            int(now.timestamp()) + wait,
                            "failed" if failed else "pending",
                            error,
                            nid,
                        ),
                    )
                continue
            with self.store.write() as conn:
                conn.execute(
                    "UPDATE notifications SET state = 'sent', attempts = attempts + 1, "
                    "error = '' WHERE id = ?",
                    (nid,),
                )
            sent += 1
        return sent


async def notify_forever(notifier: Notifier, every: float = NOTIFY_EVERY_SECONDS) -> None:
    """Run the notifier every `every` seconds (the first a round after start-up) until
    cancelled; a failed pass is logged and the next one still happens."""
    while True:
        await anyio.sleep(every)
        try:
            await anyio.to_thread.run_sync(notifier.run_once)
        except Exception as exc:  # keep going: the next pass may work
            logger.error("Notification pass failed: %s", type(exc).__name__)
