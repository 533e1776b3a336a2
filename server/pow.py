"""Proof of work on anonymous writes (reports, replies, lookups), with ALTCHA challenges.

Instead of a ceiling that refuses everyone once it is reached, each anonymous write costs
the sender a little computing: the app fetches a challenge (GET /api/v1/challenge), finds
the number whose SHA-256 with the challenge's salt matches (ALTCHA's proof of work, solved
in the app by the vendored solver in pwa/assets/js/lib/altcha.js) and sends the solution in
the X-Challenge header. A young person's phone spends well under a second; someone sending
thousands of junk reports spends thousands of seconds.

How hard a challenge is (its level: ALTCHA's maxNumber is BASE_NUMBER * 2**level):

- level 0 normally;
- one level more for each doubling of anonymous writes per minute beyond LOAD_THRESHOLD,
  so the cost rises with load;
- MAX_LEVEL for a source past its own hourly limit: a whole school behind one address can
  still send, each extra report costing one phone about a second, and a flood from one
  address slows to what its CPU can pay for.

Challenges are signed with a key from the secrets folder, shared by every worker, expire
after CHALLENGE_TTL seconds and are accepted once by each worker (each keeps its own list of
used ones in memory, so with --workers N one solution could be spent at most N times).
Nothing about the sender is kept.
"""

from __future__ import annotations

import base64
import binascii
import math
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Literal

import altcha
import msgspec

from server import problems

BASE_NUMBER = 20_000
MAX_LEVEL = 6
CHALLENGE_TTL = 600
# Anonymous writes per minute that count as ordinary load (no extra cost).
LOAD_THRESHOLD = 60
HEADER = "X-Challenge"
ALGORITHM: Literal["SHA-256"] = "SHA-256"
MAX_HEADER = 2048


class Challenge(msgspec.Struct, frozen=True, rename="camel"):
    """An ALTCHA challenge as its solver takes it."""

    algorithm: str
    challenge: str
    max_number: int
    salt: str
    signature: str


class Solution(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """What the X-Challenge header holds, base64-encoded JSON (ALTCHA's payload)."""

    algorithm: Literal["SHA-256"]
    challenge: str
    number: int
    salt: str
    signature: str


class ChallengeRequired(problems.DomainError):
    """No solution was sent with an anonymous write (428)."""


class ChallengeFailed(problems.DomainError):
    """The solution is wrong, expired, used before or too easy (403)."""


REQUIRED_MESSAGE = (
    "Please try again: the app must solve a small puzzle before sending. Get one from "
    "GET /api/v1/challenge and send its solution in the X-Challenge header."
)
FAILED_MESSAGE = (
    "Please try again: the puzzle the app solved was not accepted (it may have expired). "
    "Get a new one from GET /api/v1/challenge."
)


class LoadMeter:
    """Anonymous writes in the last minute, counted in six 10-second buckets (O(1))."""

    BUCKET = 10.0
    BUCKETS = 6

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._counts: deque[tuple[int, int]] = deque()
        self._lock = threading.Lock()

    def _drop_old(self, bucket: int) -> None:
        while self._counts and self._counts[0][0] <= bucket - self.BUCKETS:
            self._counts.popleft()

    def add(self) -> None:
        bucket = int(self.clock() // self.BUCKET)
        with self._lock:
            self._drop_old(bucket)
            if self._counts and self._counts[-1][0] == bucket:
                self._counts[-1] = (bucket, self._counts[-1][1] + 1)
            else:
                self._counts.append((bucket, 1))

    def per_minute(self) -> int:
        bucket = int(self.clock() // self.BUCKET)
        with self._lock:
            self._drop_old(bucket)
            return sum(count for _, count in self._counts)

    def level(self) -> int:
        """0 at ordinary load, then one more for each doubling beyond LOAD_THRESHOLD."""
        rate = self.per_minute()
        if rate < LOAD_THRESHOLD:
            return 0
        return min(MAX_LEVEL, 1 + int(math.log2(rate / LOAD_THRESHOLD)))


class ProofOfWork:
    """Issues and checks challenges; `enabled` False (CONSEQUENCES_PROOF_OF_WORK=off) skips
    every check, for a closed deployment or a test."""

    def __init__(
        self,
        enabled: bool = True,
        clock: Callable[[], float] = time.time,
        load: LoadMeter | None = None,
        key: bytes | None = None,
    ) -> None:
        self.enabled = enabled
        self.clock = clock
        self.load = load or LoadMeter()
        self._key = key or secrets.token_bytes(32)
        # signature -> expiry time, oldest first: each challenge is accepted once.
        self._used: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def challenge(self, level: int) -> Challenge:
        level = max(0, min(level, MAX_LEVEL))
        expires = int(self.clock()) + CHALLENGE_TTL
        made = altcha.create_challenge_v1(
            altcha.ChallengeOptionsV1(
                algorithm=ALGORITHM,
                max_number=BASE_NUMBER * 2**level,
                hmac_key=self._key,
                # The level and expiry are in the salt, so the signature covers them.
                salt=secrets.token_hex(12) + f"?expires={expires}&level={level}",
            )
        )
        return Challenge(
            algorithm=made.algorithm,
            challenge=made.challenge,
            max_number=made.max_number,
            salt=made.salt,
            signature=made.signature,
        )

    def verify(self, header: str | None) -> int:
        """The level of a correct, unexpired, unused solution; ChallengeRequired or
        ChallengeFailed otherwise. Always MAX_LEVEL when proof of work is off."""
        if not self.enabled:
            return MAX_LEVEL
        if not header:
            raise ChallengeRequired("challenge_required", REQUIRED_MESSAGE)
        solution = _decode(header)
        now = self.clock()
        salt_params = solution.salt.partition("?")[2]
        params = dict(part.partition("=")[::2] for part in salt_params.split("&") if part)
        try:
            expires, level = int(params["expires"]), int(params["level"])
        except (KeyError, ValueError):
            raise ChallengeFailed("challenge_failed", FAILED_MESSAGE) from None
        if expires < now or not 0 <= level <= MAX_LEVEL:
            raise ChallengeFailed("challenge_failed", FAILED_MESSAGE)
        ok, _error = altcha.verify_solution_v1(
            altcha.PayloadV1(
                algorithm=solution.algorithm,
                challenge=solution.challenge,
                number=solution.number,
                salt=solution.salt,
                signature=solution.signature,
            ),
            self._key,
            check_expires=False,  # checked above, against this object's clock
        )
        if not ok:
            raise ChallengeFailed("challenge_failed", FAILED_MESSAGE)
        with self._lock:
            while self._used and next(iter(self._used.values())) < now:
                self._used.popitem(last=False)
            if solution.signature in self._used:
                raise ChallengeFailed("challenge_failed", FAILED_MESSAGE)
            self._used[solution.signature] = float(expires)
        return level


_solution_decoder = msgspec.json.Decoder(Solution)


def _decode(header: str) -> Solution:
    if len(header) > MAX_HEADER:
        raise ChallengeFailed("challenge_failed", FAILED_MESSAGE)
    try:
        return _solution_decoder.decode(base64.b64decode(header, validate=True))
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise ChallengeFailed("challenge_failed", FAILED_MESSAGE) from None


def solve(challenge: Challenge) -> str:
    """The X-Challenge header for a challenge, as the app makes it (for tests and tools)."""
    import hashlib

    for number in range(challenge.max_number + 1):
        digest = hashlib.sha256(f"{challenge.salt}{number}".encode()).hexdigest()
        if digest == challenge.challenge:
            payload = {
                "algorithm": challenge.algorithm,
                "challenge": challenge.challenge,
                "number": number,
                "salt": challenge.salt,
                "signature": challenge.signature,
            }
            return base64.b64encode(msgspec.json.encode(payload)).decode()
    raise ValueError("no solution")  # pragma: no cover - a challenge always has one
