"""Daily snapshots of each portfolio's transactions (portfolio_days), filled from the transactions stored.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:30:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))

import app.core.types  # noqa: F401  (our column types)
from app.quant.portfolio.ledger import Entry, Kind, day_totals


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    days = op.create_table('portfolio_days',
    sa.Column('portfolio_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('changes', app.core.types.JsonDict, nullable=False),
    sa.Column('flow', app.core.types.ExactDecimal(), nullable=False),
    sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'], name=op.f('fk_portfolio_days_portfolio_id_portfolios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('portfolio_id', 'day', name=op.f('pk_portfolio_days'))
    )
    transactions = sa.table(
        'portfolio_transactions',
        sa.column('portfolio_id', sa.BigInteger()),
        sa.column('kind', sa.String()),
        sa.column('symbol', sa.String()),
        sa.column('quantity', app.core.types.ExactDecimal()),
        sa.column('price', app.core.types.ExactDecimal()),
        sa.column('fee', app.core.types.ExactDecimal()),
        sa.column('executed_at', app.core.types.UTCDateTime(timezone=True)),
    )
    bind = op.get_bind()
    portfolios = [p for (p,) in bind.execute(sa.select(transactions.c.portfolio_id).distinct())]
    for portfolio_id in portfolios:
        rows = bind.execute(sa.select(transactions).where(transactions.c.portfolio_id == portfolio_id))
        entries = [Entry(Kind(r.kind), r.symbol, r.quantity, r.price, r.fee, r.executed_at) for r in rows]
        written = [
            {
                'portfolio_id': portfolio_id,
                'day': day,
                'changes': {s: str(q) for s, q in sorted(total.changes.items())},
                'flow': total.flow,
            }
            for day, total in sorted(day_totals(entries).items())
        ]
        if written:
            op.bulk_insert(days, written)


def downgrade() -> None:
    op.drop_table('portfolio_days')
