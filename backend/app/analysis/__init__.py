"""Technical, fundamental, on-chain and sentiment analysis."""
