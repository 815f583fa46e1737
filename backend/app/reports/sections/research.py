"""Fundamental, on-chain and sentiment sections from the investor analysis, each figure with its source."""

from __future__ import annotations

from app.analysis.service import FundamentalAnalysisOut, SentimentPart
from app.reports.document import Chart, Column, Figure, Origin, Section, Series, Table
from app.reports.sections.common import at, origin_of, when


def _origin(result: FundamentalAnalysisOut, field: str) -> Origin | None:
    return origin_of(result.sources.get(field), result.mode)


def _missing(result: FundamentalAnalysisOut, field: str) -> str | None:
    reasons = [f"{m.source}: {m.reason}" for m in result.unavailable if field in m.fields or not m.fields]
    return "; ".join(reasons) or None


def _figure(result: FundamentalAnalysisOut, label: str, field: str, value: object, kind: str) -> Figure:
    note = None if value is not None else _missing(result, field) or "not available"
    return Figure(label, value, kind, _origin(result, field), note)  # type: ignore[arg-type]


def fundamental_section(results: list[FundamentalAnalysisOut]) -> Section:
    figures, tables = [], []
    for r in results:
        f = r.fundamentals
        s = r.symbol
        figures += [
            _figure(r, f"{s} price", "price", f.price if f else None, "money"),
            _figure(r, f"{s} market cap", "marketCap", r.market_cap, "money"),
            _figure(r, f"{s} volume 24h", "volume24h", r.volume_24h, "money"),
            _figure(r, f"{s} rank", "fundamentals.rank", f.rank if f else None, "integer"),
            _figure(
                r,
                f"{s} circulating supply",
                "fundamentals.circulatingSupply",
                f.circulating_supply if f else None,
                "number",
            ),
            _figure(
                r,
                f"{s} fully diluted valuation",
                "fundamentals.fullyDilutedValuation",
                f.fully_diluted_valuation if f else None,
                "money",
            ),
            _figure(
                r,
                f"{s} market cap / TVL",
                "fundamentals.marketCapToTvl",
                f.market_cap_to_tvl if f else None,
                "ratio",
            ),
            Figure(
                f"{s} recommendation",
                f"{r.recommendation} (score {r.recommendation_score:+.2f}, confidence {r.confidence:.0%})"
                if r.recommendation and r.recommendation_score is not None and r.confidence is not None
                else None,
                "text",
                Origin("Cryptomon recommendation from the figures above", r.generated_at, r.mode),
                None if r.recommendation else "not enough data",
            ),
        ]
        tables.append(
            Table(
                f"{s}: how the recommendation was reached",
                [
                    Column("Component"),
                    Column("Raw value", "number"),
                    Column("Score (-1..1)", "number"),
                    Column("Weight", "percent"),
                    Column("Contribution", "number"),
                    Column("Rule"),
                ],
                [[c.name, c.raw_value, c.score, c.weight, c.contribution, c.rule] for c in r.components],
                note=r.disclaimer,
            )
        )
        if r.conflicts:
            tables.append(
                Table(
                    f"{s}: where the sources disagree",
                    [Column("Field"), Column("Used"), Column("Values"), Column("Spread", "percent")],
                    [
                        [
                            c.field,
                            c.used,
                            "; ".join(f"{v.source} {v.value:,.6g}" for v in c.values if v.value is not None),
                            c.spread,
                        ]
                        for c in r.conflicts
                    ],
                )
            )
    return Section("fundamental", "Fundamental analysis", [], figures, tables)


def onchain_section(results: list[FundamentalAnalysisOut]) -> Section:
    figures, tables, charts = [], [], []
    for r in results:
        chain, s = r.on_chain_metrics, r.symbol
        if chain is None:
            continue
        figures += [
            _figure(
                r, f"{s} whale movements", "onChainMetrics.whaleMovements", chain.whale_movements, "integer"
            ),
            _figure(
                r,
                f"{s} inflow to exchanges",
                "onChainMetrics.exchangeInflowUsd",
                chain.exchange_inflow_usd,
                "money",
            ),
            _figure(
                r,
                f"{s} outflow from exchanges",
                "onChainMetrics.exchangeOutflowUsd",
                chain.exchange_outflow_usd,
                "money",
            ),
            _figure(r, f"{s} TVL", "onChainMetrics.tvl", chain.tvl, "money"),
            _figure(
                r,
                f"{s} active addresses",
                "onChainMetrics.activeAddresses",
                chain.active_addresses,
                "integer",
            ),
        ]
        if chain.gas is not None:
            figures.append(
                _figure(r, "Ethereum gas (propose)", "onChainMetrics.gas", chain.gas.propose_gwei, "number")
            )
        if chain.whales:
            tables.append(
                Table(
                    f"{s}: whale transfers to and from exchange wallets",
                    [
                        Column("Time", "datetime"),
                        Column("Direction"),
                        Column("From"),
                        Column("To"),
                        Column("Amount", "number"),
                        Column("Value (USD)", "money"),
                        Column("Transaction"),
                    ],
                    [
                        [
                            w.time,
                            w.direction,
                            w.from_label or w.from_,
                            w.to_label or w.to,
                            w.amount,
                            w.usd_value,
                            w.hash,
                        ]
                        for w in chain.whales
                    ],
                    _origin(r, "onChainMetrics.whales"),
                )
            )
        if chain.tvl_history:
            charts.append(
                Chart(
                    f"{s}: total value locked" + (f" ({chain.tvl_of.name})" if chain.tvl_of else ""),
                    "time",
                    [at(p.time) for p in chain.tvl_history],
                    [Series("TVL", [p.tvl for p in chain.tvl_history], "area")],
                    "money",
                    origin=_origin(r, "onChainMetrics.tvlHistory"),
                )
            )
    return Section("onchain", "On-chain activity", [], figures, tables, charts)


def sentiment_section(parts: list[SentimentPart]) -> Section:
    figures, tables, charts = [], [], []
    for p in parts:
        s = p.symbol
        score_origin = origin_of(p.sources.get("sentiment.score"), p.mode)
        index_origin = origin_of(p.sources.get("sentiment.fearGreedIndex"), p.mode)
        missing = "; ".join(f"{m.source}: {m.reason}" for m in p.unavailable) or "no posts in the period"
        figures += [
            Figure(
                f"{s} sentiment (0 bearish .. 1 bullish)",
                p.score,
                "number",
                score_origin,
                None if p.score is not None else missing,
            ),
            Figure(f"{s} posts read", p.social_volume, "integer", score_origin),
            Figure(
                "Fear & Greed index",
                f"{p.fear_greed_index} ({p.fear_greed_classification})"
                if p.fear_greed_index is not None
                else None,
                "text",
                index_origin,
                None if p.fear_greed_index is not None else missing,
            ),
        ]
        if p.daily:
            charts.append(
                Chart(
                    f"{s}: sentiment per day",
                    "bar",
                    [d.date for d in p.daily],
                    [Series("Mean score", [d.score for d in p.daily], "bar")],
                    origin=score_origin,
                )
            )
            tables.append(
                Table(
                    f"{s}: sentiment per day",
                    [Column("Day", "date"), Column("Mean score", "number"), Column("Posts", "integer")],
                    [[when(d.date).date(), d.score, d.posts] for d in p.daily],
                    score_origin,
                )
            )
        if p.posts:
            tables.append(
                Table(
                    f"{s}: posts scored",
                    [
                        Column("Published", "datetime"),
                        Column("Source"),
                        Column("Title"),
                        Column("Score", "number"),
                        Column("Label"),
                    ],
                    [
                        [
                            post.published_at,
                            post.outlet or post.source,
                            post.title or post.text[:120],
                            post.score,
                            post.label,
                        ]
                        for post in p.posts
                    ],
                    score_origin,
                )
            )
    series = parts[0].fear_greed_series if parts else []
    if series:
        charts.append(
            Chart(
                "Fear & Greed index",
                "time",
                [at(point.time) for point in series],
                [Series("Fear & Greed", [float(point.value) for point in series])],
                "integer",
                origin=origin_of(parts[0].sources.get("sentiment.fearGreedIndex"), parts[0].mode),
            )
        )
    return Section("sentiment", "Sentiment", [], figures, tables, charts)
