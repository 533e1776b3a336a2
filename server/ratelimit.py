"""Rate limits in memory only, keyed by a daily-rotating HMAC of the client's address.

Litestar's RateLimitMiddleware keys its store by the raw address and keeps a JSON list of
every request's time per key, which costs O(limit) per request; it also sends no
Retry-After. This module keeps one float per key (the generic cell rate algorithm, GCRA),
checks several limits at once and raises
server.problems.TooMany with the seconds to wait, which server.errors answers as a 429 in
the project's error shape with Retry-After. It knows nothing of HTTP: the routes pass in the
peer's address and any X-Forwarded-For header (server.routes.deps.request_source).

Fair keying: an IPv6 client is counted by its /64, the block one home or phone is given, so
a client cannot dodge its limit by walking through the 2**64 addresses it owns.

Cost: each limit's keys sit in an OrderedDict in the order they were last spent, so the
oldest are at its front. Each check first drops up to PRUNE_PER_CHECK keys from the front
whose time has passed: O(1) per check, and since each check adds at most one key, expired
keys leave at least as fast as new ones arrive. No check ever scans the whole table
(bench/limiter.py: under 50 µs with 1,000,000 sources tracked).

Nothing here is written to disk or logged. The address is turned into an HMAC with a key
that exists only in this process's memory and is replaced every day (UTC), so even a memory
dump cannot link today's limiter keys to addresses after the key has rotated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from server.messages import UI_MESSAGES
from server.problems import TooMany

TOO_MANY = UI_MESSAGES["report.too_many_requests"]
# Expired keys dropped from the front of a limit's table by each check.
PRUNE_PER_CHECK = 2
# IPv6 clients are counted by this prefix: one home, one phone, one small office.
IPV6_PREFIX = 64


@dataclass(frozen=True)
class Limit:
    """`count` requests per `period` seconds, as a burst of `count` refilled evenly."""

    name: str
    count: int
    period: float = 3600.0

    @property
    def interval(self) -> float:
        return self.period / self.count


class AddressHasher:
    """HMAC-SHA-256 of an address with an in-memory key that changes at each UTC midnight."""

    def __init__(self, today: Callable[[], dt.date] | None = None) -> None:
        self._today = today or (lambda: dt.datetime.now(dt.UTC).date())
        self._day = self._today()
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self.rotations = 0

    def __call__(self, address: str) -> bytes:
        day = self._today()
        with self._lock:
            if day != self._day:
                self._day, self._key = day, secrets.token_bytes(32)
                self.rotations += 1
            key = self._key
        return hmac.new(key, address.encode(), hashlib.sha256).digest()[:16]


class RateLimiter:
    """Several named limits; `hit` checks them all and only spends if every one allows."""

    def __init__(
        self,
        hasher: AddressHasher | None = None,
        clock: Callable[[], float] = time.monotonic,
        trusted_proxies: frozenset[str] = frozenset(),
    ) -> None:
        self.hasher = hasher or AddressHasher()
        self.clock = clock
        self.trusted_proxies = trusted_proxies
        # limit name -> {hashed source or b"": theoretical arrival time of the next request},
        # least recently spent first
        self._tat: dict[str, OrderedDict[bytes, float]] = {}
        self._lock = threading.Lock()

    def source(self, peer: str, forwarded_for: str = "") -> bytes:
        """The hashed source of a request from `peer` (its X-Forwarded-For header believed
        only from a trusted proxy); the address itself goes no further than here."""
        address = peer
        if address in self.trusted_proxies:
            address = _forwarded_client(forwarded_for, address, self.trusted_proxies)
        return self.hasher(source_key(address))

    def hit(self, checks: list[tuple[Limit, bytes]]) -> float:
        """Spend one request against each (limit, source); 0 if allowed, else seconds to wait."""
        now = self.clock()
        with self._lock:
            wait = 0.0
            updates = []
            for limit, source in checks:
                table = self._tat.get(limit.name)
                if table is None:
                    table = self._tat[limit.name] = OrderedDict()
                _prune(table, now)
                tat = max(table.get(source, now), now)
                # (period - interval) first: with one request per period it is exactly 0, where
                # tat + interval - period would round to just above tat and refuse everyone.
                allowed_from = tat - (limit.period - limit.interval)
                if now < allowed_from:
                    wait = max(wait, allowed_from - now)
                else:
                    updates.append((table, source, tat + limit.interval))
            if wait:
                return wait
            for table, source, tat in updates:
                table[source] = tat
                table.move_to_end(source)
            return 0.0

    def would_wait(self, checks: list[tuple[Limit, bytes]]) -> bool:
        """Whether `hit` would refuse these now; spends nothing."""
        now = self.clock()
        with self._lock:
            for limit, source in checks:
                table = self._tat.get(limit.name)
                tat = max(table.get(source, now) if table else now, now)
                if now < tat - (limit.period - limit.interval):
                    return True
        return False

    def check(
        self,
        checks: list[tuple[Limit, bytes]],
        message: str = TOO_MANY,
        lang_gettext: Callable[[str], str] | None = None,
    ) -> None:
        """Raise TooMany (a 429 with Retry-After) when over a limit, in whole seconds."""
        wait = self.hit(checks)
        if wait:
            text = lang_gettext(message) if lang_gettext else message
            raise TooMany("too_many_requests", text, retry_after=math.ceil(wait))

    def __len__(self) -> int:
        return sum(len(table) for table in self._tat.values())


def _prune(table: OrderedDict[bytes, float], now: float) -> None:
    """Drop up to PRUNE_PER_CHECK keys from the front whose time has passed."""
    for _ in range(PRUNE_PER_CHECK):
        if not table:
            return
        source, tat = next(iter(table.items()))
        if tat > now:
            return
        del table[source]


def source_key(address: str) -> str:
    """What a client is counted by: an IPv4 address, or an IPv6 address's /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)


def _forwarded_client(header: str, peer: str, trusted: frozenset[str]) -> str:
    """The right-most address in X-Forwarded-For that is not one of our proxies.

    Entries to its left were written by the client and could be anything.
    """
    for part in reversed(header.split(",")):
        candidate = part.strip()
        if candidate in trusted:
            continue
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return candidate
    return peer


def parse_proxies(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())
