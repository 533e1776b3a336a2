"""Staff accounts that resist guessing: TOTP, recovery codes, a per-account lock, CSRF bound to
the session and checked against Origin/Sec-Fetch-Site, and passwords that are not common."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.routes.staff import bound_csrf_token, csrf_secret
from server.settings import Settings
from server.staff import AccountLocked, StaffError, StaffService, WrongLogin
from tests.conftest import AppFactory, make_settings
from tests.staff_helpers import totp_code
from tests.test_staff import ADMIN, REVIEWER, STAFF, accounts_template, add_accounts, run_cli

__all__ = ["accounts_template"]  # the module-scoped fixture, shared with test_staff


class FakeTime:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime(1_800_000_000.0)  # 2027-01-15


@pytest.fixture
def settings(tmp_path: Path, accounts_template: Path) -> Settings:
    settings = make_settings(tmp_path / "data", logins_per_hour=10_000)
    add_accounts(settings, accounts_template)
    return settings


@pytest.fixture
def client(
    settings: Settings, make_app: AppFactory, fake_time: FakeTime
) -> Iterator[TestClient[Litestar]]:
    app = make_app(settings)
    app.state.staff_service.clock = fake_time
    with TestClient(app) as c:
        yield c


def login(
    client: TestClient[Litestar], username: str, password: str, code: str, **headers: str
) -> tuple[int, dict[str, object]]:
    token = client.get(f"{STAFF}/session").json()["csrf_token"]
    answer = client.post(
        f"{STAFF}/login",
        json={"username": username, "password": password, "totp": code},
        headers={"X-CSRF-Token": token, **headers},
    )
    return answer.status_code, answer.json()


def code_for(settings: Settings, username: str, fake_time: FakeTime) -> str:
    return totp_code(settings.data_path / "reports.db", username, at=fake_time.now)


# -- the second factor


def test_sign_in_needs_the_authenticator_code(
    client: TestClient[Litestar], settings: Settings, fake_time: FakeTime
) -> None:
    status, body = login(client, *ADMIN, "")
    assert (401, "wrong_login") == (status, body["error"]["code"])  # type: ignore[index]
    status, _ = login(client, *ADMIN, "000000")
    assert 401 == status
    code = code_for(settings, "ada", fake_time)
    status, body = login(client, *ADMIN, code)
    assert 200 == status
    # The first sign-in finishes enrolment and shows ten single-use recovery codes once.
    recovery = body["recovery_codes"]
    assert isinstance(recovery, list) and 10 == len(set(recovery))
    # The same code cannot be used twice.
    status, _ = login(client, *ADMIN, code)
    assert 401 == status
    # A recovery code works once, in the same field.
    status, body = login(client, *ADMIN, recovery[0])
    assert (200, []) == (status, body.get("recovery_codes", []))
    status, _ = login(client, *ADMIN, recovery[0])
    assert 401 == status


def test_first_sign_in_shows_the_enrolment_as_a_qr_code_only_until_enrolled(
    client: TestClient[Litestar], settings: Settings, fake_time: FakeTime
) -> None:
    token = client.get(f"{STAFF}/session").json()["csrf_token"]
    headers = {"X-CSRF-Token": token}
    wrong = client.post(
        f"{STAFF}/login/enrolment",
        json={"username": "rey", "password": "not it at all"},
        headers=headers,
    )
    assert 401 == wrong.status_code
    shown = client.post(
        f"{STAFF}/login/enrolment",
        json={"username": REVIEWER[0], "password": REVIEWER[1]},
        headers=headers,
    ).json()
    assert shown["totp_uri"].startswith("otpauth://totp/Consequences%20Card:rey?secret=")
    assert shown["qr_svg"].startswith("<svg")
    secret = re.search(r"secret=([A-Z2-7]+)", shown["totp_uri"]).group(1)  # type: ignore[union-attr]
    status, _ = login(client, *REVIEWER, pyotp.TOTP(secret).at(int(fake_time.now)))
    assert 200 == status
    again = client.post(
        f"{STAFF}/login/enrolment",
        json={"username": REVIEWER[0], "password": REVIEWER[1]},
        headers={"X-CSRF-Token": client.get(f"{STAFF}/session").json()["csrf_token"]},
    )
    assert 401 == again.status_code


def test_reset_2fa_gives_a_new_enrolment_and_ends_the_old_one(
    client: TestClient[Litestar],
    settings: Settings,
    fake_time: FakeTime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old_secret = _secret(settings, "rey")
    status, _ = login(client, *REVIEWER, code_for(settings, "rey", fake_time))
    assert 200 == status
    assert 200 == client.get(f"{STAFF}/reports").status_code
    code, out, _ = run_cli(
        monkeypatch, ["staff", "reset-2fa", "rey", "--data-dir", settings.data_dir]
    )
    assert 0 == code
    uri = out.splitlines()[-1]
    assert uri.startswith("otpauth://totp/") and old_secret not in uri
    assert 401 == client.get(f"{STAFF}/reports").status_code  # signed out
    fake_time.now += 60
    status, _ = login(client, *REVIEWER, pyotp.TOTP(old_secret).at(int(fake_time.now)))
    assert 401 == status
    status, _ = login(client, *REVIEWER, code_for(settings, "rey", fake_time))
    assert 200 == status
    code, _, err = run_cli(
        monkeypatch, ["staff", "reset-2fa", "nobody", "--data-dir", settings.data_dir]
    )
    assert (1, "There is no account called nobody.\n") == (code, err)


def _secret(settings: Settings, username: str) -> str:
    conn = sqlite3.connect(settings.data_path / "reports.db")
    (secret,) = conn.execute(
        "SELECT totp_secret FROM staff WHERE username = ?", (username,)
    ).fetchone()
    conn.close()
    return str(secret)


# -- the per-account lock


def test_ten_failures_in_an_hour_lock_the_account_for_fifteen_minutes_whatever_the_source(
    client: TestClient[Litestar], settings: Settings, fake_time: FakeTime
) -> None:
    answers = []
    for attempt in range(10):
        # The lock counts per account: it does not matter where the attempts come from
        # (the per-source limit is set high here, so only the account's lock can stop them).
        status, _ = login(client, "ada", f"guess number {attempt:02d}", "123456")
        answers.append(status)
        fake_time.now += 5
    assert [401] * 10 == answers
    # Now even the right password and code are refused, the same way as for a name that
    # does not exist and has been guessed at as often.
    status, locked = login(client, *ADMIN, code_for(settings, "ada", fake_time))
    assert (429, "account_locked") == (status, locked["error"]["code"])  # type: ignore[index]
    for attempt in range(10):
        login(client, "nobody", f"guess number {attempt:02d}", "123456")
    status, unknown = login(client, "nobody", "whatever it is", "123456")
    assert (429, locked) == (status, unknown)
    # The reviewer's account is not affected.
    status, _ = login(client, *REVIEWER, code_for(settings, "rey", fake_time))
    assert 200 == status
    # Fifteen minutes on, the account opens again.
    fake_time.now += 15 * 60
    status, _ = login(client, *ADMIN, code_for(settings, "ada", fake_time))
    assert 200 == status
    conn = sqlite3.connect(settings.data_path / "reports.db")
    locks = conn.execute(
        "SELECT username, detail FROM audit_log WHERE action = 'account_locked' ORDER BY id"
    ).fetchall()
    conn.close()
    assert [
        ("ada", "10 failed sign-ins in an hour; locked for 15 minutes"),
        ("(unknown account)", "10 failed sign-ins in an hour; locked for 15 minutes"),
    ] == locks


def test_failures_older_than_an_hour_do_not_count(tmp_path: Path) -> None:
    from server.migrations import migrate

    migrate(tmp_path)
    clock = FakeTime(1_800_000_000.0)
    service = StaffService(tmp_path / "reports.db", clock=clock)
    service.add("test", "sam", "sam's long passphrase", "lead")
    for _ in range(9):
        with pytest.raises(WrongLogin):
            service.sign_in("sam", "wrong password!!", "")
    clock.now += 3601
    for _ in range(9):
        with pytest.raises(WrongLogin):
            service.sign_in("sam", "wrong password!!", "")
    with pytest.raises(WrongLogin):  # the tenth within the hour locks it
        service.sign_in("sam", "wrong password!!", "")
    with pytest.raises(AccountLocked):
        service.sign_in("sam", "sam's long passphrase", "")
    service.close()


# -- CSRF bound to the session


def test_the_csrf_token_is_rotated_at_sign_in_and_bound_to_the_session(
    client: TestClient[Litestar], settings: Settings, fake_time: FakeTime, make_app: AppFactory
) -> None:
    before = client.get(f"{STAFF}/session").json()["csrf_token"]
    status, body = login(client, *ADMIN, code_for(settings, "ada", fake_time))
    assert 200 == status
    after = str(body["csrf_token"])
    assert after != before
    assert after == client.get(f"{STAFF}/session").json()["csrf_token"]
    # The token from before sign-in no longer works, even with a matching cookie.
    client.cookies.set("staff_csrf", before, path="/api/v1/staff")
    stale = client.post(f"{STAFF}/logout", headers={"X-CSRF-Token": before})
    assert (403, "csrf_failed") == (stale.status_code, stale.json()["error"]["code"])
    # Another session's token (and cookie) does not work with this session.
    fake_time.now += 30
    service: StaffService = client.app.state.staff_service
    other = service.sign_in(*REVIEWER, code_for(settings, "rey", fake_time))
    theirs = bound_csrf_token(csrf_secret(settings.secrets_path), other.token)
    assert theirs != after
    client.cookies.set("staff_csrf", theirs, path="/api/v1/staff")
    crossed = client.post(f"{STAFF}/logout", headers={"X-CSRF-Token": theirs})
    assert 403 == crossed.status_code
    client.cookies.set("staff_csrf", after, path="/api/v1/staff")
    assert 204 == client.post(f"{STAFF}/logout", headers={"X-CSRF-Token": after}).status_code


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_requests_from_another_site_are_refused(
    client: TestClient[Litestar], settings: Settings, fake_time: FakeTime, headers: dict[str, str]
) -> None:
    status, body = login(client, *ADMIN, code_for(settings, "ada", fake_time), **headers)
    assert (403, "csrf_failed") == (status, body["error"]["code"])  # type: ignore[index]
    status, body = login(client, *ADMIN, code_for(settings, "ada", fake_time))
    assert 200 == status
    token = str(body["csrf_token"])
    refused = client.post(f"{STAFF}/logout", headers={"X-CSRF-Token": token, **headers})
    assert 403 == refused.status_code
    same = {"Origin": "http://testserver.local", "Sec-Fetch-Site": "same-origin"}
    assert (
        204 == client.post(f"{STAFF}/logout", headers={"X-CSRF-Token": token, **same}).status_code
    )


# -- passwords


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short one", "at least 12 characters"),
        ("qwerty123456", "too common"),
        ("1q2w3e4r5t6y", "too common"),
        ("LeaveMeAlone", "too common"),
        ("aaaaaaaaaaaaaaaa", "too common"),
    ],
)
def test_short_and_common_passwords_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, password: str, message: str
) -> None:
    code, _, err = run_cli(
        monkeypatch, ["staff", "add", "sam", "--data-dir", str(tmp_path / "data")], password + "\n"
    )
    assert 1 == code
    assert message in err


def test_a_long_uncommon_password_is_accepted(tmp_path: Path) -> None:
    from server.staff import check_password

    check_password("correct horse battery staple")
    with pytest.raises(StaffError):
        check_password("password1234")
