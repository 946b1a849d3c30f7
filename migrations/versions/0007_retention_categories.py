"""retention categories added by the agency

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import qms.core.db

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('retention_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('permanent', sa.Boolean(), nullable=False),
    sa.Column('years', sa.Integer(), nullable=True),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', qms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(permanent AND years IS NULL) OR (NOT permanent AND years BETWEEN 1 AND 100)', name=op.f('ck_retention_category_period')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_retention_category_created_by_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_category')),
    sa.UniqueConstraint('code', name=op.f('uq_retention_category_code'))
    )


def downgrade() -> None:
    op.drop_table('retention_category')
