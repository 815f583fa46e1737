"""System upkeep: background jobs' routes, worker diagnostics and periodic maintenance."""
