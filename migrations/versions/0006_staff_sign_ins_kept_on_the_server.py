"""staff sign-ins kept on the server

Sign-ins become server-side records so signing out, a password change or "sign out everywhere"
ends them on every worker; cookies from before carry no sign-in and are signed out.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 17:04:32.040216
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('ended_at', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.Column('ended_why', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_staff_sessions_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_staff_sessions_key_hash'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_employee_id'), ['employee_id'], unique=False)

    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_session_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_presence_staff_session_id'), ['staff_session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_presence_staff_session_id_staff_sessions'), 'staff_sessions', ['staff_session_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_presence_staff_session_id_staff_sessions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_presence_staff_session_id'))
        batch_op.drop_column('staff_session_id')

    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_employee_id'))

    op.drop_table('staff_sessions')
