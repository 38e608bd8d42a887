"""Privacy duties: after a customer's erasure no table and no index holds their personal data;
their export holds all of it; retention anonymises old conversations; openings are logged."""

import itertools
import json
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select

from matchmaker import profiles
from matchmaker.errors import InvalidInput, NotFound
from matchmaker.models import (
    Attachment,
    Base,
    ConsentDecision,
    Conversation,
    ConversationKey,
    Customer,
    Erasure,
    Handover,
    HistoryItem,
    Message,
    Note,
    OutboxMail,
    ProfilePassage,
    Rating,
    Story,
    StoryQuote,
    TranscriptView,
)
from matchmaker.privacy import audit, erasure, export
from matchmaker.stories.states import State

NAME, EMAIL, PHONE, IBAN = "Maria Kowalczyk", "maria.kowalczyk@example.org", "+32 470 12 34 56", \
    "BE71 0961 2345 6769"
WORD = "Zorblaxian"  # a word only this customer used: what a search of the indexes looks for
PERSONAL = (NAME, "Kowalczyk", EMAIL, PHONE, IBAN, WORD)


class Store:
    """An attachment store in memory."""

    def __init__(self):
        self.files = {}

    def put(self, key, data, content_type):
        self.files[key] = data

    def get(self, key):
        return self.files[key]

    def delete(self, key):
        self.files.pop(key, None)


@pytest.fixture
def store():
    return Store()


@pytest.fixture
def customer_with_everything(tx, encoder, clock, staff, store):
    """A customer whose details are in every place a conversation can hold them: → (customer
    id, conversation id, other customer's conversation id)."""
    visitors = itertools.count(1)

    def conversation(session, customer, question, employee_id, body, now):
        conv = Conversation(customer_id=customer.id, question=question, status="closed",
                            employee_id=employee_id, reply_to=customer.email,
                            page_url=f"https://shop.example/account?email={customer.email}",
                            created_at=now, accepted_at=now, closed_at=now, last_seq=3)
        session.add(conv)
        session.flush()
        session.add_all([
            Message(conversation_id=conv.id, seq=1, author="customer", body=body),
            Message(conversation_id=conv.id, seq=2, author="employee", employee_id=employee_id,
                    body=f"Thanks {customer.name.split()[0]}, I mailed {customer.email}."),
            Message(conversation_id=conv.id, seq=3, author="customer", body="invoice.png")])
        return conv

    now = clock()
    dev = staff["dev@example.test"]
    with tx() as session:
        maria = Customer(visitor_id=f"v{next(visitors)}", name=NAME, email=EMAIL)
        other = Customer(visitor_id=f"v{next(visitors)}", name="Jan Peeters", email="jan@example.org")
        session.add_all([maria, other])
        session.flush()
        conv = conversation(session, maria, f"{WORD} reconciliation: call me on {PHONE}", dev,
                            f"My IBAN is {IBAN}, I am {NAME}", now)
        kept = conversation(session, other, "How do exports work?", dev, "Export please", now)
        image = session.scalar(select(Message).where(Message.conversation_id == conv.id,
                                                     Message.seq == 3))
        store.put("att-1", b"\x89PNG", "image/png")
        session.add_all([
            Attachment(conversation_id=conv.id, message_id=image.id, author="customer",
                       name=f"{NAME} invoice.png", content_type="image/png", byte_size=4,
                       sha256="0" * 64, storage_key="att-1"),
            Note(conversation_id=conv.id, employee_id=dev, client_id="n1", after_seq=2,
                 body=f"{NAME} wants a call on {PHONE}"),
            Handover(conversation_id=conv.id, from_employee_id=dev, requested_at=now,
                     expires_at=now, note=f"{NAME} is upset", outcome="declined"),
            Rating(conversation_id=conv.id, stars=5, comment=f"Great! {NAME}"),
            ConversationKey(conversation_id=conv.id, token_hash="a" * 64),
            OutboxMail(kind="reply", conversation_id=conv.id, to_address=EMAIL,
                       subject=f"Your question, {NAME}", due_at=now),
        ])
        story = Story(conversation_id=conv.id, employee_id=dev, title=f"How {NAME} saved time",
                      state=State.PUBLISHED.value, created_at=now)
        session.add(story)
        session.flush()
        quote = StoryQuote(story_id=story.id, position=1, seq=1, author="customer",
                           original=f"My IBAN is {IBAN}, I am {NAME}", text=f"I am {NAME}")
        session.add(quote)
        session.flush()
        session.add(ConsentDecision(conversation_id=conv.id, granted=True, scope="quote",
                                    wording="May we quote these words?", quote_id=quote.id,
                                    covers=quote.text))
        profiles.add_history(session, encoder, dev, [conv.question], "conversation", now,
                             conversation_id=conv.id)
        profiles.add_history(session, encoder, dev, [kept.question], "conversation", now,
                             conversation_id=kept.id)
        return maria.id, conv.id, kept.id


def every_text(session) -> str:
    """Every string and JSON value of every row of every table, as one text."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(table.select()):
            found += [json.dumps(v) if isinstance(v, dict | list) else v
                      for v in row if isinstance(v, str | dict | list)]
    return "\n".join(found)


def closest_passage(matcher, encoder, employee_id) -> int:
    """The id of this employee's passage closest to the customer's words, in the FAISS cache."""
    vector = encoder.encode([f"{WORD} reconciliation call"])[0]
    return matcher.index.closest(vector, [employee_id])[employee_id][0][0]


def test_an_erased_customer_is_in_no_table_and_no_index(tx, matcher, encoder, clock, staff,
                                                        store, customer_with_everything):
    customer_id, conversation_id, kept_id = customer_with_everything
    with tx() as session:
        assert all(p in every_text(session) for p in PERSONAL)  # the check can fail
        matcher.sync(session)
    assert matcher.lexical.top(WORD.lower(), 5) and store.files
    dev = staff["dev@example.test"]
    with tx() as session:
        history = session.scalar(select(ProfilePassage.id).join(HistoryItem).where(
            HistoryItem.conversation_id == conversation_id))
    assert closest_passage(matcher, encoder, dev) == history
    with tx() as session:
        done = erasure.erase_customer(session, customer_id, staff["admin@example.test"],
                                      erasure.Scrubber(store), clock())
    with tx() as session:
        text = every_text(session)
        assert [p for p in PERSONAL if p in text] == []
        assert [p for p in PERSONAL if p.lower() in text.lower()] == []
        matcher.sync(session)
        kept = session.get(Conversation, kept_id)
        assert kept.question == "How do exports work?" and kept.anonymised_at is None
        assert session.get(Story, 1).state == "withdrawn"
        assert session.scalar(select(ConversationKey)) is None
    assert matcher.lexical.top(WORD.lower(), 5) == {}
    assert closest_passage(matcher, encoder, dev) != history and store.files == {}
    assert done.counts["conversations"] == 1 and done.counts["learned_questions"] == 1


def test_the_erasure_is_recorded_without_the_erased_data(tx, clock, staff, store,
                                                         customer_with_everything):
    customer_id, conversation_id, _ = customer_with_everything
    with tx() as session:
        erasure.erase_customer(session, customer_id, staff["admin@example.test"],
                               erasure.Scrubber(store), clock())
    with tx() as session:
        record = session.scalar(select(Erasure))
        assert (record.reason, record.customer_id, record.conversation_ids) == (
            "request", customer_id, [conversation_id])
        assert record.counts["files"] == 1 and record.counts["messages"] == 3
        customer = session.get(Customer, customer_id)
        assert customer.erased_at == clock() and customer.visitor_id == f"erased-{customer_id}"


def test_the_export_holds_everything_about_the_customer_and_nobody_else(
        tx, clock, customer_with_everything):
    customer_id, conversation_id, _ = customer_with_everything
    with tx() as session:
        document = export.export_customer(session, session.get(Customer, customer_id), clock())
    text = json.dumps(document)
    assert all(p in text for p in PERSONAL) and "Jan Peeters" not in text
    conv = document["conversations"][0]
    assert [m["author"] for m in conv["messages"]] == ["customer", "employee", "customer"]
    assert conv["messages"][2]["file"]["type"] == "image/png"
    assert conv["consent_decisions"][0]["wording"] == "May we quote these words?"
    assert conv["internal_notes"][0]["body"].startswith(NAME)


@pytest.mark.parametrize(("given", "expected"), [
    ({"email": "MARIA.kowalczyk@example.org "}, "maria"),
    ({"conversation_id": "first"}, "maria"),
])
def test_a_customer_is_found_by_address_or_conversation(tx, customer_with_everything, given,
                                                        expected):
    customer_id, conversation_id, _ = customer_with_everything
    if given.get("conversation_id") == "first":
        given = {"conversation_id": conversation_id}
    with tx() as session:
        assert erasure.find_customer(session, **given).id == customer_id


@pytest.mark.parametrize(("given", "error"), [
    ({"email": "nobody@example.org"}, NotFound), ({"email": "not an address"}, InvalidInput),
    ({"conversation_id": 999}, NotFound), ({}, InvalidInput)])
def test_an_unknown_customer_is_a_clear_error(tx, customer_with_everything, given, error):
    with tx() as session, pytest.raises(error):
        erasure.find_customer(session, **given)


def test_retention_anonymises_closed_conversations_past_the_period_only(
        tx, clock, store, customer_with_everything):
    customer_id, old_id, recent_id = customer_with_everything
    with tx() as session:
        session.get(Conversation, old_id).closed_at = clock() - timedelta(days=400)
    with tx() as session:
        assert erasure.expired_conversation_ids(session, 0, clock()) == []  # 0: keep forever
        due = erasure.expired_conversation_ids(session, 365, clock())
        assert due == [old_id]
        record = erasure.anonymise_expired(session, old_id, erasure.Scrubber(store), clock())
        assert record.reason == "retention"
    with tx() as session:
        assert session.get(Conversation, old_id).question == erasure.ERASED
        assert erasure.expired_conversation_ids(session, 365, clock()) == []
        customer = session.get(Customer, customer_id)
        assert customer.name is None and customer.email is None  # their last conversation
        assert session.get(Conversation, recent_id).question == "How do exports work?"
        assert erasure.anonymise_expired(session, old_id, erasure.Scrubber(store), clock()) is None


def test_each_opening_of_a_transcript_is_logged(tx, clock, staff, customer_with_everything):
    _, conversation_id, kept_id = customer_with_everything
    marketing = staff["marketing@example.test"]
    with tx() as session:
        audit.record_view(session, marketing, conversation_id, "marketing", clock())
        clock.advance(5)
        audit.record_view(session, marketing, kept_id, "export", clock())
    with tx() as session:
        seen = audit.views(session, employee_id=marketing)
        assert [(v.conversation_id, v.via) for v in seen] == [(kept_id, "export"),
                                                              (conversation_id, "marketing")]
        assert [v.conversation_id for v in audit.views(session, conversation_id=kept_id)] == [
            kept_id]
        assert session.scalar(select(TranscriptView).limit(1)) is not None
    with pytest.raises(ValueError), tx() as session:
        audit.record_view(session, marketing, kept_id, "gossip", clock())


def test_vectors_of_erased_history_are_gone_from_the_index(tx, matcher, encoder, clock, staff,
                                                           store, customer_with_everything):
    customer_id, *_ = customer_with_everything
    question = encoder.encode([f"{WORD} reconciliation"])[0]
    with tx() as session:
        matcher.sync(session)
    before = dict(matcher.index.gists(question, [staff["dev@example.test"]]))
    with tx() as session:
        erasure.erase_customer(session, customer_id, None, erasure.Scrubber(store), clock())
    with tx() as session:
        matcher.sync(session)
    after = dict(matcher.index.gists(question, [staff["dev@example.test"]]))
    assert after[staff["dev@example.test"]] < before[staff["dev@example.test"]]
    assert np.isfinite(after[staff["dev@example.test"]])


@pytest.fixture
def maria_elsewhere(tx, clock, customer_with_everything):
    """Maria again from another browser (another record), leaving her address in other case,
    and a third record that only left it as the address for replies: → (their ids, the
    conversations' ids)."""
    now = clock()
    with tx() as session:
        phone = Customer(visitor_id="phone", name="Maria K.", email=EMAIL.upper())
        laptop = Customer(visitor_id="laptop", name=None, email=None)
        session.add_all([phone, laptop])
        session.flush()
        asked = [Conversation(customer_id=phone.id, question=f"Call {PHONE} about {WORD}",
                              status="offline", reply_to=EMAIL.upper(), created_at=now),
                 Conversation(customer_id=laptop.id, question="Are you there?",
                              status="offline", reply_to=f" {EMAIL} ", created_at=now)]
        session.add_all(asked)
        session.flush()
        return [phone.id, laptop.id], [c.id for c in asked]


def test_a_request_covers_every_record_the_person_left_their_address_on(
        tx, clock, staff, store, customer_with_everything, maria_elsewhere):
    customer_id, conversation_id, kept_id = customer_with_everything
    others, asked = maria_elsewhere
    with tx() as session:
        found = erasure.find_customer(session, email=EMAIL.upper())
        assert found.id == customer_id
        assert [r.id for r in erasure.records_of(session, found)] == [customer_id, *others]
        by_conversation = erasure.find_customer(session, conversation_id=asked[1])
        assert [r.id for r in erasure.records_of(session, by_conversation)] == [
            customer_id, *others]
        document = export.export_customer(session, found, clock())
        assert [c["id"] for c in document["conversations"]] == sorted(
            [conversation_id, *asked])
        assert [r["name"] for r in document["other_records"]] == ["Maria K.", None]
        assert "Jan Peeters" not in json.dumps(document)
    with tx() as session:
        done = erasure.erase_customer(session, others[0], staff["admin@example.test"],
                                      erasure.Scrubber(store), clock())
        assert sorted(done.conversation_ids) == sorted([conversation_id, *asked])
        assert done.counts["customer_records"] == 3
    with tx() as session:
        text = every_text(session)
        assert [p for p in PERSONAL if p.lower() in text.lower()] == []
        assert "Maria K." not in text
        assert session.get(Conversation, kept_id).question == "How do exports work?"
        with pytest.raises(NotFound):
            erasure.find_customer(session, email=EMAIL)
