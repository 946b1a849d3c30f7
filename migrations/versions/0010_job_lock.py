"""the due jobs' lease and the days the daily jobs ran; a change request can be closed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import qms.core.db

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_lock',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('expires_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_lock'))
    )
    op.create_table('job_run',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_run'))
    )
    # Nothing refers to change_request, so rebuilding it on SQLite loses nothing.
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_request_known_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_change_request_known_status'), "status IN ('open', 'accepted', 'rejected', 'closed')")


def downgrade() -> None:
    op.execute("UPDATE change_request SET status = 'accepted' WHERE status = 'closed'")
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_request_known_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_change_request_known_status'), "status IN ('open', 'accepted', 'rejected')")
    op.drop_table('job_run')
    op.drop_table('job_lock')
