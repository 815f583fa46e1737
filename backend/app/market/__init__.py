"""Market data: symbols, sources, validated ingest, candles, historical data and export."""
