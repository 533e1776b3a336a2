"""Settings: one table that the CLI, the environment, the README and a docs test all read."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from server.resources import CLONE_ROOT, bundled

ENV_PREFIX = "CONSEQUENCES_"
ROOT = CLONE_ROOT


class Settings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Every setting, its default and what it is for.

    Each field can be set by the environment variable ``CONSEQUENCES_<NAME>``; the
    command line overrides the environment. New settings need a default and a
    description, which the README's settings table must repeat (a test checks).
    """

    host: Annotated[str, Meta(description="Address the server listens on.")] = "127.0.0.1"
    port: Annotated[int, Meta(ge=0, le=65535, description="Port the server listens on.")] = 8000
    data_dir: Annotated[
        str,
        Meta(description="Folder for the SQLite databases and secrets; created on first start."),
    ] = "data"
    workers: Annotated[int, Meta(ge=1, le=64, description="Number of server worker processes.")] = 1
    public_url: Annotated[
        str,
        Meta(
            description=(
                "The app's public address, e.g. https://cards.example.org. Used in QR codes; "
                "an https address also turns on Strict-Transport-Security."
            )
        ),
    ] = ""
    log_level: Annotated[str, Meta(description="Log level: debug, info, warning or error.")] = (
        "info"
    )
    content_dir: Annotated[
        str,
        Meta(
            description=(
                "Folder holding cards/, helplines.yaml, glossary.yaml and the postcode tables; "
                "by default the copy that ships with the app (content/ in a clone)."
            )
        ),
    ] = str(bundled("content"))
    locales_dir: Annotated[
        str,
        Meta(
            description=(
                "Folder holding the gettext catalogues; by default the copy that ships with "
                "the app (locales/ in a clone)."
            )
        ),
    ] = str(bundled("locales"))
    pwa_dir: Annotated[
        str,
        Meta(
            description=(
                "Folder holding the static app shell; by default the copy that ships with the "
                "app (pwa/ in a clone)."
            )
        ),
    ] = str(bundled("pwa"))
    secrets_dir: Annotated[
        str,
        Meta(
            description=(
                "Folder for the server secrets (follow-up code key, CSRF key), kept out of the "
                "databases; empty means <data dir>/secrets. Back it up apart from reports.db."
            )
        ),
    ] = ""
    report_retention_days: Annotated[
        int,
        Meta(ge=1, le=3650, description="Days an anonymous report is kept before it is deleted."),
    ] = 90
    reports_per_hour: Annotated[
        int,
        Meta(
            ge=1,
            description=(
                "Reports one source may send per hour, per worker, at the usual proof of work; "
                "past it each report costs the hardest challenge (429 when proof of work is "
                "off), and a danger report is always accepted and marked."
            ),
        ),
    ] = 5
    proof_of_work: Annotated[
        Literal["on", "off"],
        Meta(
            description=(
                "Proof of work on anonymous writes (reports, replies, lookups): on, or off "
                "for a closed deployment or a test."
            )
        ),
    ] = "on"
    lookups_per_hour: Annotated[
        int,
        Meta(ge=1, description="Follow-up code lookups and replies one source may make per hour."),
    ] = 30
    logins_per_hour: Annotated[
        int, Meta(ge=1, description="Staff sign-in attempts one source may make per hour.")
    ] = 10
    feedback_per_hour: Annotated[
        int,
        Meta(
            ge=1,
            description="Reports of a mistake in a card or helpline one source may send per hour.",
        ),
    ] = 10
    staff_session_hours: Annotated[
        int, Meta(ge=1, le=168, description="Hours a staff sign-in lasts before it expires.")
    ] = 8
    trusted_proxies: Annotated[
        str,
        Meta(
            description=(
                "Comma-separated addresses of your reverse proxies. Only from these is "
                "X-Forwarded-For believed, and only to key rate limits (never stored or logged)."
            )
        ),
    ] = ""

    max_header_bytes: Annotated[
        int,
        Meta(
            ge=1024,
            le=1048576,
            description=(
                "Largest request line plus headers the server reads, in bytes; a larger "
                "request is answered 431 at once."
            ),
        ),
    ] = 16384
    header_timeout_seconds: Annotated[
        int,
        Meta(
            ge=1,
            le=300,
            description=(
                "Seconds a client has to finish sending a request's headers before the "
                "connection is closed (408)."
            ),
        ),
    ] = 10
    keep_alive_seconds: Annotated[
        int,
        Meta(ge=1, le=300, description="Seconds an idle keep-alive connection is kept open."),
    ] = 5
    max_connections: Annotated[
        int,
        Meta(
            ge=1,
            description=(
                "Connections (or requests in progress) one worker takes before answering 503."
            ),
        ),
    ] = 1000

    exit_url: Annotated[
        str,
        Meta(
            pattern=r"^https://[^\s<>\"']+$",
            description=(
                "The neutral site the app's quick exit opens instead of the app (an https address)."
            ),
        ),
    ] = "https://www.bbc.co.uk/weather"
    reports_organisation: Annotated[
        str,
        Meta(
            max_length=120,
            description=(
                "Who reads the reports, as the report start screen names them (e.g. "
                '"Luton Schools Safeguarding Team"); empty says "a safeguarding team".'
            ),
        ),
    ] = ""
    reports_reply_hours: Annotated[
        int,
        Meta(
            ge=1,
            le=720,
            description=(
                "Hours within which someone reads a new report, as the report start screen "
                "promises; make it true on weekends and holidays too."
            ),
        ),
    ] = 48
    reports_police: Annotated[
        Literal["danger", "always", "never"],
        Meta(
            description=(
                "When the team tells the police, as the report start screen says: danger (only "
                "when someone is in danger), always, or never."
            )
        ),
    ] = "danger"
    geocoding: Annotated[
        bool,
        Meta(
            description=(
                "Look up postcodes missing from the offline tables with an online geocoder "
                "(Nominatim, at most one request a second). Off by default: when on, searched "
                "postcodes are sent to that service."
            )
        ),
    ] = False
    geocoding_user_agent: Annotated[
        str,
        Meta(
            description=(
                "Your own user agent for the online geocoder: your service's name and a "
                "contact address, as Nominatim's usage policy asks. Needed when geocoding is on."
            )
        ),
    ] = ""
    geocoding_url: Annotated[
        str,
        Meta(
            pattern=r"^https?://[^\s/]+/?$",
            description="The Nominatim server to ask: the public one or your own.",
        ),
    ] = "https://nominatim.openstreetmap.org"

    # -- issue 13: the safeguarding inbox's deadlines, mail and retention
    working_days: Annotated[
        str,
        Meta(
            pattern=r"^(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun))*$",
            description="Days the team works, for report deadlines (comma-separated: mon,...,sun).",
        ),
    ] = "mon,tue,wed,thu,fri"
    working_hours: Annotated[
        str,
        Meta(
            pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$",
            description="The team's working hours on a working day, for deadlines (HH:MM-HH:MM).",
        ),
    ] = "08:00-18:00"
    working_timezone: Annotated[
        str, Meta(description="The time zone of the working hours (an IANA name).")
    ] = "Europe/London"
    bank_holidays: Annotated[
        str,
        Meta(
            description=(
                "Whose bank holidays are not working days, as country-subdivision for the "
                "holidays library (GB-ENG: England and Wales; GB-SCT, GB-NIR); empty for none."
            )
        ),
    ] = "GB-ENG"
    audit_retention_days: Annotated[
        int,
        Meta(
            ge=1,
            le=36500,
            description=(
                "Days the audit log keeps a row (longer than reports: it holds no report text)."
            ),
        ),
    ] = 730
    code_expiry_days: Annotated[
        int,
        Meta(
            ge=1,
            le=3650,
            description=(
                "Days a follow-up code keeps working without being used; each use starts it again."
            ),
        ),
    ] = 90
    smtp_host: Annotated[
        str,
        Meta(
            description=(
                "Mail server for staff notifications (no report content is ever sent); empty "
                "turns notifications off."
            )
        ),
    ] = ""
    smtp_port: Annotated[int, Meta(ge=1, le=65535, description="The mail server's port.")] = 587
    smtp_username: Annotated[
        str, Meta(description="User name for the mail server; empty to send without signing in.")
    ] = ""
    smtp_password: Annotated[str, Meta(description="Password for the mail server.")] = ""
    smtp_from: Annotated[str, Meta(description="The From address of staff notifications.")] = (
        "consequences@localhost"
    )
    smtp_starttls: Annotated[
        bool,
        Meta(description="Upgrade the mail connection with STARTTLS before signing in or sending."),
    ] = True
    # Issue 15: live directory sync and the published ORUK feed.
    sync_every_hours: Annotated[
        int,
        Meta(
            ge=0,
            le=8760,
            description=(
                "Re-sync every remembered Open Referral source this often, in hours, while the "
                "server runs (one worker does it); 0 turns the schedule off."
            ),
        ),
    ] = 0
    publish_sample_services: Annotated[
        bool,
        Meta(
            description=(
                "Include sample (demo) services in the published Open Referral UK feed under "
                "/openreferral/. Off by default, so made-up services never reach other directories."
            )
        ),
    ] = False
    suggestions_per_hour: Annotated[
        int,
        Meta(ge=1, description="Suggested changes to listings one source may send per hour."),
    ] = 10

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def secrets_path(self) -> Path:
        return Path(self.secrets_dir) if self.secrets_dir else self.data_path / "secrets"

    @classmethod
    def load(
        cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Settings from defaults, then the environment, then explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in cls.__struct_fields__:
            env_value = environ.get(ENV_PREFIX + name.upper())
            if env_value is not None:
                values[name] = env_value
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        try:
            return msgspec.convert(values, cls, strict=False)
        except msgspec.ValidationError as exc:
            raise SettingsError(f"Invalid setting: {exc}") from exc

    def to_environ(self) -> dict[str, str]:
        """The environment that recreates these settings in a worker process."""
        return {ENV_PREFIX + k.upper(): str(v) for k, v in msgspec.structs.asdict(self).items()}


# Settings whose default is a folder that ships with the app (see server.resources).
BUNDLED_FOLDERS = ("content_dir", "locales_dir", "pwa_dir")


class SettingsError(ValueError):
    """A setting has a value the app cannot use."""


def describe() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, description) for every setting."""
    info = msgspec.inspect.type_info(Settings)
    if not isinstance(info, msgspec.inspect.StructType):  # pragma: no cover
        raise TypeError("Settings must be a Struct")
    rows = []
    for field in info.fields:
        meta = field.type
        schema = meta.extra_json_schema if isinstance(meta, msgspec.inspect.Metadata) else None
        description = (schema or {}).get("description", "")
        default = field.default
        if isinstance(default, str) and field.name in BUNDLED_FOLDERS:
            default = f"bundled {Path(default).name}/"
        rows.append((field.name, ENV_PREFIX + field.name.upper(), str(default), description))
    return rows
