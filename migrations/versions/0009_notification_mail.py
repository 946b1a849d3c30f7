"""notifications by e-mail: each person's choice of immediate mail or a daily digest

Adds the person's choice, the flag of a notification waiting for its digest, and the
HTML part of a queued e-mail.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('user_account', sa.Column('notification_mail', sqlmodel.sql.sqltypes.AutoString(length=10),
                                            nullable=False, server_default='immediate'))
    op.add_column('notification', sa.Column('digest_pending', sa.Boolean(), nullable=False,
                                            server_default=sa.text('false')))
    op.add_column('mail_outbox', sa.Column('html', sa.Text(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN: a batch rebuild on SQLite would go through the tables' ON DELETE actions.
    op.drop_column('mail_outbox', 'html')
    op.drop_column('notification', 'digest_pending')
    op.drop_column('user_account', 'notification_mail')
