"""Content: the daily digest, the news aggregator and the learning curriculum with its progress."""
