"""Staff notifications over real SMTP (aiosmtpd in-process), with STARTTLS and sign-in, that
carry no report content; failures are retried, logged and shown, and never cost a report."""

from __future__ import annotations

import datetime as dt
import email
import logging
import socket
import ssl
import subprocess
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from litestar import Litestar
from litestar.testing import TestClient

from server.notify import MAX_ATTEMPTS, Mailer, Notifier
from server.reports import ReportStore
from server.settings import Settings
from tests.test_inbox import PASSWORD, Clock, at, sign_in, team_settings, team_template

__all__ = ["team_template"]  # the module-scoped fixture, shared with test_inbox

STAFF = "/api/v1/staff"
CANARY = "SMTP-CANARY-4410 knife behind the library"
PLACE = "SMTP-PLACE-3391"


class Collect:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def smtp(certificate: tuple[Path, Path]) -> Iterator[tuple[Controller, Collect]]:
    """A real SMTP server that insists on STARTTLS and on signing in (so every message it
    collects was sent over TLS by a client that signed in)."""
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)

    def authenticator(_server: Any, _session: Any, _envelope: Any, mechanism: str, auth: Any):  # type: ignore[no-untyped-def]
        ok = isinstance(auth, LoginPassword) and (auth.login, auth.password) == (
            b"mailer",
            b"mail password",
        )
        return AuthResult(success=ok)

    handler = Collect()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=_free_port(),
        tls_context=server_tls,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
        auth_required=True,
    )
    controller.start()
    yield controller, handler
    controller.stop()


def client_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


@pytest.fixture
def clock() -> Clock:
    return Clock(at("2027-03-01T09:00:00"))


def mail_settings(tmp_path: Path, template: Path, port: int) -> Settings:
    return team_settings(
        tmp_path,
        template,
        smtp_port=port,
        smtp_username="mailer",
        smtp_password="mail password",
        smtp_from="inbox@school.example",
        public_url="https://cards.example.org",
    )


@pytest.fixture
def mailing(
    tmp_path: Path,
    team_template: Path,
    make_app: Any,
    smtp: tuple[Controller, Collect],
    certificate: tuple[Path, Path],
    clock: Clock,
) -> Iterator[tuple[TestClient[Litestar], Notifier, Collect]]:
    controller, handler = smtp
    settings = mail_settings(tmp_path, team_template, controller.port)
    app = make_app(settings)
    store: ReportStore = app.state.reports
    store.clock = clock
    # The app's own notifier (its background round runs at start-up, then every minute),
    # trusting the test server's certificate; the tests run its rounds by hand.
    notifier: Notifier = app.state.notifier
    notifier.mailer.tls = client_tls(certificate)
    with TestClient(app, base_url="https://testserver.local") as c:
        yield c, notifier, handler


def send_report(client: TestClient[Litestar], danger: bool) -> str:
    answer = client.post(
        "/api/v1/reports",
        json={
            "category": "threat_or_planned_violence",
            "what_happened": CANARY,
            "where": PLACE,
            "area": "LU1",
            "when": "now",
            "danger_now": danger,
            "lang": "en",
        },
    )
    assert 201 == answer.status_code
    return str(answer.json()["code"])


def assert_no_content(message: Message, code: str) -> None:
    text = message.as_string()
    for secret in (CANARY, PLACE, "LU1", code, "threat", "planned", "violence", "knife"):
        assert secret not in text, secret


def test_a_danger_report_mails_every_lead_and_deputy_at_once_without_content(
    mailing: tuple[TestClient[Litestar], Notifier, Collect], clock: Clock
) -> None:
    client, notifier, handler = mailing
    clock.set(at("2027-03-07T02:00:00"))  # 02:00 on a Sunday: no digest, just the alert
    code = send_report(client, danger=True)
    notifier.run_once()
    assert ["dee@school.example", "lee@school.example", "lou@school.example"] == sorted(
        m["To"] for m in handler.messages
    )
    for message in handler.messages:
        assert "A report needs you" == message["Subject"]
        assert "inbox@school.example" == message["From"]
        body = message.get_payload()
        assert "A new report needs you now." in body
        assert "https://cards.example.org/staff/" in body
        assert_no_content(message, code)
    # Sent once: the next round sends nothing more.
    notifier.run_once()
    assert 3 == len(handler.messages)


def test_a_calm_report_mails_nobody_until_it_is_assigned_or_escalated(
    mailing: tuple[TestClient[Litestar], Notifier, Collect], clock: Clock
) -> None:
    client, notifier, handler = mailing
    code = send_report(client, danger=False)
    notifier.run_once()
    assert len(handler.messages) == _digests(handler)
    headers = sign_in(client, "lee")
    client.post(f"{STAFF}/reports/1/assign", json={"owner": "rey"}, headers=headers)
    notifier.run_once()
    assigned = [m for m in handler.messages if "given to you" in m.get_payload()]
    assert ["rey@school.example"] == [m["To"] for m in assigned]
    # Assigned reports still escalate if nobody acknowledges... but assigning by a lead
    # counts as taking it up; the decision deadline escalates next working day.
    clock.set(at("2027-03-02T09:00:00"))
    notifier.run_once()
    late = [m for m in handler.messages if "past its deadline" in m.get_payload()]
    assert ["dee@school.example"] == [m["To"] for m in late]
    for message in handler.messages:
        assert_no_content(message, code)


def _digests(handler: Collect) -> int:
    return len([m for m in handler.messages if "waiting in the inbox" in m.get_payload()])


def test_the_daily_digest_goes_once_a_working_day_with_counts_only(
    mailing: tuple[TestClient[Litestar], Notifier, Collect], clock: Clock
) -> None:
    client, notifier, handler = mailing
    code = send_report(client, danger=False)
    clock.set(at("2027-03-01T07:59:00"))  # before the working day: no digest
    notifier.run_once()
    assert 0 == _digests(handler)
    clock.set(at("2027-03-01T14:00:00"))  # the report is an hour overdue
    notifier.run_once()
    notifier.run_once()
    digests = [m for m in handler.messages if "waiting in the inbox" in m.get_payload()]
    assert ["dee@school.example", "lee@school.example", "lou@school.example"] == sorted(
        m["To"] for m in digests
    )
    assert "Open reports: 1. Past a deadline: 1." in digests[0].get_payload()
    assert_no_content(digests[0], code)
    clock.set(at("2027-03-06T10:00:00"))  # Saturday: no digest
    before = _digests(handler)
    notifier.run_once()
    assert before == _digests(handler)


def test_a_failing_mail_server_is_retried_logged_and_shown_and_the_report_is_kept(
    tmp_path: Path,
    team_template: Path,
    make_app: Any,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = team_settings(tmp_path, team_template, smtp_port=_free_port())  # nobody there
    app = make_app(settings)
    store: ReportStore = app.state.reports
    store.clock = clock
    notifier: Notifier = app.state.notifier
    with TestClient(app) as client:
        code = send_report(client, danger=True)  # accepted however the mail fares
        assert 200 == client.post("/api/v1/reports/lookup", json={"code": code}).status_code
        with caplog.at_level(logging.WARNING, logger="server.notify"):
            for minutes in range(0, 24 * 60, 5):
                clock.set(at("2027-03-01T09:00:00") + dt.timedelta(minutes=minutes))
                notifier.run_once()
        states = store.conn.execute(
            "SELECT state, attempts, error FROM notifications WHERE kind = 'danger'"
        ).fetchall()
        assert {("failed", MAX_ATTEMPTS, "ConnectionRefusedError")} == set(states)
        assert any("Could not send a staff notification" in r.message for r in caplog.records)
        assert all("school.example" not in r.getMessage() for r in caplog.records)
        headers = sign_in(client, "lee")
        inbox = client.get(f"{STAFF}/reports", headers=headers).json()
        assert inbox["mail_failures"] >= 3
        assert 1 == inbox["total"]


def test_starttls_and_sign_in_are_used(
    smtp: tuple[Controller, Collect], certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    controller, handler = smtp
    base = dict(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_from="a@b.example")
    plain = Settings.load({**base, "smtp_starttls": False, "data_dir": str(tmp_path)})
    with pytest.raises(Exception, match="STARTTLS"):
        Mailer(plain).send("x@school.example", "hello")
    unsigned = Settings.load({**base, "data_dir": str(tmp_path)})
    with pytest.raises(Exception, match="530"):  # the server insists on signing in
        Mailer(unsigned, client_tls(certificate)).send("x@school.example", "hello")
    untrusted = Settings.load({**base, "smtp_username": "mailer", "smtp_password": "mail password"})
    with pytest.raises(ssl.SSLCertVerificationError):
        Mailer(untrusted).send("x@school.example", "hello")  # the system's CAs only
    assert [] == handler.messages


def test_no_mail_server_means_nothing_is_queued(
    tmp_path: Path, team_template: Path, make_app: Any
) -> None:
    settings = team_settings(tmp_path, team_template, smtp_host="")
    with TestClient(make_app(settings)) as client:
        send_report(client, danger=True)
        store: ReportStore = client.app.state.reports
        assert 0 == store.conn.execute("SELECT count(*) FROM notifications").fetchone()[0]
    assert PASSWORD  # the accounts exist; they simply get no mail
