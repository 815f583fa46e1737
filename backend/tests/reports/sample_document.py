"""A realistic COMPREHENSIVE report on two symbols, built from seeded data, that the exporter tests render."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np

from app.reports.document import Chart, Column, Figure, Origin, ReportDocument, Section, Series, Table

GENERATED = datetime(2026, 3, 1, 6, 30, tzinfo=UTC)
START = datetime(2025, 8, 14, tzinfo=UTC)
DAYS = 200
SPECIAL = 'Fees & funding: spreads < 0.1 % and > 0.05 % on "major" pairs, costs in € and — as always — net.'
INJECTION = "<script>alert(1)</script> & <b>bold</b>"
DISCLAIMER = (
    "This report is for information only and is not financial advice. Crypto-assets are volatile and you "
    "can lose all of the money you invest. Past performance, backtests and simulations do not predict future "
    "results. Figures come from third-party providers at the times stated and may be delayed or wrong. Do "
    "your own research and consider independent advice before making any investment decision."
)

COINGECKO = Origin("CoinGecko", datetime(2026, 3, 1, 6, 0, tzinfo=UTC), "live")
CANDLES = Origin("Binance candles", datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
SENTIMENT = Origin("sentiment analysis", datetime(2026, 3, 1, 5, 45, tzinfo=UTC), "snapshot")
PORTFOLIO = Origin("portfolio analysis", GENERATED)
BACKTEST = Origin("backtest engine", GENERATED)

BTC_PRICE = Decimal("67432.15")
SMALL_PRICE = Decimal("0.000012345")


def _none_gaps(values: np.ndarray) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 2) for v in values]


def _sma(values: np.ndarray, period: int) -> np.ndarray:
    out = np.full(len(values), np.nan)
    out[period - 1 :] = np.convolve(values, np.ones(period) / period, mode="valid")
    return out


def _rsi(close: np.ndarray, period: int = 14) -> np.ndarray:
    change = np.diff(close, prepend=close[0])
    gain, loss = _sma(np.clip(change, 0, None), period), _sma(np.clip(-change, 0, None), period)
    return np.asarray(100 - 100 / (1 + gain / np.where(loss == 0, 1e-9, loss)))


def _technical(days: list[datetime], close: np.ndarray) -> Section:
    middle = _sma(close, 20)
    deviation = np.array([np.nan] * 19 + [close[i - 19 : i + 1].std() for i in range(19, len(close))])
    chart = Chart(
        title="BTC-USD price, SMA(20) and Bollinger bands",
        kind="time",
        x=days,
        series=[
            Series("Close", _none_gaps(close)),
            Series("SMA(20)", _none_gaps(middle)),
            Series("BB upper", _none_gaps(middle + 2 * deviation)),
            Series("BB lower", _none_gaps(middle - 2 * deviation)),
            Series("RSI(14)", _none_gaps(_rsi(close)), pane=1),
        ],
        y_kind="money",
        origin=CANDLES,
    )
    return Section(
        key="technical",
        title="Technical analysis",
        paragraphs=["BTC-USD closed above its 20-day average; RSI(14) is neutral.", SPECIAL],
        figures=[
            Figure("RSI(14)", round(float(_rsi(close)[-1]), 2), "number", CANDLES),
            Figure("SMA(20)", Decimal(f"{middle[-1]:.2f}"), "money", CANDLES),
            Figure("Signal", "HOLD", "text", CANDLES),
        ],
        charts=[chart],
    )


def _positions(rng: np.random.Generator) -> Table:
    rows: list[list[object]] = []
    for index in range(1, 121):
        price = SMALL_PRICE if index == 7 else Decimal(f"{rng.uniform(0.5, 900):.2f}")
        quantity = Decimal(f"{rng.uniform(1, 5000):.4f}")
        rows.append(
            [
                f"TKN{index:03d}-USD",
                quantity,
                price,
                (price * quantity).quantize(Decimal("0.01")),
                float(rng.uniform(0.001, 0.02)),
                START + timedelta(days=int(rng.integers(0, 180)), hours=int(rng.integers(0, 24))),
                INJECTION if index == 3 else ("Staked & locked" if index % 10 == 0 else None),
            ]
        )
    columns = [
        Column("Symbol"),
        Column("Quantity", "number"),
        Column("Price", "money"),
        Column("Value", "money"),
        Column("Weight", "percent"),
        Column("Opened", "datetime"),
        Column("Note"),
    ]
    return Table(
        "Positions", columns, rows, PORTFOLIO, note="Prices at the as-of time; weights of the total."
    )


def _backtest(days: list[datetime], rng: np.random.Generator) -> Section:
    equity = 10_000 * np.exp(np.cumsum(rng.normal(0.0015, 0.02, DAYS)))
    hold = 10_000 * np.exp(np.cumsum(rng.normal(0.001, 0.025, DAYS)))
    drawdown = equity / np.maximum.accumulate(equity) - 1
    equity[120] = np.nan  # a day without data: a gap, not a zero
    trades = Table(
        "Trades",
        [Column("Opened", "datetime"), Column("Side"), Column("Entry", "money"), Column("Return", "percent")],
        [
            [days[i], "LONG" if i % 2 else "SHORT", Decimal("60000.5") + i, 0.01 * (i % 7 - 3)]
            for i in range(0, 180, 9)
        ],
        BACKTEST,
    )
    return Section(
        key="backtest",
        title="Backtest: SMA crossover",
        paragraphs=["An SMA(20/50) crossover on BTC-USD daily candles, 0.1 % fees & 5 bps slippage."],
        figures=[
            Figure("Total return", float(equity[-1] / 10_000 - 1), "percent", BACKTEST),
            Figure("Sharpe ratio", 1.42, "number", BACKTEST),
            Figure("Max drawdown", float(drawdown.min()), "percent", BACKTEST),
            Figure("Trades", 20, "integer", BACKTEST),
        ],
        tables=[trades],
        charts=[
            Chart(
                "Equity and drawdown",
                "time",
                days,
                [
                    Series("Strategy", [None if not np.isfinite(v) else float(v) for v in equity]),
                    Series("Buy & hold", [float(v) for v in hold]),
                    Series("Drawdown", [float(v) for v in drawdown], style="area", pane=1),
                ],
                y_kind="money",
                lower_kind="percent",
                origin=BACKTEST,
            )
        ],
    )


def build_sample_document(report_type: str = "COMPREHENSIVE") -> ReportDocument:
    """The sample report; `report_type` only changes the type (and so the HTML template)."""
    rng = np.random.default_rng(17)
    days = [START + timedelta(days=i) for i in range(DAYS)]
    close = 58_000 * np.exp(np.cumsum(rng.normal(0.0008, 0.022, DAYS)))
    market = Section(
        key="market",
        title="Market overview",
        paragraphs=["Bitcoin led the market; Ether & the majors followed with lower volume."],
        figures=[
            Figure("BTC-USD price", BTC_PRICE, "money", COINGECKO),
            Figure("ETH-USD price", Decimal("3521.80"), "money", COINGECKO),
            Figure("BTC-USD 24h change", 0.0234, "percent", COINGECKO),
            Figure("BTC-USD market cap", Decimal("1328455000000.00"), "money", COINGECKO),
            Figure("PEPE-USD price", SMALL_PRICE, "money", COINGECKO),
            Figure("Last candle", datetime(2026, 3, 1, 0, 0, tzinfo=UTC), "datetime", CANDLES),
        ],
        tables=[
            Table(
                "Symbols",
                [
                    Column("Symbol"),
                    Column("Price", "money"),
                    Column("24h", "percent"),
                    Column("Volume", "money"),
                ],
                [
                    ["BTC-USD", BTC_PRICE, 0.0234, Decimal("28450000000")],
                    ["ETH-USD", Decimal("3521.80"), -0.0112, Decimal("14120000000")],
                ],
                COINGECKO,
            )
        ],
    )
    sentiment = Section(
        key="sentiment",
        title="Sentiment & news",
        paragraphs=[SPECIAL],
        figures=[
            Figure("Fear & Greed index", 64, "integer", SENTIMENT),
            Figure(
                "Social volume", None, "integer", SENTIMENT, note="Provider rate-limited; retried next run"
            ),
        ],
        charts=[
            Chart(
                "Sentiment by source",
                "bar",
                ["Twitter", "Reddit", "News", "Fear & Greed"],
                [Series("Score", [0.42, -0.18, 0.27, 0.64])],
                y_kind="number",
                origin=SENTIMENT,
            )
        ],
    )
    positions = _positions(rng)
    weights: dict[str, float] = {
        "BTC-USD": 0.46,
        "ETH-USD": 0.28,
        "SOL-USD": 0.11,
        "USDT": 0.09,
        "Other": 0.06,
    }
    portfolio = Section(
        key="portfolio",
        title="Portfolio",
        paragraphs=["Allocation and the 120 positions of the model portfolio."],
        figures=[Figure("Total value", Decimal("1284593.42"), "money", PORTFOLIO)],
        tables=[positions],
        charts=[
            Chart("Allocation", "pie", list(weights), [Series("Weight", list(weights.values()))], "percent")
        ],
    )
    summary = Section(
        key="summary",
        title="Summary",
        paragraphs=[
            "Two symbols over 200 days: BTC-USD & ETH-USD.",
            INJECTION,
        ],
    )
    return ReportDocument(
        report_id="rpt_01HZX3K9QF",
        title="Comprehensive report: BTC-USD & ETH-USD",
        report_type=report_type,
        generated_at=GENERATED,
        period_start=START,
        period_end=days[-1],
        symbols=["BTC-USD", "ETH-USD"],
        sections=[summary, market, _technical(days, close), sentiment, portfolio, _backtest(days, rng)],
        disclaimer=DISCLAIMER,
        subtitle='Prepared for "Research desk" — € reporting',
        meta={"Prepared for": "Research desk <internal>", "Base currency": "USD"},
    )
