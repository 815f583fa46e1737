"""Application settings: one object, read from CRYPTOMON_* environment variables and .env."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogFormat = Literal["json", "text"]


def _networks(value: object) -> object:
    """`10.0.0.0/8, 127.0.0.1` -> networks; a bad entry fails at start, not on the first request."""
    if isinstance(value, str):
        return [ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]
    return value


ProxyNetworks = Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode, BeforeValidator(_networks)]


class Settings(BaseSettings):
    """Every setting the backend reads; `.env.example` lists each with its default."""

    model_config = SettingsConfigDict(env_prefix="CRYPTOMON_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("var")
    frontend_dir: Path | None = Field(default=None, description="The built web app (default: frontend/dist)")
    database_url: str | None = None
    redis_url: str | None = None
    namespace: str = "cryptomon"
    secret_key: str | None = None
    secrets_key: str | None = Field(
        default=None,
        description="Fernet key(s) sealing the secrets users store (channel settings, 2FA); comma-separated, "
        "the first seals and every one opens (rotation); unset: derived from secret_key, or generated once "
        "in data_dir",
    )

    access_token_ttl_seconds: int = Field(default=900, gt=0)
    refresh_token_ttl_seconds: int = Field(default=14 * 24 * 3600, gt=0)
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    auth_cache_seconds: float = Field(
        default=2.0, ge=0, description="How long another API process may still accept a signed-out token"
    )

    login_ip_limit: int = Field(default=20, gt=0)
    login_ip_window_seconds: int = Field(default=60, gt=0)
    login_account_limit: int = Field(default=10, gt=0)
    login_account_window_seconds: int = Field(default=900, gt=0)
    login_backoff_after: int = Field(default=50, gt=0, description="Failures, all addresses, before backoff")
    login_backoff_window_seconds: int = Field(default=3600, gt=0)
    login_backoff_base_seconds: int = Field(default=10, gt=0)
    login_backoff_max_seconds: int = Field(default=900, gt=0)
    two_factor_issuer: str = Field(default="Cryptomon", description="The name authenticator apps show")
    two_factor_step_seconds: int = Field(
        default=300, gt=0, le=3600, description="How long the code step of a sign-in waits for the code"
    )
    two_factor_attempt_limit: int = Field(default=5, gt=0, description="Wrong 2FA codes per account a window")
    two_factor_attempt_window_seconds: int = Field(default=300, gt=0)
    audit_retention_days: int = Field(default=365, gt=0, description="Audit log events are kept this long")
    trusted_proxies: ProxyNetworks = Field(
        default=(), description="Comma-separated IPs/CIDRs whose X-Forwarded-For is believed"
    )

    # /metrics: with a token it answers only `Authorization: Bearer <token>` (Prometheus's scrape setting).
    # Processes without an HTTP server (ingest, alerts) serve their metrics on METRICS_PORT when it is set.
    metrics_token: str | None = None
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)

    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    cors_origins: list[str] = Field(default_factory=list)

    log_level: str = "INFO"
    log_format: LogFormat = "json"

    demo_account: bool = True
    demo_email: str = "demo@example.com"

    job_concurrency: int = Field(default=4, gt=0)
    worker_concurrency: int = Field(default=2, gt=0)
    partition_months_ahead: int = Field(default=3, ge=0)
    db_pool_size: int = Field(default=10, gt=0)

    # Market data: which sources run in this process (embedded: the API; cluster: `cryptomon ingest`).
    # The default prices every built-in symbol offline: recorded ones replayed, the rest simulated,
    # stablecoins at their peg.
    market_sources: list[str] = Field(default_factory=lambda: ["replay", "simulator", "peg"])
    replay_speed: float = Field(default=1.0, gt=0, description="1.0 = real time; 60 = a minute per second")
    replay_symbols: list[str] = Field(
        default_factory=list, description="Empty: every symbol with recorded data"
    )
    simulator_symbols: list[str] = Field(
        default_factory=list,
        description="Empty: every registry symbol the running replay does not replay; never stablecoins",
    )
    simulator_seed: int = 42
    default_watchlist: list[str] = Field(
        default_factory=lambda: [
            f"{base}-USD" for base in ("BTC", "ETH", "SOL", "BNB", "XRP", "ADA", "DOGE", "AVAX")
        ],
        max_length=100,
        description="A new account's watchlist (Markets and Settings show it; the user changes it there)",
    )
    stale_after_seconds: float = Field(default=120.0, gt=0)
    outlier_max_deviation: float = Field(default=0.15, gt=0, description="Fraction from the feed's median")
    cross_source_max_deviation: float = Field(default=0.05, gt=0, description="Fraction from other sources")
    candle_flush_seconds: float = Field(default=2.0, gt=0)

    binance_ws_url: str = "wss://stream.binance.com:9443"
    binance_rest_url: str = "https://api.binance.com"
    coinbase_ws_url: str = "wss://ws-feed.exchange.coinbase.com"
    coingecko_api_url: str = "https://api.coingecko.com/api/v3"
    coingecko_api_key: str | None = None
    coingecko_poll_seconds: float = Field(default=60.0, gt=0)
    history_fetch_seconds: float = Field(
        default=20.0,
        ge=0,
        description="How long GET /api/data/historical?source=COINGECKO waits for CoinGecko's candles when "
        "they are not stored yet (fetched and stored on request); 0: never fetch on request",
    )
    coinmarketcap_api_url: str = "https://pro-api.coinmarketcap.com"
    coinmarketcap_api_key: str | None = None
    coinmarketcap_poll_seconds: float = Field(default=300.0, gt=0)
    http_timeout_seconds: float = Field(default=10.0, gt=0)

    # The investor flow's providers (fundamental, on-chain and sentiment analysis).
    etherscan_api_url: str = Field(
        default="https://api.etherscan.io/v2/api", description="Etherscan API V2 (one URL, chainid parameter)"
    )
    etherscan_api_key: str | None = None
    esplora_api_url: str = Field(
        default="https://blockstream.info/api",
        description="Any Esplora-compatible Bitcoin API",
    )
    defillama_api_url: str = "https://api.llama.fi"
    feargreed_api_url: str = "https://api.alternative.me"
    reddit_api_url: str = Field(
        default="https://www.reddit.com", description="Public listings (.json); oauth.reddit.com with a token"
    )
    reddit_user_agent: str = "cryptomon/0.1 (self-hosted crypto monitor)"
    x_api_url: str = "https://api.x.com"
    x_bearer_token: str | None = Field(default=None, description="X API v2; without one X is unavailable")
    news_feeds: list[str] = Field(
        default_factory=lambda: ["https://www.coindesk.com/arc/outboundfeeds/rss"],
        description="RSS/Atom feeds read for news and sentiment",
    )
    news_refresh_minutes: int = Field(
        default=30, ge=1, le=1440, description="How often the news job reads the enabled feeds"
    )
    news_feed_max_bytes: int = Field(
        default=5_000_000, ge=10_000, description="A feed larger than this (decompressed) is refused"
    )
    news_items_per_feed: int = Field(
        default=50, ge=1, le=100, description="At most this many entries are read from each feed per run"
    )
    news_embedding_model: str = Field(
        default="",
        description="Optional: a local sentence-embedding model directory; when set (and torch and "
        "transformers are installed) news relevance uses its cosine similarity instead of TF-IDF",
    )
    community_image_hosts: list[str] = Field(
        default_factory=lambda: ["i.imgur.com"],
        description="Hosts whose images a post may show (its own uploads always); other image URLs are "
        "kept as links",
    )
    community_upload_max_bytes: int = Field(
        default=5_000_000, ge=10_000, le=50_000_000, description="The largest image a member may upload"
    )
    llm_provider: Literal["", "openai", "anthropic", "ollama"] = Field(
        default="",
        description="The research agent's language model: openai (OpenAI and OpenAI-compatible servers: "
        "vLLM, llama.cpp, LM Studio, Ollama's /v1), anthropic or ollama; empty: the agent is off",
    )
    llm_base_url: str = Field(
        default="",
        description="The provider's address (OpenAI-compatible ones end in /v1; Ollama: http://host:11434); "
        "empty: the provider's default",
    )
    llm_api_key: str = Field(default="", description="The provider's key (not needed by local servers)")
    llm_model: str = Field(
        default="", description="The model name, e.g. gpt-4o-mini, claude-sonnet-4-5, llama3.1"
    )
    llm_timeout_seconds: float = Field(default=60.0, gt=0, le=600, description="One model call's limit")
    agent_max_steps: int = Field(default=8, ge=1, le=25, description="Model calls in one answer at most")
    agent_tool_timeout_seconds: float = Field(default=10.0, gt=0, le=120, description="One tool call's limit")
    agent_daily_requests: int = Field(default=100, ge=0, description="Questions per user per UTC day")
    agent_daily_tokens: int = Field(
        default=200_000, ge=0, description="Model tokens (prompt + completion) per user per UTC day"
    )
    sentiment_model: str = Field(
        default="",
        description="The TRANSFORMERS sentiment analyser's model: a Hugging Face Hub name or a local "
        "directory (empty: not configured); needs `make install-nlp`",
    )
    whale_threshold_usd: float = Field(
        default=1_000_000.0, gt=0, description="A transfer at least this large"
    )
    research_live: bool = Field(
        default=False,
        description="False: fundamental analyses read the bundled snapshots of real provider responses "
        "(offline, marked `snapshot`) and news reads the bundled feed recordings; true: the providers and "
        "the feeds themselves, with the keys above",
    )
    exchange_addresses_file: str | None = Field(
        default=None,
        description="A JSON file of more labelled exchange wallets ({ethereum|bitcoin: {address: label}})",
    )
    analysis_sync_seconds: float = Field(
        default=0.2, ge=0, description="An analysis not ready within this answers 202 and runs as a job"
    )

    # Each provider's free-tier allowance (credits per UTC calendar month; Etherscan's per UTC day; 0 means
    # unlimited) and call rate. The sources of each figure are cited in .env.example.
    coingecko_monthly_credits: int = Field(default=10_000, ge=0, description="Demo plan: 10,000 calls/month")
    coingecko_requests_per_minute: float = Field(default=30.0, gt=0, description="Demo plan (keyless: 10)")
    coinmarketcap_monthly_credits: int = Field(default=10_000, ge=0, description="Basic plan")
    coinmarketcap_requests_per_minute: float = Field(default=30.0, gt=0, description="Basic plan")
    etherscan_daily_credits: int = Field(default=100_000, ge=0, description="Free plan: 100,000 calls/day")
    etherscan_requests_per_second: float = Field(default=3.0, gt=0, description="Free plan: 3 calls/s")
    defillama_monthly_credits: int = Field(default=0, ge=0)
    defillama_requests_per_minute: float = Field(default=60.0, gt=0, description="None published")
    feargreed_monthly_credits: int = Field(default=0, ge=0)
    feargreed_requests_per_minute: float = Field(default=60.0, gt=0)
    esplora_monthly_credits: int = Field(default=0, ge=0)
    esplora_requests_per_minute: float = Field(default=240.0, gt=0, description="None published")
    reddit_monthly_credits: int = Field(default=0, ge=0)
    reddit_requests_per_minute: float = Field(
        default=10.0, gt=0, description="Without OAuth (www.reddit.com); 100 with OAuth (oauth.reddit.com)"
    )
    rss_monthly_credits: int = Field(default=0, ge=0)
    rss_requests_per_minute: float = Field(default=60.0, gt=0, description="Per feed host")
    x_monthly_credits: int = Field(default=10_000, ge=0, description="Basic plan: 10,000 posts read/month")
    x_requests_per_minute: float = Field(default=4.0, gt=0, description="Basic recent search: 60/15 min")
    binance_requests_per_minute: float = Field(default=600.0, gt=0, description="Far inside 6,000 weight/min")

    public_url: str = Field(default="http://127.0.0.1:8000", description="Base of links in notifications")
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, gt=0)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Cryptomon <alerts@localhost>"
    smtp_starttls: bool = True
    mail_dir: Path | None = Field(
        default=None, description="No SMTP host: mail kept in a Maildir per user here (default data_dir/mail)"
    )
    twilio_api_url: str = "https://api.twilio.com"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from_number: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_bot_token: str | None = None
    webhook_timeout_seconds: float = Field(default=5.0, gt=0)
    allow_private_targets: bool = Field(
        default=False, description="Let users' webhook/Discord URLs reach private addresses"
    )

    report_dir: Path | None = Field(
        default=None, description="Report files, when no S3 bucket is set (default data_dir/reports)"
    )
    report_s3_bucket: str | None = Field(default=None, description="Keep report files in this S3 bucket")
    report_s3_endpoint_url: str | None = Field(
        default=None, description="An S3-compatible server (MinIO, Ceph, R2...); unset for AWS S3"
    )
    report_s3_region: str = "us-east-1"
    report_s3_access_key: str | None = None
    report_s3_secret_key: str | None = None
    report_s3_prefix: str = Field(default="reports/", description="Key prefix of the report files")
    report_retention_days: int = Field(
        default=30, gt=0, description="Report files kept this long, then removed"
    )
    report_link_seconds: int = Field(default=7 * 86400, gt=0, description="How long a download link works")
    report_email_attach_bytes: int = Field(
        default=5 * 1024 * 1024,
        ge=0,
        description="EMAIL attaches the file up to this size, else sends the link",
    )
    report_stuck_minutes: float = Field(
        default=15.0, gt=0, description="A report GENERATING this long is marked FAILED (worker lost)"
    )

    backtest_risk_free_rate: float = Field(
        default=0.0, ge=0, le=1, description="Yearly, for backtests' Sharpe and Sortino ratios"
    )
    portfolio_risk_free_rate: float = Field(
        default=0.0, ge=0, le=1, description="Yearly, in portfolios' Sharpe, Sortino and optimiser"
    )
    portfolio_update_min_change: float = Field(
        default=0.001, gt=0, lt=1, description="PORTFOLIO_UPDATE when the value moved by this fraction"
    )
    portfolio_update_seconds: float = Field(
        default=5.0, ge=0, description="...at most one per portfolio per this many seconds"
    )
    alert_lease_seconds: float = Field(
        default=5.0, gt=0, description="Cluster: alert lease per symbol; a dead worker's move after it"
    )
    ws_direct: bool = Field(default=True, description="Write frames straight to sockets (cryptomon serve)")
    ws_price_rate: float = Field(default=4.0, gt=0, description="Updates/s per symbol, at most")
    ws_ping_interval: float = Field(default=20.0, gt=0)
    ws_ping_timeout: float = Field(default=20.0, gt=0)
    ws_auth_timeout: float = Field(default=10.0, gt=0)
    ws_max_subscriptions: int = Field(default=100, gt=0)
    ws_max_connections_per_user: int = Field(default=10, gt=0)
    ws_inbound_rate: float = Field(default=20.0, gt=0, description="Client messages per second")
    ws_inbound_burst: int = Field(default=40, gt=0)
    ws_abuse_limit: int = Field(default=20, gt=0, description="Rate errors before closing")
    ws_write_buffer_bytes: int = Field(default=64 * 1024, gt=0)
    ws_max_pending_events: int = Field(default=500, gt=0)
    ws_replay_limit: int = Field(default=1000, gt=0)
    event_retention_days: int = Field(default=7, gt=0)

    @property
    def is_cluster(self) -> bool:
        """Redis configured: bus, cache, rate limits and jobs go through Redis/Celery."""
        return bool(self.redis_url)

    @property
    def resolved_report_dir(self) -> Path:
        return self.report_dir if self.report_dir is not None else self.data_dir / "reports"

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'cryptomon.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def resolved_mail_dir(self) -> Path:
        """Where the local mailboxes live: one Maildir per user, `user-<id>`."""
        return self.mail_dir if self.mail_dir is not None else self.data_dir / "mail"

    @cached_property
    def resolved_secret_key(self) -> str:
        """The JWT signing key: configured, or generated once and kept in the embedded data dir."""
        if self.secret_key:
            return self.secret_key
        if not self.is_sqlite or self.is_cluster:
            raise RuntimeError(
                "CRYPTOMON_SECRET_KEY must be set when running with PostgreSQL or Redis "
                "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self._kept_in_data_dir("secret_key", lambda: secrets.token_urlsafe(48))

    @cached_property
    def resolved_secrets_key(self) -> str:
        """The key(s) of secrets at rest: configured, or generated once and kept in the embedded data dir."""
        if self.secrets_key:
            return self.secrets_key
        if self.secret_key:
            # Derived from the token signing key, so a deployment that sets only that one keeps working; set
            # CRYPTOMON_SECRETS_KEY to rotate the two apart (docs/DEPLOYMENT.md).
            digest = hashlib.sha256(b"cryptomon secrets at rest\0" + self.secret_key.encode()).digest()
            return base64.urlsafe_b64encode(digest).decode()
        if not self.is_sqlite or self.is_cluster:
            raise RuntimeError(
                "CRYPTOMON_SECRETS_KEY must be set when running with PostgreSQL or Redis (generate one with: "
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            )
        from cryptography.fernet import Fernet

        return self._kept_in_data_dir("secrets_key", lambda: Fernet.generate_key().decode())

    def _kept_in_data_dir(self, name: str, generate: Callable[[], str]) -> str:
        """A key the embedded mode generates once and keeps in its data dir, readable by its owner only."""
        path = self.data_dir / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(generate())
            path.chmod(0o600)
        return path.read_text().strip()


def get_settings() -> Settings:
    return Settings()
