"""The app shell as served: screens, worker, hashed assets, precache list, manifest, strings."""

from __future__ import annotations

import json
import re
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.messages import UI_MESSAGES
from server.precache import ShellError, build_shell, precache_is_current
from server.settings import ROOT, Settings
from tests.conftest import AppFactory, make_settings

PWA = ROOT / "pwa"
SCREENS = [
    "/",
    "/cards/carrying-a-knife-the-law",
    "/cards/no-such-card",
    "/help",
    "/report",
    "/check",
    "/settings",
    "/about",
    "/glossary",
    "/help?lang=ur",
]


@pytest.fixture
def neutral_exit_client(tmp_path: Path, make_app: AppFactory) -> Iterator[TestClient[Litestar]]:
    """An app whose quick exit goes to a different neutral site."""
    settings = make_settings(tmp_path / "data", exit_url="https://www.example.org/news")
    with TestClient(make_app(settings)) as client:
        yield client


@pytest.mark.parametrize("path", SCREENS)
def test_every_screen_address_answers_with_the_shell(
    client: TestClient[Litestar], path: str
) -> None:
    response = client.get(path)
    assert 200 == response.status_code
    assert response.headers["content-type"].startswith("text/html")
    assert "no-cache" == response.headers["cache-control"]
    assert 'id="main-content"' in response.text
    again = client.get(path, headers={"If-None-Match": response.headers["etag"]})
    assert 304 == again.status_code


def test_the_worker_is_never_cached_and_carries_the_precache_list(
    client: TestClient[Litestar],
) -> None:
    response = client.get("/sw.js")
    assert 200 == response.status_code
    assert "no-cache" == response.headers["cache-control"]
    assert response.headers["content-type"].startswith("text/javascript")
    first_line = response.text.splitlines()[0]
    listed = json.loads(first_line.removeprefix("const PRECACHE = ").removesuffix(";"))
    assert json.loads((PWA / "precache.json").read_text()) == listed


def test_hashed_assets_are_cached_for_a_year_and_plain_ones_revalidated(
    client: TestClient[Litestar],
) -> None:
    listed = json.loads((PWA / "precache.json").read_text())["files"]
    for entry in listed:
        hashed = client.get(f"{entry['url']}?v={entry['revision']}")
        assert 200 == hashed.status_code, entry
        if entry["url"] != "/":
            assert "public, max-age=31536000, immutable" == hashed.headers["cache-control"]
    plain = client.get("/assets/app.css")
    assert "no-cache" == plain.headers["cache-control"]
    stale = client.get("/assets/app.css?v=0000000000000000")
    assert 404 == stale.status_code
    assert "not_found" == stale.json()["error"]["code"]


def test_the_page_refers_to_assets_by_hashed_address(client: TestClient[Litestar]) -> None:
    html = client.get("/").text
    for ref in re.findall(r'(?:href|src)="(/(?:assets/|manifest)[^"]*)"', html):
        assert re.search(r"\?v=[0-9a-f]{16}$", ref), ref
    app_js = client.get("/assets/js/app.js").text
    for ref in re.findall(r'from "(\./[^"]+)"', app_js):
        assert re.search(r"\.js\?v=[0-9a-f]{16}$", ref), ref


def test_precache_list_is_current() -> None:
    assert precache_is_current(PWA), "pwa/precache.json is stale: run `consequences pwa precache`"


def test_precache_holds_only_the_shell() -> None:
    urls = [entry["url"] for entry in json.loads((PWA / "precache.json").read_text())["files"]]
    assert {"/", "/offline.html", "/manifest.webmanifest", "/assets/app.css"} <= set(urls)
    assert any(url.endswith("/app.js") for url in urls)
    for url in urls:
        assert not url.startswith(("/staff", "/present", "/print", "/lessons")), url
        assert url not in ("/sw.js", "/precache.json")


def test_the_worker_changes_when_any_shell_file_changes(tmp_path: Path) -> None:
    copy = tmp_path / "pwa"
    shutil.copytree(PWA, copy)
    before = build_shell(copy)
    store = copy / "assets" / "js" / "store.js"
    store.write_text(store.read_text() + "\n// changed\n")
    after = build_shell(copy)
    assert before.worker != after.worker
    assert before.version != after.version

    # store.js changed, so everything that imports it gets a new address too...
    def changed(url: str) -> bool:
        return before.files[url].revision != after.files[url].revision

    assert changed("/assets/js/store.js")
    assert changed("/assets/js/app.js")
    # ...and what does not is left alone, so phones fetch only what changed.
    assert not changed("/assets/app.css")


def test_an_import_cycle_is_refused(tmp_path: Path) -> None:
    js = tmp_path / "assets" / "js"
    js.mkdir(parents=True)
    (js / "a.js").write_text('import "./b.js";\n')
    (js / "b.js").write_text('import "./a.js";\n')
    with pytest.raises(ShellError, match="cycle"):
        build_shell(tmp_path)


def _png_size(data: bytes) -> tuple[int, int]:
    assert b"\x89PNG\r\n\x1a\n" == data[:8]
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_manifest_makes_an_installable_app(client: TestClient[Litestar]) -> None:
    html = client.get("/").text
    href = re.search(r'<link rel="manifest" href="([^"]+)"', html)
    assert href is not None
    response = client.get(href.group(1))
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert "Consequences Card" == manifest["name"]
    assert 0 < len(manifest["short_name"]) <= 12
    assert "standalone" == manifest["display"]
    assert "/" == manifest["start_url"] == manifest["scope"]
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert manifest["theme_color"] in html  # <meta name="theme-color">
    sizes = set()
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert 200 == image.status_code, icon
        assert "immutable" in image.headers["cache-control"]
        if icon["type"] == "image/png":
            width, height = _png_size(image.content)
            assert f"{width}x{height}" == icon["sizes"]
            sizes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_the_quick_exit_site_is_a_setting(
    client: TestClient[Litestar], neutral_exit_client: TestClient[Litestar]
) -> None:
    assert "https://www.bbc.co.uk/weather" == client.get("/api/v1/app-config").json()["exit_url"]
    config = neutral_exit_client.get("/api/v1/app-config")
    assert "https://www.example.org/news" == config.json()["exit_url"]
    assert "no-cache" == config.headers["cache-control"]


def test_the_quick_exit_site_must_be_https(tmp_path: Path) -> None:
    from server.settings import SettingsError

    with pytest.raises(SettingsError):
        Settings.load({"exit_url": "javascript:alert(1)"}, environ={})


def test_without_javascript_the_page_shows_the_emergency_numbers() -> None:
    html = (PWA / "index.html").read_text()
    noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S)
    assert noscript is not None
    assert "JavaScript" in noscript.group(1)
    assert 'href="tel:999"' in noscript.group(1)
    assert 'href="tel:08001111"' in noscript.group(1)
    # The "Get help now" strip is plain HTML too, outside <noscript>.
    outside = html.replace(noscript.group(0), "")
    assert 'href="tel:999"' in outside
    assert 'href="tel:08001111"' in outside


@pytest.mark.parametrize("name", ["index.html", "offline.html"])
def test_pages_have_no_inline_script_or_style_and_allow_zoom(name: str) -> None:
    html = (PWA / name).read_text()
    assert "user-scalable" not in html
    assert "maximum-scale" not in html
    assert " style=" not in html
    assert "<style" not in html
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S):
        assert "" == script.strip()
    assert re.search(r'<html lang="en" dir="ltr">', html)


def _shell_sources() -> Iterator[Path]:
    for path in sorted((PWA / "assets").rglob("*")):
        if path.suffix in {".js", ".css", ".svg"}:
            yield path
    yield from (PWA / name for name in ("index.html", "offline.html", "manifest.webmanifest"))
    yield PWA / "sw.js"


def test_the_shell_asks_no_other_site_for_anything() -> None:
    for path in _shell_sources():
        text = path.read_text()
        hosts = set(re.findall(r"https?://([^/\"'\s)]+)", text))
        # The only other site named is the quick exit's default, which is a link away.
        assert hosts <= {"www.bbc.co.uk", "www.w3.org"}, (path, hosts)
        assert "@import" not in text
        assert "@font-face" not in text


def test_every_ui_string_the_shell_uses_is_translatable() -> None:
    used: set[str] = set()
    for path in _shell_sources():
        text = path.read_text()
        used |= set(re.findall(r'\bt\(\s*"([a-z0-9_.]+)"', text))
        used |= set(re.findall(r'data-msg(?:-label)?="([a-z0-9_.]+)"', text))
        # Keys built from a prefix, e.g. t(`report.when.${w}`), are checked by prefix.
        for prefix in re.findall(r"\bt\(`([a-z0-9_.]+)\$\{", text):
            assert any(key.startswith(prefix) for key in UI_MESSAGES), prefix
    missing = sorted(used - set(UI_MESSAGES))
    assert [] == missing


def test_messages_name_every_category_and_report_choice(client: TestClient[Litestar]) -> None:
    from server.content import CATEGORIES
    from server.reports import CATEGORIES as REPORT_CATEGORIES
    from server.reports import STATUSES

    for category in CATEGORIES:
        assert f"category.{category}" in UI_MESSAGES
    # The pages take their choices from the bundle, not from copies in their JavaScript.
    choices = client.get("/api/v1/bundle?lang=en").json()["choices"]
    assert list(CATEGORIES) == choices["service_categories"]
    assert list(REPORT_CATEGORIES) == choices["report_categories"]
    assert list(STATUSES) == choices["report_statuses"]
    assert choices["report_categories"]
    for category in choices["report_categories"]:
        assert f"report.category.{category}" in UI_MESSAGES
    assert ["now", "today", "this_week", "earlier"] == choices["report_when"]
    for when in choices["report_when"]:
        assert f"report.when.{when}" in UI_MESSAGES
    for source in ("report.js", "help.js"):
        assert "const CATEGORIES" not in (PWA / "assets" / "js" / source).read_text()


def test_one_list_of_screens_for_the_server_the_worker_and_the_app(
    client: TestClient[Litestar],
) -> None:
    from server.precache import SCREENS

    screens = client.get("/api/v1/bundle").json()["screens"]
    assert SCREENS == screens
    for path in screens.values():
        served = client.get(path.replace("{id}", "carrying-a-knife-the-law"))
        assert 'id="main-content"' in served.text, path
    worker = client.get("/sw.js").text.splitlines()[1]
    assert f"const SCREENS = {json.dumps(list(SCREENS.values()))};" == worker
    assert "\nconst SCREENS" not in (PWA / "sw.js").read_text()


def test_the_app_lessons_and_staff_pages_share_one_library() -> None:
    pages = [*sorted((PWA / "assets" / "js").rglob("*.js")), *sorted(PWA.glob("*/*.js"))]
    assert PWA / "staff" / "staff.js" in pages
    for path in pages:
        text = path.read_text()
        if path.parent.name != "lib":
            # Each defines nothing the library has, and only the API client calls fetch.
            for own in ("function el(", "function h(", "function translator(", "fetch("):
                assert own not in text, (path, own)
        if path.parent.name in {"lessons", "staff"}:
            assert 'from "/assets/js/lib/' in text, path
    assert "fetch(" in (PWA / "assets" / "js" / "lib" / "api.js").read_text()


def test_other_pages_in_the_pwa_folder_are_still_served(
    tmp_path: Path, make_app: AppFactory
) -> None:
    copy = tmp_path / "pwa"
    shutil.copytree(PWA, copy)
    (copy / "staff").mkdir(exist_ok=True)
    (copy / "staff" / "index.html").write_text("<!doctype html><title>Staff</title>")
    with TestClient(make_app(make_settings(tmp_path / "data", pwa_dir=str(copy)))) as c:
        response = c.get("/staff/")
        assert 200 == response.status_code
        assert "<title>Staff</title>" in response.text
        assert "/" == c.get("/").url.path


def test_no_field_lets_the_browser_remember_what_was_typed() -> None:
    """Postcodes, codes and report words must not come back as the browser's suggestions on
    a shared phone: every text field the app draws says autocomplete="off". (The staff page,
    on the team's own computers, lets password managers fill the sign-in.)"""
    sources = sorted((ROOT / "pwa").rglob("*.js")) + sorted((ROOT / "pwa").rglob("*.html"))
    sources = [p for p in sources if not {"lib", "staff"} & set(p.relative_to(ROOT).parts)]
    drawn = [
        (path.name, value)
        for path in sources
        for value in re.findall(r'autocomplete["\']?\s*[:=]\s*["\']([^"\']+)', path.read_text())
    ]
    assert drawn, "the check finds the fields"
    assert [] == [(name, value) for name, value in drawn if value != "off"]
    inputs = sum(
        len(re.findall(r'h\(\s*"(?:input|textarea)"', path.read_text())) for path in sources
    )
    assert inputs >= 5
