"""Browser fixtures: real Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Outside CI the browser tests are skipped when no Chromium is found, with a message saying
how to install it; in CI (CI=true) a missing Chromium is an error.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.cli import main
from server.settings import ROOT
from tests.conftest import RunningServer

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            # A real browser on a busy 2-core machine can miss a beat: a failed browser test is
            # run once more, and the run says so ("1 rerun"), so a flake is seen, not hidden.
            item.add_marker(pytest.mark.flaky(reruns=1))
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs Chromium at {CHROMIUM}: apt-get install chromium")
    skip = pytest.mark.skip(
        reason="No Chromium found: install it with `apt-get install chromium fonts-noto-core`"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The real server, as `make run` starts it, shared by the browser tests."""
    base = tmp_path_factory.mktemp("browser-server")
    data_dir = str(base / "data")
    # Seeded as `make run` seeds it: the postcode tables that ship with the app, then the demo.
    assert 0 == main(["postcodes", "import", "--data-dir", data_dir])
    demo = ROOT / "content" / "demo" / "luton.json"
    assert 0 == main(["services", "import", str(demo), "--if-empty", "--data-dir", data_dir])
    # Many browser tests send a report from this one address (127.0.0.1); the per-source limit
    # is raised so that which worker runs which tests cannot make a later one see 429.
    # Proof of work is on, as deployed: the app solves each challenge before sending.
    server = RunningServer(
        base / "data",
        base / "server.log",
        CONSEQUENCES_REPORTS_PER_HOUR="100",
        CONSEQUENCES_PROOF_OF_WORK="on",
    )
    yield server
    server.stop()


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    """A fresh browser profile per test, sized like a cheap phone."""
    ctx = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 360, "height": 740}, service_workers="allow"
    )
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: object) -> Iterator[object]:
    page = context.new_page()  # type: ignore[attr-defined]
    yield page
    page.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
