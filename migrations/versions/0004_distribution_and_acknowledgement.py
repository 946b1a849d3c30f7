"""distribution and acknowledgement

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sqlmodel

import qms.core.db

revision: str = '0004'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedup_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name=op.f('ck_mail_outbox_known_status')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_mail_outbox_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_mail_outbox_dedup_key'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbox_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_outbox_user_id'), ['user_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dedup_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_notification_dedup_key'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_read', ['user_id', 'read_at'], unique=False)

    op.create_table('distribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('targets', sa.Text(), nullable=False),
    sa.Column('due_days', sa.Integer(), nullable=False),
    sa.Column('due_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recipients_added', sa.Integer(), nullable=False),
    sa.Column('carried_over_from', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_distribution_created_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_distribution_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution'))
    )
    with op.batch_alter_table('distribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_version_id'), ['version_id'], unique=False)

    op.create_table('paper_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('holder_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('holder_unit', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('issued_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('recall_requested_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recalled_on', sa.Date(), nullable=True),
    sa.Column('recalled_by_id', sa.Integer(), nullable=True),
    sa.Column('recall_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.CheckConstraint("status IN ('issued', 'to_recall', 'returned', 'destroyed')", name=op.f('ck_paper_copy_known_status')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_paper_copy_positive_number')),
    sa.ForeignKeyConstraint(['holder_id'], ['user_account.id'], name=op.f('fk_paper_copy_holder_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_paper_copy_issued_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recalled_by_id'], ['user_account.id'], name=op.f('fk_paper_copy_recalled_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_paper_copy_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_copy')),
    sa.UniqueConstraint('version_id', 'number', name=op.f('uq_paper_copy_version_id_number'))
    )
    with op.batch_alter_table('paper_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_copy_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index('ix_paper_copy_status', ['status'], unique=False)

    op.create_table('acknowledgement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('assigned_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_reminded_on', sa.Date(), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'acknowledged', 'superseded', 'withdrawn', 'removed')", name=op.f('ck_acknowledgement_known_status')),
    sa.ForeignKeyConstraint(['distribution_id'], ['distribution.id'], name=op.f('fk_acknowledgement_distribution_id_distribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_acknowledgement_unit_id_unit'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_acknowledgement_user_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_acknowledgement_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acknowledgement')),
    sa.UniqueConstraint('version_id', 'user_id', name=op.f('uq_acknowledgement_version_id_user_id'))
    )
    with op.batch_alter_table('acknowledgement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acknowledgement_distribution_id'), ['distribution_id'], unique=False)
        batch_op.create_index('ix_acknowledgement_unit_tally', ['unit_id', 'status', 'version_id', 'due_at'], unique=False)
        batch_op.create_index('ix_acknowledgement_user_status', ['user_id', 'status'], unique=False)
        batch_op.create_index('ix_acknowledgement_version_tally', ['version_id', 'status', 'unit_id', 'due_at'], unique=False)

    op.create_table('acknowledgement_tally',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=False),
    sa.Column('due_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('acknowledged', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['distribution_id'], ['distribution.id'], name=op.f('fk_acknowledgement_tally_distribution_id_distribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_acknowledgement_tally_unit_id_unit'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_acknowledgement_tally_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'unit_id', 'distribution_id', name=op.f('pk_acknowledgement_tally'))
    )
    with op.batch_alter_table('acknowledgement_tally', schema=None) as batch_op:
        batch_op.create_index('ix_acknowledgement_tally_unit_counts', ['unit_id', 'version_id', 'due_at', 'total', 'acknowledged'], unique=False)
        batch_op.create_index('ix_acknowledgement_tally_version_counts', ['version_id', 'due_at', 'total', 'acknowledged', 'unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('acknowledgement_tally', schema=None) as batch_op:
        batch_op.drop_index('ix_acknowledgement_tally_version_counts')
        batch_op.drop_index('ix_acknowledgement_tally_unit_counts')

    op.drop_table('acknowledgement_tally')
    with op.batch_alter_table('acknowledgement', schema=None) as batch_op:
        batch_op.drop_index('ix_acknowledgement_version_tally')
        batch_op.drop_index('ix_acknowledgement_user_status')
        batch_op.drop_index('ix_acknowledgement_unit_tally')
        batch_op.drop_index(batch_op.f('ix_acknowledgement_distribution_id'))

    op.drop_table('acknowledgement')
    with op.batch_alter_table('paper_copy', schema=None) as batch_op:
        batch_op.drop_index('ix_paper_copy_status')
        batch_op.drop_index(batch_op.f('ix_paper_copy_holder_id'))

    op.drop_table('paper_copy')
    with op.batch_alter_table('distribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_version_id'))

    op.drop_table('distribution')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_read')

    op.drop_table('notification')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_user_id'))
        batch_op.drop_index('ix_mail_outbox_status_next_attempt_at')

    op.drop_table('mail_outbox')
