"""Ranking: the right person first, with the passage that matched."""

import pytest

from matchmaker import profiles
from matchmaker.models import Employee
from matchmaker.staff import update_employee


@pytest.mark.parametrize("question, expected", [
    ("How do I verify the webhook signature?", "dev@example.test"),
    ("What is the volume discount on pricing plans?", "sales@example.test"),
    ("Bank reconciliation shows mismatches", "support@example.test"),
    ("The iOS app crashes on start", "mobile@example.test"),
])
def test_rank_candidates_puts_the_matching_expert_first(tx, matcher, staff, question,
                                                         expected):
    with tx() as session:
        matches = matcher.rank(session, question).matches
    assert matches[0].employee_id == staff[expected]


def test_every_match_carries_the_passage_that_matched_and_score_parts(tx, matcher, staff):
    with tx() as session:
        matches = matcher.rank(session, "webhook signature help").matches
    top = matches[0]
    assert top.explanation.reason == "webhook signature verification"
    assert top.explanation.passage_kind == "expertise"
    assert set(top.explanation.parts) == {"passage", "gist", "words", "role", "experience",
                                          "language"}
    assert top.fit == pytest.approx(top.explanation.parts["passage"])
    assert all(m.explanation.reason for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_inactive_employees_are_never_ranked(tx, matcher, staff):
    with tx() as session:
        session.get(Employee, staff["dev@example.test"]).active = False
    with tx() as session:
        matches = matcher.rank(session, "webhook signature").matches
    assert staff["dev@example.test"] not in [m.employee_id for m in matches]


def test_no_profiles_gives_no_candidates(tx, matcher):
    with tx() as session:
        assert matcher.rank(session, "anything").matches == []


def test_profile_edit_reembeds_only_that_employee_and_the_index_follows(
        tx, encoder, index, matcher, staff):
    with tx() as session:
        matcher.rank(session, "warm the index")
        before = index.version
        employee = session.get(Employee, staff["mobile@example.test"])
        record = {"email": employee.email, "name": employee.name, "role": "developer",
                  "title": employee.title, "expertise": ["kubernetes cluster upgrades"]}
        employee, changed = update_employee(session, employee.id, record)
        assert changed
        encoder.calls.clear()
        profiles.embed_employees(session, encoder, [employee])
        assert len(encoder.calls) == 1
        assert all("kubernetes" in t or "Mobile" in t or "developer" in t
                   for t in encoder.calls[0])
    with tx() as session:
        matches = matcher.rank(session, "kubernetes cluster upgrades").matches
    assert index.version != before
    assert matches[0].employee_id == staff["mobile@example.test"]


def test_a_fresh_index_rebuilds_from_the_database(tx, encoder, staff):
    from embeddings.lexical import BM25Index
    from embeddings.passages import PassageIndex
    from matchmaker.routing import Matcher

    with tx() as session:
        first = Matcher(encoder, PassageIndex(), BM25Index()).rank(session, "volume discount")
        second = Matcher(encoder, PassageIndex(), BM25Index()).rank(session, "volume discount")
    assert first == second


def same_profile(tx, matcher, staff, emails, expertise):
    """Give these employees one and the same profile, so only the signal under test differs."""
    with tx() as session:
        for email in emails:
            employee = session.get(Employee, staff[email])
            employee.title, employee.team, employee.bio = "", "", ""
            employee.expertise = expertise
            profiles.embed_employees(session, matcher.encoder, [employee])


def test_a_near_tie_goes_to_the_lighter_load(tx, matcher, staff, clock, policy):
    from matchmaker import conversations, offers
    from tests.unit.conftest import online

    same_profile(tx, matcher, staff, ["dev@example.test", "mobile@example.test"],
                 ["kafka streams"])
    with tx() as session:
        first = matcher.rank(session, "kafka streams").matches[:2]
    assert {m.employee_id for m in first} == {staff["dev@example.test"],
                                              staff["mobile@example.test"]}
    busy = first[0].employee_id
    online(tx, clock, busy)
    with tx() as session:
        conversation, _ = conversations.open_conversation(
            session, conversations.Question("kafka streams", "visitor-9"), first[:1], policy,
            clock())
        offers.offer_next(session, conversation, policy, clock())
    with tx() as session:
        again = matcher.rank(session, "kafka streams").matches
    assert again[0].employee_id != busy


@pytest.mark.parametrize("question, first", [
    ("enterprise plan: an API integration error in our code", "dev@example.test"),
    ("enterprise plan: pricing, discounts and the contract", "sales@example.test"),
])
def test_the_kind_of_question_favours_the_matching_role(tx, matcher, staff, question, first):
    same_profile(tx, matcher, staff, ["dev@example.test", "sales@example.test"],
                 ["enterprise plan"])
    with tx() as session:
        matches = matcher.rank(session, question).matches
    assert matches[0].employee_id == staff[first]
    assert matches[0].explanation.parts["role"] > 0


def count_rebuilds(matcher) -> list[int]:
    """A list that gets a 1 each time the matcher's passage index is rebuilt whole."""
    rebuilds: list[int] = []
    rebuild = matcher.index.rebuild

    def counted(*args, **kwargs):
        rebuilds.append(1)
        return rebuild(*args, **kwargs)

    matcher.index.rebuild = counted
    return rebuilds


def test_new_passages_update_the_indexes_in_place_like_a_full_rebuild(tx, encoder, matcher,
                                                                      staff, clock):
    from embeddings.lexical import BM25Index
    from embeddings.passages import PassageIndex
    from matchmaker.routing import Matcher

    question = "zanzibar gateway webhook"
    with tx() as session:
        matcher.rank(session, question)
        rebuilds = count_rebuilds(matcher)
        profiles.add_history(session, encoder, staff["sales@example.test"],
                             ["zanzibar gateway setup"], "conversation", clock())
    with tx() as session:
        grown = matcher.rank(session, question)
        fresh = Matcher(encoder, PassageIndex(), BM25Index()).rank(session, question)
    assert rebuilds == []  # grown, not rebuilt
    assert grown == fresh
    assert grown.matches[0].employee_id == staff["sales@example.test"]


def test_removed_passages_rebuild_the_indexes(tx, encoder, matcher, staff):
    with tx() as session:
        matcher.rank(session, "webhook signature")
        rebuilds = count_rebuilds(matcher)
        employee = session.get(Employee, staff["dev@example.test"])
        employee.expertise = ["gardening"]
        profiles.embed_employees(session, encoder, [employee])
    with tx() as session:
        matches = matcher.rank(session, "webhook signature").matches
    assert rebuilds == [1]
    assert "webhook signature verification" not in [m.explanation.reason for m in matches]


@pytest.mark.parametrize("language, first", [("fr", "sales@example.test"),
                                             ("fr-BE", "sales@example.test"),
                                             ("en", "dev@example.test"), (None, "dev@example.test")])
def test_the_questions_language_favours_people_who_speak_it(tx, matcher, staff, language, first):
    # sales speaks en and fr, dev only en
    same_profile(tx, matcher, staff, ["dev@example.test", "sales@example.test"],
                 ["kafka streams"])
    with tx() as session:
        matches = matcher.rank(session, "kafka streams", language=language).matches
    assert matches[0].employee_id == staff[first]


def test_a_question_never_waits_for_a_rebuild_when_they_run_in_the_background(
        tx, encoder, matcher, staff, clock):
    jobs = []
    with tx() as session:
        matcher.rank(session, "warm the indexes")  # the first build
    matcher.refresh_in_background(tx, jobs.append)
    with tx() as session:
        profiles.add_history(session, encoder, staff["sales@example.test"],
                             ["zanzibar gateway setup"], "conversation", clock())
    with tx() as session:
        before = matcher.rank(session, "zanzibar gateway")
        again = matcher.rank(session, "zanzibar gateway")
    assert len(jobs) == 1  # one rebuild asked for, however many questions come meanwhile
    assert "zanzibar" not in str(before.matches[0].explanation)
    jobs[0]()  # the background rebuild: its own transaction, swapped in whole
    with tx() as session:
        after = matcher.rank(session, "zanzibar gateway")
    assert before == again
    assert after.matches[0].employee_id == staff["sales@example.test"]
    assert after.matches[0].explanation.passage_kind == "history"
    assert len(jobs) == 1


@pytest.mark.parametrize("question", ["How do I verify the webhook signature?",
                                      "volume discount", "bank reconciliation on iOS", "kafka"])
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_the_top_few_are_the_head_of_the_whole_ranking(tx, matcher, staff, question, limit):
    # Only people who can still reach the top `limit` are loaded and scored.
    with tx() as session:
        whole = matcher.rank(session, question, limit=100)
        head = matcher.rank(session, question, limit=limit)
    assert head.matches == whole.matches[:limit]


def test_ties_are_broken_only_where_they_reach_the_top(monkeypatch):
    """Loads are read only for the groups of near-ties that start within the limit; a group
    that straddles it is reordered whole; limit <= 0 keeps every group."""
    from matchmaker import routing
    from matchmaker.values import Explanation, Match

    def match(eid, score):
        return Match(eid, score, Explanation("", "gist"))

    asked = []

    def loads(session, ids):
        asked.append(list(ids))
        return {eid: (0 if eid == 3 else 1) for eid in ids}

    monkeypatch.setattr(routing, "loads", loads)
    matcher = routing.Matcher(None, None, None)
    ranked = [match(1, 0.90), match(2, 0.80), match(3, 0.795), match(4, 0.60), match(5, 0.59)]
    top = matcher._break_ties(None, ranked, 2)
    assert [m.employee_id for m in top] == [1, 3, 2]  # 2 and 3 tie; 3 is lighter
    assert asked == [[1, 2, 3]]
    asked.clear()
    assert [m.employee_id for m in matcher._break_ties(None, ranked, 0)] == [1, 3, 2, 4, 5]
    assert asked == [[1, 2, 3, 4, 5]]


def test_a_ranking_reads_the_database_in_four_statements(tx, engine, matcher, staff):
    """The space and the passages' version, the closest passages' rows, the candidates with
    their outcomes, the near-ties' loads: one statement each, however many people."""
    from sqlalchemy import event

    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with tx() as session:
        matcher.rank(session, "webhook signature help")  # the indexes are built
        event.listen(engine, "before_cursor_execute", record)
        try:
            ranking = matcher.rank(session, "How do I verify the webhook signature?")
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert ranking.matches
    assert len(statements) == 4, statements



def test_the_threshold_is_the_one_stored_with_the_vectors(tx, matcher, staff):
    """Calibrated when the vectors were made, kept with them: not the encoder's of the day."""
    from matchmaker.models import VectorSpace

    with tx() as session:
        session.get(VectorSpace, 1).min_fit_english = 0.42
    with tx() as session:
        assert matcher.rank(session, "webhook signature help").min_fit == pytest.approx(0.42)
