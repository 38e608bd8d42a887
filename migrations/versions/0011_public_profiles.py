"""public profiles and addressed questions

An employee may opt in to a public profile shown on the team page; nothing is public by default.
Each opt-in or opt-out is kept (who decided, when, what was published); the current public fields
live in public_profiles. A question may be addressed to a team or to a public person: the
conversation keeps that target (whether routing fell back is in its timeline).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('public_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('public', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('team', sa.String(length=120), nullable=False),
    sa.Column('works_on', sa.Text(), nullable=False),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('updated_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'],
                            name=op.f('fk_public_profiles_employee_id_employees'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_profiles')),
    sa.UniqueConstraint('employee_id', name=op.f('uq_public_profiles_employee_id'))
    )
    op.create_table('public_profile_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('opted_in', sa.Boolean(), nullable=False),
    sa.Column('published', sa.JSON(), nullable=False),
    sa.Column('decided_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'],
                            name=op.f('fk_public_profile_decisions_employee_id_employees'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['employees.id'],
                            name=op.f('fk_public_profile_decisions_decided_by_id_employees'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_profile_decisions'))
    )
    with op.batch_alter_table('public_profile_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_profile_decisions_employee_id'),
                              ['employee_id'], unique=False)
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('addressed_team', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('addressed_employee_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_conversations_addressed_employee_id_employees'), 'employees',
            ['addressed_employee_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_conversations_addressed_employee_id_employees'),
                                 type_='foreignkey')
        batch_op.drop_column('addressed_employee_id')
        batch_op.drop_column('addressed_team')
    with op.batch_alter_table('public_profile_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_profile_decisions_employee_id'))
    op.drop_table('public_profile_decisions')
    op.drop_table('public_profiles')
