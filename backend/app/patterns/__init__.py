"""Patterns: candlestick and chart patterns, levels and trend lines in stored candles, and how each did."""
