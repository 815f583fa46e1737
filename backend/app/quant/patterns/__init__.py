"""Chart patterns of our own: zig-zag swings, levels, trend lines, reversal and continuation shapes."""
