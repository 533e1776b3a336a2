"""The rate limiter: in memory, keyed by a daily-rotating HMAC of the address, with Retry-After."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from server.errors import domain_error_handler
from server.problems import TooMany
from server.ratelimit import AddressHasher, Limit, RateLimiter
from server.routes.deps import request_source


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeRequest:
    def __init__(self, host: str, forwarded: str = "") -> None:
        self.client = type("Client", (), {"host": host})()
        self.headers = {"x-forwarded-for": forwarded} if forwarded else {}


def test_a_burst_up_to_the_limit_then_one_back_per_interval() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    limit = Limit("report", 5, 3600)
    source = b"a"
    assert [0.0] * 5 == [limiter.hit([(limit, source)]) for _ in range(5)]
    wait = limiter.hit([(limit, source)])
    assert 720.0 == pytest.approx(wait)
    clock.now += 719
    assert limiter.hit([(limit, source)]) > 0
    clock.now += 1
    assert 0.0 == limiter.hit([(limit, source)])
    assert limiter.hit([(limit, source)]) > 0


def test_sources_are_counted_apart_and_a_global_limit_together() -> None:
    limiter = RateLimiter(clock=FakeClock())
    per_source, everyone = Limit("report", 2), Limit("report_global", 3)
    results = [
        limiter.hit([(per_source, source), (everyone, b"")]) == 0
        for source in [b"a", b"a", b"a", b"b", b"c"]
    ]
    assert [True, True, False, True, False] == results


def test_a_refused_request_spends_nothing() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    small, large = Limit("small", 1), Limit("large", 100)
    assert 0 == limiter.hit([(small, b"a"), (large, b"")])
    for _ in range(10):
        assert limiter.hit([(small, b"a"), (large, b"")]) > 0
    # Only the one allowed request counted against the large limit.
    assert [0.0] * 99 == [limiter.hit([(large, b"")]) for _ in range(99)]


def test_check_raises_429_with_retry_after_in_whole_seconds() -> None:
    limiter = RateLimiter(clock=FakeClock())
    limit = Limit("lookup", 1, 100)
    limiter.check([(limit, b"a")])
    with pytest.raises(TooMany) as caught:
        limiter.check([(limit, b"a")])
    assert 100 == caught.value.retry_after
    # server.errors answers the domain's TooMany as a 429 with Retry-After.
    response = domain_error_handler(None, caught.value)  # type: ignore[arg-type]
    assert 429 == response.status_code
    assert "too_many_requests" == caught.value.code
    assert {"Retry-After": "100"} == response.headers


def test_the_address_is_never_kept_only_its_hmac() -> None:
    limiter = RateLimiter()
    source = request_source(limiter, FakeRequest("203.0.113.9"))  # type: ignore[arg-type]
    limiter.hit([(Limit("report", 5), source)])
    tables: Any = limiter._tat
    keys = [key for table in tables.values() for key in table]
    assert [source] == keys
    assert all(b"203.0.113.9" not in key for key in keys)
    assert 16 == len(source)


def test_the_hmac_key_rotates_each_day() -> None:
    today = [dt.date(2027, 3, 1)]
    hasher = AddressHasher(today=lambda: today[0])
    first = hasher("203.0.113.9")
    assert first == hasher("203.0.113.9")
    today[0] = dt.date(2027, 3, 2)
    assert first != hasher("203.0.113.9")
    assert 1 == hasher.rotations


def test_two_processes_hash_the_same_address_differently() -> None:
    # The key exists only in memory: a fresh limiter (a restart) cannot link old keys.
    assert AddressHasher()("203.0.113.9") != AddressHasher()("203.0.113.9")


def test_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    hasher = AddressHasher()
    trusting = RateLimiter(hasher=hasher, trusted_proxies=frozenset({"10.0.0.1"}))
    via_proxy = request_source(trusting, FakeRequest("10.0.0.1", "198.51.100.1, 203.0.113.9"))  # type: ignore[arg-type]
    assert hasher("203.0.113.9") == via_proxy
    direct = request_source(trusting, FakeRequest("192.0.2.5", "203.0.113.9"))  # type: ignore[arg-type]
    assert hasher("192.0.2.5") == direct
    spoofed = request_source(trusting, FakeRequest("10.0.0.1", "not-an-address"))  # type: ignore[arg-type]
    assert hasher("10.0.0.1") == spoofed


def test_stale_keys_are_pruned_a_few_at_each_check() -> None:
    """Amortised O(1): each check drops up to PRUNE_PER_CHECK expired keys from the front,
    so no check scans the table and expired keys leave faster than new ones arrive."""
    from server.ratelimit import PRUNE_PER_CHECK

    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    lookup = Limit("lookup", 30, 60)
    for i in range(11):
        limiter.hit([(lookup, bytes([i]))])
    clock.now += 61
    limiter.hit([(lookup, b"new")])
    assert 11 - PRUNE_PER_CHECK + 1 == len(limiter)
    for i in range(5):
        limiter.hit([(lookup, b"later %d" % i)])
    # Every stale key is gone; only the six live ones are left.
    assert 6 == len(limiter)


def test_a_source_spending_again_moves_to_the_back() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    lookup = Limit("lookup", 30, 60)
    limiter.hit([(lookup, b"old")])  # until 1002
    limiter.hit([(lookup, b"busy")])  # until 1002
    clock.now += 1
    limiter.hit([(lookup, b"old")])  # spent again (until 1004): no longer the oldest
    clock.now += 2
    limiter.hit([(lookup, b"x")])  # at 1003: "busy" has expired, "old" has not
    assert {b"old", b"x"} == set(limiter._tat["lookup"])


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2:bbbb::2"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
    ],
)
def test_ipv6_is_counted_by_its_64(first: str, second: str) -> None:
    limiter = RateLimiter(clock=FakeClock())
    once = Limit("report", 1)
    assert 0.0 == limiter.hit([(once, limiter.source(first))])
    assert limiter.hit([(once, limiter.source(second))]) > 0


def test_neighbouring_ipv6_64s_are_counted_apart() -> None:
    limiter = RateLimiter(clock=FakeClock())
    once = Limit("report", 1)
    assert 0.0 == limiter.hit([(once, limiter.source("2001:db8:1:2::1"))])
    assert 0.0 == limiter.hit([(once, limiter.source("2001:db8:1:3::1"))])


def test_ipv6_behind_a_trusted_proxy_is_counted_by_its_64() -> None:
    limiter = RateLimiter(clock=FakeClock(), trusted_proxies=frozenset({"10.0.0.1"}))
    a = request_source(limiter, FakeRequest("10.0.0.1", "2001:db8::1"))  # type: ignore[arg-type]
    b = request_source(limiter, FakeRequest("10.0.0.1", "2001:db8::99"))  # type: ignore[arg-type]
    assert a == b


def test_a_limit_of_one_request_per_period_lets_each_source_send_one() -> None:
    # With tat + interval - period, floating point refused even the first request.
    limiter = RateLimiter(clock=lambda: 1234.567)
    once = Limit("report", 1)
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        source = limiter.source(address)
        assert 0.0 == limiter.hit([(once, source)])
        assert 3600 == round(limiter.hit([(once, source)]))
