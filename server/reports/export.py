"""Reports as CSV, for passing on to the police or Crimestoppers."""

from __future__ import annotations

import csv
import io

from server.audit import write_audit
from server.reports.database import ReportsDatabase
from server.reports.sealing import TeamKeys
from server.reports.team import filters, open_report, team_opener


class CsvExport(ReportsDatabase):
    """The team's export; every export is written to the audit log with the reports in it."""

    def export_csv(
        self,
        actor: str,
        status: str | None,
        category: str | None,
        ids: list[int] | None,
        team: TeamKeys,
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
                "SELECT id, received_hour, category, when_happened, danger_now, key_id, "  # noqa: S608
                "sealed, area, status, lang, owner, acknowledge_by, decide_by, "
                "acknowledged_at, decided_at, outcome, destination, destination_name "
                f"FROM reports{where} "
                "ORDER BY danger_now DESC, received_hour DESC, id DESC",
                params,
            ).fetchall()
            opener = team_opener(team)
            for r in rows:
                followups = " | ".join(
                    f"{m.day.isoformat()}: {m.text}"
                    for m in self._messages(conn, r[0], opener)
                    if m.sender == "reporter"
                )
                opened = open_report(team, r[5], r[6])
                cells = [*r[:4], "yes" if r[4] else "no", opened.where, r[7], opened.what]
                cells += [*r[8:10], followups, *r[10:]]
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
