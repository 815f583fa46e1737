"""Every error status leaves as the seed's envelope; unknown fields and wrong types are 422."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from app.core.clock import FrozenClock
from tests.conftest import assert_error, register


async def test_success_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "success"
    assert body["data"]["alive"] is True
    assert body["timestamp"].endswith("Z")
    assert response.headers["x-request-id"]


async def test_404_unknown_route(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/does-not-exist"), 404, "NOT_FOUND")


async def test_405_wrong_method(client: httpx.AsyncClient) -> None:
    assert_error(await client.delete("/api/auth/login"), 405, "METHOD_NOT_ALLOWED")


async def test_422_names_the_unknown_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register", json={"email": "a@example.com", "password": "long-enough", "isAdmin": True}
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["field"] == "isAdmin"
    assert "unknown field" in body["message"]


async def test_422_names_the_wrongly_typed_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/register", json={"email": "not-an-email", "password": 12345678})
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert {d["field"] for d in body["details"]} == {"email", "password"}


async def test_422_snake_case_keys_are_not_the_contract(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/refresh", json={"refresh_token": "x"})
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert {d["field"] for d in body["details"]} == {"refreshToken", "refresh_token"}


async def test_422_invalid_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["field"] == "body" and "not valid JSON" in body["message"]


async def test_415_body_that_is_not_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login",
        content=b"email=a&password=b",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    body = assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert "application/x-www-form-urlencoded" in body["message"]


async def test_422_bad_path_parameter(client: httpx.AsyncClient) -> None:
    account = await register(client)
    body = assert_error(await client.get("/api/users/abc", headers=account.headers), 422, "VALIDATION_ERROR")
    assert body["field"] == "userId"


async def test_401_without_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/me")
    assert_error(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_403_on_another_users_id(client: httpx.AsyncClient) -> None:
    alice, bob = await register(client), await register(client)
    assert_error(await client.get(f"/api/users/{alice.id}", headers=bob.headers), 403, "FORBIDDEN")


async def test_413_declared_length_over_limit(client: httpx.AsyncClient) -> None:
    payload = b'{"email": "' + b"a" * (1024 * 1024) + b'"}'
    response = await client.post(
        "/api/auth/login", content=payload, headers={"content-type": "application/json"}
    )
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_413_streamed_body_without_length(client: httpx.AsyncClient, method: str) -> None:
    """Chunked, with no Content-Length: read up to the limit and refused, a GET too (only a GET with
    neither header passes straight through)."""

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * 65536

    response = await client.request(
        method, "/api/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_429_login_rate_limited_per_account(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    await register(client, "victim@example.com")
    attempts = [
        await client.post("/api/auth/login", json={"email": "victim@example.com", "password": "wrong"})
        for _ in range(11)
    ]
    assert [r.status_code for r in attempts[:10]] == [401] * 10
    response = assert_error(attempts[10], 429, "RATE_LIMITED")
    assert "account" in response["message"]
    assert int(attempts[10].headers["retry-after"]) > 0


async def test_429_login_rate_limited_per_ip(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    # A frozen clock: the limit counts in fixed windows, and 21 sign-ins must not straddle two of them.
    codes = [
        (
            await client.post("/api/auth/login", json={"email": f"u{i}@example.com", "password": "x"})
        ).status_code
        for i in range(21)
    ]
    assert codes[:20] == [401] * 20
    assert codes[20] == 429


@pytest.fixture
async def app_with_failing_route(app: FastAPI) -> FastAPI:
    async def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/api/test-boom", boom)
    return app


async def test_500_hides_the_error(app_with_failing_route: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    transport = httpx.ASGITransport(app=app_with_failing_route, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.get("/api/test-boom")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret internal detail" not in response.text
    assert body["message"].startswith("Internal error")
    request_id = response.headers["x-request-id"]
    logged = [r for r in caplog.records if r.exc_info and "secret internal detail" in str(r.exc_info)]
    assert logged
    assert logged[0].requestId == request_id  # type: ignore[attr-defined]


async def test_openapi_documents_the_envelope(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    assert "ErrorEnvelope" in schemas
    login = spec["paths"]["/api/auth/login"]["post"]["responses"]
    assert login["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorEnvelope")
    ok_ref = login["200"]["content"]["application/json"]["schema"]["$ref"]
    assert "Envelope" in ok_ref
