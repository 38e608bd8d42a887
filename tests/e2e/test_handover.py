"""Handing a chat over in a real browser: Sophie (sales) gets a pricing question, the chat turns
technical, the console suggests Jonas (developer) with why, she hands it over with a note; Jonas
accepts from his requests; the customer sees who joined and why, the header changes, and the
history stays; Sophie's console lets the chat go."""

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
NOTE = "Pricing is done; they need webhook signing details"


def test_sophie_hands_a_chat_that_turned_technical_to_jonas(pages):
    sophie, jonas = pages(), pages()
    sign_in(sophie, "sophie@lumenledger.example")
    open_console_available(sophie)
    site = pages()
    widget = open_widget(site)
    ask(widget, PRICING, name="Maria")
    accept_offer(sophie, PRICING)
    employee_says(sophie, "The Pro plan is 19 euro per user per month.")
    sign_in(jonas, "jonas@lumenledger.example")
    open_console_available(jonas)
    customer_says(widget, TURNED)
    expect(sophie.locator(".msg-customer", has_text="HMAC")).to_be_visible()

    sophie.locator("#hand-over").click()
    first = sophie.locator(".handover-suggestion").first
    expect(first).to_contain_text("Jonas")
    expect(first.locator(".handover-why")).to_contain_text("webhook")
    expect(sophie.locator(".handover-suggestion", has_text="Sophie")).to_have_count(0)
    first.locator("input[type=checkbox]").check()
    sophie.locator("#handover-note").fill(NOTE)
    sophie.locator("#handover-send").click()
    expect(sophie.locator("#handover-waiting")).to_contain_text("Jonas")
    expect(sophie.locator("#handover-cancel")).to_be_visible()

    card = jonas.locator(".handover-card")
    expect(card).to_contain_text("Sophie")
    expect(card.locator(".handover-note")).to_have_text(NOTE)
    expect(card.locator(".handover-preview")).to_contain_text("HMAC")
    card.locator(".accept-handover").click()
    expect(jonas.locator(".msg-customer", has_text=PRICING)).to_be_visible()  # the whole history
    expect(jonas.locator(".msg-customer", has_text="HMAC")).to_be_visible()

    took_over = widget.locator(".mm-took-over")
    expect(took_over).to_contain_text("Jonas")
    expect(took_over).to_contain_text("joined the conversation")
    expect(widget.locator(".mm-title")).to_contain_text("Jonas")
    expect(widget.get_by_text(NOTE)).to_have_count(0)  # the note was for Jonas only

    expect(sophie.locator(".toast", has_text="took over")).to_be_visible()
    expect(sophie.locator(".chat-item")).to_have_count(0)
    employee_says(jonas, "Hi Maria, Jonas here: we sign every webhook with HMAC-SHA256.")
    expect(widget.locator(".mm-employee .mm-bubble", has_text="HMAC-SHA256")).to_be_visible()
