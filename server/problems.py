"""Domain exceptions: what went wrong, in plain words, with no HTTP in sight.

Domain modules (the finder, reporting, staff, content) raise these; ``server.errors`` maps
each kind to a status code and the one error shape. ``code`` is stable and machine-readable;
``message`` is plain words a user can act on; it may start "Check '<field>': " to say which
input was wrong, which the API moves into the error's ``field`` key (server.plain_errors).
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain reports to a user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Invalid(DomainError):
    """What was sent cannot be used (422)."""


class NotFound(DomainError):
    """The thing asked for does not exist (404)."""


class Conflict(DomainError):
    """The request clashes with the current state (409)."""


class Forbidden(DomainError):
    """The caller may not do this (403)."""


class NotAvailable(DomainError):
    """This deployment cannot do this at all, e.g. no postcode tables are loaded (501)."""


class Unavailable(DomainError):
    """A dependency is down or busy; trying later may work (503)."""


class TooMany(DomainError):
    """A rate limit was reached (429); ``retry_after`` is in seconds."""

    def __init__(self, code: str, message: str, retry_after: int) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after
