"""A proof story in real browsers, the whole path: a consented, 5-star conversation; marketing
finds it by meaning among the story candidates and builds a story from it; the credited
colleague approves it in My stories; it is published and exported; the colleague copies the
post to share; then the customer's revocation on the consent link takes it out of the published
list and the export at once."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .flows import (
    WEBHOOK_QUESTION,
    accept_offer,
    ask,
    customer_says,
    employee_says,
    open_console_available,
    open_widget,
    sign_in,
)

pytestmark = pytest.mark.e2e

PRAISE = "Your signature docs saved us a week of work."
ANSWER = "Glad to hear it: the raw body is what gets signed."


def consented_conversation(pages) -> tuple[str, object]:
    """Maria asked, Jonas answered, she ended the chat and agreed to be quoted: (id, console)."""
    console = pages()
    sign_in(console, "jonas@lumenledger.example")
    open_console_available(console)
    site = pages()
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION, name="Maria")
    conversation_id = accept_offer(console, WEBHOOK_QUESTION)
    customer_says(widget, PRAISE)
    expect(console.locator(".msg-customer", has_text=PRAISE)).to_be_visible()
    employee_says(console, ANSWER)
    expect(widget.locator(".mm-msg.mm-employee .mm-bubble")).to_have_text(ANSWER)
    widget.locator("#mm-close").click()
    widget.locator(".mm-star[data-stars='5']").click()
    widget.locator("#mm-consent-yes").click()
    widget.locator("#mm-rate-send").click()
    expect(widget.locator("#mm-thanks")).to_be_visible()
    return conversation_id, console


def published_ids(page) -> list[int]:
    answer = page.request.get("/marketing/stories.json?state=published").json()
    return [story["id"] for story in answer["stories"]]


def exported(page) -> list[dict]:
    return page.request.get("/marketing/stories/export?format=json").json()


def test_a_story_from_passage_to_publication_and_revocation(pages):
    conversation_id, console = consented_conversation(pages)

    marketing = pages()
    sign_in(marketing, "oliver@lumenledger.example")
    marketing.goto("/marketing/candidates")
    marketing.locator("#candidate-query").fill("customers who saved time thanks to the docs")
    marketing.locator("#candidate-filters button[type=submit]").click()
    found = marketing.locator(f'.candidate[data-conversation-id="{conversation_id}"]')
    expect(found.locator("mark")).to_have_text(PRAISE)
    found.locator("a", has_text=f"Conversation {conversation_id}").click()
    marketing.wait_for_url(f"**/marketing/conversations/{conversation_id}**")
    marketing.locator(".story-pick", has_text=PRAISE).locator("input").check()
    marketing.locator("#story-title").fill("A week saved on webhooks")
    marketing.locator("#story-create").click()
    expect(marketing.locator("#story-state")).to_have_attribute("data-state", "draft")
    quote = marketing.locator(".story-quote")
    expect(quote.locator(".story-original blockquote")).to_have_text(PRAISE)
    expect(quote.locator("textarea")).to_have_value(PRAISE)
    expect(quote.locator(".consent-state")).to_contain_text("granted for these words")
    marketing.locator("#story-submit").click()
    expect(marketing.locator("#story-state")).to_have_attribute("data-state", "awaiting_approval")
    story_id = int(urlsplit(marketing.url).path.rsplit("/", 1)[1])

    console.goto("/console/stories/mine")
    mine = console.locator(f'.my-story[data-story-id="{story_id}"]')
    expect(mine.locator("blockquote")).to_have_text(PRAISE)
    mine.locator('button[data-action="approve"]').click()
    expect(mine.locator(".story-state")).to_have_text("approved")

    marketing.reload()
    marketing.locator("#story-publish").click()
    expect(marketing.locator("#story-state")).to_have_attribute("data-state", "published")
    assert published_ids(marketing) == [story_id]
    assert [s["id"] for s in exported(marketing)] == [story_id]

    console.goto("/console/stories/mine")
    kit = console.locator(f'.my-story[data-story-id="{story_id}"] .story-share')
    expect(kit.locator("textarea")).to_contain_text(PRAISE)
    kit.locator('button[data-share="copy"]').click()
    expect(kit.locator(".share-copied")).to_be_visible()
    expect(kit.locator(".share-count")).to_have_attribute("data-count", "1")

    link = urlsplit(marketing.locator("#consent-link").input_value())
    customer = pages()
    customer.goto(link.path)
    item = customer.locator(".consent-quote")
    expect(item.locator(".wording")).to_contain_text(PRAISE)
    expect(item.locator(".consent-state")).to_have_text("You agreed to these words.")
    item.locator('button[value="no"]').click()
    expect(customer.locator("#consent-saved")).to_be_visible()
    expect(customer.locator(".consent-quote")).to_have_count(0)  # its story is withdrawn

    assert published_ids(marketing) == []
    assert exported(marketing) == []
    marketing.reload()
    expect(marketing.locator("#story-state")).to_have_attribute("data-state", "withdrawn")
    expect(marketing.locator("#story-log")).to_contain_text("the customer revoked consent")
