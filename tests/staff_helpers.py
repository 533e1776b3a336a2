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


def give_team_key(data_dir: Path, accounts: list[tuple[str, str]]) -> None:
    """Sealed reports (issue 14): each account's own key pair and the team key, as
    `consequences staff add` and a keyholder's sign-in leave them, for accounts a test made
    with StaffService directly. The server must use `data_dir`'s own secrets folder."""
    from server.db import ThreadLocalDatabase
    from server.migrations import migrate
    from server.reports.sealing import Keyring

    migrate(data_dir)
    db = ThreadLocalDatabase(data_dir / "reports.db")
    try:
        keyring = Keyring(db, data_dir / "secrets")
        keyring.current()
        team = keyring.pending_keys()
        for username, password in accounts:
            keyring.enrol(username, password, team)
    finally:
        db.close()


def solved_challenge(base_url: str, purpose: str = "report") -> dict[str, str]:
    """The X-Challenge header for one anonymous write to a server with proof of work on,
    solved as the app solves it; {} when the server has it off."""
    import httpx

    from server.pow import Challenge, solve

    got = httpx.get(f"{base_url}/api/v1/challenge", params={"purpose": purpose}).json()
    if not got.pop("enabled"):
        return {}
    challenge = Challenge(**{"max_number" if k == "maxNumber" else k: v for k, v in got.items()})
    return {"X-Challenge": solve(challenge)}
