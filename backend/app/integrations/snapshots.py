"""Recorded real responses, served to the API clients by an httpx transport: the seam of offline mode."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

# Base URL the clients are given in snapshot mode; the transport answers it, nothing reaches a network.
SNAPSHOT_ORIGIN = "http://snapshot.invalid"


@dataclass(frozen=True, slots=True)
class Recording:
    provider: str
    path: str
    file: str
    content_type: str
    recorded_at: float
    url: str | None = None  # a feed's own URL, for the news clients that take whole URLs


def load_manifest(directory: Path) -> dict[str, tuple[Recording, ...]]:
    """The `manifest.json` of a directory of recordings: each provider's recorded responses, by request
    path ({provider: [{path, file, contentType, recordedAt, url?}]})."""
    manifest = json.loads((directory / "manifest.json").read_text())
    return {
        provider: tuple(
            Recording(
                provider=provider,
                path=entry["path"],
                file=entry["file"],
                content_type=entry["contentType"],
                recorded_at=datetime.fromisoformat(entry["recordedAt"].replace("Z", "+00:00")).timestamp(),
                url=entry.get("url"),
            )
            for entry in entries
        )
        for provider, entries in manifest.items()
    }


class SnapshotTransport(httpx.AsyncBaseTransport):
    """Answers GETs of the recorded paths with the recorded body (query parameters are not matched: a client
    filters what it asked for, as it does with a live answer); 404 otherwise."""

    def __init__(self, recordings: Iterable[Recording], directory: Path, name: str) -> None:
        self._by_path = {r.path.rstrip("/"): r for r in recordings}
        self._directory = directory
        self._name = name

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        found = self._by_path.get(request.url.path.rstrip("/"))
        if request.method != "GET" or found is None:
            message = f"no bundled {self._name} snapshot of {request.method} {request.url.path}"
            return httpx.Response(404, text=message, request=request)
        body = (self._directory / found.file).read_bytes()
        return httpx.Response(
            200, content=body, headers={"content-type": found.content_type}, request=request
        )
