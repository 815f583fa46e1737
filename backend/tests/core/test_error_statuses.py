"""One envelope and one HTTP status per error code everywhere: unknown paths, bodies that are not JSON."""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.core.errors import HTTP_STATUS, AppError, ErrorCode
from app.main import create_app
from tests.conftest import assert_error, lifespan, register

API_DOC = Path(__file__).resolve().parents[3] / "docs" / "API.md"


def test_each_code_has_one_status_the_one_documented() -> None:
    assert set(HTTP_STATUS) == set(ErrorCode)
    assert "status" not in inspect.signature(AppError).parameters  # no per-raise override
    rows = re.findall(r"^\| `([A-Z_]+)` \| (\d{3}) \|", API_DOC.read_text(), re.MULTILINE)
    assert {ErrorCode(code): int(status) for code, status in rows} == HTTP_STATUS


@pytest.fixture
async def with_web_app(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The API with the built web app mounted, whose fallback route matches every path for GET."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    app = create_app(settings.model_copy(update={"frontend_dir": dist}))
    async with (
        lifespan(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        yield client


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_an_unknown_path_is_404_whatever_the_method(
    client: httpx.AsyncClient, with_web_app: httpx.AsyncClient, method: str
) -> None:
    for http in (client, with_web_app):
        for path in ("/api/nope", "/api/alerts/1/2/3", "/ws/nope", "/settings"):
            assert_error(await http.request(method, path), 404, "NOT_FOUND")
    assert "id=root" in (await with_web_app.get("/settings")).text


async def test_405_is_for_a_known_path_and_names_every_method(
    client: httpx.AsyncClient, with_web_app: httpx.AsyncClient
) -> None:
    for http in (client, with_web_app):
        response = await http.delete("/api/users/me")
        assert_error(response, 405, "METHOD_NOT_ALLOWED")
        assert response.headers["allow"] == "GET, PATCH"
        assert (await http.put("/api/auth/login")).headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 10_000 + b"]" * 10_000, "body is not valid JSON (nested too deeply)"),
        (b'{"email": "\xff@example.com", "password": "x"}', "body is not valid UTF-8 (at byte 11)"),
        (b'{"email":"a@b.c",}', "body is not valid JSON (at character 17)"),
    ],
)
async def test_a_body_that_is_not_json_is_422_on_body(
    client: httpx.AsyncClient, body: bytes, message: str
) -> None:
    account = await register(client)
    for path, headers in (("/api/auth/login", {}), ("/api/alerts", account.headers)):
        response = await client.post(
            path, content=body, headers={**headers, "content-type": "application/json"}
        )
        error = assert_error(response, 422, "VALIDATION_ERROR")
        assert error["field"] == "body" and error["message"] == message
        assert error["details"] == [{"field": "body", "message": message}]
