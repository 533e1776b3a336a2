"""Open Referral UK feeds (v1, 3.0 and our CSV template) read into one tidy service record.

Only feed reading lives here; the record and its parts are server.directory.models.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import msgspec
import nh3
from babel import Locale

from server.content import CATEGORIES
from server.directory.models import DAYS, Phone, RawLocation, Schedule, ServiceRecord

# -- What the reader gives the importer besides records.


class Skipped(msgspec.Struct, frozen=True):
    source_id: str | None
    reason: str
    # A service the feed now says is closed should leave the directory.
    remove: bool = False


Parsed = ServiceRecord | Skipped


class FeedError(ValueError):
    """The file is not a feed we can read."""


# -- Text


_BLOCK = {"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr"}
_KEEP_TAGS = {*_BLOCK, "a", "br", "li", "td"}
_SAFE_SCHEMES = {"http", "https", "tel", "mailto"}
_UNSAFE_LINK = re.compile(
    r"""href\s*=\s*["']?\s*(?!https?:|tel:|mailto:)[a-z][a-z0-9+.-]*:""", re.I
)


class _TextMaker(HTMLParser):
    """Sanitised HTML to plain text: blocks become lines, links 'label (address)'."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href: str | None = None
        self.label: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "td":
            self.parts.append(" ")
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.label = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "a":
            label = "".join(self.label).strip()
            self.parts.append("".join(self.label))
            if self.href:
                shown = re.sub(r"^(tel|mailto):", "", self.href)
                if shown not in label:
                    self.parts.append(f" ({shown})")
            self.href = None

    def handle_data(self, data: str) -> None:
        (self.label if self.href is not None else self.parts).append(data)


def clean_text(value: object) -> str:
    """Plain text from feed text that may hold HTML; unsafe links and scripts go."""
    if value is None:
        return ""
    text = str(value)
    if "<" not in text and "&" not in text:
        # Plain text keeps its paragraphs (as our own published feed writes them).
        lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    safe = nh3.clean(
        text,
        tags=_KEEP_TAGS,
        attributes={"a": {"href"}},
        url_schemes=_SAFE_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    maker = _TextMaker()
    maker.feed(safe)
    maker.close()
    joined = html.unescape("".join(maker.parts))
    lines = [" ".join(line.split()) for line in joined.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def had_unsafe_link(value: object) -> bool:
    return isinstance(value, str) and bool(_UNSAFE_LINK.search(value))


def clean_url(value: object) -> str:
    text = str(value or "").strip()
    if re.match(r"^https?://[^\s<>\"']+$", text, re.I):
        return text
    if re.match(r"^www\.[^\s<>\"']+$", text, re.I):
        return "https://" + text
    return ""


def clean_email(value: object) -> str:
    text = str(value or "").strip().removeprefix("mailto:")
    return text if re.match(r"^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$", text) else ""


def clean_phone(value: object) -> str:
    text = str(value or "").strip()
    return text if re.match(r"^\+?[0-9][0-9 ()-]{1,24}$", text) else ""


# -- Categories: feed taxonomy terms onto ours, by name and code; the originals are kept.

# The taxonomy our published feed puts our categories in (server.directory.publish).
CATEGORY_TAXONOMY = "consequences-card-categories"

_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "youth_club": (r"youth (club|centre|center|work|service|provision)", r"positive activit"),
    "sport_and_boxing": (
        r"\bsports?\b", "boxing", "football", "martial art", "basketball", r"\bgym\b",
        "physical activit", "fitness", "athletic",
    ),
    "mentoring": ("mentor",),
    "mental_health": (
        r"mental (health|wellbeing)", "wellbeing", "counsel+ing", "camhs", "emotional",
        "anxiety", r"self[- ]harm",
    ),
    "victim_support": ("victim",),
    "exploitation_support": (
        "exploitation", r"\bgangs?\b", "county lines", "knife", "serious violence",
        "violence reduction", r"\bcce\b", r"\bcse\b", "weapon",
    ),
    "family_support": ("famil", "parent", "carer"),
    "education_training": (
        "educat", "training", "employ", "apprentice", "skills", "tutor", r"\bcollege",
        r"\bneet\b", "learning",
    ),
    "legal_advice": ("legal", r"\blaw\b", "solicitor", "rights", "youth justice"),
    "helpline": ("helpline", "help line", "phone line", "advice line", "telephone support"),
}  # fmt: skip
_CATEGORY_RE = [(c, re.compile("|".join(words), re.I)) for c, words in _CATEGORY_WORDS.items()]


def map_categories(terms: Iterable[str]) -> list[str]:
    found: list[str] = []
    for term in terms:
        normal = term.strip().lower().replace("-", "_").replace(" ", "_")
        matches = (
            [normal] if normal in CATEGORIES else [c for c, rx in _CATEGORY_RE if rx.search(term)]
        )
        found.extend(c for c in matches if c not in found)
    return [c for c in CATEGORIES if c in found]


# -- Languages: ISO 639-1 codes where there is one.

_ENGLISH_NAMES = {
    **{name.lower(): code for code, name in Locale("en").languages.items() if "_" not in code},
    # Names feeds use that CLDR spells otherwise ("Bangla") or leaves out.
    "bengali": "bn", "punjabi": "pa", "panjabi": "pa", "farsi": "fa", "pashto": "ps",
    "mirpuri": "pa", "kurdish": "ku", "tigrinya": "ti",
}  # fmt: skip
# ISO 639-2/3 codes feeds use for the languages most spoken in UK towns.
_THREE_LETTER = {
    "eng": "en", "urd": "ur", "ara": "ar", "arb": "ar", "ben": "bn", "pol": "pl", "por": "pt",
    "ron": "ro", "rum": "ro", "som": "so", "tur": "tr", "pan": "pa", "pnb": "pa", "guj": "gu",
    "hin": "hi", "tam": "ta", "fas": "fa", "per": "fa", "pus": "ps", "kur": "ku", "ckb": "ku",
    "lit": "lt", "lav": "lv", "bul": "bg", "hun": "hu", "slk": "sk", "ces": "cs", "cze": "cs",
    "spa": "es", "fra": "fr", "fre": "fr", "ita": "it", "deu": "de", "ger": "de", "zho": "zh",
    "chi": "zh", "yue": "zh", "cmn": "zh", "tir": "ti", "amh": "am", "swa": "sw", "yor": "yo",
    "ibo": "ig", "ukr": "uk", "rus": "ru", "alb": "sq", "sqi": "sq", "cym": "cy", "wel": "cy",
    "bsl": "sgn", "sgn": "sgn",
}  # fmt: skip


def language_code(value: object) -> str | None:
    """'ur', 'urd', 'Urdu' or 'ur-PK' -> 'ur'; None when we cannot tell."""
    text = str(value or "").strip()
    if not text:
        return None
    lower = text.lower().replace("_", "-")
    if lower in ("british sign language", "bsl"):
        return "sgn"
    base = lower.split("-")[0]
    if re.fullmatch(r"[a-z]{2}", base):
        return base
    if base in _THREE_LETTER:
        return _THREE_LETTER[base]
    return _ENGLISH_NAMES.get(lower)


# -- Times and days

_WEEKDAY_WORDS = {
    name: code
    for code, names in zip(
        DAYS,
        [("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
         ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"),
         ("sunday", "sun")],
        strict=True,
    )
    for name in names
}  # fmt: skip
_BYDAY = re.compile(r"^(-?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


def parse_time(value: object) -> str | None:
    """'9:00', '09:00:00', '09:00:00Z', '09:00+01:00' -> '09:00'; '24:00' stays."""
    match = re.match(
        r"^\s*(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$",
        str(value or ""),
    )
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return f"{hour:02d}:{minute:02d}"


def parse_date(value: object) -> str | None:
    text = str(value or "").strip()
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def parse_byday(value: object) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").replace(";", ",").split(",")
    days: list[str] = []
    for item in items:
        word = str(item).strip()
        code = _WEEKDAY_WORDS.get(word.lower(), word.upper())
        if _BYDAY.match(code) and code not in days:
            days.append(code)
    return days


def _int(value: object) -> int | None:
    try:
        number = int(float(str(value)))
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _float(value: object) -> float | None:
    try:
        number = float(str(value))
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is not a coordinate


# -- JSON feeds (ORUK v1 and 3.0 read by one tolerant reader)


def _get(d: object, *keys: str) -> Any:
    """The first of several spellings a feed might use."""
    if not isinstance(d, dict):
        return None
    for key in keys:
        value = d.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _list(d: object, *keys: str) -> list[Any]:
    value = _get(d, *keys)
    if isinstance(value, dict):
        return [value]
    return [v for v in value if v is not None] if isinstance(value, list) else []


def _schedule(raw: object, notes: list[str], label: str) -> Schedule | None:
    if not isinstance(raw, dict):
        return None
    days = parse_byday(_get(raw, "byday", "weekday", "weekdays", "day"))
    opens, closes = parse_time(raw.get("opens_at")), parse_time(raw.get("closes_at"))
    if not days and not opens and not closes:
        return None
    if not days or not opens or not closes:
        notes.append(f"{label}: opening hours without a day, opening or closing time were left out")
        return None
    freq = str(raw.get("freq") or "").upper()
    monthly = freq == "MONTHLY" or any(d[0] in "-12345" for d in days)
    return Schedule(
        freq="MONTHLY" if monthly else "WEEKLY",
        byday=days,
        opens_at=opens,
        closes_at=closes,
        valid_from=parse_date(_get(raw, "valid_from", "dtstart")),
        valid_to=parse_date(_get(raw, "valid_to", "until")),
    )


def _address(location: dict[str, Any]) -> tuple[str, str]:
    addresses = _list(location, "addresses", "physical_addresses", "physical_address", "address")
    physical = [a for a in addresses if str(a.get("address_type", "physical")) != "postal"]
    chosen = physical[0] if physical else (addresses[0] if addresses else {})
    if isinstance(chosen, str):
        return clean_text(chosen), ""
    parts = [
        clean_text(chosen.get(k))
        for k in ("address_1", "address_2", "city", "region", "state_province")
    ]
    return ", ".join(p for p in parts if p), clean_text(_get(chosen, "postal_code", "postcode"))


def _location(raw: object) -> RawLocation | None:
    if not isinstance(raw, dict):
        return None
    nested = raw.get("location")
    location: dict[str, Any] = nested if isinstance(nested, dict) else raw
    if str(location.get("location_type", "physical")).lower() in ("virtual", "postal"):
        return None
    lat, lon = _float(location.get("latitude")), _float(location.get("longitude"))
    geometry = location.get("geometry")
    if (lat is None or lon is None) and isinstance(geometry, dict):
        coordinates = geometry.get("coordinates")
        if isinstance(coordinates, list) and len(coordinates) >= 2:
            # GeoJSON puts longitude first.
            lon, lat = _float(coordinates[0]), _float(coordinates[1])
    address, postcode = _address(location)
    if not address and not postcode and lat is None:
        return None
    return RawLocation(
        name=clean_text(location.get("name")), address=address, postcode=postcode, lat=lat, lon=lon
    )


def _terms(service: dict[str, Any]) -> tuple[list[str], list[str], bool]:
    """Taxonomy term names to show, names and codes to map, and whether it is sample data."""
    names: list[str] = []
    codes: list[str] = []
    sample = False

    def add(name: object, code: object) -> None:
        text, key = clean_text(name), clean_text(code)
        if text and text not in names:
            names.append(text)
        if key and key not in codes:
            codes.append(key)

    for attribute in _list(service, "attributes"):
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict):
            if str(term.get("code", "")).lower() == "sample-data":
                sample = True
            elif term.get("taxonomy") == CATEGORY_TAXONOMY:
                add(None, term.get("code"))  # our own categories, e.g. from our published feed
            else:
                add(term.get("name") or term.get("code"), term.get("code"))
    for link in _list(service, "service_taxonomys", "service_taxonomies", "taxonomies"):
        taxonomy = link.get("taxonomy", link) if isinstance(link, dict) else link
        if isinstance(taxonomy, dict):
            add(taxonomy.get("name") or taxonomy.get("id"), taxonomy.get("id"))
        elif isinstance(taxonomy, str):
            add(taxonomy, None)
    for category in _list(service, "categories"):
        add(category, None)
    return names, names + codes, sample


_REFERRAL = re.compile(r"referr", re.I)
_SELF_OR_DROP = re.compile(r"drop[- ]?in|self[- ]referr|just turn up|no referral", re.I)


def access(*texts: object) -> bool | None:
    """Whether a referral is needed, from attending_access, attributes or the process text."""
    for text in texts:
        value = str(text or "")
        if _SELF_OR_DROP.search(value):
            return False
        if _REFERRAL.search(value):
            return True
    return None


def _cost(service: dict[str, Any]) -> tuple[bool | None, str]:
    options = _list(service, "cost_options")
    amounts = [_float(o.get("amount")) for o in options if isinstance(o, dict)]
    texts = [
        clean_text(_get(o, "amount_description", "option"))
        for o in options
        if isinstance(o, dict) and _get(o, "amount_description", "option")
    ]
    fees = clean_text(_get(service, "fees_description", "fees"))
    cost = "; ".join(dict.fromkeys(t for t in [fees, *texts] if t))
    if any(a is not None and a > 0 for a in amounts):
        return False, cost
    if any(a == 0 for a in amounts):
        return True, cost
    # An option's own label ("Free", "Charges apply") also says whether it costs anything.
    labels = [clean_text(o.get("option")) for o in options if isinstance(o, dict)]
    words = " ".join([cost, *labels]).lower()
    if re.search(r"\bfree\b|no charge|no cost", words) and "£" not in words:
        return True, cost
    if "£" in words or re.search(r"\b(charges?|fees?|costs?)\b", words):
        return False, cost
    return None, cost


def _ages(service: dict[str, Any]) -> tuple[int | None, int | None]:
    mins = [_int(_get(service, "minimum_age", "min_age"))]
    maxes = [_int(_get(service, "maximum_age", "max_age"))]
    for rule in _list(service, "eligibilitys", "eligibilities", "eligibility"):
        if isinstance(rule, dict):
            mins.append(_int(_get(rule, "minimum_age", "min_age")))
            maxes.append(_int(_get(rule, "maximum_age", "max_age")))
    known_min = [m for m in mins if m is not None]
    # maximum_age 0 means "no maximum" in real feeds.
    known_max = [m for m in maxes if m]
    return (min(known_min) if known_min else None), (max(known_max) if known_max else None)


def _phones(service: dict[str, Any]) -> list[Phone]:
    raw = list(_list(service, "phones"))
    for contact in _list(service, "contacts"):
        raw += _list(contact, "phones", "phone")
    for place in _list(service, "service_at_locations"):
        raw += _list(place.get("location") if isinstance(place, dict) else None, "phones")
    phones: list[Phone] = []
    for item in raw:
        number = clean_phone(item.get("number") if isinstance(item, dict) else item)
        kind = str(item.get("type", "")).lower() if isinstance(item, dict) else ""
        phone = Phone(number, "text" if kind in ("text", "sms") else "voice")
        if number and phone not in phones:
            phones.append(phone)
    return phones


def _languages(service: dict[str, Any]) -> list[str]:
    found: list[str] = []
    raw = list(_list(service, "languages"))
    for place in _list(service, "service_at_locations"):
        raw += _list(place.get("location") if isinstance(place, dict) else None, "languages")
    for item in raw:
        value = _get(item, "code", "language", "name") if isinstance(item, dict) else item
        code = language_code(value)
        if code and code not in found:
            found.append(code)
    return found


def read_service(service: object) -> Parsed:
    """One service from an ORUK v1 or 3.0 feed (or an Outpost-style variant)."""
    if not isinstance(service, dict):
        return Skipped(None, "skipped: not a service object")
    source_id = str(service.get("id") or "").strip() or None
    if source_id is None:
        return Skipped(None, "skipped: no id")
    label = f"service {source_id}"
    name = clean_text(service.get("name"))
    if not name:
        return Skipped(source_id, f"{label}: skipped: no name")
    status = str(service.get("status") or "active").strip().lower()
    if status not in ("active", ""):
        return Skipped(source_id, f"{label}: skipped: status is {status}", remove=True)
    notes: list[str] = []
    organisation = _get(service, "organization", "organisation")
    description_raw = service.get("description")
    if had_unsafe_link(description_raw):
        notes.append(f"{label}: removed a link that was not http(s), tel or mailto")
    terms, mappable, sample = _terms(service)
    min_age, max_age = _ages(service)
    free, cost = _cost(service)
    attributes_text = " ".join(terms)
    schedules_raw = _list(service, "schedules", "regular_schedules")
    locations: list[RawLocation] = []
    for place in _list(service, "service_at_locations", "locations"):
        location = _location(place)
        if location:
            locations.append(location)
        if isinstance(place, dict):
            schedules_raw += _list(place, "schedules", "regular_schedule", "regular_schedules")
    schedules = []
    for raw in schedules_raw:
        schedule = _schedule(raw, notes, label)
        if schedule and schedule not in schedules:
            schedules.append(schedule)
    website = clean_url(service.get("url"))
    email = clean_email(service.get("email"))
    if isinstance(organisation, dict):
        website = website or clean_url(_get(organisation, "website", "url"))
        email = email or clean_email(organisation.get("email"))
    for contact in _list(service, "contacts"):
        email = email or clean_email(contact.get("email") if isinstance(contact, dict) else "")
    return ServiceRecord(
        source_id=source_id,
        name=name,
        organisation=clean_text(
            organisation.get("name") if isinstance(organisation, dict) else organisation
        ),
        description=clean_text(description_raw),
        categories=map_categories(mappable),
        taxonomy_terms=terms,
        min_age=min_age,
        max_age=max_age,
        free=free,
        cost=cost,
        referral_needed=access(
            service.get("attending_access"), attributes_text, service.get("application_process")
        ),
        languages=_languages(service),
        phones=_phones(service),
        email=email,
        website=website,
        locations=locations,
        schedules=schedules,
        last_checked=parse_date(service.get("assured_date")),
        sample=sample,
        notes=notes,
    )


def services_in(data: object) -> list[Any]:
    """The services in a decoded JSON file: one, a list, or a v1 or 3.0 page."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("contents", "content", "services", "items"):
            if isinstance(data.get(key), list):
                return list(data[key])
        if "name" in data or "id" in data:
            return [data]
    raise FeedError("expected a service, a list of services or a page of services")


# -- CSV template: one row per service at a location.

CSV_COLUMNS = (
    "id", "name", "organisation", "description", "categories", "min_age", "max_age", "free",
    "cost", "referral_needed", "languages", "phone", "text_phone", "email", "website",
    "location_name", "address", "postcode", "latitude", "longitude", "opening_hours",
    "last_checked", "sample",
)  # fmt: skip
_HOURS = re.compile(r"^\s*([A-Za-z0-9,\- ]+?)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


def _yes_no(value: str) -> bool | None:
    text = value.strip().lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    return None


def _hours(text: str, notes: list[str], label: str) -> list[Schedule]:
    """'MO,TU 16:00-21:00; FR 18:00-02:00' -> schedules."""
    schedules = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _HOURS.match(part)
        days = parse_byday(match[1]) if match else []
        opens, closes = (parse_time(match[2]), parse_time(match[3])) if match else (None, None)
        if not days or not opens or not closes:
            notes.append(f"{label}: could not read the opening hours '{part[:40]}'; left out")
            continue
        schedules.append(Schedule(byday=days, opens_at=opens, closes_at=closes))
    return schedules


def read_csv(path: Path) -> Iterator[Parsed]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        if "name" not in header or "id" not in header:
            raise FeedError(
                f"the CSV needs at least the columns id and name: {', '.join(CSV_COLUMNS)}"
            )
        reader.fieldnames = header
        rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    by_id: dict[str, ServiceRecord] = {}
    for number, row in enumerate(rows, start=2):
        source_id = row.get("id", "")
        if not source_id:
            yield Skipped(None, f"row {number}: skipped: no id")
            continue
        label = f"service {source_id}"
        location = RawLocation(
            name=clean_text(row.get("location_name")),
            address=clean_text(row.get("address")),
            postcode=row.get("postcode", ""),
            lat=_float(row.get("latitude") or None),
            lon=_float(row.get("longitude") or None),
        )
        has_location = location.address or location.postcode or location.lat is not None
        if source_id in by_id:
            # A further row for the same service: another location.
            if has_location:
                by_id[source_id].locations.append(location)
            continue
        name = clean_text(row.get("name"))
        if not name:
            yield Skipped(source_id, f"{label}: skipped: no name")
            continue
        notes: list[str] = []
        if had_unsafe_link(row.get("description")):
            notes.append(f"{label}: removed a link that was not http(s), tel or mailto")
        terms = [clean_text(t) for t in row.get("categories", "").split(";") if t.strip()]
        phones = [Phone(n) for n in [clean_phone(row.get("phone"))] if n]
        phones += [Phone(n, "text") for n in [clean_phone(row.get("text_phone"))] if n]
        languages = [language_code(x) for x in row.get("languages", "").split(";")]
        by_id[source_id] = ServiceRecord(
            source_id=source_id,
            name=name,
            organisation=clean_text(row.get("organisation")),
            description=clean_text(row.get("description")),
            categories=map_categories(terms),
            taxonomy_terms=terms,
            min_age=_int(row.get("min_age") or None),
            max_age=_int(row.get("max_age") or None) or None,
            free=_yes_no(row.get("free", "")),
            cost=clean_text(row.get("cost")),
            referral_needed=_yes_no(row.get("referral_needed", "")),
            languages=list(dict.fromkeys(c for c in languages if c)),
            phones=phones,
            email=clean_email(row.get("email")),
            website=clean_url(row.get("website")),
            locations=[location] if has_location else [],
            schedules=_hours(row.get("opening_hours", ""), notes, label),
            last_checked=parse_date(row.get("last_checked")),
            sample=_yes_no(row.get("sample", "")) is True,
            notes=notes,
        )
    yield from by_id.values()


def read_file(path: Path) -> Iterator[Parsed]:
    """Every service in one JSON or CSV file."""
    if path.suffix.lower() == ".csv":
        yield from read_csv(path)
        return
    try:
        data = msgspec.json.decode(path.read_bytes())
    except msgspec.DecodeError as exc:
        raise FeedError(f"not valid JSON: {exc}") from None
    for service in services_in(data):
        yield read_service(service)
