"""Snippets: the rules of a draft, search by words and by meaning in the conversation's language
first, archive, and the use counts marketing reads."""

from __future__ import annotations

import re

import numpy as np
import pytest

from embeddings.lexical import BM25Index
from embeddings.passages import PassageIndex
from matchmaker import snippets
from matchmaker.conversations import append_message
from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import Conversation, Customer, Rating, Snippet
from matchmaker.routing import Matcher
from matchmaker.snippet_search import SnippetIndex
from tests.fakes import HashingEncoder

LIBRARY = [  # title, text, language, tags
    ("Refund of a payment", "We refund payments within 30 days to the card they came from.", "en",
     ["billing"]),
    ("Terugbetaling", "We storten betalingen binnen 30 dagen terug op de kaart.", "nl", ["refund"]),
    ("Peppol e-invoicing", "Send e-invoices over the Peppol network from Settings.", "en",
     ["e-invoicing"]),
    ("Plans and prices", "Starter, Growth and Scale plans, each with a free trial.", "en",
     ["pricing"]),
    ("Bank reconciliation", "Connect your bank and match each payment to its invoice.", "en",
     ["bank"]),
]


class SynonymEncoder(HashingEncoder):
    """The fake encoder with meaning: a few words mean the same as another, so a query can match
    a snippet by meaning without sharing a single word with it."""

    SAME = {"reimbursement": "refund", "reimburse": "refund", "cost": "prices"}

    def encode(self, texts):
        return super().encode([re.sub(r"[a-z]+", lambda m: self.SAME.get(m[0], m[0]), t.lower())
                               for t in texts])


def draft(title="Refund", body="We refund within 30 days.", language="en", tags=()):
    return snippets.check_draft(title, body, language, tags, max_chars=4000)


def add(tx, encoder, clock, *rows, author=None) -> list[int]:
    with tx() as session:
        return [snippets.create_snippet(session, encoder, draft(*row), author, clock()).id
                for row in rows]


def search(tx, matcher, index, query, language=None):
    with tx() as session:
        return index.search(session, matcher, query, language=language)


@pytest.fixture
def index():
    return SnippetIndex(BM25Index)


@pytest.fixture
def library(tx, encoder, clock) -> dict[str, int]:
    """The snippets above; title -> id."""
    return dict(zip([row[0] for row in LIBRARY], add(tx, encoder, clock, *LIBRARY), strict=True))


def chat(tx, employee_id, clock, client_ids=("e1",), stars=None) -> int:
    """A conversation with one employee message per client id (and a rating); its id."""
    with tx() as session:
        conversation = Conversation(customer=Customer(visitor_id=f"v-{client_ids[0]}-{stars}"),
                                    question="A question", status="closed",
                                    employee_id=employee_id)
        session.add(conversation)
        session.flush()
        for client_id in client_ids:
            append_message(session, conversation, "employee", "An answer", client_id=client_id,
                           now=clock(), employee_id=employee_id)
        if stars:
            conversation.rating = Rating(stars=stars, created_at=clock())
        return conversation.id


def use(tx, clock, snippet_id, employee_id, conversation_id, client_id="e1"):
    with tx() as session:
        return snippets.record_use(session, snippet_id, employee_id, conversation_id, client_id,
                                   clock())[1]


# ---------------------------------------------------------------------------- rules

def test_a_draft_is_trimmed_and_its_tags_normalised():
    checked = snippets.check_draft("  Refund   policy ", "\n We refund. \n", "NL-be",
                                   "#Refund, Billing ; refund,, money  back", max_chars=100)
    assert checked == snippets.Draft("Refund policy", "We refund.", "nl",
                                     ("refund", "billing", "money-back"))


@pytest.mark.parametrize(("title", "body", "language", "tags", "code"), [
    ("", "text", "en", (), "invalid_snippet_title"),
    ("x" * 121, "text", "en", (), "invalid_snippet_title"),
    (None, "text", "en", (), "invalid_snippet_title"),
    ("Title", "   ", "en", (), "invalid_snippet_text"),
    ("Title", "x" * 101, "en", (), "invalid_snippet_text"),
    ("Title", "text", "es", (), "invalid_snippet_language"),
    ("Title", "text", None, (), "invalid_snippet_language"),
    ("Title", "text", "en", ["a/b"], "invalid_snippet_tags"),
    ("Title", "text", "en", ["x" * 31], "invalid_snippet_tags"),
    ("Title", "text", "en", [f"t{i}" for i in range(11)], "invalid_snippet_tags"),
    ("Title", "text", "en", [3], "invalid_snippet_tags"),
])
def test_a_draft_breaking_a_rule_is_refused_with_its_code(title, body, language, tags, code):
    with pytest.raises(InvalidInput) as refused:
        snippets.check_draft(title, body, language, tags, max_chars=100,
                             languages=("en", "nl", "fr", "de"))
    assert refused.value.code == code


def test_a_saved_snippet_keeps_the_vector_of_its_title_and_text(tx, encoder, clock):
    (snippet_id,) = add(tx, encoder, clock, ("Refund", "We refund within 30 days.", "en", ()))
    with tx() as session:
        snippet = session.get(Snippet, snippet_id)
        vector = np.frombuffer(snippet.vector, dtype=np.float32)
        assert snippet.vector_model == "HashingEncoder"
    expected = encoder.encode(["Refund\nWe refund within 30 days."])[0]
    assert np.allclose(vector, expected)


def test_editing_changes_the_words_and_keeps_the_uses(tx, encoder, clock, staff, index):
    matcher = Matcher(encoder, PassageIndex(), BM25Index())
    (snippet_id,) = add(tx, encoder, clock, ("Refund", "We refund within 30 days.", "en", ()))
    employee = staff["support@example.test"]
    use(tx, clock, snippet_id, employee, chat(tx, employee, clock))
    assert [f.id for f in search(tx, matcher, index, "refund")] == [snippet_id]
    clock.advance(60)
    with tx() as session:
        snippets.edit_snippet(session, encoder, snippet_id,
                              draft("Chargeback", "A chargeback is handled by your bank."),
                              employee, clock())
    assert search(tx, matcher, index, "refund") == []  # the cache follows the database
    assert [f.title for f in search(tx, matcher, index, "chargeback")] == ["Chargeback"]
    with tx() as session:
        assert snippets.usage(session, clock())[snippet_id].total == 1


def test_an_edit_over_someone_elses_newer_save_is_refused(tx, encoder, clock):
    (snippet_id,) = add(tx, encoder, clock, ("Refund", "We refund within 30 days.", "en", ()))
    with tx() as session:
        seen = session.get(Snippet, snippet_id).updated_at.isoformat()
    clock.advance(5)
    with tx() as session:  # a colleague saves first
        snippets.edit_snippet(session, encoder, snippet_id, draft(body="Theirs."), None, clock(),
                              seen)
    with pytest.raises(Conflict) as refused, tx() as session:
        snippets.edit_snippet(session, encoder, snippet_id, draft(body="Mine."), None, clock(),
                              seen)
    assert refused.value.code == "snippet_changed"
    with tx() as session:
        assert session.get(Snippet, snippet_id).body == "Theirs."


def test_an_archived_snippet_is_not_offered_and_cannot_be_edited(
        tx, encoder, clock, library, index):
    matcher = Matcher(encoder, PassageIndex(), BM25Index())
    assert library["Plans and prices"] in [f.id for f in search(tx, matcher, index, "plans")]
    with tx() as session:
        snippets.archive_snippet(session, library["Plans and prices"], None, clock())
        snippets.archive_snippet(session, library["Plans and prices"], None, clock())  # again
    assert library["Plans and prices"] not in [f.id for f in search(tx, matcher, index, "plans")]
    assert library["Plans and prices"] not in [f.id for f in search(tx, matcher, index, "")]
    with pytest.raises(Conflict) as refused, tx() as session:
        snippets.edit_snippet(session, encoder, library["Plans and prices"], draft(), None,
                              clock())
    assert refused.value.code == "snippet_archived"


def test_an_unknown_snippet_is_not_found(tx, clock):
    with pytest.raises(NotFound) as missing, tx() as session:
        snippets.archive_snippet(session, 999, None, clock())
    assert missing.value.code == "snippet_not_found"


# ---------------------------------------------------------------------------- search

def test_words_find_a_snippet_whose_vector_another_model_made(tx, encoder, clock, library, index):
    matcher = Matcher(encoder, PassageIndex(), BM25Index())
    with tx() as session:  # as after switching the model, before `reembed`
        session.get(Snippet, library["Peppol e-invoicing"]).vector_model = "another-model"
    found = search(tx, matcher, index, "peppol")
    assert [f.id for f in found] == [library["Peppol e-invoicing"]]
    assert found[0].meaning == 0 and found[0].words == 1.0


def test_meaning_finds_a_snippet_that_shares_no_word_with_the_query(tx, clock, index):
    encoder = SynonymEncoder()
    matcher = Matcher(encoder, PassageIndex(), BM25Index())
    ids = dict(zip([row[0] for row in LIBRARY], add(tx, encoder, clock, *LIBRARY), strict=True))
    found = search(tx, matcher, index, "reimbursement")
    assert found[0].id == ids["Refund of a payment"]
    assert found[0].words == 0 and found[0].meaning >= 0.3
    assert search(tx, matcher, index, "kubernetes") == []  # neither words nor meaning


def test_snippets_in_the_conversations_language_come_first(tx, encoder, clock, library, index):
    matcher = Matcher(encoder, PassageIndex(), BM25Index())
    english, dutch = library["Refund of a payment"], library["Terugbetaling"]
    assert [f.id for f in search(tx, matcher, index, "refund", "nl-BE")] == [dutch, english]
    assert [f.id for f in search(tx, matcher, index, "refund", "en")] == [english, dutch]


def test_an_empty_query_lists_the_most_used_first(tx, encoder, clock, staff, library, index):
    matcher = Matcher(encoder, PassageIndex(), BM25Index())
    employee = staff["support@example.test"]
    conversation_id = chat(tx, employee, clock, ("a", "b", "c"))
    for client_id in ("a", "b"):
        use(tx, clock, library["Plans and prices"], employee, conversation_id, client_id)
    use(tx, clock, library["Peppol e-invoicing"], employee, conversation_id, "c")
    listed = [f.title for f in search(tx, matcher, index, "", "en")]
    assert listed == ["Plans and prices", "Peppol e-invoicing", "Bank reconciliation",
                      "Refund of a payment", "Terugbetaling"]


# ---------------------------------------------------------------------------- uses

def test_a_use_is_recorded_once_per_message(tx, encoder, clock, staff, library):
    employee = staff["support@example.test"]
    conversation_id = chat(tx, employee, clock)
    assert use(tx, clock, library["Refund of a payment"], employee, conversation_id) is True
    assert use(tx, clock, library["Refund of a payment"], employee, conversation_id) is False
    with tx() as session:
        assert snippets.usage(session, clock())[library["Refund of a payment"]].total == 1


@pytest.mark.parametrize("who", ["another employee", "unknown client id"])
def test_a_use_needs_a_message_of_ones_own(tx, encoder, clock, staff, library, who):
    employee = staff["support@example.test"]
    conversation_id = chat(tx, employee, clock)
    claimant, client_id = ((staff["sales@example.test"], "e1") if who == "another employee"
                           else (employee, "never-sent"))
    with pytest.raises(NotFound) as refused:
        use(tx, clock, library["Refund of a payment"], claimant, conversation_id, client_id)
    assert refused.value.code == "message_not_found"


def test_counts_say_how_often_lately_and_how_well_rated(tx, encoder, clock, staff, library):
    employee, snippet_id = staff["support@example.test"], library["Refund of a payment"]
    old = chat(tx, employee, clock, ("o1",))
    use(tx, clock, snippet_id, employee, old, "o1")  # 40 days before the others
    clock.advance(40 * 86400)
    loved, disliked = chat(tx, employee, clock, ("l1", "l2"), stars=5), chat(
        tx, employee, clock, ("d1",), stars=2)
    for conversation_id, client_id in ((loved, "l1"), (loved, "l2"), (disliked, "d1")):
        use(tx, clock, snippet_id, employee, conversation_id, client_id)
    with tx() as session:
        counted = snippets.usage(session, clock())[snippet_id]
    assert counted == snippets.Usage(total=4, recent=3, conversations=3, rated=2, well_rated=1,
                                     last_used_at=clock())


def test_archived_snippets_keep_their_counts(tx, encoder, clock, staff, library):
    employee, snippet_id = staff["support@example.test"], library["Plans and prices"]
    use(tx, clock, snippet_id, employee, chat(tx, employee, clock))
    with tx() as session:
        snippets.archive_snippet(session, snippet_id, None, clock())
    with tx() as session:
        archived = snippets.list_snippets(session, clock(), archived=True)
        active = snippets.list_snippets(session, clock())
    assert [(s.id, used.total) for s, used in archived] == [(snippet_id, 1)]
    assert snippet_id not in [s.id for s, _ in active]


def test_reembedding_brings_every_snippet_into_the_new_space(tx, encoder, clock, library):
    newer = HashingEncoder(dimension=512)
    newer.spec = "hashing-512"
    with tx() as session:
        assert snippets.reembed_snippets(session, newer) == len(LIBRARY)
        stored = session.query(Snippet).all()
        assert {s.vector_model for s in stored} == {"hashing-512"}
        assert {len(s.vector) for s in stored} == {512 * 4}

