"""Server secrets: random keys kept in files outside the databases, created on first start."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

SECRET_BYTES = 32


class SecretError(RuntimeError):
    """A secret file exists but cannot be used (wrong size): refuse to start rather than guess."""


def load_or_create(directory: Path, name: str) -> bytes:
    """The secret called `name`, made on first use; safe when several workers start at once.

    The key lives in its own file (mode 0600) so that a copy of reports.db alone cannot
    be used to check guessed follow-up codes. Creation writes a temporary file and links it
    into place, which fails if another worker won the race; then everyone reads the winner.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{name}.key"
    if not path.exists():
        tmp = directory / f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(SECRET_BYTES))
                out.flush()
                os.fsync(out.fileno())
            # os.link refuses to replace an existing file: the first worker's key wins.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    value = path.read_bytes()
    if len(value) != SECRET_BYTES:
        raise SecretError(
            f"{path} should hold {SECRET_BYTES} bytes but holds {len(value)}. Restore it from "
            "your backup; without it, follow-up codes already given out cannot be checked."
        )
    return value
