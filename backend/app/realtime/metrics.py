"""Realtime gateway metrics: plain counters on the hot path, exported to Prometheus when scraped, and the
tick-to-client latency per hop."""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterator
from typing import Protocol

from prometheus_client import Histogram
from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from app.core.bus.messages import Hops


class Gauges(Protocol):
    def gauges(self) -> dict[str, int]: ...


class Stats:
    """Process-wide counters; an increment is a dict update, not a labelled Prometheus call per frame."""

    def __init__(self) -> None:
        self.frames_out: Counter[str] = Counter()  # by frame type
        self.messages_in: Counter[str] = Counter()  # by action
        self.closed: Counter[str] = Counter()  # by close code
        self.coalesced = 0
        self.throttled = 0

    def snapshot(self) -> dict[str, int]:
        return {
            "framesOut": sum(self.frames_out.values()),
            "messagesIn": sum(self.messages_in.values()),
            "coalesced": self.coalesced,
            "throttled": self.throttled,
            "closedByServer": sum(self.closed.values()),
        }


STATS = Stats()
HUBS: weakref.WeakSet[Gauges] = weakref.WeakSet()  # every running hub of the process (tests run several)


class _Collector(Collector):
    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        totals: Counter[str] = Counter()
        for hub in list(HUBS):
            totals.update(hub.gauges())
        for name, help_text in (
            ("connections", "Open realtime connections"),
            ("subscriptions", "Symbol subscriptions over all connections"),
            ("queued_frames", "Frames waiting in slow clients' outboxes"),
        ):
            yield GaugeMetricFamily(f"cryptomon_ws_{name}", help_text, value=totals[name])
        for name, help_text, label, counts in (
            ("frames_out", "Frames written to clients", "type", STATS.frames_out),
            ("messages_in", "Client messages received", "action", STATS.messages_in),
            ("closed", "Connections closed by the server", "code", STATS.closed),
        ):
            family = CounterMetricFamily(f"cryptomon_ws_{name}", help_text, labels=[label])
            for key, value in sorted(counts.items()):
                family.add_metric([key], value)
            yield family
        yield CounterMetricFamily(
            "cryptomon_ws_coalesced", "Price frames replaced by newer ones for slow clients", STATS.coalesced
        )
        yield CounterMetricFamily(
            "cryptomon_ws_throttled", "Price messages held back by the per-symbol rate", STATS.throttled
        )


REGISTRY.register(_Collector())


LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
TICK_HOPS = Histogram(
    "cryptomon_tick_hop_seconds", "Tick-to-client latency of each hop", ["hop"], buckets=LATENCY_BUCKETS
)
TICK_LATENCY = Histogram(
    "cryptomon_tick_latency_seconds",
    "Tick-to-client latency: the source's event time to the hub sending the price to clients",
    buckets=LATENCY_BUCKETS,
)
HOP_NAMES = ("source_to_received", "received_to_validated", "validated_to_published", "published_to_sent")
_hop_children = [TICK_HOPS.labels(name) for name in HOP_NAMES]  # bound once: no label lookup per message


def observe_hops(hops: Hops, sent: float) -> None:
    """Record one price message's hops, `sent` being when the hub framed it for its clients (once per
    message, whatever the number of clients). Clocks of different hosts can disagree: negatives count as 0."""
    times = (hops.source, hops.received, hops.validated, hops.published, sent)
    for child, start, end in zip(_hop_children, times, times[1:], strict=False):
        child.observe(max(0.0, end - start))
    TICK_LATENCY.observe(max(0.0, sent - hops.source))
