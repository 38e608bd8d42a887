"""Rich text in a real browser: markdown rendered through DOMPurify in the console and the widget,
raw HTML and script links shown as text, no image loaded, safe links, dir="auto" on every
message, and right-to-left text kept as typed."""

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

HOSTILE = ("**bold** and `code` <img src=x onerror=alert(1)> [x](javascript:alert(1)) "
           "https://example.com/a")
ARABIC = "مرحبا، أحتاج **مساعدة** في الفاتورة"
PIXEL = "look ![pixel](https://tracker.invalid/p.gif)"
REPLY = "Sure: *check* this\n```\nif (a < b) {}\n```\n" + HOSTILE


def watch(page, dialogs: list, requests: list) -> None:
    """Record every dialog (an alert() that ran) and every request to what a message named."""
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url)
            if "tracker.invalid" in request.url or request.url.endswith("/x") else None)


def assert_rendered_safely(messages, body) -> None:
    """`body` is the one bubble holding HOSTILE, inside the chat list `messages`."""
    expect(body).to_have_attribute("dir", "auto")
    expect(body.locator("strong")).to_have_text("bold")
    expect(body.locator(":not(pre) > code")).to_have_text("code")
    expect(body).to_contain_text("<img src=x onerror=alert(1)>")  # the characters, not an element
    expect(body).to_contain_text("[x](javascript:alert(1))")
    expect(messages.locator("img")).to_have_count(0)
    expect(messages.locator("[href^='javascript' i]")).to_have_count(0)
    expect(messages.locator("[onerror], script, iframe, svg")).to_have_count(0)
    link = body.locator("a[href='https://example.com/a']")
    expect(link).to_have_text("https://example.com/a")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(body.locator("a")).to_have_count(1)


def test_markdown_renders_safely_in_console_and_widget(pages):
    dialogs, requests = [], []
    console = pages()
    watch(console, dialogs, requests)
    sign_in(console, "jonas@lumenledger.example")
    open_console_available(console)
    site = pages()
    watch(site, dialogs, requests)
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION, name="Maria")
    conversation_id = accept_offer(console, WEBHOOK_QUESTION)
    expect(widget.locator("#mm-input")).to_have_attribute("dir", "auto")
    expect(console.locator("#chat-input")).to_have_attribute("dir", "auto")

    customer_says(widget, HOSTILE)
    customer_says(widget, ARABIC)
    customer_says(widget, PIXEL)
    in_console = console.locator("#chat-messages")
    customer = in_console.locator(".msg-customer:not(.msg-pending) .msg-body")
    expect(customer).to_have_count(4)  # the question, then the three messages
    hostile = customer.filter(has_text="bold and")
    assert_rendered_safely(in_console, hostile)
    arabic = customer.nth(2)
    expect(arabic).to_have_attribute("dir", "auto")
    expect(arabic).to_have_text("مرحبا، أحتاج مساعدة في الفاتورة")
    expect(arabic.locator("strong")).to_have_text("مساعدة")
    assert arabic.evaluate("node => getComputedStyle(node).direction") == "rtl"
    assert hostile.evaluate("node => getComputedStyle(node).direction") == "ltr"
    pixel = customer.nth(3)
    expect(pixel.locator("a[href='https://tracker.invalid/p.gif']")).to_have_text("pixel")

    employee_says(console, REPLY)
    in_widget = widget.locator("#mm-messages")
    reply = in_widget.locator(".mm-employee .mm-bubble")
    expect(reply).to_have_count(1)
    assert_rendered_safely(in_widget, reply)
    expect(reply.locator("em")).to_have_text("check")
    expect(reply.locator("pre code")).to_have_text("if (a < b) {}\n")
    expect(reply.locator("p").first).to_contain_text("Sure: check this")
    mine = in_widget.locator(".mm-customer:not(.mm-pending) .mm-bubble")
    expect(mine).to_have_count(4)
    assert_rendered_safely(in_widget, mine.filter(has_text="bold and"))

    # An internal note renders the same way, and stays in the console.
    console.locator("#note-toggle").click()
    employee_says(console, "note: **billing** <b>x</b>")
    note = in_console.locator(".note:not(.note-pending) .note-body")
    expect(note.locator("strong")).to_have_text("billing")
    expect(note).to_have_attribute("dir", "auto")
    expect(note).to_contain_text("<b>x</b>")
    expect(in_console.locator("b")).to_have_count(0)

    marketing = pages()
    sign_in(marketing, "oliver@lumenledger.example")
    marketing.goto(f"/marketing/conversations/{conversation_id}")
    bodies = marketing.locator("#transcript .body")
    expect(bodies.first).to_be_visible()
    for i in range(bodies.count()):
        expect(bodies.nth(i)).to_have_attribute("dir", "auto")
    expect(marketing.locator("#transcript")).to_contain_text(HOSTILE)  # plain text there
    expect(marketing.locator("#transcript img")).to_have_count(0)

    assert dialogs == []
    assert requests == []  # neither the <img src=x> nor the pixel was fetched
