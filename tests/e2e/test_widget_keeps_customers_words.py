"""Nothing the customer said or chose in the widget is lost, in a real browser: a yes or no to
being quoted counts without a rating, a message sent after a line about the chat shows below
it, and words typed but not sent survive the chat ending, a reload and another page."""

from __future__ import annotations

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from .accessibility import violations
from .conftest import PRESENCE_TTL_S
from .flows import answered_chat, customer_says, sign_in

pytestmark = pytest.mark.e2e


def conversation_in_console(console: Page) -> str:
    selected = console.locator('.chat-item:has(.chat-open[aria-current="true"])')
    expect(selected).to_have_count(1)
    return selected.get_attribute("data-conversation-id")


def reopen_widget(site: Page, path: str | None = None) -> FrameLocator:
    """The same browser tab after a reload (or on another page of the site), widget opened."""
    if path is None:
        site.reload()
    else:
        site.goto(path)
    site.locator("#matchmaker-launcher").click()
    return site.frame_locator("#matchmaker-widget-frame")


def draft_in_storage(site: Page):
    frame = next(f for f in site.frames if "/widget" in f.url)
    return frame.evaluate("() => sessionStorage.getItem('matchmaker.draft')")


@pytest.mark.parametrize(("consent", "button", "recorded", "ended"), [
    ("#mm-consent-no", "#mm-rate-send", "refused", "#mm-thanks"),  # Send, no stars
    ("#mm-consent-yes", "#mm-rate-skip", "granted", "#mm-ended-note"),
])
def test_a_consent_choice_is_recorded_without_a_rating(pages, consent, button, recorded, ended):
    console, site, widget = answered_chat(pages)
    conversation_id = conversation_in_console(console)
    widget.locator("#mm-close").click()
    widget.locator(consent).click()
    widget.locator(button).click()
    expect(widget.locator(ended)).to_be_visible()
    expect(widget.locator(".mm-rating")).to_have_count(0)

    marketing = pages()
    sign_in(marketing, "oliver@lumenledger.example")
    marketing.goto(f"/marketing/conversations/{conversation_id}")
    expect(marketing.locator("#consent")).to_contain_text(recorded)
    expect(marketing.locator("#rating")).not_to_contain_text("★")
    widget = reopen_widget(site)  # the rating is not asked again
    expect(widget.locator("#mm-ended-note")).to_be_visible()
    expect(widget.locator(".mm-rating")).to_have_count(0)


def test_a_message_sent_after_the_colleague_left_shows_below_that_line(pages):
    console, site, widget = answered_chat(pages)
    console.locator("form[action$='/logout'] button").click()
    expect(widget.locator(".mm-left")).to_have_text("Jonas Vermeulen had to leave the chat.",
                                                    timeout=(PRESENCE_TTL_S + 5) * 1000)
    customer_says(widget, "Hello? Are you still there?")
    stored = widget.locator(".mm-customer[data-seq]", has_text="Hello? Are you still there?")
    expect(stored).to_have_count(1)
    lines = widget.locator("#mm-messages > li")
    expect(lines.last).to_contain_text("Hello? Are you still there?")
    expect(lines.nth(lines.count() - 2)).to_have_class("mm-msg mm-system mm-left")


def test_words_typed_but_not_sent_are_kept_when_the_colleague_ends_the_chat(pages):
    console, site, widget = answered_chat(pages)
    widget.locator("#mm-input").fill("And for refunds, is it the same header?")
    expect(widget.locator("#mm-input")).to_have_value("And for refunds, is it the same header?")
    console.locator("#chat-close").click()
    expect(widget.locator(".mm-rating")).to_be_visible()
    unsent = widget.locator("#mm-unsent")
    expect(unsent.locator(".mm-bubble")).to_have_text("And for refunds, is it the same header?")
    expect(unsent.locator(".mm-meta")).to_have_text("Not sent: the chat had ended.")
    assert draft_in_storage(site) is None  # the conversation is over: no draft kept for it
    assert violations(next(f for f in site.frames if "/widget" in f.url)) == []
    unsent.get_by_role("button", name="Ask it as a new question").click()
    expect(widget.locator("#mm-question")).to_have_value("And for refunds, is it the same header?")


def test_an_unsent_message_survives_a_reload_and_another_page_until_it_is_sent(pages):
    console, site, widget = answered_chat(pages)
    widget.locator("#mm-input").fill("Half a thought")
    widget = reopen_widget(site)
    expect(widget.locator(".mm-employee .mm-bubble")).to_have_text("Yes: Lumen-Signature.")
    expect(widget.locator("#mm-input")).to_have_value("Half a thought")
    widget = reopen_widget(site, "/team")
    expect(widget.locator("#mm-input")).to_have_value("Half a thought")

    widget.locator("#mm-input").press_sequentially(", finished")
    widget.locator("#mm-send").click()
    expect(console.locator(".msg-customer", has_text="Half a thought, finished")).to_be_visible()
    widget = reopen_widget(site)
    expect(widget.locator(".mm-customer .mm-bubble", has_text="Half a thought, finished")) \
        .to_be_visible()
    expect(widget.locator("#mm-input")).to_have_value("")
