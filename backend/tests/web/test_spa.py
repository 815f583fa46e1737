"""The built web app is served at `/`: its files, index.html for client-side routes, and the API untouched."""

from __future__ import annotations

from pathlib import Path

import httpx

from app.config import Settings
from app.main import create_app
from tests.conftest import assert_error, lifespan


async def test_the_web_app_and_its_routes_are_served_beside_the_api(
    embedded_settings: Settings, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "app.js").write_text("console.log('hi')")
    (dist / "favicon.svg").write_text("<svg/>")
    app = create_app(embedded_settings.model_copy(update={"frontend_dir": dist}))
    async with (
        lifespan(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        for path in ("/", "/alerts", "/research/backtest"):
            page = await client.get(path)
            assert (
                page.status_code == 200
                and "id=root" in page.text
                and page.headers["cache-control"] == "no-cache"
            )
        assert (await client.get("/assets/app.js")).text == "console.log('hi')"
        assert (await client.get("/favicon.svg")).text == "<svg/>"
        assert_error(await client.get("/api/nope"), 404, "NOT_FOUND")
        assert (await client.get("/health/live")).status_code == 200
        assert (await client.get("/../../etc/passwd")).text.startswith("<!doctype")  # never outside dist
