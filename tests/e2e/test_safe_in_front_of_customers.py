"""Safe in front of real customers, in a real browser: nobody stranded, the customer's leaving
seen, the rating never forced, the offline answer e-mailed with a link that reopens it, focus
that follows the widget, honest limits, and no serious accessibility violation."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from web.mailcatcher import caught

from .accessibility import violations
from .conftest import PRESENCE_TTL_S
from .flows import (
    WEBHOOK_QUESTION,
    accept_offer,
    answered_chat,
    ask,
    customer_says,
    employee_says,
    new_page,
    open_console_available,
    open_widget,
    sign_in,
)

pytestmark = pytest.mark.e2e


def test_when_the_employees_browser_closes_the_customer_is_told_and_the_next_person_asked(
        browser, live_server, pages):
    jonas_context, jonas = new_page(browser, live_server.url)
    sign_in(jonas, "jonas@lumenledger.example")
    open_console_available(jonas)
    aino = pages()
    sign_in(aino, "aino@lumenledger.example")
    open_console_available(aino)
    site = pages()
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION, name="Maria")
    accept_offer(jonas, WEBHOOK_QUESTION)
    customer_says(widget, "Is it in a header?")
    expect(widget.locator("#mm-joined")).to_contain_text("Jonas Vermeulen")

    jonas_context.close()  # the browser is gone, without a word
    closed_at = time.monotonic()
    expect(widget.locator(".mm-left")).to_have_text("Jonas Vermeulen had to leave the chat.",
                                                    timeout=(PRESENCE_TTL_S + 5) * 1000)
    expect(widget.locator("#mm-asking")).to_contain_text("Aino Virtanen")
    expect(widget.locator("#mm-asking")).to_contain_text("Payer support specialist")
    assert time.monotonic() - closed_at <= PRESENCE_TTL_S + 5
    card = aino.locator(".offer-card", has_text=WEBHOOK_QUESTION)
    expect(card).to_contain_text("Continues a chat Jonas Vermeulen had to leave")
    accept_offer(aino, WEBHOOK_QUESTION)
    expect(widget.locator("#mm-joined")).to_contain_text("Aino Virtanen")
    # The history came along.
    expect(aino.locator(".msg-customer", has_text="Is it in a header?")).to_be_visible()


def test_the_console_shows_the_customer_leaving_and_coming_back(pages):
    console, site, widget = answered_chat(pages)
    expect(console.locator("#customer-presence")).to_have_text("on the page")
    site.goto("about:blank")  # the customer went elsewhere
    expect(console.locator("#customer-presence")).to_have_text("left the page", timeout=15_000)
    expect(console.locator(".msg-event", has_text="Maria left the page.")).to_be_visible()
    expect(console.locator("#pane-note")).to_contain_text("Maria has left the page.")
    site.goto("/")  # and came back: the widget reconnects to the same conversation
    expect(console.locator("#customer-presence")).to_have_text("on the page", timeout=15_000)
    expect(console.locator(".msg-event", has_text="Maria is back.")).to_be_visible()


def test_the_rating_can_be_skipped_and_is_not_asked_again(pages):
    console, site, widget = answered_chat(pages)
    widget.locator("#mm-close").click()
    expect(widget.locator(".mm-rating")).to_be_visible()
    widget.locator("#mm-rate-skip").click()
    expect(widget.locator("#mm-ended-note")).to_have_text("This chat has ended.")
    site.reload()
    site.locator("#matchmaker-launcher").click()
    widget = site.frame_locator("#matchmaker-widget-frame")
    expect(widget.locator("#mm-ended-note")).to_be_visible()
    expect(widget.locator(".mm-rating")).to_have_count(0)
    widget.locator("#mm-new").click()  # ask something else
    expect(widget.locator("#mm-question")).to_be_visible()


def test_a_question_nobody_answered_is_not_rated(pages):
    site = pages()
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION)
    expect(widget.locator("#mm-offline")).to_be_visible()
    widget.locator("#mm-close").click()
    expect(widget.locator("#mm-ended-note")).to_be_visible()
    expect(widget.locator(".mm-rating")).to_have_count(0)


def test_an_address_left_after_the_console_opened_the_question_changes_its_reply_note(pages):
    """The note above the reply box says whether the reply will be mailed: it follows an
    address the customer leaves while the employee has the question open."""
    site = pages()
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION, name="Hugo")
    expect(widget.locator("#mm-offline")).to_be_visible()
    console = pages()
    sign_in(console, "jonas@lumenledger.example")
    console.goto("/console/")
    console.locator(".inbox-item", has_text="Hugo").locator(".chat-open").click()
    note = console.locator("#pane-note")
    expect(note).to_contain_text("Hugo sees your reply when they come back to the page.")
    widget.locator("#mm-offline-email").fill("hugo@example.org")
    widget.locator("#mm-offline-send").click()
    expect(widget.locator("#mm-offline-done")).to_contain_text("hugo@example.org")
    expect(console.locator(".pane-email")).to_have_text("hugo@example.org")
    expect(note).to_contain_text("by e-mail at hugo@example.org")


def test_an_offline_answer_is_mailed_and_its_link_reopens_the_conversation(
        browser, live_server, pages, mail_dir):
    customer_context, site = new_page(browser, live_server.url)
    widget = open_widget(site)
    widget.locator("#mm-email").fill("maria@example.org")
    ask(widget, WEBHOOK_QUESTION, name="Maria")
    expect(widget.locator("#mm-offline-why")).to_contain_text(
        "Jonas Vermeulen (Senior backend developer), who knows this best, is not available")
    expect(widget.locator("#mm-offline-done")).to_contain_text(
        "we will e-mail you at maria@example.org")
    site.close()  # the customer leaves

    console = pages()
    sign_in(console, "jonas@lumenledger.example")
    console.goto("/console/")
    item = console.locator(".inbox-item", has_text="Maria")
    item.locator(".chat-open").click()
    expect(console.locator(".msg-customer", has_text=WEBHOOK_QUESTION)).to_be_visible()
    employee_says(console, "Sign the raw body with your endpoint secret; the header is Lumen-Signature.")

    deadline = time.monotonic() + 15
    while not caught(str(mail_dir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    [mail] = caught(str(mail_dir))
    assert mail.to == "maria@example.org" and "Jonas Vermeulen answered" in mail.subject
    link = re.search(r"http://\S+#mm-resume=\S+", mail.text).group(0)

    returning = customer_context.new_page()  # the same browser, later: the badge says 1
    returning.goto("/")
    expect(returning.locator("#matchmaker-launcher .mm-badge")).to_have_text("1")
    expect(returning.locator("#matchmaker-launcher")).to_have_attribute(
        "aria-label", "Ask a question (1 unread reply)")

    elsewhere = pages()  # the link, opened on another device
    elsewhere.goto(link)
    expect(elsewhere.locator("#matchmaker-widget-frame")).to_be_visible()
    assert "mm-resume" not in elsewhere.url
    reopened = elsewhere.frame_locator("#matchmaker-widget-frame")
    expect(reopened.locator(".mm-new")).to_be_visible()
    expect(reopened.locator(".mm-employee .mm-bubble")).to_contain_text("Lumen-Signature")
    expect(reopened.locator("#mm-answered")).to_contain_text("Jonas Vermeulen answered")
    expect(reopened.locator("#mm-offline")).to_have_count(0)  # no stale "nobody is free"
    customer_context.close()


def test_escape_closes_the_widget_and_returns_focus_to_the_launcher(pages):
    site = pages()
    widget = open_widget(site)
    widget.locator("#mm-question").fill("draft")
    widget.locator("#mm-question").press("Escape")
    expect(site.locator("#matchmaker-widget-frame")).to_be_hidden()
    launcher = site.locator("#matchmaker-launcher")
    expect(launcher).to_be_focused()
    site.keyboard.type("typedafterclosing")  # (a space would press the focused launcher)
    expect(widget.locator("#mm-question")).to_have_value("draft")


def test_a_long_paste_is_never_cut_and_the_counter_shows_the_servers_limit(pages):
    site = pages()
    widget = open_widget(site)
    box = widget.locator("#mm-question")
    expect(widget.locator("#mm-question-count")).to_have_text("0 / 2,000")
    box.fill("x" * 10_000)
    expect(widget.locator("#mm-question-count")).to_have_text(
        "8,000 characters too many (the limit is 2,000)")
    expect(box).to_have_attribute("aria-invalid", "true")
    widget.locator("#mm-ask").click()
    expect(widget.locator("#mm-ask-error")).to_contain_text("shorten your question")
    assert len(box.input_value()) == 10_000  # nothing was cut


def test_no_serious_accessibility_violations_on_any_page(pages):
    console, site, widget = answered_chat(pages)
    frame = next(f for f in site.frames if "/widget" in f.url)
    found = {"demo site with the widget open": violations(site), "widget (chat)": violations(frame),
             "console (chat)": violations(console)}
    widget.locator("#mm-close").click()
    expect(widget.locator(".mm-rating")).to_be_visible()
    found["widget (rating)"] = violations(frame)
    staff = pages()
    sign_in(staff, "hanna@lumenledger.example")
    for path in ("/marketing/", "/marketing/conversations/1", "/admin/", "/admin/employees/1",
                 "/admin/playground?q=webhook+signatures", "/admin/mail", "/console/", "/api/docs"):
        staff.goto(path)
        found[path] = violations(staff)
    assert {page: v for page, v in found.items() if v} == {}
