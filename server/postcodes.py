"""UK postcodes: GOV.UK-style normalising and validation, offline centroid tables and lookup."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import sqlite_utils

Precision = Literal["unit", "sector", "district"]

# The six outward formats (A9, A99, A9A, AA9, AA99, AA9A) with the letter rules GOV.UK and
# Royal Mail give: first letter not Q, V or X; second letter not I, J or Z; a letter in
# the third place (A9A) from ABCDEFGHJKPSTUW; a letter in the fourth place (AA9A) from
# ABEHMNPRVWXY. The inward part is a digit and two letters, never C, I, K, M, O or V.
_A1 = "[A-PR-UWYZ]"
_A2 = "[A-HK-Y]"
_A3 = "[A-HJKPSTUW]"
_A4 = "[ABEHMNPRV-Y]"
_OUTWARD_FORMATS = (
    f"{_A1}[0-9]", f"{_A1}[0-9][0-9]", f"{_A1}[0-9]{_A3}",
    f"{_A1}{_A2}[0-9]", f"{_A1}{_A2}[0-9][0-9]", f"{_A1}{_A2}[0-9]{_A4}",
)  # fmt: skip
OUTWARD = "(?:" + "|".join(_OUTWARD_FORMATS) + ")"
INWARD_LETTERS = "[ABD-HJLNP-UW-Z]"
_UNIT = re.compile(rf"^({OUTWARD}) ?([0-9]{INWARD_LETTERS}{{2}})$")
_SECTOR = re.compile(rf"^({OUTWARD}) ([0-9])$")
_DISTRICT = re.compile(rf"^({OUTWARD})$")
_SPECIAL = {"GIR0AA": "GIR 0AA"}


class InvalidPostcode(ValueError):
    """The text is not a UK postcode, sector or district."""


@dataclass(frozen=True)
class Postcode:
    """A well-formed postcode, sector or district, normalised to 'OUTWARD INWARD'."""

    text: str
    kind: Precision
    outward: str
    # A sector typed without its space ("LU12") reads as a district first; this is the
    # sector reading to try when no such district exists.
    alternative: str | None = None

    @property
    def sector(self) -> str | None:
        if self.kind == "unit":
            return self.text[:-2]
        return self.text if self.kind == "sector" else None


def parse_postcode(raw: str) -> Postcode:
    """Normalise any case, spacing and stray punctuation; raise InvalidPostcode if malformed."""
    squashed = re.sub(r"[^A-Za-z0-9]", "", raw or "").upper()
    spaced = " ".join(re.sub(r"[^A-Za-z0-9 ]", " ", raw or "").upper().split())
    if squashed in _SPECIAL:
        return Postcode(_SPECIAL[squashed], "unit", "GIR")
    if 5 <= len(squashed) <= 7:
        match = _UNIT.match(squashed[:-3] + " " + squashed[-3:])
        if match:
            return Postcode(f"{match[1]} {match[2]}", "unit", match[1])
    match = _SECTOR.match(spaced)
    if match:
        return Postcode(f"{match[1]} {match[2]}", "sector", match[1])
    match = _DISTRICT.match(squashed)
    if match:
        alternative = None
        as_sector = _SECTOR.match(squashed[:-1] + " " + squashed[-1])
        if as_sector and squashed[-1].isdigit():
            alternative = f"{as_sector[1]} {as_sector[2]}"
        return Postcode(match[1], "district", match[1], alternative)
    raise InvalidPostcode(raw)


# -- Lookup


@dataclass(frozen=True)
class Place:
    """Where a postcode is, and how precisely we know it."""

    postcode: str
    lat: float
    lon: float
    precision: Precision
    # The table row used: the unit, its sector ("LU1 2") or its district ("LU1", "W1").
    matched: str


def has_tables(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM postcode_centroids LIMIT 1").fetchone() is not None


def _row(db: sqlite_utils.Database, code: str) -> tuple[float, float] | None:
    row = db.execute("SELECT lat, lon FROM postcode_centroids WHERE code = ?", [code]).fetchone()
    return (row[0], row[1]) if row else None


def _district(db: sqlite_utils.Database, outward: str) -> tuple[float, float] | None:
    found = _row(db, outward)
    if found or not outward[-1].isdigit():
        return found
    # Central London short forms (W1, EC1, SW1...): the tables hold only their
    # sub-districts (W1A, W1B...), so the short form is the average of those.
    row = db.execute(
        "SELECT avg(lat), avg(lon), count(*) FROM postcode_centroids "
        "WHERE precision = 'district' AND code GLOB ?",
        [outward + "[A-Z]"],
    ).fetchone()
    return (round(row[0], 5), round(row[1], 5)) if row[2] else None


def lookup(db: sqlite_utils.Database, postcode: Postcode) -> Place | None:
    """The most precise centroid we hold: the unit, else its sector, else its district."""
    if postcode.kind == "unit":
        found = _row(db, postcode.text)
        if found:
            return Place(postcode.text, *found, "unit", postcode.text)
    sector = postcode.sector
    if sector:
        found = _row(db, sector)
        if found:
            return Place(postcode.text, *found, "sector", sector)
    found = _district(db, postcode.outward)
    if found:
        return Place(postcode.text, *found, "district", postcode.outward)
    if postcode.alternative:
        found = _row(db, postcode.alternative)
        if found:
            return Place(postcode.alternative, *found, "sector", postcode.alternative)
    return None


# -- Import


class PostcodeFileError(ValueError):
    """The file is not one of the centroid formats we read."""


@dataclass
class PostcodeImport:
    path: Path
    precision: str
    rows: int
    skipped: int
    unchanged: bool = False


# Columns we read: (code column, latitude column, longitude column, precision).
_FORMATS: list[tuple[str, str, str, Precision]] = [
    ("pcds", "lat", "long", "unit"),  # ONS Postcode Directory
    ("sector", "latitude", "longitude", "sector"),
    ("outcode", "latitude", "longitude", "district"),
]


def _format_of(header: list[str]) -> tuple[str, str, str, Precision]:
    names = {h.strip().lower() for h in header}
    for fmt in _FORMATS:
        if set(fmt[:3]) <= names:
            return fmt
    raise PostcodeFileError(
        "expected columns 'pcds, lat, long' (ONS Postcode Directory), "
        "'sector, latitude, longitude' or 'outcode, latitude, longitude'"
    )


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def in_uk(lat: float, lon: float) -> bool:
    """Roughly the UK and its islands; the ONSPD uses 99.999999 for 'no coordinates'."""
    return 49.0 <= lat <= 61.0 and -8.7 <= lon <= 1.8


def _rows(
    path: Path, fmt: tuple[str, str, str, Precision], tally: dict[str, int]
) -> Iterator[dict[str, object]]:
    code_col, lat_col, lon_col, precision = fmt
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        reader.fieldnames = [h.strip().lower() for h in reader.fieldnames or []]
        for record in reader:
            try:
                postcode = parse_postcode(record[code_col])
                lat, lon = float(record[lat_col]), float(record[lon_col])
            except (InvalidPostcode, ValueError, TypeError):
                tally["skipped"] += 1
                continue
            if postcode.kind != precision or not in_uk(lat, lon):
                tally["skipped"] += 1
                continue
            tally["rows"] += 1
            yield {"code": postcode.text, "precision": precision, "lat": lat, "lon": lon}


def import_postcodes(db: sqlite_utils.Database, path: Path) -> PostcodeImport:
    """Load one centroid CSV; a file already imported unchanged is not read again."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f), [])
    fmt = _format_of(header)
    fingerprint = _fingerprint(path)
    seen = db.execute(
        "SELECT rows FROM postcode_imports WHERE fingerprint = ?", [fingerprint]
    ).fetchone()
    if seen:
        return PostcodeImport(path, fmt[3], seen[0], 0, unchanged=True)
    tally = {"rows": 0, "skipped": 0}
    # Streamed: the full ONS Postcode Directory has 2.7 million rows.
    with db.conn:
        db.table("postcode_centroids").insert_all(
            _rows(path, fmt, tally), replace=True, batch_size=5000
        )
        record = {"fingerprint": fingerprint, "file": path.name, "rows": tally["rows"]}
        db.table("postcode_imports").insert(record, replace=True)
    return PostcodeImport(path, fmt[3], tally["rows"], tally["skipped"])


def bundled_tables(content_dir: Path) -> list[Path]:
    """The centroid tables that ship in content/postcodes/: districts, then sectors."""
    return sorted(
        (content_dir / "postcodes").glob("*.csv"), key=lambda p: ("sector" in p.name, p.name)
    )


def missing_tables_warning(db: sqlite_utils.Database, data_dir: Path) -> str | None:
    """What to tell a deployer whose data folder has no postcode tables, or None."""
    if has_tables(db):
        return None
    return (
        f"No postcode tables in {data_dir}: searching by postcode answers 501 until you run "
        f"`consequences postcodes import --data-dir {data_dir}` (it loads the tables that "
        "ship with the app)."
    )
