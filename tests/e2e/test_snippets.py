"""Snippets in a real browser: an employee types `/refund` in the composer, picks an approved
reply with the keyboard, edits and sends it; marketing then sees it used once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .accessibility import violations
from .flows import WEBHOOK_QUESTION, accept_offer, ask, open_console_available, open_widget, sign_in

pytestmark = pytest.mark.e2e
REFUND = "Refund of a subscription payment"


def test_an_employee_inserts_a_snippet_and_marketing_sees_it_counted(pages):
    console = pages()
    sign_in(console, "jonas@lumenledger.example")
    open_console_available(console)
    widget = open_widget(pages())
    ask(widget, WEBHOOK_QUESTION, name="Maria")
    accept_offer(console, WEBHOOK_QUESTION)

    composer = console.locator("#chat-input")
    composer.press_sequentially("/refund")
    picker = console.get_by_role("listbox", name="Snippets")
    options = picker.get_by_role("option")
    expect(options.first).to_contain_text(REFUND)  # English first: Maria asked in English
    expect(options.filter(has_text="Terugbetaling")).to_have_count(1)  # Dutch after it
    expect(options.first).to_have_attribute("aria-selected", "true")
    first_id = options.first.get_attribute("id")
    expect(composer).to_have_attribute("aria-activedescendant", first_id)
    composer.press("ArrowDown")
    expect(composer).not_to_have_attribute("aria-activedescendant", first_id)
    composer.press("ArrowUp")
    expect(composer).to_have_attribute("aria-activedescendant", first_id)
    assert violations(console) == []

    composer.press("Escape")  # closes, and stays closed for this text
    expect(picker).to_be_hidden()
    expect(composer).to_have_value("/refund")
    composer.press_sequentially(" payment")
    expect(options.first).to_contain_text(REFUND)
    composer.press("Enter")  # inserts; nothing is sent yet
    expect(picker).to_be_hidden()
    assert composer.input_value().startswith("I'm sorry this charge wasn't what you expected.")
    expect(console.locator(".msg-employee")).to_have_count(0)

    composer.press("Control+End")
    composer.press_sequentially(" Best, Jonas")
    with console.expect_response(lambda r: "/uses" in r.url and r.request.method == "POST") as used:
        console.locator("#chat-send").click()
    assert used.value.json() == {"ok": True, "recorded": True}
    expect(widget.locator(".mm-msg.mm-employee .mm-bubble")).to_contain_text("Best, Jonas")

    marketing = pages()
    sign_in(marketing, "oliver@lumenledger.example")
    marketing.get_by_role("link", name="Snippets").click()
    row = marketing.locator("#snippets tr", has_text=REFUND)
    expect(row.locator(".uses-total")).to_have_text("1")
    expect(row.locator(".uses-recent")).to_have_text("1")
