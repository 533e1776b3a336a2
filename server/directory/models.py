"""The directory's core types: a service, its phones, places and opening hours.

Whatever a feed looked like, the importer stores a ServiceRecord; search and opening hours
read Schedules back. The feed reader (server.oruk) builds these; it does not own them.
"""

from __future__ import annotations

import uuid
from typing import Literal

import msgspec

# BYDAY codes, Monday first, as in ORUK schedules (and RFC 5545).
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Phone(msgspec.Struct, frozen=True):
    number: str
    kind: Literal["voice", "text"] = "voice"


class RawLocation(msgspec.Struct, kw_only=True):
    """A location as the feed gave it; the importer checks the coordinates."""

    name: str = ""
    address: str = ""
    postcode: str = ""
    lat: float | None = None
    lon: float | None = None


class Schedule(msgspec.Struct, frozen=True, kw_only=True):
    """Weekly (or monthly, e.g. '2MO') opening hours, as in ORUK schedules."""

    freq: Literal["WEEKLY", "MONTHLY"] = "WEEKLY"
    byday: list[str]
    opens_at: str
    closes_at: str
    valid_from: str | None = None
    valid_to: str | None = None


class ServiceRecord(msgspec.Struct, kw_only=True):
    """One service as the importer stores it, whatever the feed looked like."""

    source_id: str
    name: str
    organisation: str = ""
    description: str = ""
    categories: list[str] = []
    taxonomy_terms: list[str] = []
    min_age: int | None = None
    max_age: int | None = None
    free: bool | None = None
    cost: str = ""
    referral_needed: bool | None = None
    languages: list[str] = []
    phones: list[Phone] = []
    email: str = ""
    website: str = ""
    locations: list[RawLocation] = []
    schedules: list[Schedule] = []
    last_checked: str | None = None
    sample: bool = False
    # What the reader changed or noticed, for the import report; not stored.
    notes: list[str] = []


# -- How the types are stored: JSON columns in directory.db.

_json = msgspec.json.Encoder()
SCHEDULES = msgspec.json.Decoder(list[Schedule])
PHONES = msgspec.json.Decoder(list[Phone])
STRINGS = msgspec.json.Decoder(list[str])


def encode(value: object) -> bytes:
    return _json.encode(value)


def dumps(value: object) -> str:
    return _json.encode(value).decode()


def flag(value: int | None) -> bool | None:
    """A stored yes/no/unknown column (1, 0 or NULL) read back."""
    return None if value is None else bool(value)


# -- Ids in the published ORUK 3.0 feed: UUIDs (as the UK profile requires) derived from our
# own stable keys, so they never change between imports or between servers.

ORUK_NAMESPACE = uuid.UUID("0f5d3c36-6c1e-4b8e-9c39-2f3c1f6f1e15")


def oruk_uuid(*parts: object) -> str:
    return str(uuid.uuid5(ORUK_NAMESPACE, "/".join(str(p) for p in parts)))


def oruk_service_id(source: str, source_id: str) -> str:
    return oruk_uuid("service", source, source_id)
