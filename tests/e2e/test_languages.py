"""The widget speaks the customer's language, in a real browser: from the page's lang, from the
script tag's data-lang, from the browser's languages; the console in Dutch by choice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .flows import new_page, sign_in

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
