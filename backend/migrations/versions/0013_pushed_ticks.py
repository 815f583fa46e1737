"""Pushed ticks are stored before POST /api/data/ticks answers: the webhook feed's durable record.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 03:10:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pushed_ticks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('symbol', sa.String(length=20), nullable=False),
    sa.Column('ts', sa.Float(), nullable=False),
    sa.Column('price', sa.Float(), nullable=False),
    sa.Column('volume', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('received', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pushed_ticks')),
    sa.UniqueConstraint('symbol', 'ts', 'price', 'volume', name='uq_pushed_ticks_key')
    )
    with op.batch_alter_table('pushed_ticks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pushed_ticks_ts'), ['ts'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pushed_ticks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pushed_ticks_ts'))

    op.drop_table('pushed_ticks')
