"""Exports and share kit: no consent, no export; personal data masked but the colleague
credited named; Markdown, JSON and CSV; the post in the story's language; copies counted."""

import csv
import io
import itertools
import json

import pytest

from matchmaker import story_sharing
from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import (
    ConsentDecision,
    Conversation,
    Customer,
    Employee,
    Story,
    StoryQuote,
)
from matchmaker.redaction import Redactor
from matchmaker.stories import building

SAID = "Jonas fixed it in minutes. Write me at maria@example.org, I am Maria Kowalczyk."


@pytest.fixture
def stories(tx, clock, staff):
    """stories(state=, consent=, edited=, language=, employee=) → story id; consent: True,
    False or None (never asked), conversation-wide as the widget asks it."""
    visitors = itertools.count(1)

    def make(state="published", consent=True, edited=False, language="en",
             employee="dev@example.test", said=SAID):
        now = clock()
        with tx() as session:
            customer = Customer(visitor_id=f"v{next(visitors)}", name="Maria Kowalczyk",
                                email="maria@example.org")
            session.add(customer)
            session.flush()
            conv = Conversation(customer_id=customer.id, question="q", status="closed",
                                employee_id=staff[employee])
            session.add(conv)
            session.flush()
            story = Story(conversation_id=conv.id, employee_id=staff[employee],
                          title="=Saved a week", language=language, state=state,
                          created_at=now, updated_at=now, published_at=now)
            session.add(story)
            session.flush()
            session.add(StoryQuote(story_id=story.id, position=1, seq=1, author="customer",
                                   original=said, text=said + (" (edited)" if edited else ""),
                                   edited=edited))
            if consent is not None:
                session.add(ConsentDecision(conversation_id=conv.id, granted=consent,
                                            scope="quote_anonymised", wording="May we quote?"))
            return story.id
    return make


def exportable(tx):
    with tx() as session:
        return [s.id for s in story_sharing.exportable_stories(session)]


def test_only_consented_approved_or_published_stories_are_exported(tx, stories):
    published, approved = stories("published"), stories("approved")
    stories("published", consent=None)
    stories("published", consent=False)
    stories("awaiting_approval")
    stories("published", edited=True)  # edited words need a yes to exactly those words
    assert sorted(exportable(tx)) == sorted([published, approved])


def test_a_revocation_takes_the_story_out_of_the_export(tx, stories):
    story_id = stories()
    with tx() as session:
        conversation_id = session.get(Story, story_id).conversation_id
        session.add(ConsentDecision(conversation_id=conversation_id, granted=False,
                                    scope="quote_anonymised", wording="May we quote?"))
    assert exportable(tx) == []


def test_quotes_leave_masked_but_the_colleague_credited_stays_named(tx, stories, staff):
    with tx() as session:
        first = session.get(Employee, staff["dev@example.test"]).name.split()[0]
    story_id = stories(employee="dev@example.test",
                       said=f"{first} fixed it. Mail maria@example.org, Maria Kowalczyk.")
    with tx() as session:
        story = session.get(Story, story_id)
        quote = story_sharing.public_quote(story, story.quotes[0], Redactor())
    assert first in quote and "maria@example.org" not in quote and "Kowalczyk" not in quote


@pytest.mark.parametrize(("company", "shown"), [
    ("Acme Works", "Thanks, Works team! Mail [e-mail]"),
    ("", "Thanks, [name] team! Mail [e-mail]"),
])
def test_the_configured_company_stays_named_in_a_quote(tx, stories, company, shown):
    story_id = stories(said="Thanks, Works team! Mail maria@example.org")
    with tx() as session:
        story = session.get(Story, story_id)
        redactor = Redactor(company=company)
        assert story_sharing.public_quote(story, story.quotes[0], redactor) == shown
        assert shown in story_sharing.share_text(story, redactor)


def test_marketing_corrects_the_masking_and_every_way_out_follows_it(tx, clock, stories, staff):
    said = "Call Paul at the Ghent office, or mail maria@example.org."
    story_id = stories("approved", said=said)
    at = said.index("maria@example.org")
    with tx() as session:
        marketing = session.get(Employee, staff["marketing@example.test"])
        quote = session.get(Story, story_id).quotes[0]
        story_sharing.correct_quote(session, story_id, quote.id, [[5, 9, "name"]],
                                    [[at, at + 17]], marketing, clock())
    with tx() as session:
        story = session.get(Story, story_id)
        shown = story_sharing.public_quote(story, story.quotes[0], Redactor())
        assert shown == "Call [name] at the Ghent office, or mail maria@example.org."
        assert story.events[-1].kind == "masking_corrected"
        [exported] = [story_sharing.exported(s, Redactor())
                      for s in story_sharing.exportable_stories(session)]
    assert exported.quotes == (shown,)


@pytest.mark.parametrize(("add", "remove", "code"), [
    ([[0, 999, "name"]], [], "correction_out_of_range"),
    ([[0, 4, "shoe size"]], [], "invalid_kind"),
    ([[0, 4, "name"]], [[2, 6]], "overlapping_corrections"),
    ([["a", None]], [], "invalid_correction"),
])
def test_a_wrong_correction_is_refused_with_a_code(tx, clock, stories, staff, add, remove, code):
    story_id = stories("draft")
    with tx() as session, pytest.raises(InvalidInput) as refused:
        quote = session.get(Story, story_id).quotes[0]
        story_sharing.correct_quote(session, story_id, quote.id, add, remove, session.get(
            Employee, staff["marketing@example.test"]), clock())
    assert refused.value.code == code


def test_a_published_story_s_masking_is_not_changed(tx, clock, stories, staff):
    story_id = stories("published")
    with tx() as session, pytest.raises(Conflict):
        quote = session.get(Story, story_id).quotes[0]
        story_sharing.correct_quote(session, story_id, quote.id, [], [], session.get(
            Employee, staff["marketing@example.test"]), clock())


def test_new_words_drop_the_corrections_made_for_the_old_ones(tx, clock, stories, staff):
    story_id = stories("draft")
    with tx() as session:
        marketing = session.get(Employee, staff["marketing@example.test"])
        quote = session.get(Story, story_id).quotes[0]
        story_sharing.correct_quote(session, story_id, quote.id, [[0, 5, "name"]], [],
                                    marketing, clock())
        building.edit_story(session, story_id, "New title", {quote.id: "Other words now."},
                            marketing, clock())
    with tx() as session:
        assert session.get(Story, story_id).quotes[0].corrections is None


@pytest.mark.parametrize("kind", story_sharing.FORMATS)
def test_every_format_carries_the_masked_quote_and_the_credit(tx, stories, kind):
    stories()
    with tx() as session:
        out = story_sharing.render([story_sharing.exported(s, Redactor())
                                    for s in story_sharing.exportable_stories(session)], kind)
    assert "maria@example.org" not in out and "Kowalczyk" not in out
    if kind == "json":
        assert json.loads(out)[0]["quotes"][0].startswith("Jonas fixed it")
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0][0] == "story_id" and rows[1][1] == "'=Saved a week"  # no formula
    if kind == "markdown":
        assert out.startswith("## =Saved a week") and "\n> Jonas fixed it" in out


def test_an_unknown_format_is_refused(tx):
    with pytest.raises(InvalidInput) as refused:
        story_sharing.render([], "pdf")
    assert refused.value.code == "invalid_format"


@pytest.mark.parametrize(("language", "words"), [("en", "A customer told me"),
                                                 ("nl", "Een klant vertelde me"),
                                                 ("fr", "Un client m'a dit"),
                                                 ("de", "Ein Kunde sagte mir"),
                                                 ("nl-BE", "Een klant vertelde me"),
                                                 ("es", "A customer told me")])
def test_the_post_is_in_the_story_s_language_and_credits_the_role(tx, stories, language, words):
    story_id = stories(language=language)
    with tx() as session:
        story = session.get(Story, story_id)
        post = story_sharing.share_text(story, Redactor(company="Lumen Ledger"))
        role = (story.employee.title or story.employee.role).lower()
    assert post.startswith(words) and role in post and "Lumen Ledger" in post
    assert "maria@example.org" not in post


def test_a_long_quote_is_shortened_in_the_post(tx, stories):
    story_id = stories(said="word " * 200)
    with tx() as session:
        post = story_sharing.share_text(session.get(Story, story_id), Redactor())
    assert "…" in post and len(post) < 400


def test_the_colleague_credited_copies_their_published_story_and_it_is_counted(
        tx, clock, stories, staff):
    mine, draft = stories(), stories("draft")
    theirs = stories(employee="sales@example.test")
    with tx() as session:
        dev = session.get(Employee, staff["dev@example.test"])
        assert [s.id for s in story_sharing.shareable_for(session, dev)] == [mine]
        story_sharing.record_share(session, mine, dev, "copy", clock())
        story_sharing.record_share(session, mine, dev, "linkedin", clock())
        for other in (draft, theirs, 999):
            with pytest.raises(NotFound):
                story_sharing.record_share(session, other, dev, "copy", clock())
        with pytest.raises(InvalidInput):
            story_sharing.record_share(session, mine, dev, "fax", clock())
        assert story_sharing.share_counts(session, [mine, theirs]) == {mine: 2}
