"""QR codes as SVG, made with segno, only for addresses inside this app."""

from __future__ import annotations

import hashlib
import io
import re
from functools import lru_cache

import msgspec
import segno

# Long enough for any screen of the app with its query (/cards/<80-char id>?lang=xx&...);
# short enough that the code stays easy to scan from the back of a classroom.
MAX_PATH_LENGTH = 300

# A path on this app's own host: one leading slash (never two: "//host" is another site),
# then only the characters a URL may hold unescaped. No scheme, no backslash (browsers read
# "/\host" as "//host"), no spaces and no control characters.
_APP_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/?%#]*")
# scheme://host[:port][/root]: what a base address may look like.
_BASE_URL = re.compile(
    r"https?://(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:/[A-Za-z0-9\-._~/]*)?"
)


class NotAnAppPath(ValueError):
    """The path is not a page of this app, so no QR code is made for it."""


class QrSvg(msgspec.Struct, frozen=True):
    """One QR code, as the SVG bytes and a strong ETag."""

    url: str
    body: bytes
    etag: str


def check_app_path(path: str) -> str:
    """The path, if it is a page of this app; NotAnAppPath otherwise."""
    if len(path) > MAX_PATH_LENGTH:
        raise NotAnAppPath(f"The address is too long (at most {MAX_PATH_LENGTH} characters).")
    if not _APP_PATH.fullmatch(path):
        raise NotAnAppPath(
            "A QR code can only open a page of this app: give a path that starts with one /, "
            "such as /cards/knife-law-for-parents?lang=ur."
        )
    return path


def app_address(base_url: str, path: str) -> str:
    """The absolute address of one of this app's pages, from its public base address."""
    base = base_url.rstrip("/")
    if not _BASE_URL.fullmatch(base):
        raise NotAnAppPath("This app's own address is not valid, so no QR code can be made.")
    return base + check_app_path(path)


# Addresses a server listens on that no phone can open.
_UNREACHABLE_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})  # noqa: S104 - compared, not bound


def configured_address(host: str, port: int) -> str:
    """http://host:port from the server's own settings, or "" when that names no place a
    phone could reach (listening on every address, or on a port picked at start-up).

    The request's Host header is never used: anyone can send any Host, and a QR code made
    from it could send a classroom to another site.
    """
    host = host.strip()
    if host in _UNREACHABLE_HOSTS or port == 0:
        return ""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


@lru_cache(maxsize=512)
def qr_svg(url: str, title: str = "") -> QrSvg:
    """A QR code for the address; medium error correction survives a creased printout."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    # omitsize gives a viewBox and no fixed size, so the page's CSS sets the size and the
    # code stays sharp on a projector and on paper. A white background keeps it readable
    # on dark slides.
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        omitsize=True,
        border=4,
        dark="#000",
        light="#fff",
        title=title or url,
        svgclass=None,
        lineclass=None,
    )
    body = out.getvalue()
    return QrSvg(url=url, body=body, etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"')
