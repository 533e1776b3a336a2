"""The staff inbox: accounts, sign-in cookies, CSRF, roles, triage, replies, export, audit log."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.cli import main as cli_main
from server.db import ThreadLocalDatabase
from server.reports import PAGE_SIZE, NewReport, ReportStore
from server.reports.sealing import Keyring
from server.settings import Settings
from server.staff import StaffService
from tests.conftest import AppFactory, make_settings
from tests.staff_helpers import totp_code

STAFF = "/api/v1/staff"
REPORTS = "/api/v1/reports"
ADMIN = ("ada", "ada's long passphrase 1")
REVIEWER = ("rey", "rey's long passphrase 2")


@pytest.fixture(scope="module")
def accounts_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reports.db holding an admin (ada) and a reviewer (rey), made once per module.

    Hashing a password with argon2id is deliberately slow, so each test copies this file
    rather than hashing the two passwords again.
    """
    from server.migrations import migrate

    data = tmp_path_factory.mktemp("accounts")
    migrate(data)
    service = StaffService(data / "reports.db")
    service.add("test", ADMIN[0], ADMIN[1], "admin")
    service.add("test", REVIEWER[0], REVIEWER[1], "reviewer")
    service.close()
    # Each with their own key pair and the team key, as `consequences staff add` leaves them
    # (sealed reports, issue 14); the first admin takes over the team key.
    db = ThreadLocalDatabase(data / "reports.db")
    keyring = Keyring(db, data / "secrets")
    assert keyring.enrol(ADMIN[0], ADMIN[1])
    keyring.enrol(REVIEWER[0], REVIEWER[1], keyring.unlock(ADMIN[0], ADMIN[1]))
    db.close()
    conn = sqlite3.connect(data / "reports.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return data / "reports.db"


def add_accounts(settings: Settings, template: Path) -> None:
    settings.data_path.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, settings.data_path / "reports.db")


@pytest.fixture
def staffed_settings(tmp_path: Path, accounts_template: Path) -> Settings:
    """An admin (ada) and a reviewer (rey), and limits roomy enough for many reports."""
    settings = make_settings(
        tmp_path / "data",
        reports_per_hour=10_000,
        lookups_per_hour=10_000,
    )
    add_accounts(settings, accounts_template)
    return settings


@pytest.fixture
def staffed_client(
    staffed_settings: Settings, make_app: AppFactory
) -> Iterator[TestClient[Litestar]]:
    with TestClient(make_app(staffed_settings)) as c:
        yield c


@pytest.fixture
def staffed_https_client(
    tmp_path: Path, accounts_template: Path, make_app: AppFactory
) -> Iterator[TestClient[Litestar]]:
    """The same, served over TLS at its public https address."""
    settings = make_settings(tmp_path / "data", public_url="https://cards.example.org")
    add_accounts(settings, accounts_template)
    with TestClient(make_app(settings), base_url="https://testserver.local") as c:
        yield c


def totp(client: TestClient[Litestar], username: str) -> str:
    settings: Settings = client.app.state.settings
    return totp_code(settings.data_path / "reports.db", username)


def sign_in(client: TestClient[Litestar], account: tuple[str, str] = ADMIN) -> str:
    """Sign in as the page does; returns the new CSRF token for later state-changing requests."""
    token = client.get(f"{STAFF}/session").json()["csrf_token"]
    response = client.post(
        f"{STAFF}/login",
        json={"username": account[0], "password": account[1], "totp": totp(client, account[0])},
        headers={"X-CSRF-Token": token},
    )
    assert 200 == response.status_code, response.text
    return str(response.json()["csrf_token"])


def send_report(client: TestClient[Litestar], **overrides: Any) -> str:
    body = {
        "category": "someone_carrying",
        "what_happened": "He has a knife in his school bag.",
        "when": "today",
        "danger_now": False,
        "lang": "en",
        **overrides,
    }
    response = client.post(REPORTS, json=body)
    assert 201 == response.status_code, response.text
    return str(response.json()["code"])


def audit_rows(settings: Settings) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(settings.data_path / "reports.db")
    rows = conn.execute(
        "SELECT username, action, report_id, detail FROM audit_log ORDER BY id"
    ).fetchall()
    conn.close()
    return rows


def report_id(client: TestClient[Litestar], text: str) -> int:
    """The number of the report with this text, found as staff find it: in the inbox (the
    text is sealed in the database)."""
    items = client.get(f"{STAFF}/reports").json()["items"]
    (found,) = [item["id"] for item in items if item["excerpt"] == text]
    return int(found)


# -- accounts from the command line


def run_cli(
    monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str = ""
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = cli_main(args)
    return code, out.getvalue(), err.getvalue()


def test_staff_add_list_remove_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = str(tmp_path / "data")
    code, out, _ = run_cli(
        monkeypatch,
        ["staff", "add", "sam", "--role", "admin", "--data-dir", data],
        "a very long password\n",
    )
    # The first admin also gets the sealed reports' recovery key, shown this once, and then
    # the account's authenticator enrolment on the last line.
    first_line, _, rest = out.partition("\n")
    assert (0, "Added sam (admin).") == (code, first_line)
    assert "RECOVERY KEY" in rest
    assert re.search(r"^([A-Z2-7]{4}-){12}[A-Z2-7]{4}$", rest, re.MULTILINE)
    assert out.splitlines()[-1].startswith("otpauth://totp/Consequences%20Card:sam?secret=")
    code, out, _ = run_cli(
        monkeypatch, ["staff", "add", "kim", "--data-dir", data], "another pw 12\n"
    )
    assert 0 == code
    code, out, _ = run_cli(monkeypatch, ["staff", "list", "--data-dir", data])
    assert 0 == code
    assert ["kim reviewer", "sam admin"] == [
        " ".join(line.split()[:2]) for line in out.splitlines()
    ]
    code, out, _ = run_cli(monkeypatch, ["staff", "remove", "kim", "--data-dir", data])
    assert 0 == code
    _, out, _ = run_cli(monkeypatch, ["staff", "list", "--data-dir", data])
    assert "kim" not in out


def test_the_password_is_stored_as_an_argon2id_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    run_cli(monkeypatch, ["staff", "add", "sam", "--data-dir", str(data)], "a very long password\n")
    conn = sqlite3.connect(data / "reports.db")
    (stored,) = conn.execute("SELECT password_hash FROM staff").fetchone()
    conn.close()
    assert stored.startswith("$argon2id$")
    assert "a very long password" not in stored


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["staff", "add", "sam"], "short\n", "at least 12 characters"),
        (["staff", "add", "bad name!"], "a very long password\n", "username"),
        (["staff", "remove", "nobody"], "", "no account"),
    ],
)
def test_the_command_line_refuses_in_plain_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str, message: str
) -> None:
    code, _, err = run_cli(monkeypatch, [*args, "--data-dir", str(tmp_path / "data")], stdin)
    assert 1 == code
    assert message in err


def test_adding_the_same_username_twice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = str(tmp_path / "data")
    run_cli(monkeypatch, ["staff", "add", "sam", "--data-dir", data], "a very long password\n")
    code, _, err = run_cli(
        monkeypatch, ["staff", "add", "SAM", "--data-dir", data], "a very long password\n"
    )
    assert 1 == code
    assert "already an account" in err


# -- signing in


def test_sign_in_sets_a_strict_httponly_expiring_session_cookie(
    staffed_client: TestClient[Litestar],
) -> None:
    token = staffed_client.get(f"{STAFF}/session").json()["csrf_token"]
    response = staffed_client.post(
        f"{STAFF}/login",
        json={"username": ADMIN[0], "password": ADMIN[1], "totp": totp(staffed_client, "ada")},
        headers={"X-CSRF-Token": token},
    )
    assert {"id": 1, "username": "ada", "role": "admin"} == response.json()["user"]
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("staff_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Path=/api/v1/staff" in cookie
    assert "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the TLS test
    assert "no-store" in response.headers["cache-control"]
    session = staffed_client.get(f"{STAFF}/session").json()
    assert "ada" == session["user"]["username"]


def test_the_session_cookie_is_secure_over_tls(staffed_https_client: TestClient[Litestar]) -> None:
    token = staffed_https_client.get(f"{STAFF}/session").json()["csrf_token"]
    response = staffed_https_client.post(
        f"{STAFF}/login",
        json={
            "username": ADMIN[0],
            "password": ADMIN[1],
            "totp": totp(staffed_https_client, "ada"),
        },
        headers={"X-CSRF-Token": token},
    )
    assert 200 == response.status_code
    assert "Secure" in response.headers["set-cookie"]


def test_the_csrf_cookie_is_scoped_to_the_staff_api(staffed_client: TestClient[Litestar]) -> None:
    cookie = staffed_client.get(f"{STAFF}/session").headers["set-cookie"]
    assert cookie.startswith("staff_csrf=")
    assert "Path=/api/v1/staff" in cookie
    assert "HttpOnly" in cookie


@pytest.mark.parametrize("account", [("ada", "wrong password!!"), ("nobody", "whatever it is")])
def test_a_wrong_password_or_username_is_401_in_the_same_words(
    staffed_client: TestClient[Litestar], account: tuple[str, str]
) -> None:
    token = staffed_client.get(f"{STAFF}/session").json()["csrf_token"]
    response = staffed_client.post(
        f"{STAFF}/login",
        json={"username": account[0], "password": account[1]},
        headers={"X-CSRF-Token": token},
    )
    assert 401 == response.status_code
    assert {
        "code": "wrong_login",
        "message": "That username and password do not match.",
    } == response.json()["error"]
    assert "set-cookie" not in response.headers


def test_sign_in_attempts_are_rate_limited(
    tmp_path: Path, accounts_template: Path, make_app: AppFactory
) -> None:
    settings = make_settings(tmp_path / "data", logins_per_hour=3)
    add_accounts(settings, accounts_template)
    with TestClient(make_app(settings)) as c:
        token = c.get(f"{STAFF}/session").json()["csrf_token"]
        statuses = [
            c.post(
                f"{STAFF}/login",
                json={"username": "ada", "password": "guess number one"},
                headers={"X-CSRF-Token": token},
            )
            for _ in range(4)
        ]
    assert [401, 401, 401, 429] == [r.status_code for r in statuses]
    assert int(statuses[-1].headers["retry-after"]) > 0
    assert "too_many_requests" == statuses[-1].json()["error"]["code"]


def test_logout_ends_the_session(staffed_client: TestClient[Litestar]) -> None:
    token = sign_in(staffed_client)
    old_cookie = staffed_client.cookies.get("staff_session")
    response = staffed_client.post(f"{STAFF}/logout", headers={"X-CSRF-Token": token})
    assert 204 == response.status_code
    assert "Max-Age=0" in response.headers["set-cookie"]
    staffed_client.cookies.set("staff_session", str(old_cookie), path="/api/v1/staff")
    assert 401 == staffed_client.get(f"{STAFF}/reports").status_code


def test_an_expired_session_is_401(
    staffed_client: TestClient[Litestar], staffed_settings: Settings
) -> None:
    sign_in(staffed_client)
    assert 200 == staffed_client.get(f"{STAFF}/reports").status_code
    conn = sqlite3.connect(staffed_settings.data_path / "reports.db")
    conn.execute("UPDATE staff_sessions SET expires_at = 0")
    conn.commit()
    conn.close()
    assert 401 == staffed_client.get(f"{STAFF}/reports").status_code


def test_sessions_are_stored_only_as_hashes(
    staffed_client: TestClient[Litestar], staffed_settings: Settings
) -> None:
    sign_in(staffed_client)
    cookie = str(staffed_client.cookies.get("staff_session"))
    for path in staffed_settings.data_path.rglob("*"):
        if path.is_file():
            assert cookie.encode() not in path.read_bytes(), path


def test_removing_an_account_ends_its_sessions(
    staffed_client: TestClient[Litestar],
    staffed_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_in(staffed_client, REVIEWER)
    assert 200 == staffed_client.get(f"{STAFF}/reports").status_code
    run_cli(monkeypatch, ["staff", "remove", "rey", "--data-dir", staffed_settings.data_dir])
    assert 401 == staffed_client.get(f"{STAFF}/reports").status_code


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/reports"),
        ("GET", "/reports/1"),
        ("PATCH", "/reports/1"),
        ("POST", "/reports/1/messages"),
        ("GET", "/reports/export.csv"),
        ("GET", "/accounts"),
        ("POST", "/accounts"),
        ("DELETE", "/accounts/rey"),
        ("GET", "/audit"),
        ("POST", "/logout"),
    ],
)
def test_staff_endpoints_without_a_session_are_401(
    staffed_client: TestClient[Litestar], method: str, path: str
) -> None:
    token = staffed_client.get(f"{STAFF}/session").json()["csrf_token"]
    body = {"text": "hi"} if "messages" in path else {}
    response = staffed_client.request(
        method,
        STAFF + path,
        json=body if method != "GET" else None,
        headers={"X-CSRF-Token": token},
    )
    assert 401 == response.status_code
    assert "not_signed_in" == response.json()["error"]["code"]


# -- CSRF


def test_sign_in_without_the_csrf_token_is_403(staffed_client: TestClient[Litestar]) -> None:
    staffed_client.get(f"{STAFF}/session")
    response = staffed_client.post(
        f"{STAFF}/login", json={"username": ADMIN[0], "password": ADMIN[1]}
    )
    assert 403 == response.status_code
    assert "csrf_failed" == response.json()["error"]["code"]


@pytest.mark.parametrize("header", [None, "forged-token", "0" * 128])
def test_state_changing_requests_need_the_csrf_token(
    staffed_client: TestClient[Litestar], staffed_settings: Settings, header: str | None
) -> None:
    token = sign_in(staffed_client)
    send_report(staffed_client, what_happened="csrf check")
    rid = report_id(staffed_client, "csrf check")
    headers = {"X-CSRF-Token": header} if header else {}
    for method, path, body in [
        ("PATCH", f"/reports/{rid}", {"status": "closed"}),
        ("POST", f"/reports/{rid}/messages", {"text": "hello"}),
        ("POST", "/accounts", {"username": "eve", "password": "a long password!", "role": "admin"}),
        ("DELETE", "/accounts/rey", None),
        ("POST", "/logout", None),
    ]:
        response = staffed_client.request(method, STAFF + path, json=body, headers=headers)
        assert 403 == response.status_code, (method, path)
        assert "csrf_failed" == response.json()["error"]["code"]
    detail = staffed_client.get(f"{STAFF}/reports/{rid}").json()
    assert "received" == detail["status"]
    assert [] == detail["messages"]
    ok = staffed_client.patch(
        f"{STAFF}/reports/{rid}",
        json={"status": "being_looked_at"},
        headers={"X-CSRF-Token": token},
    )
    assert 200 == ok.status_code


def test_reporter_endpoints_need_no_csrf_token_and_set_no_cookie(
    staffed_client: TestClient[Litestar],
) -> None:
    staffed_client.cookies.clear()
    response = staffed_client.post(
        REPORTS,
        json={
            "category": "unsafe_place",
            "what_happened": "The underpass at night",
            "when": "earlier",
            "danger_now": False,
            "lang": "en",
        },
    )
    assert 201 == response.status_code
    assert "set-cookie" not in response.headers
    lookup = staffed_client.post(f"{REPORTS}/lookup", json={"code": response.json()["code"]})
    assert "set-cookie" not in lookup.headers


# -- roles


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/accounts", None),
        ("POST", "/accounts", {"username": "eve", "password": "a long password!", "role": "admin"}),
        ("DELETE", "/accounts/ada", None),
        ("GET", "/audit", None),
    ],
)
def test_a_reviewer_managing_accounts_is_403(
    staffed_client: TestClient[Litestar], method: str, path: str, body: Any
) -> None:
    token = sign_in(staffed_client, REVIEWER)
    response = staffed_client.request(
        method, STAFF + path, json=body, headers={"X-CSRF-Token": token}
    )
    assert 403 == response.status_code
    assert "admin_only" == response.json()["error"]["code"]


def test_an_admin_manages_accounts(staffed_client: TestClient[Litestar]) -> None:
    token = sign_in(staffed_client)
    headers = {"X-CSRF-Token": token}
    created = staffed_client.post(
        f"{STAFF}/accounts",
        json={"username": "eve", "password": "eve's passphrase", "role": "reviewer"},
        headers=headers,
    )
    assert 201 == created.status_code
    names = [a["username"] for a in staffed_client.get(f"{STAFF}/accounts").json()]
    assert ["ada", "eve", "rey"] == names
    short = staffed_client.post(
        f"{STAFF}/accounts", json={"username": "tom", "password": "short"}, headers=headers
    )
    assert 422 == short.status_code
    assert 204 == staffed_client.delete(f"{STAFF}/accounts/eve", headers=headers).status_code
    assert 404 == staffed_client.delete(f"{STAFF}/accounts/eve", headers=headers).status_code
    assert 409 == staffed_client.delete(f"{STAFF}/accounts/ada", headers=headers).status_code


def test_a_reviewer_can_triage(staffed_client: TestClient[Litestar]) -> None:
    send_report(staffed_client)
    token = sign_in(staffed_client, REVIEWER)
    assert 1 == staffed_client.get(f"{STAFF}/reports").json()["total"]
    response = staffed_client.patch(
        f"{STAFF}/reports/1", json={"status": "being_looked_at"}, headers={"X-CSRF-Token": token}
    )
    assert "being_looked_at" == response.json()["status"]


# -- the inbox and triage


def test_the_inbox_puts_danger_first_then_newest(
    staffed_client: TestClient[Litestar], staffed_settings: Settings
) -> None:
    for text, danger in [("old calm", False), ("old danger", True), ("new calm", False)]:
        send_report(staffed_client, what_happened=text, danger_now=danger)
    send_report(staffed_client, what_happened="new danger", danger_now=True)
    conn = sqlite3.connect(staffed_settings.data_path / "reports.db")
    conn.execute(
        "UPDATE reports SET received_hour = '2020-01-01T10:00Z' WHERE what_happened LIKE 'old%'"
    )
    conn.commit()
    conn.close()
    sign_in(staffed_client)
    inbox = staffed_client.get(f"{STAFF}/reports").json()
    assert ["new danger", "old danger", "new calm", "old calm"] == [
        item["excerpt"] for item in inbox["items"]
    ]
    assert (1, 1, 4) == (inbox["page"], inbox["pages"], inbox["total"])


def test_the_inbox_filters_and_pages(staffed_client: TestClient[Litestar]) -> None:
    store: ReportStore = staffed_client.app.state.reports
    for i in range(PAGE_SIZE + 2):
        store.create(
            NewReport(
                category="unsafe_place" if i % 2 else "seen_a_knife",
                what_happened=f"report {i}",
                when="earlier",
                danger_now=False,
                lang="en",
            )
        )
    sign_in(staffed_client)
    first = staffed_client.get(f"{STAFF}/reports").json()
    second = staffed_client.get(f"{STAFF}/reports?page=2").json()
    assert (PAGE_SIZE, 2, PAGE_SIZE + 2) == (len(first["items"]), first["pages"], first["total"])
    assert 2 == len(second["items"])
    all_ids = {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]}
    assert PAGE_SIZE + 2 == len(all_ids)
    knives = staffed_client.get(f"{STAFF}/reports?category=seen_a_knife").json()
    assert 14 == knives["total"]
    assert {"seen_a_knife"} == {i["category"] for i in knives["items"]}
    assert 0 == staffed_client.get(f"{STAFF}/reports?status=closed").json()["total"]
    assert 422 == staffed_client.get(f"{STAFF}/reports?status=lost").status_code
    assert 422 == staffed_client.get(f"{STAFF}/reports?page=0").status_code


def test_status_and_notes_change_and_the_reporter_sees_only_the_status(
    staffed_client: TestClient[Litestar],
) -> None:
    code = send_report(staffed_client)
    token = sign_in(staffed_client)
    detail = staffed_client.get(f"{STAFF}/reports/1").json()
    assert "He has a knife in his school bag." == detail["what_happened"]
    staffed_client.patch(
        f"{STAFF}/reports/1",
        json={"notes": "Passed to the school's safeguarding lead."},
        headers={"X-CSRF-Token": token},
    )
    response = staffed_client.post(
        f"{STAFF}/reports/1/decision",
        json={
            "outcome": "concern_confirmed",
            "reason": "The school's safeguarding lead can act today.",
            "destination": "school_dsl",
        },
        headers={"X-CSRF-Token": token},
    )
    assert 200 == response.status_code
    assert ("passed_on", "Passed to the school's safeguarding lead.") == (
        response.json()["status"],
        response.json()["notes"],
    )
    seen = staffed_client.post(f"{REPORTS}/lookup", json={"code": code})
    assert "passed_on" == seen.json()["status"]
    assert "passed your report on" in seen.json()["status_text"]
    assert "safeguarding lead" not in seen.text


def test_unknown_fields_and_unknown_reports_are_refused(
    staffed_client: TestClient[Litestar],
) -> None:
    send_report(staffed_client)
    token = sign_in(staffed_client)
    headers = {"X-CSRF-Token": token}
    bad = staffed_client.patch(f"{STAFF}/reports/1", json={"owner": "me"}, headers=headers)
    assert 422 == bad.status_code
    assert "owner" == bad.json()["error"]["field"]
    missing = staffed_client.patch(
        f"{STAFF}/reports/99", json={"status": "being_looked_at"}, headers=headers
    )
    assert 404 == missing.status_code
    assert "report_not_found" == missing.json()["error"]["code"]


def test_a_team_message_reaches_the_reporter_and_their_answer_reaches_the_team(
    staffed_client: TestClient[Litestar],
) -> None:
    code = send_report(staffed_client)
    token = sign_in(staffed_client)
    assert staffed_client.get(f"{STAFF}/reports").json()["items"][0]["awaiting_team"]
    sent = staffed_client.post(
        f"{STAFF}/reports/1/messages",
        json={"text": "Which bus stop was it?"},
        headers={"X-CSRF-Token": token},
    )
    assert 201 == sent.status_code
    assert not staffed_client.get(f"{STAFF}/reports").json()["items"][0]["awaiting_team"]
    thread = staffed_client.post(f"{REPORTS}/lookup", json={"code": code}).json()
    assert [("team", "Which bus stop was it?")] == [
        (m["sender"], m["text"]) for m in thread["messages"]
    ]
    assert "ada" not in str(thread)  # the reporter sees "the team", not who
    staffed_client.post(f"{REPORTS}/reply", json={"code": code, "text": "Dunstable Road"})
    detail = staffed_client.get(f"{STAFF}/reports/1").json()
    assert [("team", "ada", "Which bus stop was it?"), ("reporter", None, "Dunstable Road")] == [
        (m["sender"], m["staff_username"], m["text"]) for m in detail["messages"]
    ]
    assert detail["awaiting_team"]


def test_export_csv_for_the_police(staffed_client: TestClient[Litestar]) -> None:
    code = send_report(
        staffed_client,
        what_happened='=HYPERLINK("http://evil.example","click")',
        where="Dunstable Road, by the shop",
        area="LU1",
        danger_now=True,
    )
    staffed_client.post(f"{REPORTS}/reply", json={"code": code, "text": "+44 is his number"})
    send_report(staffed_client, category="unsafe_place", what_happened="the underpass")
    sign_in(staffed_client)
    response = staffed_client.get(f"{STAFF}/reports/export.csv?category=someone_carrying")
    assert 200 == response.status_code
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert "what happened" in rows[0]
    assert 2 == len(rows)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert '\'=HYPERLINK("http://evil.example","click")' == row["what happened"]
    assert "Dunstable Road, by the shop" == row["where"]
    assert "yes" == row["danger now"]
    assert row["further messages from the reporter"].endswith("+44 is his number")
    both = staffed_client.get(f"{STAFF}/reports/export.csv?ids=1,2")
    assert 3 == len(list(csv.reader(io.StringIO(both.text))))


# -- the audit log


def test_every_staff_action_is_in_the_audit_log_without_reporter_text(
    staffed_client: TestClient[Litestar], staffed_settings: Settings
) -> None:
    secret_text = "UNIQUE-REPORTER-TEXT-4471"
    send_report(staffed_client, what_happened=secret_text)
    token = sign_in(staffed_client)
    headers = {"X-CSRF-Token": token}
    staffed_client.get(f"{STAFF}/reports?status=received")
    staffed_client.get(f"{STAFF}/reports/1")
    staffed_client.patch(
        f"{STAFF}/reports/1",
        json={"status": "being_looked_at", "notes": secret_text},
        headers=headers,
    )
    staffed_client.post(f"{STAFF}/reports/1/messages", json={"text": secret_text}, headers=headers)
    staffed_client.post(
        f"{STAFF}/reports/1/decision",
        json={"outcome": "not_enough_information", "reason": secret_text,
              "destination": "no_further_action"},
        headers=headers,
    )  # fmt: skip
    staffed_client.get(f"{STAFF}/reports/export.csv")
    staffed_client.post(
        f"{STAFF}/accounts",
        json={"username": "eve", "password": "eve's passphrase"},
        headers=headers,
    )
    staffed_client.delete(f"{STAFF}/accounts/eve", headers=headers)
    staffed_client.post(f"{STAFF}/logout", headers=headers)
    rows = audit_rows(staffed_settings)
    actions = [(r[0], r[1], r[2]) for r in rows if r[0] not in ("test", "system")]
    assert ("system", "received", 1, "") in rows
    assert [
        ("ada", "enrolled_2fa", None),
        ("ada", "login", None),
        ("ada", "view_inbox", None),
        ("ada", "view_report", 1),
        ("ada", "change_status", 1),
        ("ada", "acknowledge", 1),
        ("ada", "edit_notes", 1),
        ("ada", "send_message", 1),
        ("ada", "decide", 1),
        ("ada", "export_csv", None),
        ("ada", "add_account", None),
        ("ada", "remove_account", None),
        ("ada", "logout", None),
    ] == actions
    assert ("ada", "change_status", 1, "received -> being_looked_at") in rows
    assert (
        "ada",
        "decide",
        1,
        "outcome=not_enough_information destination=no_further_action",
    ) in rows
    assert all(secret_text not in str(row) for row in rows)


def test_failed_sign_ins_are_audited_for_real_accounts(
    staffed_client: TestClient[Litestar], staffed_settings: Settings
) -> None:
    token = staffed_client.get(f"{STAFF}/session").json()["csrf_token"]
    staffed_client.post(
        f"{STAFF}/login",
        json={"username": "rey", "password": "not the password"},
        headers={"X-CSRF-Token": token},
    )
    assert ("rey", "login_failed", None, "") == audit_rows(staffed_settings)[-1]


def test_an_admin_reads_the_audit_log(staffed_client: TestClient[Litestar]) -> None:
    sign_in(staffed_client)
    staffed_client.get(f"{STAFF}/reports")
    log = staffed_client.get(f"{STAFF}/audit").json()
    assert ["view_inbox", "login"] == [e["action"] for e in log["entries"][:2]]
    assert all(e["at"].endswith("Z") for e in log["entries"])


def test_the_staff_page_is_served_at_staff(staffed_client: TestClient[Litestar]) -> None:
    page = staffed_client.get("/staff")
    assert 200 == page.status_code
    assert "Reports inbox" in page.text
    assert '<script src="/staff/staff.js"' in page.text
    assert "style=" not in page.text
    script = staffed_client.get("/staff/staff.js").text
    assert "innerHTML" not in script
    assert "textContent" in script
