"""Live events lost on the way heal without a reload: a `said` event dropped between the server
and the widget shows up once the next one reveals the hole (the widget syncs from its highest
contiguous seq)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .flows import (
    WEBHOOK_QUESTION,
    accept_offer,
    ask,
    employee_says,
    open_console_available,
    open_widget,
    sign_in,
)

pytestmark = pytest.mark.e2e
LOST = "This first answer is lost on the way."
NEXT = "And this one arrives."


def test_a_message_whose_event_was_lost_shows_up_without_a_reload(pages):
    console = pages()
    sign_in(console, "jonas@lumenledger.example")
    open_console_available(console)

    site = pages()
    dropped: list[str] = []

    def lose_one_said_event(ws):
        server = ws.connect_to_server()

        def to_page(message):
            if isinstance(message, str) and '"said"' in message and LOST in message \
                    and not dropped:
                dropped.append(message)  # like an emit lost while Redis restarts
                return
            ws.send(message)

        server.on_message(to_page)

    site.context.route_web_socket(re.compile(r".*/socket\.io/.*"), lose_one_said_event)
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION, name="Maria")
    accept_offer(console, WEBHOOK_QUESTION)
    expect(widget.locator("#mm-joined")).to_contain_text("Jonas Vermeulen")

    employee_says(console, LOST)
    expect(console.locator(".msg-employee", has_text=LOST)).to_be_visible()
    employee_says(console, NEXT)
    bubbles = widget.locator(".mm-msg.mm-employee .mm-bubble")
    expect(bubbles).to_have_text([LOST, NEXT])  # both, in seq order, without a reload
    assert len(dropped) == 1
