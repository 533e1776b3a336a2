"""The HTTP protocol the server runs: uvicorn's, with limits that keep one client from
starving everyone.

Without a proxy in front, uvicorn alone reads a header of any size and waits for ever for a
request's headers to finish. This protocol answers 431 once a request's headers pass
``max_header_bytes`` (before parsing more of them) and closes a connection whose headers are not
complete ``header_timeout_seconds`` after its first byte (or after it opened). Idle keep-alive
connections are closed by uvicorn's own ``timeout_keep_alive``, and ``limit_concurrency`` caps
connections; both are set from the same settings in ``server.cli``.
"""

from __future__ import annotations

import asyncio
from functools import cache

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from server.settings import Settings


@cache
def _limits() -> tuple[int, float]:
    # Each worker process builds its settings from the environment the CLI exported.
    settings = Settings.load()
    return settings.max_header_bytes, float(settings.header_timeout_seconds)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header size limit and a header-read timeout."""

    _header_bytes = 0
    _tail = b""
    _reading_headers = True
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._reading_headers:
            super().data_received(data)
            return
        if self._header_timer is None:
            self._arm_header_timer()
        # Count the bytes up to the blank line that ends the headers (it may straddle two
        # reads), and refuse before parsing once there are too many.
        window = self._tail + data
        end = window.find(b"\r\n\r\n")
        counted = len(data) if end < 0 else end + 4 - len(self._tail)
        self._header_bytes += counted
        if self._header_bytes > _limits()[0]:
            self._refuse(b"431 Request Header Fields Too Large", b"Request header too large.")
            return
        self._tail = window[-3:]
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._reading_headers = False
        self._stop_header_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # The parser has read this whole request (body included), so the next bytes on the
        # connection are a new request's headers: it gets its own count, and its own clock
        # from its first byte (until then uvicorn's keep-alive timeout applies).
        self._reading_headers, self._header_bytes, self._tail = True, 0, b""

    def _start_request(self) -> None:
        self._reading_headers, self._header_bytes, self._tail = True, 0, b""
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        self._stop_header_timer()
        self._header_timer = self.loop.call_later(_limits()[1], self._header_timeout)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timeout(self) -> None:
        self._header_timer = None
        if self._reading_headers and not self.transport.is_closing():
            self._refuse(b"408 Request Timeout", b"Request headers took too long.")

    def _refuse(self, status: bytes, message: bytes) -> None:
        self._reading_headers = False
        self._stop_header_timer()
        self.transport.write(
            b"HTTP/1.1 " + status + b"\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(message)).encode() + b"\r\n"
            b"connection: close\r\n\r\n" + message
        )
        self.transport.close()
