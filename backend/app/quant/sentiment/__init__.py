"""Scoring the sentiment of crypto texts: a score in [0, 1] (0 bearish, 1 bullish) and a label per text."""
