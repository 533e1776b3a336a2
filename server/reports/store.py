"""ReportStore: every read and write of reports.db, one side of it per module."""

from __future__ import annotations

from server.reports.export import CsvExport
from server.reports.reporter import ReporterSide
from server.reports.retention import Retention
from server.reports.team import TeamSide
from server.secrets_store import load_or_create
from server.settings import Settings


class ReportStore(ReporterSide, TeamSide, CsvExport, Retention):
    """Every read and write of reports and their messages, on reports.db.

    The reporter's side (server.reports.reporter), the team's side (server.reports.team),
    the CSV export (server.reports.export) and retention (server.reports.retention) share
    one ReportsDatabase: its connections, its group-commit writer and its secret.
    """


def open_store(settings: Settings) -> ReportStore:
    """The report store in the settings' data directory, keyed by the follow-up-code secret."""
    secret = load_or_create(settings.secrets_path, "follow-up-codes")
    store = ReportStore(
        settings.data_path / "reports.db",
        secret,
        settings.report_retention_days,
        secrets_dir=settings.secrets_path,
    )
    # Reports kept before sealing existed (issue 14) are sealed at the first start.
    store.keyring.current()
    store.seal_plaintext()
    return store
