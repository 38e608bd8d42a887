"""interface language, reply address, key expiry

Employees choose the language of their pages; each conversation keeps the address its replies
may be mailed to (until now the customer's shared address); keys minted by mail links expire.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 16:12:51.103514
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversation_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', matchmaker.models.base.UTCDateTime(), nullable=True))

    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=True))
    op.execute("UPDATE conversations SET reply_to = (SELECT email FROM customers"
               " WHERE customers.id = conversations.customer_id)")

    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.drop_column('locale')

    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('reply_to')

    with op.batch_alter_table('conversation_keys', schema=None) as batch_op:
        batch_op.drop_column('expires_at')

