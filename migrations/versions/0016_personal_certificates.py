"""each person's wrapping key and own signing certificate; the approver-signed original

A person's certificate is kept with its private key sealed to their wrapping key, whose
private half only their password opens. The original an approver signed with it waits for
the agency's signature in ``approver_signed_original``; the image of a person's handwritten
signature in ``signature_image``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from qms.core.db import UTCDateTime

revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'user_wrap_key',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
        sa.Column('sealed_private', sa.LargeBinary(length=128), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id'),
    )
    op.create_table(
        'personal_certificate',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('serial', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('not_before', UTCDateTime(timezone=True), nullable=False),
        sa.Column('not_after', UTCDateTime(timezone=True), nullable=False),
        sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('chain_pem', sa.Text(), nullable=False),
        sa.Column('sealed_key', sa.LargeBinary(), nullable=False),
        sa.Column('wrap_key_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('uploaded_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id'),
    )


    op.create_table(
        'approver_signed_original',
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('agency_box', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('signer', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('certificate_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('signed_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('version_id'),
    )


    op.create_table(
        'signature_image',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('png', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id'),
    )


def downgrade() -> None:
    op.drop_table('signature_image')
    op.drop_table('approver_signed_original')
    op.drop_table('personal_certificate')
    op.drop_table('user_wrap_key')
