"""privacy duties

An audit log of who opened which transcript (transcript_views), the record of each erasure
(erasures: what and why, never the erased data), when a customer was erased and when a
conversation was anonymised.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28 04:30:00
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('transcript_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.Column('at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_transcript_views_conversation_id_conversations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_transcript_views_employee_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transcript_views'))
    )
    with op.batch_alter_table('transcript_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transcript_views_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_transcript_views_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transcript_views_employee_id'), ['employee_id'], unique=False)

    op.create_table('erasures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('by_employee_id', sa.Integer(), nullable=True),
    sa.Column('conversation_ids', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_employee_id'], ['employees.id'], name=op.f('fk_erasures_by_employee_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_erasures_customer_id_customers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasures'))
    )
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasures_customer_id'), ['customer_id'], unique=False)

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', matchmaker.models.base.UTCDateTime(), nullable=True))

    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', matchmaker.models.base.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_conversations_anonymised_at'), ['anonymised_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversations_anonymised_at'))
        batch_op.drop_column('anonymised_at')

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasures_customer_id'))

    op.drop_table('erasures')
    with op.batch_alter_table('transcript_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transcript_views_employee_id'))
        batch_op.drop_index(batch_op.f('ix_transcript_views_conversation_id'))
        batch_op.drop_index(batch_op.f('ix_transcript_views_at'))

    op.drop_table('transcript_views')
