"""The app shell: its files with a content hash each, hashed URLs, and the worker's precache list.

Files are served exactly as written, except that references between shell files gain
``?v=<revision>`` (e.g. ``import "./dom.js"`` becomes ``import "./dom.js?v=3fa2..."``), so
every asset has an address that changes whenever its bytes, or the bytes of anything it
imports, change; those addresses can be cached for a year. ``pwa/precache.json`` records the
list for review; ``consequences pwa precache`` rewrites it and a test fails when it is stale.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

PRECACHE_FILE = "precache.json"
WORKER_FILE = "sw.js"
# The shell: the page every screen uses, the offline page, the manifest and assets/.
# pwa/staff/, the presenter, print and lesson pages are separate pages, not precached.
TOP_LEVEL = ("index.html", "offline.html", "manifest.webmanifest")
ASSETS_DIR = "assets"
# Every screen of the app by name, the one list of them: the server answers each address with
# the shell (routes/shell.py), the worker opens the cached shell for them (sw.js gets the
# addresses before its code) and the app draws them (app.js, from the bundle). {id} is a card.
SCREENS: dict[str, str] = {
    "home": "/",
    "card": "/cards/{id}",
    "help": "/help",
    "report": "/report",
    # Youth voice (issue 16): report a place that feels unsafe; "You said, we did".
    "unsafePlace": "/report/unsafe-place",
    "saidWeDid": "/said-we-did",
    "check": "/check",
    "settings": "/settings",
    "about": "/about",
    "glossary": "/glossary",
}
TEXT_SUFFIXES = {".html", ".js", ".css", ".webmanifest", ".svg"}
MEDIA_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}
# A quoted address that starts with /, ./ or ../ and has no query yet.
_REFERENCE = re.compile(r"""(?P<q>["'])(?P<ref>\.{0,2}/[A-Za-z0-9_./-]*)(?P=q)""")


class ShellError(Exception):
    """The shell's files refer to each other in a way that cannot be hashed."""


@dataclass(frozen=True)
class ShellFile:
    url: str  # the address without ?v=
    path: Path
    body: bytes  # what is served: references rewritten to hashed addresses
    revision: str
    media_type: str

    @property
    def hashed_url(self) -> str:
        return f"{self.url}?v={self.revision}"


@dataclass
class Shell:
    """Every shell file by address, plus the service worker built around the list."""

    files: dict[str, ShellFile] = field(default_factory=dict)
    version: str = ""
    worker: bytes = b""

    def precache_list(self) -> dict[str, object]:
        return {
            "version": self.version,
            "files": [{"url": f.url, "revision": f.revision} for f in self.files.values()],
        }

    def precache_json(self) -> str:
        return json.dumps(self.precache_list(), indent=2) + "\n"


def url_for(relative: str) -> str:
    return "/" if relative == "index.html" else "/" + relative


def shell_paths(pwa_dir: Path) -> list[str]:
    """Paths (relative to pwa/, POSIX style) of every precached file, in a stable order."""
    found = [name for name in TOP_LEVEL if (pwa_dir / name).is_file()]
    assets = pwa_dir / ASSETS_DIR
    if assets.is_dir():
        found += sorted(
            p.relative_to(pwa_dir).as_posix()
            for p in assets.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )
    return found


def _revision(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16]


def build_shell(pwa_dir: Path) -> Shell:
    """Read, rewrite and hash every shell file; raise ShellError on an import cycle."""
    sources = {url_for(rel): pwa_dir / rel for rel in shell_paths(pwa_dir)}
    built: dict[str, ShellFile] = {}
    in_progress: set[str] = set()

    def build(url: str) -> ShellFile:
        if url in built:
            return built[url]
        if url in in_progress:
            raise ShellError(f"{url} is part of an import cycle; hashed addresses need none")
        in_progress.add(url)
        path = sources[url]
        body = path.read_bytes()
        if path.suffix in TEXT_SUFFIXES:
            body = _rewrite(url, body.decode("utf-8")).encode("utf-8")
        in_progress.discard(url)
        media_type = MEDIA_TYPES.get(path.suffix, "application/octet-stream")
        built[url] = ShellFile(url, path, body, _revision(body), media_type)
        return built[url]

    def _rewrite(url: str, text: str) -> str:
        base = posixpath.dirname(url)

        def replace(match: re.Match[str]) -> str:
            ref = match.group("ref")
            target = posixpath.normpath(posixpath.join(base, ref)) if ref[0] == "." else ref
            # Only assets and the manifest get hashed addresses; "/" and screen paths
            # are links, and the page they lead to must keep its address.
            if target == "/" or target not in sources:
                return match.group(0)
            q = match.group("q")
            return f"{q}{ref}?v={build(target).revision}{q}"

        return _REFERENCE.sub(replace, text)

    for url in sources:
        build(url)
    shell = Shell(files={url: built[url] for url in sources})
    shell.version = _revision(json.dumps(shell.precache_list()["files"]).encode())
    worker_source = pwa_dir / WORKER_FILE
    if worker_source.is_file():
        # The worker's bytes change whenever any shell file does, so phones notice updates.
        prelude = (
            f"const PRECACHE = {json.dumps(shell.precache_list())};\n"
            f"const SCREENS = {json.dumps(list(SCREENS.values()))};\n"
        )
        shell.worker = prelude.encode() + worker_source.read_bytes()
    return shell


def write_precache(pwa_dir: Path) -> Path:
    target = pwa_dir / PRECACHE_FILE
    target.write_text(build_shell(pwa_dir).precache_json(), encoding="utf-8")
    return target


def precache_is_current(pwa_dir: Path) -> bool:
    target = pwa_dir / PRECACHE_FILE
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    return current == build_shell(pwa_dir).precache_json()
