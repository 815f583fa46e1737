"""The web app's files: precompressed copies by Accept-Encoding, immutable hashed assets, no-cache index."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.web import IMMUTABLE
from tests.conftest import assert_error, lifespan

SCRIPT = b"export const hello = 'world';\n" * 200
FAKE_BROTLI = b"brotli bytes, served as they are"


@pytest.fixture
async def web(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app serving a built web app with .br/.gz copies, as `vite build` leaves it."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(b"<!doctype html><div id=root></div>" + b" " * 2000)
    (dist / "index.html.gz").write_bytes(gzip.compress((dist / "index.html").read_bytes()))
    (dist / "assets" / "index-Ab12Cd34.js").write_bytes(SCRIPT)
    (dist / "assets" / "index-Ab12Cd34.js.gz").write_bytes(gzip.compress(SCRIPT))
    (dist / "assets" / "index-Ab12Cd34.js.br").write_bytes(FAKE_BROTLI)
    (dist / "assets" / "tiny-Ef56Gh78.css").write_bytes(b"a{}")
    app = create_app(settings.model_copy(update={"frontend_dir": dist}))
    async with (
        lifespan(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        yield client


async def _raw(client: httpx.AsyncClient, path: str, encoding: str) -> httpx.Response:
    async with client.stream("GET", path, headers={"Accept-Encoding": encoding}) as response:
        response._content = b"".join([chunk async for chunk in response.aiter_raw()])
    return response


async def test_a_hashed_asset_is_sent_in_the_best_encoding_the_client_accepts(
    web: httpx.AsyncClient,
) -> None:
    path = "/assets/index-Ab12Cd34.js"
    best = await _raw(web, path, "gzip, deflate, br")
    assert best.headers["content-encoding"] == "br" and best.content == FAKE_BROTLI
    assert best.headers["content-type"].startswith("text/javascript")
    packed = await _raw(web, path, "gzip")
    assert packed.headers["content-encoding"] == "gzip" and gzip.decompress(packed.content) == SCRIPT
    plain = await _raw(web, path, "identity")
    assert "content-encoding" not in plain.headers and plain.content == SCRIPT
    for response in (best, packed, plain):
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["vary"] == "Accept-Encoding"
        assert int(response.headers["content-length"]) == len(response.content)


async def test_an_asset_without_copies_is_still_immutable_and_a_missing_one_is_a_404(
    web: httpx.AsyncClient,
) -> None:
    tiny = await _raw(web, "/assets/tiny-Ef56Gh78.css", "br, gzip")
    assert tiny.content == b"a{}" and tiny.headers["cache-control"] == IMMUTABLE
    assert tiny.headers["content-type"].startswith("text/css")
    # Not index.html: the browser would run the page as a script, and cache it for a year.
    assert_error(await web.get("/assets/gone-00000000.js"), 404, "NOT_FOUND")
    assert_error(await web.get("/assets/%2e%2e/index.html"), 404, "NOT_FOUND")


async def test_index_html_is_revalidated_on_every_load_and_compressed_too(web: httpx.AsyncClient) -> None:
    for path in ("/", "/markets", "/index.html"):
        page = await _raw(web, path, "gzip")
        assert page.headers["cache-control"] == "no-cache"
        assert page.headers["content-encoding"] == "gzip"
        assert b"id=root" in gzip.decompress(page.content)
        assert page.headers["content-type"].startswith("text/html")
