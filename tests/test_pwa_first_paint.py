"""The first paint is in the chosen language and direction: the server sends the shell
translated, with the language's bundle (home: its start) and the first screen's modules
preloaded (no English flash)."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.precache import sent_javascript, without_comment_lines, without_indentation
from server.settings import ROOT

PWA = ROOT / "pwa"


def _shell(client: TestClient[Litestar], path: str, **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert 200 == response.status_code
    return response.text


def test_the_shell_comes_in_the_asked_language_and_direction(
    client: TestClient[Litestar],
) -> None:
    urdu = client.get("/api/v1/messages?lang=ur").json()["messages"]
    html = _shell(client, "/help?lang=ur")
    assert '<html lang="ur" dir="rtl">' in html
    assert f'<span data-msg="quick_exit.label">{urdu["quick_exit.label"]}</span>' in html
    assert f'aria-label="{urdu["report.call_999"]}" data-msg-label="report.call_999"' in html
    tab = 'data-msg="nav.report" data-tab="report unsafePlace check"'
    assert f"{tab}>{urdu['nav.report']}</a>" in html
    assert 'rel="preload" href="/api/v1/bundle?lang=ur"' in html
    response = client.get("/help?lang=ur")
    assert "ur" == response.headers["content-language"]
    assert "Cookie" in response.headers["vary"]


@pytest.mark.parametrize(
    ("headers", "lang", "direction"),
    [
        ({"Cookie": "lang=so"}, "so", "ltr"),
        ({"Accept-Language": "ar,en;q=0.5"}, "ar", "rtl"),
        ({"Cookie": "lang=xx", "Accept-Language": "bn"}, "bn", "ltr"),
        ({}, "en", "ltr"),
    ],
)
def test_the_remembered_choice_then_the_phone_language_choose_the_shell(
    client: TestClient[Litestar], headers: dict[str, str], lang: str, direction: str
) -> None:
    html = _shell(client, "/", **headers)
    assert f'<html lang="{lang}" dir="{direction}">' in html
    # Home needs only the start of the bundle; every other screen the whole of it.
    assert f'href="/api/v1/bundle?lang={lang}&amp;part=start"' in html
    assert f'href="/api/v1/bundle?lang={lang}"' in _shell(client, "/help", **headers)


def test_each_language_has_its_own_etag_and_answers_304(client: TestClient[Litestar]) -> None:
    urdu = client.get("/?lang=ur")
    english = client.get("/?lang=en")
    assert urdu.headers["etag"] != english.headers["etag"]
    again = client.get("/?lang=ur", headers={"If-None-Match": urdu.headers["etag"]})
    assert 304 == again.status_code


STATIC_IMPORT = re.compile(r'^import [^;]*? from "\./([a-z0-9/]+\.js)";', re.MULTILINE)
ANY_MODULE = re.compile(r'"\./([a-z0-9/]+\.js)"')


def _imports(module: str, pattern: re.Pattern[str]) -> set[str]:
    source = (PWA / "assets" / "js" / module).read_text()
    base = module.rpartition("/")[0]
    return {f"{base}/{name}".lstrip("/") for name in pattern.findall(source)}


def _preloaded(html: str) -> set[str]:
    return set(re.findall(r'rel="modulepreload" href="/assets/js/([a-z0-9/]+\.js)[?"]', html))


def test_home_preloads_only_its_modules_other_screens_all(
    client: TestClient[Litestar],
) -> None:
    """Home: app.js and what it imports; the other screens' modules load when first drawn,
    so a slow phone's first visit loads less. Any other screen preloads them all."""
    preloaded = _preloaded(_shell(client, "/?lang=ur"))
    first, todo = set(), ["app.js"]
    while todo:
        module = todo.pop()
        for name in _imports(module, STATIC_IMPORT) - first:
            first.add(name)
            todo.append(name)
    assert first == preloaded
    later = _imports("app.js", ANY_MODULE) - _imports("app.js", STATIC_IMPORT)
    assert {"card.js", "help.js", "report.js", "check.js", "voice.js"} <= later
    assert not later & preloaded
    modules = {p.relative_to(PWA / "assets" / "js").as_posix() for p in PWA.rglob("js/**/*.js")}
    assert modules - {"app.js"} == _preloaded(_shell(client, "/cards/your-future?lang=ur"))


def test_comment_lines_are_not_sent_but_code_is_untouched() -> None:
    source = "// a note\nconst a = 1; // kept\n  // indented note\nconst url = 'http://x';\n"
    assert "const a = 1; // kept\nconst url = 'http://x';\n" == without_comment_lines(source)


def test_indentation_is_not_sent_except_inside_a_template_literal() -> None:
    source = "if (a) {\n  // note\n  go(1);\n    stop();\n}\n"
    assert "if (a) {\ngo(1);\nstop();\n}\n" == sent_javascript(source)
    multiline = "const s = `one\n  two`;\n  go();\n"
    assert multiline == without_indentation(multiline)
