"""Input errors in plain words: a sentence anyone can act on, never a field name or a type.

Two sources of input errors reach the API's one error shape:

- Litestar's validation (a query parameter or body that does not fit its type): the message
  is what to fix for that input, from ``FIELD_MESSAGES``, else the general ``invalid_input``
  words; never msgspec's "Expected a whole number | null".
- Domain errors: their message may start "Check '<field>': " for whoever reads the code; the
  user gets only the plain sentence after it.

Either way the input's name goes in the error's separate ``field`` key, for programs.
"""

from __future__ import annotations

import re
from typing import Any

from server.messages import ERROR_MESSAGES, FIELD_MESSAGES

_CHECK = re.compile(r"Check '([^']+)':\s*(.+)", re.DOTALL)
# msgspec names a body field in its message: "... `text`", "... - at `$.text`".
_MSGSPEC_FIELD = re.compile(r"(?:field `([^`]+)`|at `\$\.([A-Za-z_][\w-]*))")
# Litestar's detail for an input left out: "Missing required query parameter 'path' for ...".
_MISSING = re.compile(r"Missing required \w+ parameter '([^']+)'")


def split_field(message: str) -> tuple[str, str | None]:
    """A domain message without its "Check '<field>': " prefix, and that field."""
    match = _CHECK.fullmatch(message.strip())
    if match is None:
        return message, None
    field, rest = match.groups()
    return rest[:1].upper() + rest[1:], field


def _field_of(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    found = _MSGSPEC_FIELD.search(str(item.get("message", "")))
    if found:
        return next(name for name in found.groups() if name)
    key = item.get("key")
    return str(key) if key and key != "data" else None  # "data" is the whole body


def validation_error(detail: object, extra: object) -> tuple[str, str | None]:
    """The plain English message for a failed validation, and the first input at fault.

    ``detail`` and ``extra`` are the web layer's validation exception's.
    """
    details = extra if isinstance(extra, list) else []
    field = next((name for name in map(_field_of, details) if name), None)
    if field is None and (missing := _MISSING.match(str(detail or ""))):
        field = missing.group(1)
    return FIELD_MESSAGES.get(field or "", ERROR_MESSAGES["invalid_input"]), field


def source_message(field: str | None) -> str | None:
    """The catalogue's words for what to fix in this input, if it has its own."""
    return FIELD_MESSAGES.get(field) if field else None
