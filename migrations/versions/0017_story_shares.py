"""story shares and passage marks

Each copy of a published story's share text by the colleague it credits (story_shares), and
the passages marketing marked by hand as story material (passage_marks; unmarking is recorded).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 04:35:00
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('story_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_story_shares_employee_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_story_shares_story_id_stories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_shares'))
    )
    with op.batch_alter_table('story_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_shares_story_id'), ['story_id'], unique=False)

    op.create_table('passage_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('unmarked_at', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_passage_marks_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_passage_marks_employee_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_passage_marks_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passage_marks'))
    )
    with op.batch_alter_table('passage_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passage_marks_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_passage_marks_message_id'), ['message_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('passage_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passage_marks_message_id'))
        batch_op.drop_index(batch_op.f('ix_passage_marks_conversation_id'))

    op.drop_table('passage_marks')
    with op.batch_alter_table('story_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_shares_story_id'))

    op.drop_table('story_shares')
