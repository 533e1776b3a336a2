"""/schema/openapi.json that tells the truth (issue 14, part 5).

Litestar describes each route from its signature. This module completes that description,
once, where Litestar cannot know better:

- every status code each operation can answer, each error in the one error shape
  ({"error": {"code", "message"}}), replacing Litestar's own 400 shape;
- the UUID and proof-of-work headers as what they are;
- request bodies closed (additionalProperties: false), as the decoders refuse unknown fields;
- components every reference resolves to (Litestar names some by module, and leaves one
  out);
- the CSV export as text/csv.

tests/test_openapi.py runs schemathesis against the real app with this description.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import msgspec
from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin

from server.content import Section

ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
_REF_PREFIX = "#/components/schemas/"
_MODULE_NAME = re.compile(r"^(?:[a-z_]+_)+([A-Z]\w*)$")

REASONS = {
    400: "The body is not JSON, or nests too deeply.",
    401: "Not signed in.",
    403: "Not allowed: the CSRF token is missing or wrong, the account is not an admin, the "
    "reports are sealed and this sign-in holds no key, or a proof-of-work solution was refused.",
    404: "Not found, or an unsupported language.",
    409: "Clashes with the current state.",
    413: "The body is too large.",
    415: "The body is not JSON.",
    422: "Some of what was sent is not valid; the message names the field.",
    428: "A proof-of-work solution is needed (GET /api/v1/challenge, then X-Challenge).",
    429: "Too many requests from this source; Retry-After says how long to wait.",
}


# Anonymous writes that carry a proof-of-work solution (server.pow).
ANONYMOUS_WRITES = frozenset(
    {
        "/api/v1/reports",
        "/api/v1/reports/lookup",
        "/api/v1/reports/reply",
        "/api/v1/reports/withdraw",
        "/api/v1/reports/unsafe-place",
        "/api/v1/feedback",
        "/api/v1/services/{service_id}/suggestions",
    }
)


def _statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer."""
    found: set[int] = set()
    parameters = operation.get("parameters", [])
    if parameters:
        found.add(422)
    if any(p.get("name") == "lang" for p in parameters):
        found.add(404)
    if "requestBody" in operation:
        found |= {400, 413, 415, 422}
    if "{" in path:
        found.add(404)  # no such report, item, session, service or account
    if path in ANONYMOUS_WRITES:
        found |= {403, 428, 429}  # proof of work, then the source's limit
    if path in ("/api/v1/reports/lookup", "/api/v1/reports/reply", "/api/v1/reports/withdraw"):
        found |= {404, 409}
    if path.startswith("/api/v1/pulse") and method == "post":
        found |= {403, 404, 409, 429}  # the presenter's key, a closed session, its limits
    if path == "/api/v1/services/sources":
        found |= {401, 403}
    if path.startswith("/api/v1/staff/") and path != "/api/v1/staff/session":
        if path in ("/api/v1/staff/login", "/api/v1/staff/login/enrolment"):
            found |= {401, 403, 429}
        else:
            found |= {401, 403}
        if "{report_id}" in path:
            found.add(404)
        if path.startswith("/api/v1/staff/accounts") and method == "delete":
            found |= {404, 409}
    return found


def _close(schema: dict[str, Any], components: dict[str, Any], seen: set[str]) -> None:
    """additionalProperties: false on an object schema and the components it refers to."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        name = ref.removeprefix(_REF_PREFIX)
        if name not in seen and name in components:
            seen.add(name)
            _close(components[name], components, seen)
        return
    if schema.get("type") == "object" and "properties" in schema:
        schema["additionalProperties"] = False
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in schema.get(key, []):
            _close(sub, components, seen)


def _fix_refs(node: Any, components: dict[str, Any]) -> None:
    """Point module-named references (server_content_Section) at the component's name."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
            name = ref.removeprefix(_REF_PREFIX)
            match = _MODULE_NAME.match(name)
            if name not in components and match:
                # The shortest module-named form Litestar did make (content_Source when two
                # types are called Source), else the bare name.
                parts = name.split("_")
                shorter = ["_".join(parts[i:]) for i in range(1, len(parts))]
                found = [n for n in shorter if n in components]
                node["$ref"] = _REF_PREFIX + (found[0] if found else match[1])
        for value in node.values():
            _fix_refs(value, components)
    elif isinstance(node, list):
        for value in node:
            _fix_refs(value, components)


def _add_missing_components(components: dict[str, Any]) -> None:
    """Components Litestar leaves out, from msgspec's own JSON Schema of the type."""
    _, defs = msgspec.json.schema_components([Section], ref_template=_REF_PREFIX + "{name}")
    for name, schema in defs.items():
        components.setdefault(name, schema)


def truthful(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with what Litestar cannot know filled in."""
    spec = copy.deepcopy(document)
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    _add_missing_components(components)
    _fix_refs(spec, components)
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in _statuses(method, path, operation) | {
                int(code) for code in responses if code.isdigit() and int(code) >= 400
            }:
                responses[str(status)] = {
                    "description": REASONS.get(status, "Error"),
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "Idempotency-Key":
                    parameter["schema"] = {
                        "type": "string",
                        "format": "uuid",
                        "description": parameter.get("description", ""),
                    }
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                _close(media.get("schema", {}), components, set())
            if path.endswith("/export.csv"):
                responses["200"]["content"] = {"text/csv": {"schema": {"type": "string"}}}
            elif path.endswith("/export.yaml"):
                responses["200"]["content"] = {
                    "application/yaml": {"schema": {}}
                }  # YAML, any shape
            elif path == "/api/v1/staff/figures" and "200" in responses:
                # JSON, or CSV when the client asks for text/csv.
                responses["200"].setdefault("content", {})["text/csv"] = {
                    "schema": {"type": "string"}
                }
    return spec


class TruthfulJsonRenderPlugin(JsonRenderPlugin):
    """Litestar's JSON render of the OpenAPI document, made truthful first."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return self.render_json(request, truthful(openapi_schema))
