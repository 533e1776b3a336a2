"""Security headers on every response, errors and static files included."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

PATHS = ["/", "/api/v1/health", "/api/v1/cards?lang=ur", "/api/v1/nothing", "/schema/openapi.json"]


@pytest.mark.parametrize("path", PATHS)
def test_security_headers(client: TestClient[Litestar], path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "nosniff" == headers["x-content-type-options"]
    assert "no-referrer" == headers["referrer-policy"]
    assert "geolocation=(self)" in headers["permissions-policy"]
    assert "camera=()" in headers["permissions-policy"]
    assert "same-origin" == headers["cross-origin-opener-policy"]
    assert "strict-transport-security" not in headers


def test_hsts_over_tls(https_client: TestClient[Litestar]) -> None:
    headers = https_client.get("/api/v1/health").headers
    assert headers["strict-transport-security"].startswith("max-age=")
