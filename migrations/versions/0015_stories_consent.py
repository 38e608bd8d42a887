"""stories and per-quote consent

Proof stories built from a conversation's messages: one stories row (its current state), its
quotes (the words as said beside the edited words), and an append-only story_events log of
every step (state changes, edits, approvals, withdrawals with their reason). Consent decisions
may now cover one story quote's exact words (quote_id, covers); existing rows keep both NULL
and stay the conversation-wide decision they were.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 04:10:00
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('published_at', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_stories_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_stories_employee_id_employees')),
    sa.ForeignKeyConstraint(['created_by'], ['employees.id'], name=op.f('fk_stories_created_by_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stories'))
    )
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stories_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stories_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stories_state'), ['state'], unique=False)

    op.create_table('story_quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=20), nullable=False),
    sa.Column('original', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_story_quotes_story_id_stories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_story_quotes_message_id_messages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_quotes')),
    sa.UniqueConstraint('story_id', 'seq', name=op.f('uq_story_quotes_story_id'))
    )

    op.create_table('story_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('actor', sa.String(length=20), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('state_from', sa.String(length=20), nullable=True),
    sa.Column('state_to', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_story_events_story_id_stories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_story_events_employee_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_events'))
    )
    with op.batch_alter_table('story_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_events_story_id'), ['story_id'], unique=False)

    with op.batch_alter_table('consent_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('covers', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_consent_decisions_quote_id'), ['quote_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_consent_decisions_quote_id_story_quotes'), 'story_quotes', ['quote_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('consent_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consent_decisions_quote_id_story_quotes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_consent_decisions_quote_id'))
        batch_op.drop_column('covers')
        batch_op.drop_column('quote_id')

    with op.batch_alter_table('story_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_events_story_id'))
    op.drop_table('story_events')
    op.drop_table('story_quotes')
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stories_state'))
        batch_op.drop_index(batch_op.f('ix_stories_employee_id'))
        batch_op.drop_index(batch_op.f('ix_stories_conversation_id'))
    op.drop_table('stories')
