"""Every 4xx and 5xx has the one error shape, in plain words, never a stack trace."""

from __future__ import annotations

from litestar import Litestar, get
from litestar.testing import TestClient

from server.settings import Settings
from tests.conftest import AppFactory

ERROR_KEYS = {"code", "message", "field"}  # "field" only when one input was at fault


def assert_error_shape(body: object) -> dict[str, str]:
    assert isinstance(body, dict)
    assert ["error"] == list(body)
    error = body["error"]
    assert {"code", "message"} <= set(error) <= ERROR_KEYS
    assert error["message"] and "Traceback" not in error["message"]
    return error


def test_unknown_api_route(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert "not_found" == assert_error_shape(response.json())["code"]


def test_method_not_allowed(client: TestClient[Litestar]) -> None:
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert "method_not_allowed" == assert_error_shape(response.json())["code"]


def test_validation_error_names_the_field_apart_from_its_plain_message(
    client: TestClient[Litestar],
) -> None:
    response = client.get("/api/v1/cards?audience=nobody")
    assert response.status_code == 422
    error = assert_error_shape(response.json())
    assert "invalid_input" == error["code"]
    assert "audience" == error["field"]
    assert "audience" not in error["message"] and "enum" not in error["message"]
    assert "Please choose who the cards are for" in error["message"]


def test_server_error_hides_the_fault(settings: Settings, make_app: AppFactory) -> None:
    app = make_app(settings)

    @get("/boom", sync_to_thread=False)
    def boom() -> None:
        raise RuntimeError("secret internals at /home/app")

    app.register(boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    error = assert_error_shape(response.json())
    assert "server_error" == error["code"]
    assert "secret" not in response.text


def test_health(client: TestClient[Litestar]) -> None:
    body = client.get("/api/v1/health").json()
    assert "ok" == body["status"]
    assert body["version"]


def test_openapi_documents_every_endpoint(client: TestClient[Litestar]) -> None:
    schema = client.get("/schema/openapi.json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/health",
        "/api/v1/locales",
        "/api/v1/cards",
        "/api/v1/cards/{card_id}",
        "/api/v1/messages",
        "/api/v1/bundle",
    ]:
        assert path in paths
    card_params = {p["name"] for p in paths["/api/v1/cards"]["get"]["parameters"]}
    assert {"lang", "audience"} <= card_params
    assert "CardDetail" in str(schema["components"]["schemas"])


def test_malformed_json_and_missing_inputs_get_plain_words(client: TestClient[Litestar]) -> None:
    broken = client.post(
        "/api/v1/feedback", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert 400 == broken.status_code
    error = assert_error_shape(broken.json())
    assert "The request could not be understood." == error["message"]
    assert "JSON" not in error["message"] and "byte" not in error["message"]
    missing = client.get("/api/v1/qr.svg", params={"lang": "ar"})
    error = assert_error_shape(missing.json())
    assert ("invalid_input", "path") == (error["code"], error["field"])
    assert "path" not in error["message"] and "Missing" not in error["message"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in error["message"])
