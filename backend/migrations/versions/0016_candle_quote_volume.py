"""The quote (USD) volume of a candle where its source gives it or its trades add up to it (price_history).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 16:20:00
"""
import sqlalchemy as sa
from alembic import op

import app.core.types  # noqa: F401  (our column types)


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Bars stored before this keep NULL: the API estimates theirs (volume x typical price) and says so.
    op.add_column('price_history', sa.Column('quote_volume', app.core.types.ExactDecimal(), nullable=True))


def downgrade() -> None:
    op.drop_column('price_history', 'quote_volume')
