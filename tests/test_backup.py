"""Backups that restore, taken while reports keep arriving; private file modes."""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path

import httpx
import pytest

from server.cli import main
from server.migrations import migrate
from tests.server_process import RunningServer

pytestmark = pytest.mark.slow

LIMITS = {
    "CONSEQUENCES_REPORTS_PER_HOUR": "1000000",
    "CONSEQUENCES_PROOF_OF_WORK": "off",
    "CONSEQUENCES_LOOKUPS_PER_HOUR": "1000000",
}


def _report(n: int) -> dict[str, object]:
    return {
        "category": "seen_a_knife",
        "what_happened": f"backup test report {n}",
        "when": "now",
        "danger_now": False,
        "lang": "en",
    }


def test_a_backup_taken_under_load_restores_every_acknowledged_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, copy, restored = tmp_path / "data", tmp_path / "backup", tmp_path / "restored"
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    with RunningServer(data, tmp_path / "server.log", **LIMITS) as server:

        def sender(n: int) -> None:
            with httpx.Client(base_url=server.base_url, timeout=10) as client:
                i = 0
                while not stop.is_set():
                    i += 1
                    response = client.post("/api/v1/reports", json=_report(n * 10_000 + i))
                    if response.status_code == 201:
                        with lock:
                            acknowledged.append(response.json()["code"])

        senders = [threading.Thread(target=sender, args=(n,)) for n in range(8)]
        for thread in senders:
            thread.start()
        while True:  # let reports pile up before the backup starts
            with lock:
                if len(acknowledged) >= 40:
                    before_backup = list(acknowledged)
                    break
            stop.wait(0.05)
        # The 8 clients keep sending during the backup.
        assert 0 == main(["backup", str(copy), "--with-secrets", "--data-dir", str(data)])
        with lock:
            during = len(acknowledged) - len(before_backup)
        stop.set()
        for thread in senders:
            thread.join(timeout=15)
    out = capsys.readouterr().out
    assert "Backed up directory.db, reports.db" in out
    assert during > 0, "no report arrived while the backup ran"

    assert 0 == main(["restore", str(copy), "--data-dir", str(restored)])
    conn = sqlite3.connect(restored / "reports.db")
    assert "ok" == conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    with (
        RunningServer(restored, tmp_path / "restored.log", **LIMITS) as server,
        httpx.Client(base_url=server.base_url, timeout=10) as client,
    ):
        missing = [
            code
            for code in before_backup
            if client.post("/api/v1/reports/lookup", json={"code": code}).status_code != 200
        ]
    assert [] == missing


def test_without_secrets_the_backup_says_to_keep_them_separately(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    migrate(data)
    assert 0 == main(["backup", str(tmp_path / "b"), "--data-dir", str(data)])
    out = capsys.readouterr().out
    assert "were not copied: back them up separately" in out
    assert not (tmp_path / "b" / "secrets").exists()


def test_restore_refuses_a_data_folder_in_use_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, other = tmp_path / "data", tmp_path / "other"
    migrate(data)
    migrate(other)
    assert 0 == main(["backup", str(tmp_path / "b"), "--data-dir", str(data)])
    assert 1 == main(["restore", str(tmp_path / "b"), "--data-dir", str(other)])
    assert "is not empty" in capsys.readouterr().err
    assert 0 == main(["restore", str(tmp_path / "b"), "--force", "--data-dir", str(other)])
    assert 1 == main(["restore", str(tmp_path / "nothing"), "--data-dir", str(tmp_path / "n")])
    assert "holds no backup" in capsys.readouterr().err


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_databases_and_the_data_folder_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with RunningServer(data, tmp_path / "server.log") as server:
        assert 201 == httpx.post(server.base_url + "/api/v1/reports", json=_report(1)).status_code
        files = sorted(data.glob("*.db*"))
        assert {"directory.db", "reports.db", "reports.db-wal", "reports.db-shm"} <= {
            p.name for p in files
        }
        assert 0o700 == _mode(data)
        assert {p.name: 0o600 for p in files} == {p.name: _mode(p) for p in files}


def test_an_older_data_folder_is_made_private_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    migrate(data)
    data.chmod(0o755)
    (data / "reports.db").chmod(0o644)
    migrate(data)
    assert (0o700, 0o600) == (_mode(data), _mode(data / "reports.db"))
