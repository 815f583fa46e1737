"""Serves the built web app (frontend/dist) at `/`: its files (precompressed when the client accepts it), and
index.html for every client-side route."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response

from app.core.errors import AppError, ErrorCode
from app.core.precompressed import file_response

# Paths the API owns: an unknown one is the API's 404, never the web app.
API_PREFIXES = ("api/", "ws/", "health", "metrics", "docs", "redoc", "openapi.json")
DEFAULT_DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"
# Files under /assets are named by their content's hash: a new build gives new names, so one never changes.
IMMUTABLE = "public, max-age=31536000, immutable"
# Everything else (index.html first) is revalidated on every load, so a new build is picked up at once.
REVALIDATE = "no-cache"


def _file_in(root: Path, path: str) -> Path | None:
    candidate = (root / path).resolve()
    return candidate if path and candidate.is_file() and candidate.is_relative_to(root) else None


def mount_web_app(app: FastAPI, dist: Path | None) -> bool:
    """Mount the app if it is built; False (and the API alone) otherwise."""
    dist = (dist or DEFAULT_DIST).resolve()
    index = dist / "index.html"
    if not index.is_file():
        return False

    @app.get("/assets/{path:path}", include_in_schema=False)
    async def web_asset(path: str, request: Request) -> Response:
        # A missing asset is a 404, never index.html: the browser would run the page as a script.
        file = _file_in(dist / "assets", path)
        if file is None:
            raise AppError(ErrorCode.NOT_FOUND, "No such file")
        return file_response(file, request.headers.get("accept-encoding", ""), IMMUTABLE)

    @app.get("/{path:path}", include_in_schema=False)
    async def web_app(path: str, request: Request) -> Response:
        if path.startswith(API_PREFIXES):
            raise AppError(ErrorCode.NOT_FOUND, "No such route")
        file = _file_in(dist, path) or index
        return file_response(file, request.headers.get("accept-encoding", ""), REVALIDATE)

    return True
