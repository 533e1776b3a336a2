"""Size budgets for the app shell, measured as the server sends it (gzip, as on a phone)."""

from __future__ import annotations

import json

from litestar import Litestar
from litestar.testing import TestClient

from server.settings import ROOT

FIRST_SCREEN_BUDGET = 14_000  # HTML + critical CSS: fits the first round trip
SHELL_BUDGET = 75_000  # everything the worker precaches, plus the worker
# of which JavaScript (30,000 before youth voice: its card question, unsafe-place form and
# You said, we did screen, voice.js, add about 2,700 bytes; 32,000 until the quick exit
# stopped every write after it, a page opened before an update learnt to reload into the
# new version, and keyboard focus was kept when a control goes away: up to 400 more)
JS_BUDGET = 32_400
REPORT = ROOT / "test-artifacts" / "budgets.json"


def _sent_bytes(client: TestClient[Litestar], url: str) -> int:
    """Bytes on the wire for one response body, compressed if the server compresses it."""
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        assert 200 == response.status_code, url
        return sum(len(chunk) for chunk in response.iter_raw())


def test_the_shell_fits_its_budgets(client: TestClient[Litestar]) -> None:
    listed = json.loads((ROOT / "pwa" / "precache.json").read_text())["files"]
    sizes = {e["url"]: _sent_bytes(client, f"{e['url']}?v={e['revision']}") for e in listed}
    sizes["/sw.js"] = _sent_bytes(client, "/sw.js")

    first_screen = sizes["/"] + sizes["/assets/app.css"]
    total = sum(sizes.values())
    javascript = sum(size for url, size in sizes.items() if url.endswith(".js"))
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "first_screen_bytes": first_screen,
                "shell_bytes": total,
                "javascript_bytes": javascript,
                "files": sizes,
            },
            indent=2,
        )
    )
    assert first_screen <= FIRST_SCREEN_BUDGET, f"first screen is {first_screen} bytes"
    assert total <= SHELL_BUDGET, f"the precached shell is {total} bytes"
    assert javascript <= JS_BUDGET, f"the shell's JavaScript is {javascript} bytes"


def test_the_shell_is_sent_compressed(client: TestClient[Litestar]) -> None:
    with client.stream("GET", "/", headers={"Accept-Encoding": "gzip"}) as page:
        assert "gzip" == page.headers.get("content-encoding")
