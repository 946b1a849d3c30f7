"""accounts the password policy leaves alone at sign-in

The password policy now refuses short and common passwords, and a user whose password no
longer passes is asked at sign-in to choose another. The demo accounts keep their shared
short password: ``qms seed --demo`` marks them, and nothing else does.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('user_account', sa.Column('password_policy_exempt', sa.Boolean(), nullable=False,
                                            server_default=sa.text('false')))


def downgrade() -> None:
    # Plain DROP COLUMN: a batch rebuild on SQLite would go through the tables' ON DELETE actions.
    op.drop_column('user_account', 'password_policy_exempt')
