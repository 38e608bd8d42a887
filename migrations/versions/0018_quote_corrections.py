"""quote corrections

Marketing's corrections of the automatic masking of a story quote (story_quotes.corrections:
ranges to mask as well, ranges to leave visible).

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28 05:35:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('story_quotes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrections', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('story_quotes', schema=None) as batch_op:
        batch_op.drop_column('corrections')
