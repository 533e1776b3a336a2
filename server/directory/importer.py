"""Feeds into directory.db: match, correct and store each service in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from server.directory.models import (
    RawLocation,
    ServiceRecord,
    dumps,
    encode,
    flag,
    oruk_service_id,
)
from server.opening_hours import week_minutes
from server.oruk import FeedError, Parsed, Skipped, read_file
from server.postcodes import InvalidPostcode, in_uk, lookup, parse_postcode


@dataclass
class ImportReport:
    """What an import did, with one line per record it changed, corrected or skipped."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.imported} imported, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped} skipped, {self.removed} removed"
        )


@dataclass(frozen=True)
class Location:
    name: str
    address: str
    postcode: str
    lat: float
    lon: float


def _fmt(number: float) -> str:
    return f"{number:g}"


def resolve_location(
    db: sqlite_utils.Database, raw: RawLocation, label: str, notes: list[str]
) -> Location | None:
    """Checked coordinates: swapped ones put back, ones outside the UK moved to the postcode."""
    try:
        postcode = parse_postcode(raw.postcode).text if raw.postcode else ""
    except InvalidPostcode:
        postcode = ""
    lat, lon = raw.lat, raw.lon
    if lat is not None and lon is not None:
        if in_uk(lat, lon):
            return Location(raw.name, raw.address, postcode or raw.postcode, lat, lon)
        if in_uk(lon, lat):
            notes.append(
                f"{label}: latitude {_fmt(lat)} and longitude {_fmt(lon)} were swapped; "
                "put them back"
            )
            return Location(raw.name, raw.address, postcode or raw.postcode, lon, lat)
        reason = (
            f"latitude {_fmt(lat)} is outside the UK"
            if not 49.0 <= lat <= 61.0
            else f"longitude {_fmt(lon)} is outside the UK"
        )
    else:
        reason = "no coordinates"
    place = lookup(db, parse_postcode(postcode)) if postcode else None
    if place is not None:
        notes.append(f"{label}: {reason}; placed at the centroid of {place.matched}")
        return Location(raw.name, raw.address, postcode, place.lat, place.lon)
    where = f"'{raw.name}'" if raw.name else "a location"
    why = f"its postcode {postcode} is not in the postcode tables" if postcode else "no postcode"
    notes.append(f"{label}: {reason} and {why}; dropped {where}")
    return None


_SERVICE_COLUMNS = (
    "name", "organisation", "description", "categories", "taxonomy_terms", "keywords",
    "min_age", "max_age", "free", "cost", "referral_needed", "languages", "phones", "email",
    "website", "schedules", "last_checked", "sample",
)  # fmt: skip


def _service_row(record: ServiceRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "organisation": record.organisation,
        "description": record.description,
        "categories": dumps(record.categories),
        "taxonomy_terms": dumps(record.taxonomy_terms),
        "keywords": " ".join(record.taxonomy_terms),
        "min_age": record.min_age,
        "max_age": record.max_age,
        "free": record.free,
        "cost": record.cost,
        "referral_needed": record.referral_needed,
        "languages": dumps(record.languages),
        "phones": dumps(record.phones),
        "email": record.email,
        "website": record.website,
        "schedules": dumps(record.schedules),
        "last_checked": record.last_checked,
        "sample": record.sample,
    }


def _changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [c.replace("_", " ") for c in _SERVICE_COLUMNS if c != "keywords" and old[c] != new[c]]


def _store(
    db: sqlite_utils.Database,
    source: str,
    record: ServiceRecord,
    locations: list[Location],
    report: ImportReport,
    today: str,
) -> int:
    row = _service_row(record)
    fingerprint = hashlib.sha256(encode([row, [vars(x) for x in locations]])).hexdigest()
    week = week_minutes(record.schedules)
    derived = {"opening_minutes": None if week is None else dumps(week)}
    cursor = db.execute(
        "SELECT * FROM services WHERE source = ? AND source_id = ?", [source, record.source_id]
    )
    existing = cursor.fetchone()
    services, places = db.table("services"), db.table("locations")
    if existing is None:
        inserted = services.insert(
            {
                "source": source,
                "source_id": record.source_id,
                "fingerprint": fingerprint,
                "changed_at": today,
                "oruk_id": oruk_service_id(source, record.source_id),
                **derived,
                **row,
            }
        )
        service_id = int(inserted.last_rowid or 0)
        report.imported += 1
    else:
        old = dict(zip([d[0] for d in cursor.description], existing, strict=True))
        service_id = old["id"]
        if old["fingerprint"] == fingerprint:
            if old["opening_minutes"] != derived["opening_minutes"]:
                services.update(service_id, derived)  # imported before they were worked out
            report.unchanged += 1
            return service_id
        stored = {c: old[c] for c in _SERVICE_COLUMNS}
        for column in ("free", "referral_needed", "sample"):
            stored[column] = flag(stored[column])
        changed = _changed_fields(stored, row) or ["locations"]
        services.update(
            service_id, {"fingerprint": fingerprint, "changed_at": today, **derived, **row}
        )
        places.delete_where("service_id = ?", [service_id])
        report.updated += 1
        report.lines.append(f"service {record.source_id}: updated ({', '.join(changed)})")
    places.insert_all({"service_id": service_id, **vars(x)} for x in locations)
    return service_id


def feed_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in (".json", ".csv"))
    return [path]


def import_feed(
    db: sqlite_utils.Database,
    path: Path,
    *,
    source: str | None = None,
    replace: bool = False,
) -> ImportReport:
    """Read a feed file (or a folder of them) into the directory, in one transaction.

    Services are matched on (source, the feed's id), so importing the same feed again
    updates in place. With replace, services not in this feed leave the directory.
    """
    records = (parsed for file in feed_files(path) for parsed in read_file(file))
    return store_records(db, records, source=source or path.stem, replace=replace)


def store_records(
    db: sqlite_utils.Database,
    records: Iterable[Parsed],
    *,
    source: str,
    replace: bool = False,
    today: dt.date | None = None,
    replace_only_source: bool = False,
) -> ImportReport:
    """Parsed services into the directory, all or nothing, in one transaction.

    Each new or changed service is stamped with today's date (its changed_at), which the
    finder shows as "last checked" when the feed gives no assured_date. With replace,
    services not among these leave the directory; with replace_only_source too (a sync
    among several sources), only this source's services and the sample (demo) ones do.
    """
    report = ImportReport()
    stamp = (today or dt.date.today()).isoformat()
    kept: set[int] = set()
    with db.atomic():
        for parsed in records:
            if isinstance(parsed, Skipped):
                report.skipped += 1
                report.lines.append(parsed.reason)
                if parsed.remove and parsed.source_id:
                    report.removed += db.execute(
                        "DELETE FROM services WHERE source = ? AND source_id = ?",
                        [source, parsed.source_id],
                    ).rowcount
                continue
            label = f"service {parsed.source_id}"
            notes = list(parsed.notes)
            locations = [
                loc
                for raw in parsed.locations
                if (loc := resolve_location(db, raw, label, notes)) is not None
            ]
            if parsed.locations and not locations:
                notes.append(f"{label}: no location left; it will not show in nearby searches")
            report.lines.extend(notes)
            kept.add(_store(db, source, parsed, locations, report, stamp))
        db.execute(
            "INSERT INTO directory_meta (id, generation) VALUES (1, 1) "
            "ON CONFLICT(id) DO UPDATE SET generation = generation + 1"
        )
        if replace:
            if not kept:
                # An empty or unreadable feed must not wipe a working directory.
                raise FeedError("no services in this feed, so nothing was replaced")
            scope = "(source = ? OR sample = 1) AND " if replace_only_source else ""
            report.removed += db.execute(
                f"DELETE FROM services WHERE {scope}"  # noqa: S608 (a constant)
                "id NOT IN (SELECT value FROM json_each(?))",
                [*([source] if replace_only_source else []), dumps(sorted(kept))],
            ).rowcount
    return report


def service_count(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM services").fetchone()[0])


def directory_generation(db: sqlite_utils.Database) -> int:
    """A number that changes whenever an import changes the directory."""
    row = db.execute("SELECT generation FROM directory_meta WHERE id = 1").fetchone()
    return int(row[0]) if row else 0
