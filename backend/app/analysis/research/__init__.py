"""Fundamental, on-chain and sentiment research on one asset, with the source and time of every number."""
