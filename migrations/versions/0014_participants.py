"""participants

Colleagues invited into a live conversation beside the one who holds it: one
conversation_participants row per colleague's time in it (at most one open per conversation
and colleague: the partial unique index on left_at IS NULL), and a purpose on handovers
(hand_over: the colleague takes it; invite: they join it).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 04:00:00
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=20), server_default='hand_over', nullable=False))

    op.create_table('conversation_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('joined_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('left_at', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.Column('left_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_participants_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_conversation_participants_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handover_id'], ['handovers.id'], name=op.f('fk_conversation_participants_handover_id_handovers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['employees.id'], name=op.f('fk_conversation_participants_invited_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_participants'))
    )
    with op.batch_alter_table('conversation_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_participants_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_participants_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index('uq_conversation_participants_one_open', ['conversation_id', 'employee_id'], unique=True, sqlite_where=sa.text('left_at IS NULL'), postgresql_where=sa.text('left_at IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('conversation_participants', schema=None) as batch_op:
        batch_op.drop_index('uq_conversation_participants_one_open', sqlite_where=sa.text('left_at IS NULL'), postgresql_where=sa.text('left_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_conversation_participants_employee_id'))
        batch_op.drop_index(batch_op.f('ix_conversation_participants_conversation_id'))
    op.drop_table('conversation_participants')
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_column('purpose')
