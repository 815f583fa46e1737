"""What other domains (the agent) read of a user's alerts: their history and a rule's backtest."""

from __future__ import annotations

from app.alerts.backtest import run as backtest_rule
from app.alerts.history import history

__all__ = ["backtest_rule", "history"]
