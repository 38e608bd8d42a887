"""Meet the makers in a real browser: the team page lists the makers who opted in (Jonas) and not
those who did not (Aleksandra); "Ask the developers" opens the widget addressed to them, and the
question goes to a developer even when a support colleague fits it better; with no developer
available it falls back to the best colleague overall, and the customer is told."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .accessibility import violations
from .flows import accept_offer, ask, open_console_available, sign_in

pytestmark = pytest.mark.e2e

# Anouk (support) fits it best of everyone; Jonas best of the developers.
QUESTION = ("Our bank reconciliation shows duplicate invoices after we retried an API call. "
            "Who can help?")


def open_team_page(page: Page):
    """The team page from the demo site's link; its buttons open the widget addressed."""
    page.goto("/")
    page.locator("#team-link").click()
    page.wait_for_url("**/team**")
    return page


def ask_the_developers(page: Page):
    page.locator("#team-developer .makers-ask-team").click()
    frame_element = page.locator("#matchmaker-widget-frame")
    expect(frame_element).to_be_visible()
    widget = page.frame_locator("#matchmaker-widget-frame")
    expect(widget.locator("#mm-target-line")).to_have_text("Asking: the developers")
    return widget


def test_the_team_page_lists_opted_in_makers_and_the_developers_get_the_question(pages):
    jonas, anouk = pages(), pages()
    for console, email in ((jonas, "jonas@lumenledger.example"),
                           (anouk, "anouk@lumenledger.example")):
        sign_in(console, email)
        open_console_available(console)

    site = open_team_page(pages())
    developers = site.locator("#team-developer")
    expect(developers.locator(".maker-name", has_text="Jonas Vermeulen")).to_be_visible()
    expect(developers).to_contain_text("Ask Jonas")
    expect(site.locator(".maker-languages").first).to_be_visible()
    expect(site.locator("#team-page")).not_to_contain_text("Aleksandra")  # never opted in
    expect(site.locator("#team-page")).not_to_contain_text("@lumenledger.example")

    widget = ask_the_developers(site)
    ask(widget, QUESTION, name="Maria")
    expect(widget.locator("#mm-asking")).to_contain_text("Asking Jonas Vermeulen")
    expect(widget.locator("#mm-asking")).to_contain_text("chosen within the developers, as you asked")
    expect(widget.locator("#mm-fell-back")).to_have_count(0)

    accept_offer(jonas, QUESTION)
    expect(widget.locator("#mm-joined")).to_contain_text("Jonas Vermeulen")
    expect(anouk.locator(".offer-card", has_text=QUESTION)).to_have_count(0)


def test_with_no_developer_available_the_question_falls_back_and_the_customer_is_told(pages):
    anouk = pages()
    sign_in(anouk, "anouk@lumenledger.example")
    open_console_available(anouk)

    site = open_team_page(pages())
    widget = ask_the_developers(site)
    ask(widget, QUESTION)
    expect(widget.locator("#mm-fell-back")).to_have_text(
        "None of the developers can answer right now. Anouk from Customer Support will help you.")
    expect(widget.locator("#mm-asking")).to_contain_text("Asking Anouk Janssens")
    expect(widget.locator("#mm-asking")).not_to_contain_text("as you asked")

    accept_offer(anouk, QUESTION)
    expect(widget.locator("#mm-joined")).to_contain_text("Anouk Janssens")


def test_the_choice_can_be_cleared_before_asking(pages):
    site = open_team_page(pages())
    widget = ask_the_developers(site)
    widget.locator("#mm-target-clear").click()
    expect(widget.locator("#mm-target")).to_be_hidden()


@pytest.mark.parametrize("path, signed_in", [("/team", None),
                                             ("/console/profile", "jonas@lumenledger.example"),
                                             ("/marketing/snippets", "oliver@lumenledger.example")])
def test_the_new_pages_read_on_a_phone_and_pass_axe(pages, path, signed_in):
    page = pages()
    page.set_viewport_size({"width": 375, "height": 740})
    if signed_in:
        sign_in(page, signed_in)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scroll
    assert violations(page) == []
