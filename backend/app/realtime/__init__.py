"""Realtime gateway: WebSocket /ws/alerts/{userId} and SSE /api/stream, fanned out through the bus."""
