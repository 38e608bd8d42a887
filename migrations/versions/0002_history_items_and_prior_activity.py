"""history items and prior activity

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 08:07:09.056937
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('history_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', matchmaker.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_history_items_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_history_items_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history_items')),
    sa.UniqueConstraint('employee_id', 'conversation_id', name=op.f('uq_history_items_employee_id'))
    )
    with op.batch_alter_table('history_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_history_items_employee_id'), ['employee_id'], unique=False)

    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fit', sa.Double(), server_default='0', nullable=False))

    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prior_threads', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('prior_accepted', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('external_id', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_employees_external_id'), ['external_id'])




def downgrade() -> None:
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_column('fit')


    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_employees_external_id'), type_='unique')
        batch_op.drop_column('external_id')
        batch_op.drop_column('prior_accepted')
        batch_op.drop_column('prior_threads')

    with op.batch_alter_table('history_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_history_items_employee_id'))

    op.drop_table('history_items')
