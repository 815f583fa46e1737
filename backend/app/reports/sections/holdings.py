"""Portfolio and backtest sections: holdings, risk, attribution, rebalancing; a stored run and its trades."""

from __future__ import annotations

from app.backtesting.schemas import RunData, RunOut
from app.portfolio.reporting import PortfolioReport
from app.reports.document import Chart, Column, Figure, Origin, Section, Series, Table
from app.reports.sections.common import origin_of, when

PERIODS = ("1D", "7D", "30D", "YTD", "1Y", "ALL")
MAX_CHART_POINTS = 2000  # a run may have millions of bars; a page shows a few thousand at most


def portfolio_section(found: PortfolioReport) -> Section:
    p, a = found.portfolio, found.analysis
    computed = Origin("Cryptomon portfolio analysis on stored daily closes", a.as_of)
    risk = a.risk_metrics
    figures = [
        Figure("Total value", a.total_value, "money", computed),
        Figure("Total P&L", a.total_pnl, "money", computed),
        Figure("Value at risk (95 %, 1 day)", risk.var95, "money", computed),
        Figure(
            "Maximum drawdown",
            None if risk.max_drawdown is None else risk.max_drawdown / 100,
            "percent",
            computed,
        ),
        Figure("Sharpe ratio", risk.sharpe_ratio, "number", computed),
        Figure("Volatility (yearly)", risk.volatility, "percent", computed),
        Figure("Sortino ratio", a.extended.sortino_ratio, "number", computed),
        Figure("Beta to BTC-USD", a.extended.beta, "number", computed),
        Figure("Rebalancing needed", "yes" if a.rebalancing_needed else "no", "text", computed),
        *(
            Figure(f"Return {k} (time-weighted)", a.performance.twr.get(k), "percent", computed)
            for k in PERIODS
        ),
    ]
    positions = Table(
        "Positions",
        [
            Column("Symbol"),
            Column("Quantity", "number"),
            Column("Entry price", "money"),
            Column("Price", "money"),
            Column("Value", "money"),
            Column("P&L", "money"),
            Column("P&L %", "percent"),
            Column("Price source"),
            Column("Price as of", "datetime"),
        ],
        [
            [
                pos.symbol,
                pos.quantity,
                pos.entry_price,
                pos.current_price,
                pos.current_value,
                pos.pnl,
                None if pos.pnl_percent is None else pos.pnl_percent / 100,
                pos.price.source if pos.price else None,
                pos.price.as_of if pos.price else None,
            ]
            for pos in p.positions
        ],
    )
    symbols = sorted(set(a.allocation) | set(p.target_allocations))
    allocation = Table(
        f"Allocation against targets (band ±{float(a.band):.1%})",
        [
            Column("Symbol"),
            Column("Weight", "percent"),
            Column("Target", "percent"),
            Column("Deviation", "percent"),
        ],
        [
            [s, a.allocation.get(s), p.target_allocations.get(s), a.allocation_deviation.get(s)]
            for s in symbols
        ],
        computed,
    )
    attribution = Table(
        f"Attribution over {a.attribution.period}",
        [Column("Symbol"), Column("Contribution", "percent"), Column("Allocation effect", "percent")],
        [
            [s, a.attribution.contribution.get(s), a.attribution.allocation_effect.get(s)]
            for s in sorted(set(a.attribution.contribution) | set(a.attribution.allocation_effect))
        ],
        computed,
        note=f"Portfolio return {_pct(a.attribution.portfolio_return)}, "
        f"target-weight benchmark {_pct(a.attribution.benchmark_return)}",
    )
    tables = [positions, allocation, attribution]
    paragraphs = [f"{p.name}: risk profile {p.risk_profile}, {len(p.positions)} positions.", *a.warnings]
    if found.rebalance is not None:
        plan = found.rebalance
        tables.append(
            Table(
                "Rebalancing (advisory; nothing is traded)",
                [
                    Column("Symbol"),
                    Column("Side"),
                    Column("Quantity", "number"),
                    Column("Notional", "money"),
                    Column("Reason"),
                ],
                [[t.symbol, t.side, t.quantity, t.notional, t.reason] for t in plan.trades],
                computed,
                note=f"Turnover {plan.turnover}, fees {plan.fees}"
                + (f"; skipped {', '.join(plan.skipped)}" if plan.skipped else ""),
            )
        )
    elif found.rebalance_note:
        paragraphs.append(f"No rebalancing plan: {found.rebalance_note}")
    charts = []
    if a.allocation:
        charts.append(
            Chart(
                "Allocation",
                "pie",
                list(a.allocation),
                [Series("Weight", list(a.allocation.values()))],
                "percent",
                origin=computed,
            )
        )
    if a.history:
        charts.append(
            Chart(
                "Value at each daily close (as held then)",
                "time",
                [when(v.date) for v in a.history],
                [Series("Value", [v.value for v in a.history], "area")],
                "money",
                origin=computed,
            )
        )
    prices = [origin_of(src) for src in a.prices.values()]
    if prices:
        paragraphs.append(
            "Prices: " + "; ".join(sorted({o.caption() for o in prices if o is not None})) + "."
        )
    return Section("portfolio", "Portfolio", paragraphs, figures, tables, charts)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def backtest_section(run: RunOut, data: RunData) -> Section:
    r = run.results
    origin = Origin(f"Backtest {run.backtest_id} on stored {run.interval} candles", run.completed_at)
    figures = [
        Figure("Strategy", run.strategy_name, "text", origin),
        Figure("Symbol and interval", f"{run.symbol} {run.interval}", "text", origin),
        Figure("Total return", r.total_return, "percent", origin),
        Figure("CAGR", r.cagr, "percent", origin),
        Figure("Sharpe ratio", r.sharpe_ratio, "number", origin),
        Figure("Sortino ratio", r.sortino_ratio, "number", origin),
        Figure("Maximum drawdown", r.max_drawdown, "percent", origin),
        Figure("Win rate", r.win_rate, "percent", origin),
        Figure("Trades", r.total_trades, "integer", origin),
        Figure("Profit factor", r.profit_factor, "number", origin),
        Figure("Buy and hold return", r.buy_and_hold_return, "percent", origin),
        Figure("Fees paid", r.fees_paid, "money", origin),
        Figure("Final equity", r.final_equity, "money", origin),
    ]
    trades = Table(
        "Trades",
        [
            Column("Side"),
            Column("Entry", "datetime"),
            Column("Exit", "datetime"),
            Column("Entry price", "money"),
            Column("Exit price", "money"),
            Column("Units", "number"),
            Column("Fees", "money"),
            Column("P&L", "money"),
            Column("Exit reason"),
        ],
        [
            [
                t.side,
                when(t.entry_at),
                when(t.exit_at),
                t.entry_price,
                t.exit_price,
                t.units,
                t.fees,
                t.pnl,
                t.exit_reason,
            ]
            for t in data.trades
        ],
        origin,
    )
    points = data.equity[:: max(1, len(data.equity) // MAX_CHART_POINTS)]
    if data.equity and points[-1] is not data.equity[-1]:
        points.append(data.equity[-1])
    chart = Chart(
        "Equity and drawdown",
        "time",
        [when(point["timestamp"]) for point in points],
        [
            Series("Equity", [point["equity"] for point in points]),
            Series("Drawdown", [point["drawdown"] for point in points], "area", pane=1),
        ],
        "money",
        "percent",
        origin,
    )
    paragraphs = [
        f"Parameters: {', '.join(f'{k}={v}' for k, v in run.parameters.items()) or 'defaults'}; "
        f"from {run.from_} to {run.to}; initial capital {run.initial_capital}."
    ]
    return Section("backtest", f"Backtest {run.backtest_id}", paragraphs, figures, [trades], [chart])
