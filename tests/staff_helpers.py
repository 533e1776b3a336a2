"""Signing staff in from tests: the authenticator's code, computed as the staff member's app
would from the secret the account was enrolled with."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pyotp


def totp_code(db_path: Path, username: str, at: float | None = None) -> str:
    """A 6-digit code the server has not seen yet for this account (each works once)."""
    conn = sqlite3.connect(db_path)
    try:
        secret, last_step = conn.execute(
            "SELECT totp_secret, totp_last_step FROM staff WHERE username = ?", (username,)
        ).fetchone()
    finally:
        conn.close()
    totp = pyotp.TOTP(secret)
    step = max(int(at if at is not None else time.time()) // totp.interval, last_step + 1)
    return totp.at(step * totp.interval)
