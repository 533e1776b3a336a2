"""The app as a real package: build the wheel, install it into a new virtual environment and
serve from a folder far from this clone."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import pytest

from server.i18n import SUPPORTED
from server.settings import ROOT
from tests.server_process import RunningServer

pytestmark = pytest.mark.slow
PIP = [sys.executable, "-m", "pip"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv holding only the built wheel; its dependencies are the test run's own
    (a .pth file points at them), so the test needs no network."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    subprocess.run(
        [*PIP, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=base,
    )
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(dist.glob("consequences_card-*.whl"))
    subprocess.run(
        [
            *PIP,
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        cwd=base,
    )
    return venv


def test_the_wheel_carries_content_catalogues_shell_and_postcodes(installed: Path) -> None:
    package = next((installed / "lib").glob("python3*/site-packages/server"))
    assert (package / "content" / "cards").is_dir()
    assert list((package / "content" / "postcodes").glob("*.csv"))
    assert (package / "content" / "postcodes" / "LICENSE.md").is_file()
    for lang in SUPPORTED[1:]:
        assert (package / "locales" / lang / "LC_MESSAGES" / "messages.mo").is_file(), lang
        assert (package / "locales" / lang / "reviewed.yaml").is_file(), lang
    assert (package / "pwa" / "index.html").is_file()
    assert (package / "pwa" / "precache.json").is_file()


def test_the_installed_app_serves_from_any_folder(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = elsewhere / "data"
    consequences = str(installed / "bin" / "consequences")
    subprocess.run(
        [consequences, "postcodes", "import", "--data-dir", str(data)], check=True, cwd=elsewhere
    )
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import server; print(server.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=elsewhere,
    ).stdout
    assert str(installed) in where and str(ROOT) not in where
    with RunningServer(
        data, tmp_path / "server.log", command=None, cwd=elsewhere, executable=consequences
    ) as server:
        client = httpx.Client(base_url=server.base_url, timeout=10)
        get = client.get
        cards = get("/api/v1/cards")
        assert 200 == cards.status_code
        card_id = cards.json()["cards"][0]["id"]
        for lang in SUPPORTED:
            bundle = get("/api/v1/bundle", params={"lang": lang})
            assert 200 == bundle.status_code, lang
            assert lang == bundle.json()["lang"]
        for path in (
            "/",
            "/sw.js",
            f"/cards/{card_id}",
            f"/present/{card_id}",
            f"/print/{card_id}",
        ):
            assert 200 == get(path).status_code, path
        assert 200 == get("/api/v1/postcodes/LU1 2BQ").status_code
        assert 200 == get("/api/v1/services/nearby", params={"postcode": "E8 2BT"}).status_code
        client.close()
