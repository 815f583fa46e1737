"""Notifications: channels, dispatcher and the durable outbox."""
