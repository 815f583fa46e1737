"""PRICE_ABOVE/PRICE_BELOW with an indicator now mean "the price crosses the threshold while the indicator
confirms"; the alerts saved under the old meaning (the indicator alone against metadata.value, the threshold
ignored) become the indicator rule they were judged as, so they keep firing exactly when they did:
PRICE_ABOVE -> GREATER_THAN, PRICE_BELOW -> LESS_THAN, threshold = the level the indicator was compared
with, and metadata.was = the condition and threshold they were saved with.

The one difference: PRICE_ABOVE compared with >=, GREATER_THAN compares with >, so an indicator exactly
equal to the level no longer counts (a real-valued indicator practically never equals it).

Revision ID: 0012
Revises: 0011
"""

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.core.types import ExactDecimal, JsonDict

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TO_INDICATOR_RULE = {"PRICE_ABOVE": "GREATER_THAN", "PRICE_BELOW": "LESS_THAN"}
BACK = {new: old for old, new in TO_INDICATOR_RULE.items()}

alerts = sa.table(
    "alerts",
    sa.column("id", sa.BigInteger),
    sa.column("condition", sa.String),
    sa.column("threshold", ExactDecimal),
    sa.column("metadata", JsonDict),
)


def _old_style(metadata: Any) -> bool:
    return isinstance(metadata, dict) and (
        metadata.get("indicator") is not None or metadata.get("formula") is not None
    )


def _level(metadata: dict[str, Any], threshold: Decimal | None) -> Decimal | None:
    """What the old code compared the indicator with: metadata.value, else the threshold."""
    value = metadata.get("value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return threshold


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(alerts.c.id, alerts.c.condition, alerts.c.threshold, alerts.c.metadata).where(
            alerts.c.condition.in_(list(TO_INDICATOR_RULE))
        )
    ).all()
    for alert_id, condition, threshold, metadata in rows:
        if not _old_style(metadata):
            continue  # a plain price level: its meaning has not changed
        level = _level(metadata, threshold)
        if level is None:
            continue  # the old code refused such a rule: it cannot be stored
        was = {"condition": condition, "threshold": None if threshold is None else float(threshold)}
        if "value" in metadata:
            was["value"] = metadata["value"]
        kept = {key: value for key, value in metadata.items() if key != "value"}
        bind.execute(
            alerts.update()
            .where(alerts.c.id == alert_id)
            .values(condition=TO_INDICATOR_RULE[condition], threshold=level, metadata={**kept, "was": was})
        )


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(alerts.c.id, alerts.c.metadata).where(alerts.c.condition.in_(list(BACK)))
    ).all()
    for alert_id, metadata in rows:
        was = metadata.get("was") if isinstance(metadata, dict) else None
        if not isinstance(was, dict) or was.get("condition") not in TO_INDICATOR_RULE:
            continue
        restored = {key: value for key, value in metadata.items() if key != "was"}
        if "value" in was:
            restored["value"] = was["value"]
        threshold = was.get("threshold")
        bind.execute(
            alerts.update()
            .where(alerts.c.id == alert_id)
            .values(
                condition=was["condition"],
                threshold=None if threshold is None else Decimal(str(threshold)),
                metadata=restored,
            )
        )
