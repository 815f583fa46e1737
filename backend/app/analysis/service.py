"""The analysis domain's public use cases for other domains (reports, the agent): technical, fundamental,
sentiment."""

from __future__ import annotations

from app.analysis.chart_service import chart_png
from app.analysis.fundamental import evaluate as fundamental_analysis
from app.analysis.fundamental import fundamentals_part, sentiment_part, whales_part
from app.analysis.fundamental_schemas import (
    FundamentalAnalysisOut,
    FundamentalIn,
    FundamentalsPart,
    Provenance,
    SentimentPart,
    WhalesPart,
)
from app.analysis.mood import FearGreedReading, FearGreedSeries, fear_greed
from app.analysis.technical import analyse as technical_analysis
from app.analysis.technical import read_chart_token
from app.analysis.text_sentiment import analyser_of, score_texts

__all__ = [
    "FearGreedReading",
    "FearGreedSeries",
    "FundamentalAnalysisOut",
    "FundamentalIn",
    "FundamentalsPart",
    "Provenance",
    "SentimentPart",
    "WhalesPart",
    "analyser_of",
    "chart_png",
    "fear_greed",
    "fundamental_analysis",
    "fundamentals_part",
    "read_chart_token",
    "score_texts",
    "sentiment_part",
    "technical_analysis",
    "whales_part",
]
