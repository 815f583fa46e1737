"""Risk and performance maths over numpy float64 arrays: pure functions, exact definitions in each docstring.

Conventions shared by every function (QuantStats-style; each docstring says where it differs):
- `marks` are prices or equity values (drawdowns, total return, CAGR, Calmar); `returns` are per-period simple
  returns (volatility, ratios, VaR, beta). `simple_returns(marks)` turns one into the other.
- `periods_per_year` annualises (365 for daily crypto bars, 8760 hourly, 252 for trading days); `risk_free` is
  a yearly rate, compounded per period by `periodic_rate`.
- NaN returns are dropped (a missing period is no observation); NaN marks are carried forward.
- A result that is undefined (too few values, zero deviation, no downside) is NaN, never inf and never an
  error; VaR and CVaR report a loss as a positive number, drawdowns are negative fractions.
"""

from app.quant.risk.benchmark import beta, correlation
from app.quant.risk.drawdown import Drawdown, Drawdowns, drawdown_series, drawdown_summary, max_drawdown
from app.quant.risk.ratios import calmar, downside_deviation, sharpe, sortino
from app.quant.risk.returns import (
    cagr,
    excess_returns,
    log_returns,
    periodic_rate,
    simple_returns,
    total_return,
    volatility,
)
from app.quant.risk.tail import historical_cvar, historical_var, parametric_cvar, parametric_var

__all__ = [
    "Drawdown",
    "Drawdowns",
    "beta",
    "cagr",
    "calmar",
    "correlation",
    "downside_deviation",
    "drawdown_series",
    "drawdown_summary",
    "excess_returns",
    "historical_cvar",
    "historical_var",
    "log_returns",
    "max_drawdown",
    "parametric_cvar",
    "parametric_var",
    "periodic_rate",
    "sharpe",
    "simple_returns",
    "sortino",
    "total_return",
    "volatility",
]
