"""handovers

An employee hands a live conversation to a colleague: one handovers row per request (at most
one open per conversation: the partial unique index on outcome IS NULL), one handover_invites
row per colleague asked, with the curated reason they were suggested. The first to accept
wins; the rest are withdrawn. Nothing is overwritten: the timeline also records every step.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 12:00:00
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('from_employee_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('answered_at', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.Column('to_employee_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_handovers_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_employee_id'], ['employees.id'], name=op.f('fk_handovers_from_employee_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['to_employee_id'], ['employees.id'], name=op.f('fk_handovers_to_employee_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handovers'))
    )
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handovers_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('uq_handovers_one_open', ['conversation_id'], unique=True, sqlite_where=sa.text('outcome IS NULL'), postgresql_where=sa.text('outcome IS NULL'))

    op.create_table('handover_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('seen_at', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('answered_at', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['handover_id'], ['handovers.id'], name=op.f('fk_handover_invites_handover_id_handovers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_handover_invites_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_invites')),
    sa.UniqueConstraint('handover_id', 'employee_id', name=op.f('uq_handover_invites_handover_id'))
    )
    with op.batch_alter_table('handover_invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_invites_employee_id'), ['employee_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('handover_invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_invites_employee_id'))
    op.drop_table('handover_invites')
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_index('uq_handovers_one_open', sqlite_where=sa.text('outcome IS NULL'), postgresql_where=sa.text('outcome IS NULL'))
        batch_op.drop_index(batch_op.f('ix_handovers_expires_at'))
        batch_op.drop_index(batch_op.f('ix_handovers_conversation_id'))
    op.drop_table('handovers')
