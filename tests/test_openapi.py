"""The API description tells the truth (issue 14, part 5).

schemathesis runs against the real app (a server process, as deployed) with every check and
every phase (examples, coverage, fuzzing, stateful), a fixed seed and bounded examples,
signed in as a staff admin (session cookie and CSRF token) so the staff operations are
tested too. It must find no failure. tests/schemathesis.toml says which answers to valid
data it should expect where a rule cannot be written in JSON Schema.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.migrations import migrate
from server.staff import StaffService
from tests.server_process import RunningServer
from tests.staff_helpers import totp_code
from tests.test_errors import assert_error_shape

ROOT = Path(__file__).resolve().parent.parent
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
# Examples per operation and phase: every operation is reached and the whole run stays
# well under a minute on two cores.
EXAMPLES = 10
SEED = 14
# Signing in runs argon2id twice (the password, then the team key): slow on a busy machine.
TIMEOUT = 60
ADMIN = ("ada", "ada's long passphrase 1")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    base = tmp_path_factory.mktemp("openapi")
    data = base / "data"
    migrate(data)
    staff = StaffService(data / "reports.db")
    staff.add("test", ADMIN[0], ADMIN[1], "admin")
    staff.close()
    roomy = {
        f"CONSEQUENCES_{name}_PER_HOUR": "1000000" for name in ("REPORTS", "LOOKUPS", "LOGINS")
    }
    with RunningServer(data, base / "server.log", **roomy) as running:
        yield running


def test_the_description_is_complete(server: RunningServer) -> None:
    spec = httpx.get(server.base_url + "/schema/openapi.json").json()
    components = spec["components"]["schemas"]
    refs = re.findall(
        r'"#/components/schemas/([^"]+)"', httpx.get(server.base_url + "/schema/openapi.json").text
    )
    assert set(refs) <= set(components), "every $ref resolves"
    report = spec["paths"]["/api/v1/reports"]["post"]
    assert {"201", "400", "403", "413", "415", "422", "428", "429"} <= set(report["responses"])
    for operations in spec["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert {"$ref": "#/components/schemas/ErrorResponse"} == schema
    (key,) = [p for p in report["parameters"] if p["name"] == "Idempotency-Key"]
    assert "uuid" == key["schema"]["format"]
    assert components["NewReport"]["additionalProperties"] is False
    export = spec["paths"]["/api/v1/staff/reports/export.csv"]["get"]["responses"]["200"]
    assert ["text/csv"] == list(export["content"])
    staff = spec["paths"]["/api/v1/staff/reports"]["get"]["responses"]
    assert {"200", "401", "403", "422"} <= set(staff)


def test_export_csv_names_its_charset_once(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT) as client:
        _export_checks(client, server)


def _export_checks(client: httpx.Client, server: RunningServer) -> None:
    _sign_in(client, server)
    response = client.get("/api/v1/staff/reports/export.csv")
    assert 200 == response.status_code
    assert "text/csv; charset=utf-8" == response.headers["content-type"]
    huge = client.get("/api/v1/staff/reports/export.csv", params={"ids": "9" * 20})
    assert 422 == huge.status_code
    assert_error_shape(huge.json())


def test_schemathesis_finds_no_failure(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT) as client:
        cookie, csrf = _signed_in(client, server)
    _run_schemathesis(server, cookie, csrf)


def _signed_in(client: httpx.Client, server: RunningServer) -> tuple[str, str]:
    """A few reports, then a signed-in admin's cookie header and CSRF token."""
    for n in range(3):
        client.post(
            "/api/v1/reports",
            json={
                "category": "something_else",
                "what_happened": f"report {n}",
                "when": "today",
                "danger_now": n == 0,
                "lang": "en",
            },
        )
    csrf = _sign_in(client, server)
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items()), csrf


def _sign_in(client: httpx.Client, server: RunningServer) -> str:
    """Sign in as the admin, with password and authenticator code; the session's CSRF token
    (rotated at sign-in and bound to the session)."""
    assert server.data_dir is not None
    csrf = client.get("/api/v1/staff/session").json()["csrf_token"]
    code = totp_code(server.data_dir / "reports.db", ADMIN[0])
    signed_in = client.post(
        "/api/v1/staff/login",
        json={"username": ADMIN[0], "password": ADMIN[1], "totp": code},
        headers={"X-CSRF-Token": csrf},
    )
    assert 200 == signed_in.status_code, signed_in.text
    return str(signed_in.json()["csrf_token"])


def _run_schemathesis(server: RunningServer, cookie: str, csrf: str) -> None:
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(ROOT / "tests" / "schemathesis.toml"),
            "run",
            server.base_url + "/schema/openapi.json",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--seed",
            str(SEED),
            "--max-examples",
            str(EXAMPLES),
            "--no-shrink",
            "--continue-on-failure",
            "--header",
            f"Cookie: {cookie}",
            "--header",
            f"X-CSRF-Token: {csrf}",
            # Signing out would end the session the staff operations are tested with;
            # tests/test_staff.py covers it.
            "--exclude-path",
            "/api/v1/staff/logout",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = run.stdout + run.stderr
    tested = re.search(r"Tested: (\d+)", output)
    cases = re.search(r"(\d+) generated, (.*)", output)
    print(
        f"\nschemathesis: {tested[0] if tested else '?'} operations; test cases: "
        f"{cases[0] if cases else '?'}"
    )
    assert 0 == run.returncode, output[-60000:]
    assert tested is not None
    assert cases is not None
    assert f"{cases[1]} passed" == cases[2].strip()
    # Every operation but sign-out, the staff ones included.
    spec = httpx.get(server.base_url + "/schema/openapi.json").json()
    operations = sum(len(ops) for ops in spec["paths"].values())
    assert operations - 1 == int(tested[1])
