"""A real local HTTP server playing a council's Open Referral UK API, quirks and all.

It serves recorded services as paginated ORUK 3.0 pages (list items with only one-to-one
fields, so full records come from /services/{id}) or ORUK v1 Spring pages, on 127.0.0.1, and
can refuse requests without a User-Agent, answer one page slowly, fail a page with 500, keep
answering past the last page, and live under a path that already ends in /services.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

# One-to-one fields a 3.0 list item carries (as the UK profile's service_list schema).
LIST_FIELDS = (
    "id", "name", "alternate_name", "description", "url", "email", "status", "fees_description",
    "minimum_age", "maximum_age", "assured_date", "last_modified", "organization",
)  # fmt: skip


@dataclass
class Quirks:
    require_user_agent: bool = True
    slow_page: int | None = None
    slow_seconds: float = 0.0
    fail_page: int | None = None
    fail_times: float = 0  # math.inf: always
    # "empty": pages past the end are empty; "repeat": they repeat the last page and the
    # page says it is not the last (a server that ignores paging past the end).
    past_end: str = "empty"
    lie_about_last: bool = False
    requests: list[str] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)


def to_v1(service: dict[str, Any]) -> dict[str, Any]:
    """An ORUK 3.0 service written the way v1 council feeds write it."""
    v1 = {k: v for k, v in service.items() if k not in ("attributes", "schedules")}
    v1["fees"] = v1.pop("fees_description", None)
    v1["eligibilitys"] = [
        {"minimum_age": v1.pop("minimum_age", None), "maximum_age": v1.pop("maximum_age", None)}
    ]
    v1["service_taxonomys"] = [
        {"taxonomy": {"id": a["taxonomy_term"]["code"], "name": a["taxonomy_term"]["name"]}}
        for a in service.get("attributes", [])
        if a["taxonomy_term"]["code"] != "sample-data"
    ]
    v1["regular_schedules"] = service.get("schedules", [])
    places = []
    for place in service.get("service_at_locations", []):
        location = dict(place["location"])
        location["physical_addresses"] = location.pop("addresses", [])
        places.append({"location": location})
    v1["service_at_locations"] = places
    return v1


class FeedServer:
    def __init__(
        self,
        services: list[dict[str, Any]],
        version: str = "3.0",
        prefix: str = "/api",
        quirks: Quirks | None = None,
        default_per_page: int = 10,
    ) -> None:
        self.services = services
        self.version = version
        self.prefix = prefix.rstrip("/")
        self.quirks = quirks or Quirks()
        self.default_per_page = default_per_page
        self._fails = 0
        self._lock = threading.Lock()

    def answer(self, path: str, query: dict[str, list[str]], agent: str) -> tuple[int, Any, float]:
        q = self.quirks
        with self._lock:
            q.requests.append(path + ("?" + "&".join(f"{k}={v[0]}" for k, v in query.items())))
            q.user_agents.append(agent)
        if q.require_user_agent and not agent:
            return 403, {"message": "Forbidden: no User-Agent"}, 0
        if not path.startswith(self.prefix + "/"):
            return 404, {"message": "not found"}, 0
        rest = path[len(self.prefix) :]
        if rest == "/":
            if self.version == "1.0":
                return 404, {"message": "not found"}, 0
            return 200, {"version": "3.0", "profile": "https://openreferraluk.org/"}, 0
        if rest in ("/services", "/services/"):
            return self.page(query)
        if rest.startswith("/services/"):
            wanted = unquote(rest[len("/services/") :])
            for service in self.services:
                if service["id"] == wanted:
                    return 200, service if self.version == "3.0" else to_v1(service), 0
            return 404, {"message": "no such service"}, 0
        return 404, {"message": "not found"}, 0

    def page(self, query: dict[str, list[str]]) -> tuple[int, Any, float]:
        q = self.quirks
        number = int(query.get("page", ["1"])[0])
        size = int(query.get("per_page", [str(self.default_per_page)])[0])
        if number == q.fail_page:
            with self._lock:
                self._fails += 1
                failing = self._fails <= q.fail_times
            if failing:
                return 500, {"message": "Internal Server Error"}, 0
        delay = q.slow_seconds if number == q.slow_page else 0.0
        total = len(self.services)
        pages = max(1, math.ceil(total / size))
        shown = number
        if number > pages and q.past_end == "repeat":
            shown = pages
        chunk = self.services[(shown - 1) * size : shown * size]
        last = number >= pages and not q.lie_about_last
        if self.version == "3.0":
            body: dict[str, Any] = {
                "total_items": total,
                "total_pages": None if q.lie_about_last else pages,
                "page_number": number,
                "size": len(chunk),
                "first_page": number == 1,
                "last_page": last,
                "empty": not chunk,
                "contents": [{k: s[k] for k in LIST_FIELDS if k in s} for s in chunk],
            }
            if body["total_pages"] is None:
                del body["total_pages"]
        else:
            body = {
                "content": [to_v1(s) for s in chunk],
                "totalElements": total,
                "number": number - 1,  # zero-based, though ?page= is one-based
                "size": size,
                "first": number == 1,
                "last": last,
                "empty": not chunk,
            }
            if not q.lie_about_last:
                body["totalPages"] = pages
        return 200, body, delay


@contextmanager
def serve(feed: FeedServer) -> Iterator[str]:
    """Run the feed on 127.0.0.1; yields its base URL (with the prefix)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, body, delay = feed.answer(
                parts.path, parse_qs(parts.query), self.headers.get("User-Agent", "")
            )
            if delay:
                time.sleep(delay)
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{feed.prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
