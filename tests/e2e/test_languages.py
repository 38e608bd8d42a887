"""The widget speaks the customer's language, in a real browser: from the page's lang, from the
script tag's data-lang, from the browser's languages; the console in Dutch by choice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .flows import new_page, open_console_available, sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language, launcher, title, ask", [
    ("nl", "Stel een vraag", "Stel ons je vraag", "Vragen"),
    ("fr", "Poser une question", "Posez-nous votre question", "Envoyer"),
    ("de", "Eine Frage stellen", "Fragen Sie uns", "Fragen"),
])
def test_the_widget_speaks_the_pages_language(pages, language, launcher, title, ask):
    site = pages()
    site.goto(f"/?lang={language}")
    expect(site.locator("html")).to_have_attribute("lang", language)
    site.get_by_role("button", name=launcher).click()
    widget = site.frame_locator("#matchmaker-widget-frame")
    expect(widget.locator("html")).to_have_attribute("lang", language)
    expect(widget.locator(".mm-title")).to_have_text(title)
    expect(widget.locator("#mm-ask")).to_have_text(ask)


def test_the_browsers_language_counts_when_the_page_says_none(browser, live_server):
    context, site = new_page(browser, live_server.url, locale="nl-BE")
    try:
        site.goto("/widget")  # the widget on its own page, as a mail link opens it: no page lang
        expect(site.locator(".mm-title")).to_have_text("Stel ons je vraag")
        site.locator("#mm-question").fill("x" * 2_500)
        expect(site.locator("#mm-question-count")).to_have_text(
            "500 tekens te veel (de limiet is 2.000)")
    finally:
        context.close()


def test_an_employee_switches_the_console_to_dutch(pages):
    console = pages()
    sign_in(console, "anouk@lumenledger.example")
    console.goto("/console/")
    expect(console.locator("#available-toggle")).to_be_enabled()
    console.locator("#language-form button[value=nl]").click()
    expect(console.locator("html")).to_have_attribute("lang", "nl")
    expect(console.get_by_text("Beschikbaar voor nieuwe vragen")).to_be_visible()
    expect(console.locator(".topbar")).to_contain_text("Afmelden")
    expect(console.locator("#connection")).to_contain_text("Verbonden")
    console.reload()  # it is her account's choice now, not the page's
    expect(console.get_by_text("Beschikbaar voor nieuwe vragen")).to_be_visible()


@pytest.mark.parametrize("language, question, asking, why", [
    ("nl", "Mijn bankafschrift wordt niet automatisch afgestemd met mijn openstaande facturen. "
           "Hoe los ik dat op?", "We vragen het aan", "Bank reconciliation support specialist"),
    ("fr", "Mon relevé bancaire ne se rapproche pas automatiquement de mes factures ouvertes. "
           "Comment faire ?", "Nous demandons à", "Bank reconciliation support specialist"),
])
def test_a_question_in_dutch_or_french_reaches_the_support_colleague_who_speaks_it(
        pages, language, question, asking, why):
    console = pages()
    sign_in(console, "anouk@lumenledger.example")  # support; speaks Dutch and French
    open_console_available(console)
    other = pages()
    sign_in(other, "liam@lumenledger.example")  # billing support; English only
    open_console_available(other)
    site = pages()
    site.goto(f"/?lang={language}")
    site.locator("#matchmaker-launcher").click()
    widget = site.frame_locator("#matchmaker-widget-frame")
    widget.locator("#mm-question").fill(question)
    widget.locator("#mm-ask").click()
    banner = widget.locator("#mm-asking")
    expect(banner).to_contain_text(asking)
    expect(banner).to_contain_text("Anouk Janssens")
    expect(banner).to_contain_text(why)
    expect(console.locator(".offer-card", has_text=question[:40])).to_be_visible()
    expect(other.locator(".offer-card")).to_have_count(0)
