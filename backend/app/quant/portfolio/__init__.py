"""Portfolio maths: transactions replayed into holdings and flows, and the returns measured on them."""
