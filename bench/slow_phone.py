"""Benchmark: the app on a slow phone, in real Chromium with CDP throttling.

Run: .venv/bin/python bench/slow_phone.py [--runs 3] [--pwa-dir DIR] [--json FILE]
Needs Debian's Chromium (/usr/bin/chromium). Throttles the network to 400 kbps down and up
with 400 ms round trips and the CPU 4×, then measures, in English and Urdu:

- home: from navigation to a usable home screen (the app marks <html data-ready> once the
  screen is drawn in its language), first visit (empty profile) and repeat visit (the
  service worker in charge);
- card: the same for a card screen;
- first paint: when the first text was painted, and whether it was already in the chosen
  language and direction (no English flash).

`--pwa-dir` serves another copy of the shell, e.g. an older commit's `pwa/` for a before and
after (`git archive <commit> pwa | tar -x -C /tmp/before`). Goal: a usable first visit within
3.0 s in both languages.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import free_port, running, temp_data_dir

CHROMIUM = "/usr/bin/chromium"
CARD = "carrying-for-protection"
KBPS = 400
RTT_MS = 400
CPU_SLOWDOWN = 4
GOAL_MS = 3000
# Records the first contentful paint and the page's language at that moment.
PAINT_PROBE = """
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.name !== "first-contentful-paint" || window.__firstPaint) continue;
    window.__firstPaint = {
      ms: entry.startTime,
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
    };
  }
}).observe({ type: "paint", buffered: true });
"""


def throttle(page: Any) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": RTT_MS,
            "downloadThroughput": KBPS * 1000 / 8,
            "uploadThroughput": KBPS * 1000 / 8,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def visit(page: Any, url: str, lang: str) -> dict[str, Any]:
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector("html[data-ready]", state="attached", timeout=60_000)
    usable = (time.perf_counter() - started) * 1000
    page.wait_for_function("() => window.__firstPaint", timeout=60_000)
    paint = page.evaluate("window.__firstPaint")
    return {
        "usable_ms": round(usable),
        "first_paint_ms": round(paint["ms"]),
        "first_paint_in_language": paint["lang"] == lang,
    }


def measure(base: str, runs: int) -> dict[str, dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[dict[str, Any]]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        for lang in ("en", "ur"):
            for screen, path in (("home", "/"), ("card", f"/cards/{CARD}")):
                url = f"{base}{path}?lang={lang}"
                for _ in range(runs):
                    context = browser.new_context(
                        viewport={"width": 360, "height": 740}, service_workers="allow"
                    )
                    context.add_init_script(PAINT_PROBE)
                    page = context.new_page()
                    throttle(page)
                    first = visit(page, url, lang)
                    # Let the worker install and keep the language, as a real first visit would.
                    page.wait_for_selector(
                        "html[data-offline-ready]", state="attached", timeout=120_000
                    )
                    page.close()
                    page = context.new_page()
                    throttle(page)
                    repeat = visit(page, url, lang)
                    context.close()
                    results.setdefault(f"{lang} {screen} first", []).append(first)
                    results.setdefault(f"{lang} {screen} repeat", []).append(repeat)
        browser.close()
    summary: dict[str, dict[str, Any]] = {}
    for name, rows in results.items():
        summary[name] = {
            "usable_ms": statistics.median(r["usable_ms"] for r in rows),
            "first_paint_ms": statistics.median(r["first_paint_ms"] for r in rows),
            "first_paint_in_language": all(r["first_paint_in_language"] for r in rows),
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pwa-dir", default=None, help="serve this shell instead of pwa/")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    port = free_port()
    data_dir = temp_data_dir()
    env = {"CONSEQUENCES_DATA_DIR": str(data_dir)}
    if args.pwa_dir:
        env["CONSEQUENCES_PWA_DIR"] = str(Path(args.pwa_dir).resolve())
    command = [sys.executable, "-m", "server", "serve", "--port", str(port)]
    command += ["--data-dir", str(data_dir)]
    base = f"http://127.0.0.1:{port}"
    with running(command, f"{base}/api/v1/health", env):
        summary = measure(base, args.runs)
    print(f"{KBPS} kbps, {RTT_MS} ms RTT, CPU {CPU_SLOWDOWN}x; median of {args.runs} run(s)")
    print(f"{'':<18}{'usable':>10}{'first paint':>13}  in its language")
    for name, row in summary.items():
        ok = "yes" if row["first_paint_in_language"] else "no (English flash)"
        print(f"{name:<18}{row['usable_ms']:>8.0f}ms{row['first_paint_ms']:>11.0f}ms  {ok}")
    firsts = [row["usable_ms"] for name, row in summary.items() if name.endswith("home first")]
    verdict = "met" if max(firsts) <= GOAL_MS else "not met"
    print(f"Goal: usable first visit within {GOAL_MS / 1000:.1f} s: {verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
