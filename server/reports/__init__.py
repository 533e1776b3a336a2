"""Anonymous reports: accept, look up and reply by follow-up code, triage, export and purge.

One concern per module:

- ``model``: the report's fields and rules, the answers about it, and its domain errors;
- ``writer``: the group-commit writer thread (many reports, one fsync);
- ``database``: reports.db's connections and the reads shared by every side;
- ``reporter``: the reporter's side (store once, look up and reply by code);
- ``team``: the team's side (inbox, one report, triage, replies);
- ``export``: the CSV export for the police or Crimestoppers;
- ``retention``: the purge and the hourly purge loop;
- ``store``: ReportStore, all of the above on one database;
- ``service``: ReportService, what happens when a young person sends, looks up or replies.

Nothing in this package knows about HTTP.
"""

from server.reports.model import (
    CATEGORIES,
    MAX_REPORT_ID,
    PAGE_SIZE,
    STATUS_TEXT,
    STATUSES,
    Category,
    CodeNotFound,
    CodeText,
    Created,
    InboxItem,
    NewReport,
    PurgeResult,
    ReportDetail,
    ReportText,
    Status,
    Thread,
    ThreadMessage,
    clean_text,
    message_text,
)
from server.reports.retention import purge_forever
from server.reports.service import Limits, ReportReceived, ReportService
from server.reports.store import ReportStore, open_store

__all__ = [
    "CATEGORIES",
    "MAX_REPORT_ID",
    "PAGE_SIZE",
    "STATUSES",
    "STATUS_TEXT",
    "Category",
    "CodeNotFound",
    "CodeText",
    "Created",
    "InboxItem",
    "Limits",
    "NewReport",
    "PurgeResult",
    "ReportDetail",
    "ReportReceived",
    "ReportService",
    "ReportStore",
    "ReportText",
    "Status",
    "Thread",
    "ThreadMessage",
    "clean_text",
    "message_text",
    "open_store",
    "purge_forever",
]
