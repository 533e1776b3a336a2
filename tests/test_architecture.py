"""The layers: routes -> domain -> db. Only the web layer knows about Litestar and HTTP.

See the "Architecture" section of CONTRIBUTING.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

from server.settings import ROOT

SERVER = ROOT / "server"

# The web layer: the app's wiring, the routes, and the HTTP helpers they share.
WEB_LAYER = {"server.app", "server.errors", "server.security", "server.http", "server.openapi"}
WEB_PACKAGES = ("server.routes", "server.http")
# Modules still raising HTTP errors (none left: the finder raises server.problems).
PENDING_HTTP_ERRORS: tuple[str, ...] = ()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_web(module: str) -> bool:
    return module in WEB_LAYER or module.startswith(WEB_PACKAGES)


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(path): imports(path) for path in sorted(SERVER.rglob("*.py"))}


def importers(prefix: str) -> set[str]:
    return {
        module
        for module, imported in MODULES.items()
        if any(name == prefix or name.startswith(prefix + ".") for name in imported)
    }


def test_the_layer_rule_sees_the_whole_package() -> None:
    assert {"server.app", "server.reports.service", "server.routes.reports"} <= set(MODULES)
    assert importers("litestar"), "the check found no Litestar import at all"


def test_only_the_web_layer_imports_litestar() -> None:
    outside = sorted(m for m in importers("litestar") if not is_web(m))
    assert [] == outside, f"only the web layer may import litestar: {outside}"


def test_nothing_but_the_app_imports_the_routes() -> None:
    upward = sorted(
        m for m in importers("server.routes") | importers("server.app") if not is_web(m)
    )
    assert [] == upward, f"the domain must not import the routes or the app: {upward}"


def test_the_domain_raises_domain_errors_not_http_errors() -> None:
    http_errors = sorted(
        m
        for m in importers("server.errors")
        if not is_web(m) and not m.startswith(PENDING_HTTP_ERRORS)
    )
    assert [] == http_errors, f"raise server.problems errors instead of ApiError: {http_errors}"
