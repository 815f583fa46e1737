"""The bundled provider snapshots: real recorded responses served to the clients by an httpx transport."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import httpx

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"
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


@cache
def recordings() -> dict[str, tuple[Recording, ...]]:
    """The manifest: each provider's recorded responses, by request path."""
    manifest = json.loads((SNAPSHOT_DIR / "manifest.json").read_text())
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


def recorded(provider: str) -> tuple[Recording, ...]:
    return recordings().get(provider, ())


def recorded_at(provider: str) -> float | None:
    """When the provider's newest bundled response was recorded; None: nothing of it is bundled."""
    found = recorded(provider)
    return max(r.recorded_at for r in found) if found else None


class SnapshotTransport(httpx.AsyncBaseTransport):
    """Answers GETs of the recorded paths of one provider with the recorded body (query parameters are
    not matched: a client filters what it asked for, as it does with a live answer); 404 otherwise."""

    def __init__(self, provider: str) -> None:
        self._by_path = {r.path.rstrip("/"): r for r in recorded(provider)}
        self._provider = provider

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        found = self._by_path.get(request.url.path.rstrip("/"))
        if request.method != "GET" or found is None:
            message = f"no bundled {self._provider} snapshot of {request.method} {request.url.path}"
            return httpx.Response(404, text=message, request=request)
        body = (SNAPSHOT_DIR / found.file).read_bytes()
        return httpx.Response(
            200, content=body, headers={"content-type": found.content_type}, request=request
        )
