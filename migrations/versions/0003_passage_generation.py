"""passage generation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:18:35.798256
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('passage_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passage_generation'))
    )
    # The one row exists from the start, so concurrent removals only ever UPDATE it.
    op.bulk_insert(table, [{'id': 1, 'generation': 0}])


def downgrade() -> None:
    op.drop_table('passage_generation')
