"""Inviting a colleague in a real browser: Sophie (sales) gets a pricing question, the chat turns
technical, she invites Jonas (developer); the customer sees both; Jonas's note stays hidden from
the customer; the transcript shows the three voices and the note."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .flows import (
    accept_offer,
    ask,
    customer_says,
    employee_says,
    open_console_available,
    open_widget,
    sign_in,
)

pytestmark = pytest.mark.e2e

PRICING = "How much does the Pro plan cost per user for a team of 8, and is there a discount?"
TURNED = ("We would connect our ERP through your API: how do you sign webhook payloads, and how "
          "do we verify the HMAC signature?")
SOPHIE_SAYS = "The Pro plan is 19 euro per user per month, 10% off from 10 seats."
JONAS_SAYS = "Hi Maria, Jonas here: we sign every webhook with HMAC-SHA256."
NOTE = "Internal: their ERP is the legacy on-premise one, keep retries in mind"


def test_sophie_invites_jonas_into_a_chat_that_turned_technical(pages):
    sophie, jonas = pages(), pages()
    sign_in(sophie, "sophie@lumenledger.example")
    open_console_available(sophie)
    site = pages()
    widget = open_widget(site)
    ask(widget, PRICING, name="Maria")
    conversation_id = accept_offer(sophie, PRICING)
    employee_says(sophie, SOPHIE_SAYS)
    sign_in(jonas, "jonas@lumenledger.example")
    open_console_available(jonas)
    customer_says(widget, TURNED)
    expect(sophie.locator(".msg-customer", has_text="HMAC")).to_be_visible()

    sophie.locator("#invite").click()  # the chat turned technical: bring a developer in
    first = sophie.locator(".handover-suggestion").first
    expect(first).to_contain_text("Jonas")
    expect(first.locator(".handover-why")).to_contain_text("webhook")
    first.locator("input[type=checkbox]").check()
    sophie.locator("#handover-send").click()
    expect(sophie.locator("#handover-waiting")).to_contain_text("Jonas")

    card = jonas.locator(".handover-card.invite-card")
    expect(card).to_contain_text("Sophie")
    expect(card).to_contain_text("join")
    card.locator(".accept-handover").click()
    expect(jonas.locator(".msg-customer", has_text=PRICING)).to_be_visible()  # the whole history
    expect(jonas.locator(".msg-employee", has_text=SOPHIE_SAYS)).to_contain_text("Sophie")
    expect(jonas.locator("#chat-participants")).to_contain_text("Sophie Brennan")

    # The customer sees both: who joined beside whom and why, and each voice under its name.
    joined = widget.locator(".mm-colleague-joined")
    expect(joined).to_contain_text("Jonas")
    expect(joined).to_contain_text("Sophie")
    expect(widget.locator("#mm-joined")).to_contain_text("Sophie Brennan and Jonas Vermeulen")
    expect(widget.locator(".mm-title")).to_contain_text("Sophie")  # she still has the chat
    expect(sophie.locator("#chat-participants")).to_contain_text("Jonas Vermeulen")
    expect(sophie.locator("#handover-waiting")).to_have_count(0)

    jonas.locator("#note-toggle").click()
    employee_says(jonas, NOTE)
    expect(jonas.locator("#chat-messages .note:not(.note-pending) .note-body")).to_have_text(NOTE)
    expect(sophie.locator("#chat-messages .note .note-body")).to_have_text(NOTE)  # staff both
    jonas.locator("#note-toggle").click()
    jonas.locator("#chat-input").fill("Hi Maria")  # typing: the customer sees who, not Sophie
    expect(widget.locator("#mm-typing")).to_contain_text("Jonas")
    employee_says(jonas, JONAS_SAYS)
    voices = widget.locator(".mm-employee")
    expect(voices.filter(has_text="HMAC-SHA256").locator(".mm-author")).to_have_text("Jonas")
    expect(voices.filter(has_text="19 euro").locator(".mm-author")).to_have_text("Sophie")
    expect(sophie.locator(".msg-employee", has_text="HMAC-SHA256")).to_contain_text("Jonas")
    for text in ("legacy", "Internal"):  # the note is for staff only
        expect(widget.locator("body")).not_to_contain_text(text)

    marketing = pages()
    sign_in(marketing, "oliver@lumenledger.example")
    marketing.goto(f"/marketing/conversations/{conversation_id}")
    authors = marketing.locator("#transcript .msg .author")
    expect(authors).to_have_text(["Maria", "Sophie Brennan", "Maria", "Jonas Vermeulen"])
    note = marketing.locator("#transcript .note")
    expect(note.locator(".body")).to_have_text(NOTE)
    expect(note.locator(".author")).to_have_text("Jonas Vermeulen")
    expect(marketing.locator("#timeline")).to_contain_text("invited by Sophie Brennan")
