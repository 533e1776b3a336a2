"""Fixtures: one per app configuration, each built by make_settings() and make_app()."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.content import Content, load_or_raise
from server.i18n import Languages
from server.settings import Settings
from tests.server_process import RunningServer, free_port

__all__ = ["AppFactory", "RunningServer", "free_port", "make_settings"]

DEFAULTS = Settings.load(environ={})

AppFactory = Callable[[Settings], Litestar]


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for a test app. Proof of work is off unless a test turns it on
    (proof_of_work="on"): tests/test_pow.py tests it, and the rest send plain requests."""
    return Settings.load(
        {"data_dir": str(data_dir), "proof_of_work": "off", **overrides}, environ={}
    )


@pytest.fixture(scope="session")
def content() -> Content:
    """The shipped cards, helplines and glossary, loaded once for the whole run."""
    return load_or_raise(Path(DEFAULTS.content_dir))


@pytest.fixture(scope="session")
def languages() -> Languages:
    """The shipped catalogues, loaded once for the whole run."""
    return Languages(Path(DEFAULTS.locales_dir))


@pytest.fixture(scope="session")
def make_app(content: Content, languages: Languages) -> AppFactory:
    """Builds the app for some settings, reusing the loaded content and catalogues when the
    settings point at the shipped ones."""

    def factory(settings: Settings) -> Litestar:
        return create_app(
            settings,
            content=content if settings.content_dir == DEFAULTS.content_dir else None,
            languages=languages if settings.locales_dir == DEFAULTS.locales_dir else None,
        )

    return factory


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def app(settings: Settings, make_app: AppFactory) -> Litestar:
    return make_app(settings)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def https_client(tmp_path: Path, make_app: AppFactory) -> Iterator[TestClient[Litestar]]:
    app = make_app(make_settings(tmp_path / "data", public_url="https://cards.example.org"))
    with TestClient(app, base_url="https://testserver.local") as c:
        yield c


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[RunningServer]:
    server = RunningServer(tmp_path / "data", tmp_path / "server.log")
    yield server
    server.stop()
