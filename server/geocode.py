"""Online postcode lookup through Nominatim, off by default, rate-limited, cached in memory.

Privacy: the cache is kept only in this process's memory, keyed by an HMAC whose key exists
only there, and dies with the process: no file says which postcodes anyone searched for, or
where they are, or when. (An earlier version kept the places on disk; a migration deleted
them.) The one thing on disk is the time of the next free one-second slot, which spaces
requests to Nominatim across every worker.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from server.db import ThreadLocalDatabase
from server.postcodes import Postcode, in_uk
from server.settings import Settings, SettingsError

logger = logging.getLogger("server.geocode")

CACHE_SECONDS = 30 * 24 * 3600
# Postcodes kept per process, at most (the oldest looked up go first).
CACHE_SIZE = 10_000
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
        # HMAC of the postcode -> (place or None, when looked up); oldest first.
        self._cache: OrderedDict[str, tuple[tuple[float, float] | None, float]] = OrderedDict()
        self._cache_lock = threading.Lock()

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
        key = self._cache_key(postcode.text)
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is not None and cached[1] >= self._clock() - CACHE_SECONDS:
            return cached[0]
        self._wait_turn()
        try:
            answer = self._nominatim.geocode(
                {"postalcode": postcode.text}, exactly_one=True, country_codes="gb"
            )
        except GeopyError as exc:
            # Name the fault only: the postcode must never reach a log.
            logger.warning("Online geocoder failed: %s", type(exc).__name__)
            raise GeocodingUnavailable from None
        place = (
            (answer.latitude, answer.longitude)
            if answer is not None and in_uk(answer.latitude, answer.longitude)
            else None
        )
        with self._cache_lock:
            self._cache[key] = (place, self._clock())
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return place


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
