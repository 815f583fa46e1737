"""The report builder (the seed's generator.py): a report request -> a ReportDocument, section by section."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.analysis import service as analysis_service
from app.analysis.service import FundamentalAnalysisOut, FundamentalIn, SentimentPart
from app.backtesting import service as backtest_service
from app.core.clock import utcnow
from app.core.runtime import Runtime
from app.portfolio import reporting as portfolio_reporting
from app.reports.document import ReportDocument, Section
from app.reports.sections.common import at
from app.reports.sections.holdings import backtest_section, portfolio_section
from app.reports.sections.market import Window, market_section, prices, technical_section
from app.reports.sections.research import fundamental_section, onchain_section, sentiment_section
from app.users.schemas import Caller

DISCLAIMER = (
    "This report is for information only and is not financial advice. Figures come from the sources named "
    "beside them, as of the times shown, and may be delayed, revised or wrong. Crypto assets are volatile: "
    "you can lose all of the money you put in. Past performance does not predict future results."
)
Progress = Callable[[float, str], Awaitable[None]]


@dataclass(frozen=True)
class Span:
    title: str
    interval: str
    seconds: int
    period: str


SPANS = {
    "DAILY": Span("Daily market report", "1h", 86_400, "1d"),
    "WEEKLY": Span("Weekly market report", "4h", 7 * 86_400, "7d"),
    "MONTHLY": Span("Monthly market report", "1d", 30 * 86_400, "30d"),
    "COMPREHENSIVE": Span("Comprehensive analysis", "1d", 90 * 86_400, "90d"),
}


@dataclass(frozen=True)
class Request:
    """What to build (a report row's fields)."""

    report_id: str
    report_type: str
    symbols: list[str]
    include_fundamental: bool
    include_technical: bool
    include_sentiment: bool
    include_on_chain: bool
    portfolio_id: int | None
    backtest_id: str | None
    prepared_for: str


def _window(span: Span, now: datetime) -> Window:
    end = int(now.timestamp())
    return Window(span.interval, end - span.seconds, end, span.period)


async def _research(
    runtime: Runtime, session: AsyncSession, request: Request, period: str
) -> tuple[list[FundamentalAnalysisOut], list[SentimentPart]]:
    analyses, moods = [], []
    for symbol in request.symbols:
        if request.include_fundamental or request.include_on_chain:
            body = FundamentalIn.model_validate(
                {
                    "symbol": symbol,
                    "includeOnChain": request.include_on_chain,
                    "includeSentiment": False,
                    "timeframe": period,
                }
            )
            analyses.append(await analysis_service.fundamental_analysis(runtime, session, body))
        if request.include_sentiment:
            moods.append(await analysis_service.sentiment_part(runtime, session, symbol, period))
    return analyses, moods


def _summary(request: Request, sections: list[Section], span: Span | None) -> Section:
    shown = ", ".join(s.title for s in sections) or "no sections"
    lines = [f"This report covers {', '.join(request.symbols) or 'no symbols'} and holds: {shown}."]
    if span is not None:
        lines.append(f"Prices are {span.interval} candles over the last {span.period}.")
    return Section("summary", "Summary", lines)


async def _market(
    runtime: Runtime, session: AsyncSession, request: Request, span: Span, progress: Progress
) -> list[Section]:
    window = _window(span, utcnow())
    found = [await prices(session, symbol, window) for symbol in request.symbols]
    sections = [market_section(found, window)]
    await progress(0.3, "prices read")
    if request.include_technical:
        sections.append(await technical_section(session, runtime.settings, request.symbols, window))
    await progress(0.45, "technical analysis done")
    if request.include_fundamental or request.include_on_chain or request.include_sentiment:
        analyses, moods = await _research(runtime, session, request, span.period)
        if request.include_fundamental:
            sections.append(fundamental_section(analyses))
        if request.include_on_chain:
            sections.append(onchain_section(analyses))
        if request.include_sentiment:
            sections.append(sentiment_section(moods))
    await progress(0.6, "research done")
    return sections


async def build(
    runtime: Runtime, session: AsyncSession, caller: Caller, request: Request, progress: Progress
) -> ReportDocument:
    now = utcnow()
    span = SPANS.get(request.report_type)
    symbols = list(request.symbols)
    if span is not None:
        sections = await _market(runtime, session, request, span, progress)
        start, title, subtitle = at(now.timestamp() - span.seconds), span.title, ", ".join(symbols)
    elif request.report_type == "PORTFOLIO":
        assert request.portfolio_id is not None
        found = await portfolio_reporting.portfolio_report(session, runtime, caller, request.portfolio_id)
        sections = [portfolio_section(found)]
        symbols = [p.symbol for p in found.portfolio.positions]
        first = found.analysis.history[0].date if found.analysis.history else None
        start = (
            datetime.fromisoformat(first).replace(tzinfo=now.tzinfo) if first else found.portfolio.created_at
        )
        title, subtitle = "Portfolio report", found.portfolio.name
    else:
        assert request.backtest_id is not None
        run = await backtest_service.get(session, runtime.settings, caller, request.backtest_id)
        data = await backtest_service.data(session, caller, request.backtest_id)
        sections = [backtest_section(run, data)]
        symbols = [run.symbol]
        start = datetime.fromisoformat(run.from_) if run.from_ else now
        title, subtitle = "Backtest report", f"{run.strategy_name} on {run.symbol} {run.interval}"
    await progress(0.65, "sections built")
    summary = _summary(replace(request, symbols=symbols), sections, span)
    return ReportDocument(
        report_id=request.report_id,
        title=title,
        report_type=request.report_type,
        generated_at=now,
        period_start=start,
        period_end=now,
        symbols=symbols,
        sections=[summary, *sections],
        disclaimer=DISCLAIMER,
        subtitle=subtitle,
        meta={"Prepared for": request.prepared_for},
    )


async def render(document: ReportDocument, format: str) -> bytes:
    """The file, rendered off the event loop (ReportLab and matplotlib are CPU-bound)."""
    from app.reports.exporters import EXPORTERS

    return await asyncio.to_thread(EXPORTERS[format].render, document)
