"""The bundled provider snapshots: real recorded responses served to the clients by an httpx transport."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from app.integrations import snapshots
from app.integrations.snapshots import SNAPSHOT_ORIGIN as SNAPSHOT_ORIGIN  # re-exported for providers
from app.integrations.snapshots import Recording, load_manifest

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"


@cache
def recordings() -> dict[str, tuple[Recording, ...]]:
    """The manifest: each provider's recorded responses, by request path."""
    return load_manifest(SNAPSHOT_DIR)


def recorded(provider: str) -> tuple[Recording, ...]:
    return recordings().get(provider, ())


def recorded_at(provider: str) -> float | None:
    """When the provider's newest bundled response was recorded; None: nothing of it is bundled."""
    found = recorded(provider)
    return max(r.recorded_at for r in found) if found else None


class SnapshotTransport(snapshots.SnapshotTransport):
    """One provider's bundled responses."""

    def __init__(self, provider: str) -> None:
        super().__init__(recorded(provider), SNAPSHOT_DIR, provider)
