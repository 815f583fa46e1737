"""Reports as files (status, progress, file, delivery, retention) and their schedules (report_schedules).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 23:50:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.core.types  # noqa: F401  (our column types)


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('report_schedules',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('report_type', sa.String(length=50), nullable=False),
    sa.Column('symbols', app.core.types.StringList(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('delivery_channels', app.core.types.StringList(), nullable=False),
    sa.Column('options', JSON, nullable=False),
    sa.Column('cadence', sa.String(length=10), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('day_of_month', sa.Integer(), nullable=True),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('next_run_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_run_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_report_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_schedules_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_schedules'))
    )
    with op.batch_alter_table('report_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_schedules_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_schedules_next_run_at'), ['next_run_at'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('options', JSON, nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('delivery_channels', app.core.types.StringList(), nullable=True))
        batch_op.add_column(sa.Column('progress', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('job_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('schedule_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('file_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('content_type', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('size_bytes', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', app.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('notification_ids', app.core.types.StringList(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_schedule_id'), ['schedule_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_expires_at'), ['expires_at'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_reports_schedule_id_report_schedules'), 'report_schedules', ['schedule_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_schedule_id_report_schedules'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reports_expires_at'))
        batch_op.drop_index(batch_op.f('ix_reports_schedule_id'))
        batch_op.drop_index(batch_op.f('ix_reports_status'))
        for column in ('notification_ids', 'expires_at', 'size_bytes', 'content_type', 'file_name',
                       'schedule_id', 'job_id', 'error', 'progress', 'delivery_channels', 'options'):
            batch_op.drop_column(column)
    with op.batch_alter_table('report_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_schedules_next_run_at'))
        batch_op.drop_index(batch_op.f('ix_report_schedules_user_id'))
    op.drop_table('report_schedules')
