"""The FastAPI application: middleware, error envelope, routers, and the runtime in its lifespan."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline

from app import __version__
from app.agent.router import router as agent_router
from app.alerts.router import router as alerts_router
from app.alerts.worker import AlertEngine
from app.analysis.fundamental_router import router as fundamental_router
from app.analysis.router import router as analysis_router
from app.analysis.sentiment_router import router as sentiment_router
from app.backtesting.router import router as backtest_router
from app.community.router import router as community_router
from app.config import Settings, get_settings
from app.content.router import router as content_router
from app.core.bootstrap import build_runtime
from app.core.deps import storable_parameters
from app.core.health import router as health_router
from app.core.http_errors import install_error_handlers
from app.core.metrics import metrics_endpoint
from app.core.middleware import RequestBodyMiddleware, RequestContextMiddleware
from app.indicators.router import router as indicators_router
from app.market.router import router as market_router
from app.market.runner import MarketRunner
from app.notifications.router import router as notifications_router
from app.notifications.service import start_notifier
from app.patterns.router import router as patterns_router
from app.portfolio.router import router as portfolio_router
from app.portfolio.watcher import PortfolioWatcher
from app.realtime import service as realtime_service
from app.realtime.gateway import Gateway
from app.realtime.hub import Hub
from app.realtime.router import router as realtime_router
from app.reports.router import router as reports_router
from app.system.router import router as system_router
from app.users.channel_secrets import seal_at_start
from app.users.router import router as users_router
from app.users.security_router import router as security_router
from app.web import mount_web_app

DESCRIPTION = """
Crypto monitoring and analysis. Every response is wrapped in the envelope
`{"status": "success", "data": ..., "timestamp": ...}` or
`{"status": "error", "code": ..., "message": ..., "timestamp": ...}`.

Sign in with **POST /api/auth/login**, copy `data.tokens.accessToken`, press **Authorize** and paste it.
"""

# Below ~1 KB compression saves less than a packet. Level 1: on a month of 1h candles (95 KB of JSON) it
# gives 33 KB in 0.6 ms, where 4 gives 32 KB in 1.9 ms and 5-6 31 KB in 10 ms, CPU the API needs under load.
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 1


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with build_runtime(settings, role="api") as runtime:
            app.state.runtime = runtime
            await seal_at_start(runtime)  # channel secrets stored in plain text by earlier versions
            # Embedded: this process is also the ingest process (and evaluates the alerts and revalues the
            # portfolios on its prices).
            # Cluster: `cryptomon ingest` is.
            app.state.market = None if settings.is_cluster else MarketRunner(runtime)
            app.state.alerts = None if settings.is_cluster else AlertEngine(runtime)
            app.state.portfolios = None if settings.is_cluster else PortfolioWatcher(runtime)
            if app.state.alerts is not None:
                await app.state.alerts.start()
            if app.state.portfolios is not None:
                await app.state.portfolios.start()
            if app.state.market is not None:
                await app.state.market.start()
            app.state.hub = Hub(runtime.bus, settings.ws_price_rate)
            await app.state.hub.start()
            app.state.realtime_figures = lambda: realtime_service.figures(app.state.hub)
            app.state.gateway = Gateway(runtime, app.state.hub)
            app.state.websocket_lanes = {"/ws/alerts/": app.state.gateway}
            app.state.notifier = await start_notifier(runtime)
            # Everything loaded so far lives as long as the process: keep it out of the collector's
            # full passes, which otherwise stall large responses (p95 of a year of candles: 144 -> 43 ms).
            gc.collect()
            gc.freeze()
            try:
                yield
            finally:
                await app.state.notifier.close()
                await app.state.hub.stop()
                if app.state.market is not None:
                    await app.state.market.stop()
                if app.state.portfolios is not None:
                    await app.state.portfolios.stop()
                if app.state.alerts is not None:
                    await app.state.alerts.stop()

    # Swagger UI and ReDoc from bundled files, not a CDN: a self-hosted instance may be offline.
    app = FastAPIOffline(
        title="Cryptomon",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(storable_parameters)],
    )
    app.state.settings = settings
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.add_middleware(
        RequestBodyMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_paths=frozenset({"/api/community/uploads"}),
        # The image and the multipart framing around it; the route checks the image's own size.
        upload_max_bytes=settings.community_upload_max_bytes + 64_000,
    )
    # Leaves alone text/event-stream (Starlette excludes it: each event must leave when it happens), bodies
    # already encoded (the web app's .br/.gz files) and WebSockets.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL)
    # Added last so it is outermost: every response, even a 413, carries the request id.
    app.add_middleware(RequestContextMiddleware, trusted_proxies=settings.trusted_proxies)

    app.include_router(health_router)
    app.include_router(users_router)
    app.include_router(security_router)
    app.include_router(system_router)
    app.include_router(market_router)
    app.include_router(indicators_router)
    app.include_router(analysis_router)
    app.include_router(patterns_router)
    app.include_router(sentiment_router)
    app.include_router(fundamental_router)
    app.include_router(realtime_router)
    app.include_router(notifications_router)
    app.include_router(alerts_router)
    app.include_router(backtest_router)
    app.include_router(portfolio_router)
    app.include_router(reports_router)
    app.include_router(content_router)
    app.include_router(community_router)
    app.include_router(agent_router)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    mount_web_app(app, settings.frontend_dir)  # last: its catch-all route must not shadow the API
    return app
