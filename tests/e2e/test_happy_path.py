"""The core loop in a real browser: ask on the website, answered live from the console."""

from __future__ import annotations

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


def test_customer_and_employee_complete_a_conversation(pages):
    console = pages()
    sign_in(console, "jonas@lumenledger.example")
    open_console_available(console)

    site = pages()
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION, name="Maria")
    expect(widget.locator("#mm-asking")).to_contain_text("Asking Jonas Vermeulen")

    offer = console.locator(".offer-card", has_text=WEBHOOK_QUESTION)
    expect(offer).to_contain_text("Why you:")
    conversation_id = accept_offer(console, WEBHOOK_QUESTION)
    expect(widget.locator("#mm-joined")).to_contain_text("Jonas Vermeulen")

    customer_says(widget, "Is the signature sent in a header?")
    expect(console.locator(".msg-customer", has_text="Is the signature sent in a header?")) \
        .to_be_visible()
    employee_says(console, "Yes: Lumen-Signature, an HMAC-SHA256 of the raw body.")
    expect(widget.locator(".mm-msg.mm-employee .mm-bubble")).to_have_text(
        "Yes: Lumen-Signature, an HMAC-SHA256 of the raw body.")
    expect(widget.locator("#mm-messages .mm-msg.mm-customer")).to_have_count(2)  # no duplicates

    widget.locator("#mm-close").click()
    widget.locator(".mm-star[data-stars='5']").click()
    widget.locator("#mm-consent-yes").click()
    widget.locator("#mm-rate-send").click()
    expect(widget.locator("#mm-thanks")).to_have_text("Thank you!")
    expect(console.locator(".chat-item", has_text="Maria")).to_contain_text("ended")

    marketing = pages()
    sign_in(marketing, "oliver@lumenledger.example")
    marketing.goto(f"/marketing/conversations/{conversation_id}")
    expect(marketing.locator("#rating")).to_contain_text("★★★★★")
    expect(marketing.locator("#consent")).to_contain_text("granted")
    expect(marketing.locator("#transcript")).to_contain_text("Lumen-Signature")


def test_html_in_chat_messages_shows_as_literal_text(pages):
    markup = "<img src=x onerror=alert(1)><b>bold</b>"
    console = pages()
    sign_in(console, "jonas@lumenledger.example")
    open_console_available(console)
    site = pages()
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION)
    accept_offer(console, WEBHOOK_QUESTION)

    customer_says(widget, f"customer says {markup}")
    employee_says(console, f"employee says {markup}")

    expect(console.locator(".msg-customer .msg-body", has_text="customer says")) \
        .to_have_text(f"customer says {markup}")
    expect(widget.locator(".mm-employee .mm-bubble")).to_have_text(f"employee says {markup}")
    expect(widget.locator(".mm-customer .mm-bubble", has_text="customer says")) \
        .to_have_text(f"customer says {markup}")
    for messages in (console.locator("#chat-messages"), widget.locator("#mm-messages")):
        expect(messages.locator("img")).to_have_count(0)
        expect(messages.locator("b")).to_have_count(0)
