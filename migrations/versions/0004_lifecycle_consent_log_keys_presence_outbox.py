"""lifecycle, consent log, keys, presence, outbox

The conversation timeline and consent decisions become append-only tables; conversation tokens
move to their own table (a mail link mints another); a candidate keeps only curated reason words
(never another customer's question); history passages point at their history item.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 15:15:39.668120
"""
from alembic import op
import sqlalchemy as sa
import matchmaker.models


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_WORDING = "May we quote this conversation (without your personal details)?"


def upgrade() -> None:
    op.create_table('consent_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('wording', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('decided_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_consent_decisions_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_decisions'))
    )
    with op.batch_alter_table('consent_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_decisions_conversation_id'), ['conversation_id'], unique=False)

    op.create_table('conversation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('actor', sa.String(length=20), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('status_from', sa.String(length=20), nullable=True),
    sa.Column('status_to', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_events_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_conversation_events_employee_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_events'))
    )
    with op.batch_alter_table('conversation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_events_conversation_id'), ['conversation_id'], unique=False)

    op.create_table('conversation_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.Column('created_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_keys_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_keys')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_conversation_keys_token_hash'))
    )
    with op.batch_alter_table('conversation_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_keys_conversation_id'), ['conversation_id'], unique=False)

    op.create_table('customer_presence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('connected_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('seen_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('gone_at', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_customer_presence_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_presence')),
    sa.UniqueConstraint('sid', name=op.f('uq_customer_presence_sid'))
    )
    with op.batch_alter_table('customer_presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_presence_conversation_id'), ['conversation_id'], unique=False)

    op.create_table('outbox_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('from_seq', sa.Integer(), nullable=False),
    sa.Column('up_to_seq', sa.Integer(), nullable=False),
    sa.Column('created_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('due_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.Column('claimed_until', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('finished_at', matchmaker.models.base.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_outbox_mails_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mails'))
    )
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_mails_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_mails_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_mails_status'), ['status'], unique=False)

    op.execute(
        "INSERT INTO consent_decisions (conversation_id, granted, scope, wording, language, source,"
        " decided_at) SELECT conversation_id, granted, scope, '" + _WORDING + "', 'en', 'widget',"
        " decided_at FROM consents")
    op.drop_table('consents')
    op.execute(
        "INSERT INTO conversation_keys (conversation_id, token_hash, via, created_at)"
        " SELECT id, token_hash, 'widget', created_at FROM conversations")
    op.execute(
        "INSERT INTO conversation_events (conversation_id, at, kind, actor, detail)"
        " SELECT id, created_at, 'asked', 'customer', '{}' FROM conversations")

    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('history_item_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_candidates_history_item_id_history_items'), 'history_items', ['history_item_id'], ['id'], ondelete='SET NULL')
    # Curated profile words stay; a matched history passage (another customer's question) and
    # the old generic phrases become the person's title.
    op.execute("UPDATE candidates SET reason = passage"
               " WHERE passage_kind IN ('title', 'expertise', 'bio', 'summary')")
    op.execute("UPDATE candidates SET reason = (SELECT title FROM employees"
               " WHERE employees.id = candidates.employee_id)"
               " WHERE passage_kind NOT IN ('title', 'expertise', 'bio', 'summary')")
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_column('passage')

    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_present', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('customer_read_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_conversations_token_hash'), type_='unique')
        batch_op.drop_column('token_hash')
    # What happened before is taken as seen: no sudden badges or mails for old replies.
    op.execute("UPDATE conversations SET customer_read_seq = last_seq")

    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gone_at', matchmaker.models.base.UTCDateTime(), nullable=True))

    with op.batch_alter_table('profile_passages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('history_item_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_profile_passages_history_item_id'), ['history_item_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_profile_passages_history_item_id_history_items'), 'history_items', ['history_item_id'], ['id'], ondelete='CASCADE')
    # Pair each history passage with one history item of the same employee and text, one to one
    # (the n-th passage with the n-th item), so equal texts (imported and learned) each keep
    # their own vector; a passage without an item is an orphan of an older bug and goes.
    op.execute(
        "UPDATE profile_passages SET history_item_id = (SELECT h.id FROM"
        " (SELECT id, employee_id, text, ROW_NUMBER() OVER (PARTITION BY employee_id, text"
        " ORDER BY id) AS n FROM history_items) h,"
        " (SELECT id, ROW_NUMBER() OVER (PARTITION BY employee_id, text ORDER BY id) AS n"
        " FROM profile_passages WHERE kind = 'history') p"
        " WHERE p.id = profile_passages.id AND h.employee_id = profile_passages.employee_id"
        " AND h.text = profile_passages.text AND h.n = p.n) WHERE kind = 'history'")
    op.execute("DELETE FROM profile_passages WHERE kind = 'history' AND history_item_id IS NULL")



def downgrade() -> None:
    with op.batch_alter_table('profile_passages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_profile_passages_history_item_id_history_items'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_profile_passages_history_item_id'))
        batch_op.drop_column('history_item_id')

    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.drop_column('gone_at')

    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.VARCHAR(length=64), nullable=True))
    # The first key of each conversation is the widget's own.
    op.execute("UPDATE conversations SET token_hash = (SELECT k.token_hash FROM conversation_keys k"
               " WHERE k.conversation_id = conversations.id ORDER BY k.id LIMIT 1)")
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.VARCHAR(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_conversations_token_hash'), ['token_hash'])
        batch_op.drop_column('customer_read_seq')
        batch_op.drop_column('customer_present')

    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passage', sa.TEXT(), server_default='', nullable=False))
    op.execute("UPDATE candidates SET passage = reason")
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_candidates_history_item_id_history_items'), type_='foreignkey')
        batch_op.drop_column('history_item_id')
        batch_op.drop_column('reason')

    op.create_table('consents',
    sa.Column('id', sa.INTEGER(), nullable=False),
    sa.Column('conversation_id', sa.INTEGER(), nullable=False),
    sa.Column('granted', sa.BOOLEAN(), nullable=False),
    sa.Column('scope', sa.VARCHAR(length=40), nullable=False),
    sa.Column('decided_at', matchmaker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_consents_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents')),
    sa.UniqueConstraint('conversation_id', name=op.f('uq_consents_conversation_id'))
    )
    # Only the latest decision fits the old one-row table.
    op.execute("INSERT INTO consents (conversation_id, granted, scope, decided_at)"
               " SELECT d.conversation_id, d.granted, d.scope, d.decided_at FROM consent_decisions d"
               " WHERE d.id = (SELECT MAX(id) FROM consent_decisions"
               " WHERE conversation_id = d.conversation_id)")
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_mails_status'))
        batch_op.drop_index(batch_op.f('ix_outbox_mails_due_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_mails_conversation_id'))

    op.drop_table('outbox_mails')
    with op.batch_alter_table('customer_presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_presence_conversation_id'))

    op.drop_table('customer_presence')
    with op.batch_alter_table('conversation_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_keys_conversation_id'))

    op.drop_table('conversation_keys')
    with op.batch_alter_table('conversation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_events_conversation_id'))

    op.drop_table('conversation_events')
    with op.batch_alter_table('consent_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_decisions_conversation_id'))

    op.drop_table('consent_decisions')
