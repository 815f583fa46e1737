"""Portfolios and positions: valuation, risk, rebalancing, optimisation, attribution."""
