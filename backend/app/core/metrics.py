"""Prometheus metrics of the HTTP layer and the /metrics endpoint; domains register their own beside these."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from starlette.requests import Request
from starlette.responses import Response

from app.core.errors import AppError, ErrorCode

if TYPE_CHECKING:
    from app.config import Settings
    from app.core.runtime import Runtime

log = logging.getLogger(__name__)

HTTP_REQUESTS = Counter(
    "cryptomon_http_requests_total", "HTTP requests served", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "cryptomon_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10),
)

ScrapeHook = Callable[["Runtime"], Awaitable[None]]
_SCRAPE_HOOKS: list[ScrapeHook] = []
SCRAPE_HOOK_TIMEOUT = 2.0


def on_scrape(hook: ScrapeHook) -> ScrapeHook:
    """Register a gauge refresh that reads the database (a backlog, a queue) when /metrics is scraped: the
    figure is the whole cluster's, whichever API process answers."""
    _SCRAPE_HOOKS.append(hook)
    return hook


def set_counts(gauge: Gauge, counts: Mapping[str, int]) -> None:
    """Set a gauge of one label from counts by label value; a value counted before and absent now reads 0."""
    samples = (sample for metric in gauge.collect() for sample in metric.samples)
    seen = {value for sample in samples for value in sample.labels.values()}
    for value in seen | set(counts):
        gauge.labels(value).set(counts.get(value, 0))


async def metrics_endpoint(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if settings.metrics_token is not None:
        expected = f"Bearer {settings.metrics_token}".encode()
        if not hmac.compare_digest(request.headers.get("authorization", "").encode(), expected):
            raise AppError(ErrorCode.UNAUTHORIZED, "/metrics needs Authorization: Bearer <the metrics token>")
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is not None:
        for hook in _SCRAPE_HOOKS:
            try:
                await asyncio.wait_for(hook(runtime), SCRAPE_HOOK_TIMEOUT)
            except Exception:  # a slow or failed read leaves that gauge as it was; the rest still answers
                log.warning("metrics: %s failed", getattr(hook, "__name__", hook), exc_info=True)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def serve_metrics(settings: Settings) -> None:
    """For a process without an HTTP server of its own (ingest, alerts): its metrics on METRICS_PORT."""
    if settings.metrics_port is None:
        return
    try:
        start_http_server(settings.metrics_port, addr=settings.metrics_host)
    except OSError as exc:  # the process's work matters more than its figures
        log.error("metrics: cannot listen on %s:%d (%s)", settings.metrics_host, settings.metrics_port, exc)
        return
    log.info("metrics on http://%s:%d/metrics", settings.metrics_host, settings.metrics_port)
