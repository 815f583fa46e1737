"""A proposal made real: the alert created or the backtest run through the owning domain's service, once, and
recorded on the answer that proposed it (so a reload shows it done, and a second click creates nothing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent import service
from app.agent.models import Message
from app.agent.schemas import ProposalOut
from app.alerts import service as alerts_service
from app.alerts.schemas import AlertIn
from app.backtesting import service as backtest_service
from app.backtesting.schemas import StrategyIn
from app.core.clock import isoformat_z, utcnow
from app.core.errors import AppError, ErrorCode, not_found
from app.core.runtime import Runtime
from app.notifications.service import Notifier
from app.users.service import User


async def _create(
    runtime: Runtime, session: AsyncSession, notifier: Notifier, user: User, proposal: Any
) -> str:
    if proposal["kind"] == "ALERT":
        body = AlertIn.model_validate(proposal["request"] | {"userId": user.id})
        alert = await alerts_service.create(session, runtime.cache, runtime.bus, notifier, user, body)
        return str(alert.id)
    run = await backtest_service.create(
        session, runtime.settings, user.id, StrategyIn.model_validate(proposal["request"])
    )
    return run.backtest_id


async def accept(
    runtime: Runtime, session: AsyncSession, notifier: Notifier, user: User, conversation_id: int, ref: str
) -> ProposalOut:
    """Create what proposal `ref` of the conversation proposes, as its owner; 409 if it is created already."""
    conversation = await service.mine(session, user, conversation_id)
    answers = await session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.role == "ASSISTANT")
        .order_by(Message.id)
        .with_for_update()
    )
    for message in answers:
        for i, proposal in enumerate(message.proposals):
            if proposal.get("ref") != ref:
                continue
            if proposal.get("created"):
                created = proposal["created"]["id"]
                raise AppError(
                    ErrorCode.CONFLICT, f"Proposal {ref} was already created ({created})", field="ref"
                )
            done = proposal | {"created": {"id": await _create(runtime, session, notifier, user, proposal),
                                           "at": isoformat_z(utcnow())}}  # fmt: skip
            message.proposals = [*message.proposals[:i], done, *message.proposals[i + 1 :]]
            await session.flush()
            return ProposalOut.model_validate(done)
    raise not_found("Proposal", ref)
