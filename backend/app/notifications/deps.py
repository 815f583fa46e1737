"""The notifier of the running app (its channels), for routes that check or use a user's channels."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.notifications.service import Notifier


def _notifier(request: Request) -> Notifier:
    notifier: Notifier = request.app.state.notifier
    return notifier


NotifierDep = Annotated[Notifier, Depends(_notifier)]
