"""Pattern recognition on candles (issue 22): candlestick patterns, swings, levels and chart patterns."""
