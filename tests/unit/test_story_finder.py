"""Story candidates: impact read by meaning per sentence (with the hashing encoder, meaning is
shared words), the labelled-set figures, and the search over closed conversations with its
filters, rating and consent."""

import itertools
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matchmaker import impact, passage_marks, story_finder
from matchmaker.errors import Forbidden, InvalidInput
from matchmaker.models import ConsentDecision, Conversation, Customer, Employee, Message, Rating
from tests.fakes import HashingEncoder

PRAISE = "Thank you, you were a great help, excellent support."
SAVED = "This saved us hours of work every week."
QUESTION = "How much does it cost?"


@pytest.mark.parametrize(("text", "expected"), [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    ("  Leading space.  Trailing  ", ["Leading space.", "Trailing"]),
    ("Version 2.5 works.\nNew line", ["Version 2.5 works.", "New line"]),
    ("", []),
    ("   \n  ", []),
])
def test_sentences_are_found_with_their_place_in_the_text(text, expected):
    assert [text[s:e] for s, e in impact.sentences(text)] == expected


def test_a_statement_of_impact_outscores_a_question():
    reader = impact.ImpactReader(HashingEncoder())
    praise, question = reader.read([SAVED, QUESTION])
    assert praise.score > 0 > question.score


def test_the_best_sentence_is_highlighted_and_the_question_after_it_lowers_the_score():
    reader = impact.ImpactReader(HashingEncoder())
    alone, mixed = reader.read([SAVED, f"{SAVED} {QUESTION}"])
    assert f"{SAVED} {QUESTION}"[mixed.start:mixed.end] == SAVED
    assert mixed.score < alone.score


def test_a_text_without_words_is_never_a_candidate():
    assert impact.ImpactReader(HashingEncoder()).read(["  "])[0].score == -1.0


@pytest.mark.parametrize(("labels", "scores", "k", "expected"), [
    ([True, False, True], [0.9, 0.8, 0.1], 2, 0.5),
    ([True, False, True], [0.9, 0.1, 0.8], 2, 1.0),
    ([False, False], [0.5, 0.4], 10, 0.0),
])
def test_precision_at_k(labels, scores, k, expected):
    assert impact.precision_at(labels, scores, k) == expected


def test_average_precision_is_one_only_when_every_impact_passage_comes_first():
    assert impact.average_precision([True, True, False], [0.9, 0.8, 0.1]) == 1.0
    assert impact.average_precision([True, False, True], [0.9, 0.8, 0.1]) == pytest.approx(
        (1 + 2 / 3) / 2)


def test_evaluation_reports_every_language_apart():
    passages = [impact.LabelledPassage("a", "en", SAVED, True),
                impact.LabelledPassage("b", "en", QUESTION, False),
                impact.LabelledPassage("c", "nl", "Wat kost het?", False)]
    figures = impact.evaluate(impact.ImpactReader(HashingEncoder()), passages, k=1)
    assert figures["en"] == {"passages": 2, "impact": 1, "precision_at_1": 1.0,
                             "average_precision": 1.0}
    assert figures["nl"]["impact"] == 0 and figures["all"]["passages"] == 3


@pytest.fixture
def readings():
    # Wide enough that no two words of these tests share a bucket (a collision reads as meaning).
    return story_finder.PassageReadings(impact.ImpactReader(HashingEncoder(1 << 16)))


@pytest.fixture
def chats(tx, clock, staff):
    """Builds conversations: chat(lines, status=, stars=, consent=, employee=, language=,
    closed_days_ago=, answered=) → conversation id (answered: an employee's line is added at
    the end when lines hold none)."""
    visitors = itertools.count(1)

    def chat(lines, *, status="closed", stars=None, consent=None, employee="dev@example.test",
             language="en", closed_days_ago=1, answered=True):
        if answered and all(author != "employee" for author, _ in lines):
            lines = [*lines, ("employee", "Glad it helps.")]  # a story needs an answer
        now = clock()
        with tx() as session:
            customer = Customer(visitor_id=f"visitor-{next(visitors)}")
            session.add(customer)
            session.flush()
            conv = Conversation(customer_id=customer.id, status=status, question=lines[0][1],
                                employee_id=staff[employee], language=language,
                                closed_at=now - timedelta(days=closed_days_ago)
                                if status == "closed" else None)
            session.add(conv)
            session.flush()
            for seq, (author, body) in enumerate(lines, start=1):
                session.add(Message(conversation_id=conv.id, seq=seq, author=author, body=body,
                                    employee_id=staff[employee] if author == "employee" else None))
            conv.last_seq = len(lines)
            if stars:
                session.add(Rating(conversation_id=conv.id, stars=stars))
            if consent is not None:
                session.add(ConsentDecision(conversation_id=conv.id, granted=consent,
                                            scope="quote_anonymised", wording="May we quote?"))
            return conv.id
    clock.advance(1)
    return chat


def find(tx, readings, **filters):
    with tx() as session:
        return story_finder.find_candidates(session, readings, story_finder.Filters(**filters))


def test_only_customer_passages_of_closed_conversations_are_candidates(tx, readings, chats):
    closed = chats([("customer", QUESTION), ("employee", SAVED), ("customer", PRAISE)])
    chats([("customer", PRAISE)], status="active")
    found = find(tx, readings)
    assert [(c.conversation_id, c.seq, c.body) for c in found] == [(closed, 3, PRAISE)]


def test_a_question_nobody_answered_is_no_candidate(tx, readings, chats):
    chats([("customer", PRAISE)], consent=True, answered=False)
    answered = chats([("customer", PRAISE)])
    assert [c.conversation_id for c in find(tx, readings)] == [answered]


def test_one_candidate_per_conversation_its_best_passage(tx, readings, chats):
    conv = chats([("customer", QUESTION), ("customer", PRAISE), ("customer", SAVED)])
    found = find(tx, readings)
    assert len(found) == 1 and found[0].conversation_id == conv


def test_rating_and_granted_consent_lift_a_passage_and_a_refusal_sinks_it(tx, readings, chats):
    plain = chats([("customer", SAVED)])
    rated = chats([("customer", SAVED)], stars=5)
    consented = chats([("customer", SAVED)], stars=5, consent=True)
    refused = chats([("customer", SAVED)], stars=5, consent=False)
    order = [c.conversation_id for c in find(tx, readings)]
    assert order == [consented, rated, plain, refused]


@pytest.mark.parametrize(("filters", "expected"), [
    ({"employee_id": "sales@example.test"}, "bob"),
    ({"min_rating": 4}, "five"),
    ({"consent": "granted"}, "five"),
    ({"consent": "none"}, "bob"),
    ({"language": "nl"}, "dutch"),
    ({"since": "recent"}, "five"),
])
def test_filters_narrow_the_candidates(tx, readings, chats, staff, clock, filters, expected):
    made = {"bob": chats([("customer", SAVED)], employee="sales@example.test", closed_days_ago=9),
            "five": chats([("customer", PRAISE)], stars=5, consent=True),
            "dutch": chats([("customer", SAVED)], language="nl", consent=False,
                           closed_days_ago=9)}
    if "employee_id" in filters:
        filters = {"employee_id": staff[filters["employee_id"]]}
    if "since" in filters:
        filters = {"since": (clock() - timedelta(days=2)).date()}
    assert [c.conversation_id for c in find(tx, readings, **filters)] == [made[expected]]


def test_the_team_filter_keeps_conversations_of_that_role(tx, readings, chats, staff):
    conv = chats([("customer", SAVED)])
    with tx() as session:
        role = session.get(Employee, staff["dev@example.test"]).role
    assert [c.conversation_id for c in find(tx, readings, team=role)] == [conv]
    assert find(tx, readings, team="nobody-has-this-role") == []


@pytest.mark.parametrize("filters", [{"consent": "maybe"}, {"min_rating": 6},
                                     {"since": date(2026, 2, 1), "until": date(2026, 1, 1)}])
def test_invalid_filters_are_refused_with_a_code(filters):
    with pytest.raises(InvalidInput) as refused:
        story_finder.Filters(**filters)
    assert refused.value.code == "invalid_filter"


def test_each_passage_is_read_once_across_searches(tx, chats):
    encoder = HashingEncoder()
    readings = story_finder.PassageReadings(impact.ImpactReader(encoder))
    chats([("customer", SAVED)])
    find(tx, readings)
    calls = len(encoder.calls)
    find(tx, readings)
    assert len(encoder.calls) == calls


def test_a_search_finds_passages_by_meaning_and_words_and_drops_the_rest(tx, readings, chats):
    reconciliation = chats([("customer", "Reconciliation takes minutes now instead of days.")])
    chats([("customer", SAVED)])
    with tx() as session:
        found = story_finder.find_candidates(session, readings, story_finder.Filters(),
                                             query="réconciliation")
    assert [c.conversation_id for c in found] == [reconciliation]


def test_among_passages_as_close_to_the_search_impact_ranks_first(tx, readings, chats):
    question = chats([("customer", "Does the invoice export work with Excel?")])
    outcome = chats([("customer", "The invoice export saved us hours.")])
    with tx() as session:
        found = story_finder.find_candidates(session, readings, story_finder.Filters(),
                                             query="invoice export")
    assert [c.conversation_id for c in found] == [outcome, question]


@pytest.mark.parametrize("query", [42, "x" * 301])
def test_a_search_that_is_not_short_text_is_refused(tx, readings, query):
    with tx() as session, pytest.raises(InvalidInput) as refused:
        story_finder.find_candidates(session, readings, story_finder.Filters(), query=query)
    assert refused.value.code == "invalid_query"


def test_a_message_whose_words_changed_is_read_anew(tx, readings, chats):
    conv = chats([("customer", SAVED)])
    assert [c.body for c in find(tx, readings)] == [SAVED]
    with tx() as session:
        session.scalar(select(Message).where(Message.conversation_id == conv)).body = QUESTION
    assert find(tx, readings) == []


def test_a_passage_marked_by_hand_comes_first_with_its_part_highlighted(tx, readings, chats,
                                                                         clock, staff):
    praise = chats([("customer", SAVED)], stars=5, consent=True)
    plain = chats([("customer", "We use the Excel export on Mondays, it is fine.")])
    with tx() as session:
        marketing = session.get(Employee, staff["marketing@example.test"])
        mark = passage_marks.mark_passage(session, plain, 1, marketing, clock(), 7, 24)
    found = find(tx, readings)
    assert [c.conversation_id for c in found] == [plain, praise]
    assert found[0].body[found[0].start:found[0].end] == "the Excel export"
    assert found[0].mark_id == mark.id
    with tx() as session:
        passage_marks.unmark_passage(session, mark.id, session.get(
            Employee, staff["marketing@example.test"]), clock())
    assert [c.conversation_id for c in find(tx, readings)] == [praise]


@pytest.mark.parametrize(("who", "seq", "span", "error", "code"), [
    ("dev@example.test", 1, (None, None), Forbidden, None),
    ("marketing@example.test", 2, (None, None), InvalidInput, "invalid_passage"),  # employee's
    ("marketing@example.test", 1, (5, 3), InvalidInput, "invalid_span"),
    ("marketing@example.test", 1, (0, 999), InvalidInput, "invalid_span"),
    ("marketing@example.test", 1, (4, 5), InvalidInput, "invalid_span"),  # only a space
])
def test_a_mark_must_be_marketing_s_on_the_customer_s_words(tx, chats, clock, staff, who, seq,
                                                            span, error, code):
    conv = chats([("customer", SAVED), ("employee", "Glad to hear it.")])
    with tx() as session, pytest.raises(error) as refused:
        passage_marks.mark_passage(session, conv, seq, session.get(Employee, staff[who]),
                                   clock(), *span)
    if code:
        assert refused.value.code == code


def test_a_passage_of_an_open_conversation_cannot_be_marked(tx, chats, clock, staff):
    conv = chats([("customer", SAVED)], status="active")
    with tx() as session, pytest.raises(InvalidInput) as refused:
        passage_marks.mark_passage(session, conv, 1, session.get(
            Employee, staff["marketing@example.test"]), clock())
    assert refused.value.code == "conversation_open"
