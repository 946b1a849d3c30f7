"""when a withdrawal was asked for, shown to the approver who signs it

A withdrawal already waiting for signature takes the time of its request from the audit
trail.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.core.db

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('document_version', sa.Column('withdrawal_requested_at', qms.core.db.UTCDateTime(timezone=True),
                                                nullable=True))
    op.execute(
        "UPDATE document_version SET withdrawal_requested_at = ("
        " SELECT max(e.occurred_at) FROM audit_event e JOIN document d ON d.id = document_version.document_id"
        " WHERE e.object_type = 'version' AND e.action = 'version.withdrawal_request'"
        " AND e.object_id = d.code || '/' || CAST(document_version.revision AS VARCHAR))"
        " WHERE withdrawal_approver_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_column('document_version', 'withdrawal_requested_at')
