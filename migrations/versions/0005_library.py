"""library: attachments, external documents, records register and its approval, periodic
reviews, change requests

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-25 12:51:19.368501
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sqlmodel

import qms.core.db

revision: str = '0005'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('external_details',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('replaced_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('status_changed_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('in_force', 'amended', 'expired')", name=op.f('ck_external_details_known_status')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_external_details_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_external_details'))
    )
    with op.batch_alter_table('external_details', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_details_number'), ['number'], unique=False)

    op.create_table('periodic_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('opened_revision', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('signer_title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('reviewed_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('no_change', 'revise', 'withdraw')", name=op.f('ck_periodic_review_known_outcome')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_periodic_review_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_periodic_review_reviewed_by_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_periodic_review'))
    )
    with op.batch_alter_table('periodic_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periodic_review_document_id'), ['document_id'], unique=False)

    op.create_table('record_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('keeping_unit_id', sa.Integer(), nullable=False),
    sa.Column('permanent', sa.Boolean(), nullable=False),
    sa.Column('retention_years', sa.Integer(), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('medium', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('disposal', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('updated_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("disposal IN ('destroy', 'archive_agency', 'archive_historical', 'reappraise')", name=op.f('ck_record_entry_known_disposal')),
    sa.CheckConstraint("medium IN ('paper', 'electronic', 'both')", name=op.f('ck_record_entry_known_medium')),
    sa.CheckConstraint('(permanent AND retention_years IS NULL) OR (NOT permanent AND retention_years BETWEEN 1 AND 100)', name=op.f('ck_record_entry_retention')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_record_entry_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['keeping_unit_id'], ['unit.id'], name=op.f('fk_record_entry_keeping_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_entry'))
    )
    with op.batch_alter_table('record_entry', schema=None) as batch_op:
        batch_op.create_index('ix_record_entry_document_position', ['document_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_entry_keeping_unit_id'), ['keeping_unit_id'], unique=False)

    op.create_table('records_list_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rows', sa.Text(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('signer_title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.Column('approved_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_records_list_approval_approved_by_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records_list_approval'))
    )
    with op.batch_alter_table('records_list_approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_list_approval_year'), ['year'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_attachment_uploaded_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_attachment_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('version_id', 'name', name=op.f('uq_attachment_version_id_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)

    op.create_table('change_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposal', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_comment', sa.Text(), server_default='', nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'accepted', 'rejected')", name=op.f('ck_change_request_known_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_change_request_decided_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_change_request_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_change_request_requested_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_change_request_version_id_document_version'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_request'))
    )
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_request_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index('ix_change_request_status_created_at', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_version_id'), ['version_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_request_version_id'))
        batch_op.drop_index('ix_change_request_status_created_at')
        batch_op.drop_index(batch_op.f('ix_change_request_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_change_request_document_id'))

    op.drop_table('change_request')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))

    op.drop_table('attachment')
    with op.batch_alter_table('records_list_approval', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_list_approval_year'))

    op.drop_table('records_list_approval')
    with op.batch_alter_table('record_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_entry_keeping_unit_id'))
        batch_op.drop_index('ix_record_entry_document_position')

    op.drop_table('record_entry')
    with op.batch_alter_table('periodic_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_periodic_review_document_id'))

    op.drop_table('periodic_review')
    with op.batch_alter_table('external_details', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_details_number'))

    op.drop_table('external_details')
