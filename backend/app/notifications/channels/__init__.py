"""Notification channels, one module each behind `Channel` (base.py)."""
