"""Custom indicators get `key`: their name as formulas write it, unique per user.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 04:18:44.374437
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))

import app.core.types  # noqa: F401  (our column types)

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('custom_indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=100), nullable=False, server_default=''))
        batch_op.create_unique_constraint('uq_custom_indicators_user_id_key', ['user_id', 'key'])



def downgrade() -> None:
    with op.batch_alter_table('custom_indicators', schema=None) as batch_op:
        batch_op.drop_constraint('uq_custom_indicators_user_id_key', type_='unique')
        batch_op.drop_column('key')

