"""snippets and their uses

Brand-approved replies marketing keeps (title, text, language, tags, the vector of title and
text with the model that made it; archived, never deleted), and one row per message an employee
sent from a snippet (unique per message: a resent message does not count twice).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('snippets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('vector_model', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('archived_at', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_snippets_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_snippets_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snippets'))
    )
    with op.batch_alter_table('snippets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_snippets_archived_at'), ['archived_at'], unique=False)

    op.create_table('snippet_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snippet_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('used_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['snippet_id'], ['snippets.id'], name=op.f('fk_snippet_uses_snippet_id_snippets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_snippet_uses_employee_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_snippet_uses_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_snippet_uses_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snippet_uses')),
    sa.UniqueConstraint('message_id', name=op.f('uq_snippet_uses_message_id'))
    )
    with op.batch_alter_table('snippet_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_snippet_uses_snippet_id'), ['snippet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_snippet_uses_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_snippet_uses_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_snippet_uses_used_at'), ['used_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('snippet_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_snippet_uses_used_at'))
        batch_op.drop_index(batch_op.f('ix_snippet_uses_conversation_id'))
        batch_op.drop_index(batch_op.f('ix_snippet_uses_employee_id'))
        batch_op.drop_index(batch_op.f('ix_snippet_uses_snippet_id'))
    op.drop_table('snippet_uses')
    with op.batch_alter_table('snippets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_snippets_archived_at'))
    op.drop_table('snippets')
