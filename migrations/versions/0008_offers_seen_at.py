"""offers: seen_at

A console acknowledges an offer when it shows it; an offer nobody acknowledged within
MATCHMAKER_OFFER_ACK_TIMEOUT moves on as `unreachable` (the console is treated as gone).
Offers open before this migration count as seen (they were made before anyone acknowledged).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 22:05:00
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seen_at', matchmaker.models.base.UTCDateTime(),
                                      nullable=True))
    op.execute("UPDATE offers SET seen_at = offered_at WHERE outcome IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_column('seen_at')
