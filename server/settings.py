"""Settings: one table that the CLI, the environment, the README and a docs test all read."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import msgspec
from msgspec import Meta

ENV_PREFIX = "CONSEQUENCES_"
ROOT = Path(__file__).resolve().parent.parent


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
        str, Meta(description="Folder holding cards/, helplines.yaml and glossary.yaml.")
    ] = str(ROOT / "content")
    locales_dir: Annotated[str, Meta(description="Folder holding the gettext catalogues.")] = str(
        ROOT / "locales"
    )
    pwa_dir: Annotated[str, Meta(description="Folder holding the static app shell.")] = str(
        ROOT / "pwa"
    )
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
        int, Meta(ge=1, description="Reports one source may send per hour, per worker.")
    ] = 5
    reports_per_hour_global: Annotated[
        int, Meta(ge=1, description="Reports accepted per hour from everyone together, per worker.")
    ] = 1000
    lookups_per_hour: Annotated[
        int,
        Meta(ge=1, description="Follow-up code lookups and replies one source may make per hour."),
    ] = 30
    logins_per_hour: Annotated[
        int, Meta(ge=1, description="Staff sign-in attempts one source may make per hour.")
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

    exit_url: Annotated[
        str,
        Meta(
            pattern=r"^https://[^\s<>\"']+$",
            description=(
                "The neutral site the app's quick exit opens instead of the app (an https address)."
            ),
        ),
    ] = "https://www.bbc.co.uk/weather"
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
        if isinstance(default, str) and default.startswith(str(ROOT)):
            default = "./" + Path(default).relative_to(ROOT).as_posix()
        rows.append((field.name, ENV_PREFIX + field.name.upper(), str(default), description))
    return rows
