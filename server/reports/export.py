"""Reports as CSV, for passing on to the police or Crimestoppers."""

from __future__ import annotations

import csv
import io

from server.audit import write_audit
from server.reports.database import ReportsDatabase
from server.reports.team import filters


class CsvExport(ReportsDatabase):
    """The team's export; every export is written to the audit log with the reports in it."""

    def export_csv(
        self, actor: str, status: str | None, category: str | None, ids: list[int] | None
    ) -> tuple[str, int]:
        """Reports as CSV for the police or Crimestoppers; cells cannot run as formulas."""
        where, params = filters(status, category, ids)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "report",
                "received (UTC, to the hour)",
                "category",
                "when",
                "danger now",
                "where",
                "area",
                "what happened",
                "status",
                "language",
                "further messages from the reporter",
                "owner",
                "acknowledge by (UTC)",
                "decide by (UTC)",
                "acknowledged (UTC)",
                "decided (UTC)",
                "outcome",
                "handed over to",
                "service named",
            ]
        )
        with self.write() as conn:
            rows = conn.execute(
                "SELECT id, received_hour, category, when_happened, danger_now, where_text, "  # noqa: S608
                f"area, what_happened, status, lang, owner, acknowledge_by, decide_by, "
                f"acknowledged_at, decided_at, outcome, destination, destination_name "
                f"FROM reports{where} "
                "ORDER BY danger_now DESC, received_hour DESC, id DESC",
                params,
            ).fetchall()
            for r in rows:
                followups = " | ".join(
                    f"{m.day.isoformat()}: {m.text}"
                    for m in self._messages(conn, r[0])
                    if m.sender == "reporter"
                )
                cells = [*r[:4], "yes" if r[4] else "no", *r[5:10], followups, *r[10:]]
                writer.writerow([_safe_cell(c) for c in cells])
            ids_text = ",".join(str(r[0]) for r in rows)
            write_audit(conn, actor, "export_csv", None, f"{len(rows)} report(s): {ids_text}")
        return out.getvalue(), len(rows)


def _safe_cell(value: object) -> str:
    """Text a spreadsheet will show as text: a leading =, +, -, @, tab or CR would run as a
    formula (CSV injection), so such cells start with an apostrophe."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
