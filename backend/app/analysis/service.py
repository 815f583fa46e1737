"""The analysis domain's public use cases for other domains (reports): technical, fundamental, sentiment."""

from __future__ import annotations

from app.analysis.fundamental import evaluate as fundamental_analysis
from app.analysis.fundamental import sentiment_part, whales_part
from app.analysis.fundamental_schemas import FundamentalAnalysisOut, FundamentalIn, SentimentPart
from app.analysis.technical import analyse as technical_analysis

__all__ = [
    "FundamentalAnalysisOut",
    "FundamentalIn",
    "SentimentPart",
    "fundamental_analysis",
    "sentiment_part",
    "technical_analysis",
    "whales_part",
]
