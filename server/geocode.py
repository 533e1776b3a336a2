"""Online postcode lookup through Nominatim, off by default, rate-limited and cached in SQLite.

Privacy: the cache is keyed by an HMAC whose key exists only in this process's memory, so the
file never says which postcodes anyone searched for, and the cache dies with the process.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from server.db import ThreadLocalDatabase
from server.postcodes import Postcode, in_uk
from server.settings import Settings, SettingsError

logger = logging.getLogger("server.geocode")

CACHE_SECONDS = 30 * 24 * 3600
MIN_INTERVAL_SECONDS = 1.0  # Nominatim's usage policy: at most one request a second


class GeocodingUnavailable(RuntimeError):
    """The online geocoder did not answer."""


class Geocoder:
    """Postcode -> (lat, lon) from a Nominatim server, at most one request a second in total."""

    def __init__(
        self,
        db: ThreadLocalDatabase,
        *,
        user_agent: str,
        url: str,
        timeout: float = 5.0,
        adapter_factory: Callable[..., Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self._key = secrets.token_bytes(32)
        self._sleep = sleep
        self._clock = clock
        scheme, _, domain = url.rstrip("/").partition("://")
        options: dict[str, Any] = {"user_agent": user_agent, "timeout": timeout}
        if adapter_factory is not None:
            options["adapter_factory"] = adapter_factory
        self._nominatim = Nominatim(scheme=scheme, domain=domain, **options)
        self._forget_old()

    def _forget_old(self) -> None:
        db = self.db.get()
        db.execute(
            "DELETE FROM geocode_cache WHERE fetched_at < ?", [self._clock() - CACHE_SECONDS]
        )
        db.conn.commit()

    def _cache_key(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def _wait_turn(self) -> None:
        """Reserve the next free one-second slot (shared by every worker through SQLite)."""
        db = self.db.get()
        now = self._clock()
        row = db.execute(
            "INSERT INTO geocode_rate (id, reserved_at) VALUES (1, ?) "
            "ON CONFLICT(id) DO UPDATE SET reserved_at = max(reserved_at + ?, ?) "
            "RETURNING reserved_at",
            [now, MIN_INTERVAL_SECONDS, now],
        ).fetchone()
        db.conn.commit()
        if row[0] > now:
            self._sleep(row[0] - now)

    def locate(self, postcode: Postcode) -> tuple[float, float] | None:
        """Where the geocoder puts this postcode, or None if it does not know it (or not in UK)."""
        db = self.db.get()
        key = self._cache_key(postcode.text)
        cached = db.execute(
            "SELECT lat, lon, found FROM geocode_cache WHERE key = ? AND fetched_at >= ?",
            [key, self._clock() - CACHE_SECONDS],
        ).fetchone()
        if cached:
            return (cached[0], cached[1]) if cached[2] else None
        self._wait_turn()
        try:
            answer = self._nominatim.geocode(
                {"postalcode": postcode.text}, exactly_one=True, country_codes="gb"
            )
        except GeopyError as exc:
            # Name the fault only: the postcode must never reach a log.
            logger.warning("Online geocoder failed: %s", type(exc).__name__)
            raise GeocodingUnavailable from None
        found = answer is not None and in_uk(answer.latitude, answer.longitude)
        lat, lon = (answer.latitude, answer.longitude) if found and answer else (0.0, 0.0)
        db.table("geocode_cache").insert(
            {"key": key, "lat": lat, "lon": lon, "found": found, "fetched_at": self._clock()},
            replace=True,
        )
        return (lat, lon) if found else None


def make_geocoder(settings: Settings, db: ThreadLocalDatabase) -> Geocoder | None:
    """The online geocoder when the deployer has turned it on, else None."""
    if not settings.geocoding:
        return None
    if not settings.geocoding_user_agent.strip():
        raise SettingsError(
            "Online geocoding needs CONSEQUENCES_GEOCODING_USER_AGENT: your service's name "
            "and a contact address, as Nominatim's usage policy asks."
        )
    return Geocoder(db, user_agent=settings.geocoding_user_agent, url=settings.geocoding_url)
