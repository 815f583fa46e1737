"""The agent's tools, one file per source; adding one is a file and an entry here."""

from __future__ import annotations

from app.agent.tools import alerts, backtest, market, onchain, patterns, portfolio, social, technical
from app.agent.tools.base import AgentTool

TOOLS: tuple[AgentTool, ...] = (
    market.COINGECKO,
    market.COINMARKETCAP,
    onchain.WHALES,
    social.SENTIMENT,
    social.NEWS,
    technical.TECHNICAL,
    patterns.CHART_PATTERNS,
    backtest.BACKTEST,
    alerts.ALERT_BACKTEST,
    portfolio.PORTFOLIO,
    alerts.MY_ALERTS,
    alerts.PROPOSE_ALERT,
    backtest.PROPOSE_BACKTEST,
    alerts.CREATE_ALERT,
    backtest.SAVE_BACKTEST,
)


def offered(allow_actions: bool) -> list[AgentTool]:
    """The tools of a conversation: the ones that create something only when it allows actions."""
    return [t for t in TOOLS if allow_actions or not t.writes]
