"""What the live sources share: connection state and last error, reported to the sink and kept as
attributes for the status page and tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.market.sources.base import TickSink

if TYPE_CHECKING:
    from app.config import Settings


class LiveSource:
    name = "live"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connected = False
        self.last_error: str | None = None

    def report(self, sink: TickSink, *, connected: bool, error: str | None = None) -> None:
        self.connected = connected
        if error:
            self.last_error = error
        sink.report(self.name, connected=connected, error=error)
