"""The look every server-drawn chart shares (technical analysis, backtests, reports): colours, font, DPI."""

UP = "#26a69a"
DOWN = "#ef5350"
NEUTRAL = "#9e9e9e"
GRID = "#e6e6e6"
TEXT = "#222222"
PALETTE = ("#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")
FONT = "DejaVu Sans"  # bundled with matplotlib: never fetched
DPI = 100
