"""A report as data, before any format: sections of figures, tables and charts, each with source and time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

# How a value is shown and typed in every format: money (USD) and number keep Decimal/float as given, percent
# and ratio are fractions shown as % (0.125 is 12.5 %; a Sharpe ratio is a "number"), datetime is a UTC
# datetime, date a date.
ValueKind = Literal["text", "integer", "number", "money", "percent", "ratio", "datetime", "date"]


@dataclass(frozen=True)
class Origin:
    """Where a figure came from and when it was true, as the API reports it (`sources` -> source, asOf)."""

    source: str  # "CoinGecko", "Binance candles", "portfolio analysis"
    as_of: datetime | None
    mode: str | None = None  # "live", "snapshot", "cached" where the provider layer says so

    def caption(self) -> str:
        when = f"{self.as_of.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if self.as_of else "time unknown"
        return f"{self.source}, as of {when}" + (f" ({self.mode})" if self.mode else "")


@dataclass(frozen=True)
class Figure:
    """One labelled value; `note` says why it is missing when `value` is None."""

    label: str
    value: Any
    kind: ValueKind = "number"
    origin: Origin | None = None
    note: str | None = None


@dataclass(frozen=True)
class Column:
    name: str
    kind: ValueKind = "text"


@dataclass(frozen=True)
class Table:
    """Rows of typed cells (one value per column, None for empty); long tables break across PDF pages."""

    title: str
    columns: list[Column]
    rows: list[list[Any]]
    origin: Origin | None = None
    note: str | None = None


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    style: Literal["line", "area", "bar"] = "line"
    pane: int = 0  # 0 the main pane; 1 a lower pane (RSI under price, drawdown under equity)


@dataclass(frozen=True)
class Chart:
    """`time`: x are UTC datetimes, one per value; `pie` and `bar`: x are labels, one series."""

    title: str
    kind: Literal["time", "pie", "bar"]
    x: list[Any]
    series: list[Series]
    y_kind: ValueKind = "number"
    lower_kind: ValueKind = "number"  # the lower pane's values
    origin: Origin | None = None


@dataclass(frozen=True)
class Section:
    key: str  # summary, market, technical, fundamental, onchain, sentiment, portfolio, backtest
    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class ReportDocument:
    report_id: str
    title: str
    report_type: str  # DAILY, WEEKLY, MONTHLY, COMPREHENSIVE, PORTFOLIO, BACKTEST
    generated_at: datetime
    period_start: datetime
    period_end: datetime
    symbols: list[str]
    sections: list[Section]
    disclaimer: str
    subtitle: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # label -> value on the title page ("Prepared for")
