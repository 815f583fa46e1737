"""Strategy backtests: engine, strategies and metrics."""
