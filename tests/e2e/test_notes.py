"""Internal notes in a real browser: written from the console's Note toggle, shown in their own
style between the messages, kept after a reload and after the chat ended, never in the widget,
and in marketing's transcript."""

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

NOTE = "Internal: <b>legacy</b> plan, check billing before promising anything"
AFTER = "Follow-up after the chat: billing confirmed the legacy plan"


def test_a_note_is_for_staff_only_from_console_to_transcript(pages):
    console = pages()
    sign_in(console, "jonas@lumenledger.example")
    open_console_available(console)
    site = pages()
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION, name="Maria")
    conversation_id = accept_offer(console, WEBHOOK_QUESTION)
    customer_says(widget, "Which plan am I on?")
    expect(console.locator(".msg-customer", has_text="Which plan am I on?")).to_be_visible()

    toggle = console.locator("#note-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(console.locator(".composer.is-note")).to_be_visible()
    expect(console.locator(".note-banner")).to_contain_text("only staff can see this")
    expect(console.locator("#chat-send")).to_have_text("Save note")
    employee_says(console, NOTE)
    note = console.locator("#chat-messages .note:not(.note-pending)")
    expect(note).to_have_count(1)
    expect(note.locator(".note-body")).to_have_text(NOTE)  # text, never markup
    expect(note.locator(".note-label")).to_contain_text("only staff can see this")
    expect(console.locator("#chat-messages b")).to_have_count(0)

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    employee_says(console, "You are on the Growth plan.")
    expect(widget.locator(".mm-employee .mm-bubble")).to_have_text("You are on the Growth plan.")
    expect(console.locator(".msg-employee:not(.msg-pending)", has_text="Growth plan")).to_be_visible()
    order = console.locator("#chat-messages > li:not(.msg-event)").evaluate_all(
        "nodes => nodes.map(n => n.classList.contains('note') ? 'note' : n.className)")
    assert order[-3:] == ["msg msg-customer", "note", "msg msg-employee"], order

    console.reload()  # the sync brings the note back, in its place
    console.locator(".chat-item", has_text="Maria").locator(".chat-open").click()
    expect(console.locator("#chat-messages .note .note-body")).to_have_text(NOTE)

    console.locator("#chat-close").click()
    expect(console.locator("#pane-ended")).to_be_visible()
    console.locator("#note-input").fill(AFTER)
    console.locator("#note-save").click()
    expect(console.locator("#chat-messages .note:not(.note-pending)")).to_have_count(2)

    site.reload()  # the widget reopens the conversation from its stored key: no note there
    widget = site.frame_locator("#matchmaker-widget-frame")
    if not site.locator("#matchmaker-widget-frame").is_visible():
        site.locator("#matchmaker-launcher").click()
    expect(widget.locator(".mm-employee .mm-bubble")).to_have_text("You are on the Growth plan.")
    for text in ("legacy", "Internal", "Follow-up"):
        expect(widget.locator("body")).not_to_contain_text(text)

    marketing = pages()
    sign_in(marketing, "oliver@lumenledger.example")
    marketing.goto(f"/marketing/conversations/{conversation_id}")
    notes = marketing.locator("#transcript .note")
    expect(notes).to_have_count(2)
    expect(notes.first.locator(".body")).to_have_text(NOTE)
    expect(notes.first).to_contain_text("only staff can see this")
    expect(notes.first.locator(".author")).to_have_text("Jonas Vermeulen")
