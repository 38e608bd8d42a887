"""The widget speaks the customer's language, in a real browser: from the page's lang, from the
script tag's data-lang, from the browser's languages; the console in Dutch by choice, and in
French or German on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .accessibility import violations
from .flows import (
    accept_offer,
    ask,
    new_page,
    open_console_available,
    open_widget,
    sign_in,
)

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


# What a French or German console says: the server's catalog (top bar), console_texts.js
# (toolbar, requests, the chat's buttons, composer), notes.js (the note toggle) and snippets.js.
BANK_QUESTION = ("My bank statement does not reconcile automatically with my open invoices. "
                 "How do I fix that?")
CONSOLE_WORDS = {
    "fr": {"sign_out": "Se déconnecter", "available": "Disponible pour de nouvelles questions",
           "connected": "Connecté", "requests": "Demandes", "accept": "Accepter",
           "buttons": {"#chat-close": "Terminer la conversation", "#invite": "Inviter",
                       "#hand-over": "Transférer"}, "send": "Envoyer",
           "reply": "Répondre à Maria…", "note": "Écrire une note interne", "snippets": "Réponses types"},
    "de": {"sign_out": "Abmelden", "available": "Verfügbar für neue Fragen",
           "connected": "Verbunden", "requests": "Anfragen", "accept": "Annehmen",
           "buttons": {"#chat-close": "Chat beenden", "#invite": "Einladen",
                       "#hand-over": "Übergeben"}, "send": "Senden",
           "reply": "Antwort an Maria…", "note": "Eine interne Notiz schreiben",
           "snippets": "Textbausteine"},
}


def fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth")


@pytest.mark.parametrize("language, browser_locale", [
    ("fr", "fr-FR"),  # the browser asks for French
    ("de", "en-GB"),  # an English browser; she picks Deutsch in the top bar
])
def test_a_french_or_german_employee_answers_on_a_phone_in_her_language(
        browser, live_server, pages, language, browser_locale):
    words = CONSOLE_WORDS[language]
    context, console = new_page(browser, live_server.url, locale=browser_locale)
    console.set_viewport_size({"width": 375, "height": 740})
    errors: list[str] = []
    console.on("pageerror", lambda error: errors.append(str(error)))
    try:
        sign_in(console, "anouk@lumenledger.example")
        console.goto("/console/")
        if browser_locale.startswith("en"):
            console.locator(f"#language-form button[value={language}]").click()
        expect(console.locator("html")).to_have_attribute("lang", language)
        expect(console.locator(".topbar")).to_contain_text(words["sign_out"])
        expect(console.locator("#connection")).to_have_text(words["connected"])
        expect(console.get_by_text(words["available"])).to_be_visible()
        expect(console.locator(".side-section h2").first).to_contain_text(words["requests"])
        open_console_available(console)

        ask(open_widget(pages()), BANK_QUESTION, name="Maria")  # Anouk's field; she is alone
        card = console.locator(".offer-card", has_text=BANK_QUESTION)
        expect(card.locator(".accept-offer")).to_have_text(words["accept"])
        assert fits(console), "the request pushes the console sideways"
        accept_offer(console, BANK_QUESTION)
        for button, text in words["buttons"].items():
            expect(console.locator(button)).to_have_text(text)
            box = console.locator(button).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, text
        expect(console.locator("#chat-send")).to_have_text(words["send"])
        expect(console.locator("#chat-input")).to_have_attribute("placeholder", words["reply"])
        expect(console.locator("#note-toggle")).to_have_attribute(
            "title", re.compile("^" + re.escape(words["note"])))
        assert fits(console), "the chat's buttons push the console sideways"
        assert console.locator("#chat-input").bounding_box()["width"] >= 120  # room to write
        assert violations(console) == []

        console.locator("#chat-input").press_sequentially("/refund")
        expect(console.get_by_role("listbox", name=words["snippets"])).to_be_visible()
        assert fits(console)
    finally:
        context.close()
    assert errors == []


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
