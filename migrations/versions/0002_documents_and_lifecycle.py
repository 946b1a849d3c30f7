"""documents and lifecycle

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sqlmodel

import qms.core.db

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('confidentiality', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('review_interval_months', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('latest_version_id', sa.Integer(), nullable=True),
    sa.Column('effective_version_id', sa.Integer(), nullable=True),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('search_text', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("confidentiality IN ('public', 'internal', 'restricted')", name=op.f('ck_document_known_confidentiality')),
    sa.CheckConstraint("kind IN ('manual', 'policy', 'objectives', 'procedure', 'work_instruction', 'form', 'external', 'other')", name=op.f('ck_document_known_kind')),
    sa.CheckConstraint('review_interval_months BETWEEN 1 AND 120', name=op.f('ck_document_review_interval')),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['unit.id'], name=op.f('fk_document_owner_unit_id_unit'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['parent_id'], ['document.id'], name=op.f('fk_document_parent_id_document'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('code', name=op.f('uq_document_code'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_parent_id'), ['parent_id'], unique=False)

    op.create_table('delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delegator_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_delegation_date_order')),
    sa.ForeignKeyConstraint(['delegate_id'], ['user_account.id'], name=op.f('fk_delegation_delegate_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['delegator_id'], ['user_account.id'], name=op.f('fk_delegation_delegator_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation'))
    )
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegation_delegate_id'), ['delegate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegation_delegator_id'), ['delegator_id'], unique=False)

    op.create_table('document_unit',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_unit_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_document_unit_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'unit_id', name=op.f('pk_document_unit'))
    )
    op.create_table('document_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('purpose', sa.Text(), server_default='', nullable=False),
    sa.Column('scope', sa.Text(), server_default='', nullable=False),
    sa.Column('references', sa.Text(), server_default='', nullable=False),
    sa.Column('definitions', sa.Text(), server_default='', nullable=False),
    sa.Column('content', sa.Text(), server_default='', nullable=False),
    sa.Column('forms', sa.Text(), server_default='', nullable=False),
    sa.Column('records', sa.Text(), server_default='', nullable=False),
    sa.Column('change_summary', sa.Text(), server_default='', nullable=False),
    sa.Column('changed_sections', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('review_round', sa.Integer(), nullable=False),
    sa.Column('drafter_id', sa.Integer(), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('effective_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', qms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=True),
    sa.Column('withdrawal_requested_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawal_approver_id', sa.Integer(), nullable=True),
    sa.Column('created_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'in_review', 'awaiting_approval', 'approved', 'effective', 'superseded', 'obsolete')", name=op.f('ck_document_version_known_status')),
    sa.ForeignKeyConstraint(['approver_id'], ['user_account.id'], name=op.f('fk_document_version_approver_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_version_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['drafter_id'], ['user_account.id'], name=op.f('fk_document_version_drafter_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['withdrawal_approver_id'], ['user_account.id'], name=op.f('fk_document_version_withdrawal_approver_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['withdrawal_requested_by_id'], ['user_account.id'], name=op.f('fk_document_version_withdrawal_requested_by_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_version')),
    sa.UniqueConstraint('document_id', 'revision', name=op.f('uq_document_version_document_id_revision'))
    )
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_version_approver_id'), ['approver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_version_drafter_id'), ['drafter_id'], unique=False)
        batch_op.create_index('ix_document_version_status_effective_date', ['status', 'effective_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_version_withdrawal_approver_id'), ['withdrawal_approver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_version_withdrawal_requested_by_id'), ['withdrawal_requested_by_id'], unique=False)
        batch_op.create_index('uq_document_version_one_effective', ['document_id'], unique=True, sqlite_where=sa.text("status = 'effective'"), postgresql_where=sa.text("status = 'effective'"))
        batch_op.create_index('uq_document_version_one_open', ['document_id'], unique=True, sqlite_where=sa.text("status IN ('approved', 'awaiting_approval', 'draft', 'in_review')"), postgresql_where=sa.text("status IN ('approved', 'awaiting_approval', 'draft', 'in_review')"))

    op.create_table('revision_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('change_summary', sa.Text(), server_default='', nullable=False),
    sa.Column('changed_sections', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_revision_history_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revision_history')),
    sa.UniqueConstraint('document_id', 'revision', name=op.f('uq_revision_history_document_id_revision'))
    )
    op.create_table('signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('meaning', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('review_round', sa.Integer(), nullable=False),
    sa.Column('signed_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('signer_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('signer_title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('on_behalf_of_title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.CheckConstraint("meaning IN ('drafted', 'reviewed', 'approved', 'rejected')", name=op.f('ck_signature_known_meaning')),
    sa.CheckConstraint("purpose IN ('issue', 'withdrawal')", name=op.f('ck_signature_known_purpose')),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['user_account.id'], name=op.f('fk_signature_on_behalf_of_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_signature_user_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_signature_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature'))
    )
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signature_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signature_version_id'), ['version_id'], unique=False)

    op.create_table('version_reviewer',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_version_reviewer_user_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_version_reviewer_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'user_id', name=op.f('pk_version_reviewer'))
    )
    op.create_table('version_step',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('responsibility', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('task', sa.Text(), server_default='', nullable=False),
    sa.Column('duration', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('output', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_version_step_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'position', name=op.f('pk_version_step'))
    )

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_document_latest_version_id_document_version', 'document_version',
                                    ['latest_version_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_document_effective_version_id_document_version', 'document_version',
                                    ['effective_version_id'], ['id'], ondelete='SET NULL')

    # Diacritic-insensitive search over document.search_text (folded text).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE document_fts USING fts5(search_text, content='document', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER document_fts_ai AFTER INSERT ON document BEGIN "
                   "INSERT INTO document_fts(rowid, search_text) VALUES (new.id, new.search_text); END")
        op.execute("CREATE TRIGGER document_fts_ad AFTER DELETE ON document BEGIN "
                   "INSERT INTO document_fts(document_fts, rowid, search_text) "
                   "VALUES ('delete', old.id, old.search_text); END")
        op.execute("CREATE TRIGGER document_fts_au AFTER UPDATE OF search_text ON document BEGIN "
                   "INSERT INTO document_fts(document_fts, rowid, search_text) "
                   "VALUES ('delete', old.id, old.search_text); "
                   "INSERT INTO document_fts(rowid, search_text) VALUES (new.id, new.search_text); END")
    else:
        op.execute("CREATE INDEX ix_document_search_tsv ON document "
                   "USING gin (to_tsvector('simple', search_text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("document_fts_ai", "document_fts_ad", "document_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS document_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_document_search_tsv")
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint('fk_document_latest_version_id_document_version', type_='foreignkey')
        batch_op.drop_constraint('fk_document_effective_version_id_document_version', type_='foreignkey')
    op.drop_table('version_step')
    op.drop_table('version_reviewer')
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signature_version_id'))
        batch_op.drop_index(batch_op.f('ix_signature_user_id'))

    op.drop_table('signature')
    op.drop_table('revision_history')
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_index('uq_document_version_one_open', sqlite_where=sa.text("status IN ('approved', 'awaiting_approval', 'draft', 'in_review')"), postgresql_where=sa.text("status IN ('approved', 'awaiting_approval', 'draft', 'in_review')"))
        batch_op.drop_index('uq_document_version_one_effective', sqlite_where=sa.text("status = 'effective'"), postgresql_where=sa.text("status = 'effective'"))
        batch_op.drop_index(batch_op.f('ix_document_version_withdrawal_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_document_version_withdrawal_approver_id'))
        batch_op.drop_index('ix_document_version_status_effective_date')
        batch_op.drop_index(batch_op.f('ix_document_version_drafter_id'))
        batch_op.drop_index(batch_op.f('ix_document_version_approver_id'))

    op.drop_table('document_version')
    op.drop_table('document_unit')
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegation_delegator_id'))
        batch_op.drop_index(batch_op.f('ix_delegation_delegate_id'))

    op.drop_table('delegation')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_parent_id'))
        batch_op.drop_index(batch_op.f('ix_document_owner_unit_id'))
        batch_op.drop_index(batch_op.f('ix_document_kind'))

    op.drop_table('document')
