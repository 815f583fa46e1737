"""Portfolio transactions become the source of truth; positions hold what is derived from them (nothing wrote
positions before this revision, so there is nothing to convert).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 09:15:32.033946
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))

import app.core.types  # noqa: F401  (our column types)


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('portfolio_transactions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('portfolio_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('symbol', sa.String(length=20), nullable=False),
    sa.Column('quantity', app.core.types.ExactDecimal(), nullable=False),
    sa.Column('price', app.core.types.ExactDecimal(), nullable=False),
    sa.Column('fee', app.core.types.ExactDecimal(), nullable=False),
    sa.Column('executed_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'], name=op.f('fk_portfolio_transactions_portfolio_id_portfolios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_transactions')),
    sa.UniqueConstraint('portfolio_id', 'external_id', name='uq_portfolio_transactions_external_id')
    )
    with op.batch_alter_table('portfolio_transactions', schema=None) as batch_op:
        batch_op.create_index('ix_portfolio_transactions_order', ['portfolio_id', 'executed_at', 'id'], unique=False)
        batch_op.create_index('ix_portfolio_transactions_symbol_order', ['portfolio_id', 'symbol', 'executed_at', 'id'], unique=False)

    with op.batch_alter_table('portfolios', schema=None) as batch_op:
        batch_op.add_column(sa.Column('band', app.core.types.ExactDecimal(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', app.core.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost', app.core.types.ExactDecimal(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('realised_fifo', app.core.types.ExactDecimal(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('realised_average', app.core.types.ExactDecimal(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('income', app.core.types.ExactDecimal(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('fees', app.core.types.ExactDecimal(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('net_flow', app.core.types.ExactDecimal(), server_default='0', nullable=False))
        batch_op.create_unique_constraint('uq_positions_portfolio_symbol', ['portfolio_id', 'symbol'])



def downgrade() -> None:
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_positions_portfolio_symbol', type_='unique')
        batch_op.drop_column('net_flow')
        batch_op.drop_column('fees')
        batch_op.drop_column('income')
        batch_op.drop_column('realised_average')
        batch_op.drop_column('realised_fifo')
        batch_op.drop_column('cost')

    with op.batch_alter_table('portfolios', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('band')

    with op.batch_alter_table('portfolio_transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_portfolio_transactions_symbol_order')
        batch_op.drop_index('ix_portfolio_transactions_order')

    op.drop_table('portfolio_transactions')
