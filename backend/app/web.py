"""Serves the built web app (frontend/dist) at `/`: its files, and index.html for every client-side route."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles

from app.core.errors import AppError, ErrorCode

# Paths the API owns: an unknown one is the API's 404, never the web app.
API_PREFIXES = ("api/", "ws/", "health", "metrics", "docs", "redoc", "openapi.json")
DEFAULT_DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"


def mount_web_app(app: FastAPI, dist: Path | None) -> bool:
    """Mount the app if it is built; False (and the API alone) otherwise."""
    dist = dist or DEFAULT_DIST
    index = dist / "index.html"
    if not index.is_file():
        return False
    app.mount("/assets", StaticFiles(directory=dist / "assets"), name="web-assets")

    @app.get("/{path:path}", include_in_schema=False)
    async def web_app(path: str, request: Request) -> Response:
        if path.startswith(API_PREFIXES):
            raise AppError(ErrorCode.NOT_FOUND, "No such route")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        # index.html is never cached: a new build's hashed assets are picked up on the next load.
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    return True
