"""Benchmark: GET /api/v1/cards/{id}?lang=ur against a bare Litestar app, same server, same run.

Run: .venv/bin/python bench/cards.py [--seconds 10] [--server uvicorn|granian|both]
Needs wrk (apt-get install wrk). Prints requests/s and p50/p99 latency, with and without
If-None-Match, and our throughput as a share of the bare app's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import WrkResult, free_port, running, serve_command, temp_data_dir, wrk

CARD = "carrying-a-knife-the-law"


def measure(server: str, seconds: int) -> dict[str, WrkResult]:
    results: dict[str, WrkResult] = {}
    port = free_port()
    data_dir = temp_data_dir()
    env = {"CONSEQUENCES_DATA_DIR": str(data_dir)}
    command = (
        [sys.executable, "-m", "server", "serve", "--port", str(port), "--data-dir", str(data_dir)]
        if server == "uvicorn"
        else serve_command(server, port, "server.app:create_app")
    )
    url = f"http://127.0.0.1:{port}/api/v1/cards/{CARD}?lang=ur"
    with running(command, url, env):
        first = httpx.get(url)
        size, etag = len(first.content), first.headers["etag"]
        wrk(url, seconds=2)  # warm up
        results["app"] = wrk(url, seconds=seconds)
        results["app_304"] = wrk(url, seconds=seconds, headers=[f"If-None-Match: {etag}"])

    port = free_port()
    bare = f"http://127.0.0.1:{port}/constant"
    with running(
        serve_command(server, port, "bench.bare_app:create_bare_app"),
        bare,
        {"BARE_BODY_SIZE": str(size)},
    ):
        wrk(bare, seconds=2)
        results["bare"] = wrk(bare, seconds=seconds)
    print(f"\n[{server}] card body {size} bytes; wrk -t1 -c32 for {seconds}s each")
    print(results["app"].row(f"app  GET /cards/{CARD}?lang=ur"))
    print(results["app_304"].row("app  same, If-None-Match (304)"))
    print(results["bare"].row("bare Litestar, constant body same size"))
    ratio = results["app"].requests_per_second / results["bare"].requests_per_second
    print(f"app / bare throughput: {ratio:.0%} (goal: at least 80%)")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--server", choices=["uvicorn", "granian", "both"], default="uvicorn")
    args = parser.parse_args()
    servers = ["uvicorn", "granian"] if args.server == "both" else [args.server]
    for server in servers:
        measure(server, args.seconds)


if __name__ == "__main__":
    main()
