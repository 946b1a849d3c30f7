"""acknowledgements made after their due date are counted in the tally

The dashboard shows how many recipients acknowledged late; the tally keeps that count
beside the others, in its covering indexes, and it is counted here from the rows already
acknowledged.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSION_COUNTS = ['version_id', 'due_at', 'total', 'acknowledged', 'unit_id']
UNIT_COUNTS = ['unit_id', 'version_id', 'due_at', 'total', 'acknowledged']


def _indexes(extra: list[str]) -> None:
    op.drop_index('ix_acknowledgement_tally_version_counts', table_name='acknowledgement_tally')
    op.drop_index('ix_acknowledgement_tally_unit_counts', table_name='acknowledgement_tally')
    op.create_index('ix_acknowledgement_tally_version_counts', 'acknowledgement_tally', VERSION_COUNTS + extra)
    op.create_index('ix_acknowledgement_tally_unit_counts', 'acknowledgement_tally', UNIT_COUNTS + extra)


def upgrade() -> None:
    op.add_column('acknowledgement_tally', sa.Column('late', sa.Integer(), nullable=False, server_default='0'))
    op.execute(
        "UPDATE acknowledgement_tally SET late = (SELECT count(*) FROM acknowledgement a "
        "WHERE a.version_id = acknowledgement_tally.version_id AND a.unit_id = acknowledgement_tally.unit_id "
        "AND a.distribution_id = acknowledgement_tally.distribution_id AND a.status = 'acknowledged' "
        "AND a.acknowledged_at > a.due_at)")
    _indexes(['late'])


def downgrade() -> None:
    _indexes([])
    op.drop_column('acknowledgement_tally', 'late')
