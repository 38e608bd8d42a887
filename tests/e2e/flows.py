"""Browser steps shared by the e2e journeys and the README screenshot script."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, FrameLocator, Page, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PASSWORD = "matchmaker-demo"
TIMEOUT_MS = 15_000
WEBHOOK_QUESTION = "How do I verify the webhook signature on invoice.paid events from your API?"

expect.set_options(timeout=TIMEOUT_MS)


def new_page(browser: Browser, base_url: str, **options) -> tuple[BrowserContext, Page]:
    """A fresh context (its own cookies and localStorage) and one page in it."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800},
                                  **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def sign_in(page: Page, email: str) -> None:
    """Sign in, whatever language the page speaks."""
    page.goto("/login")
    page.locator("#login-form input[name=email]").fill(email)
    page.locator("#login-form input[name=password]").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def open_console_available(page: Page) -> None:
    """The console, connected, with 'Available for new questions' switched on (and stored)."""
    page.goto("/console/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
    toggle = page.locator("#available-toggle")
    expect(toggle).to_be_enabled()
    toggle.check()
    expect(page.locator("#console")).to_have_attribute("data-available", "true")


def open_widget(page: Page) -> FrameLocator:
    """The demo site with the widget opened from its launcher."""
    page.goto("/")
    page.locator("#matchmaker-launcher").click()
    expect(page.locator("#matchmaker-widget-frame")).to_be_visible()
    return page.frame_locator("#matchmaker-widget-frame")


def ask(frame: FrameLocator, question: str, name: str = "") -> None:
    frame.locator("#mm-question").fill(question)
    if name:
        frame.locator("#mm-name").fill(name)
    frame.locator("#mm-ask").click()


def accept_offer(console: Page, question: str) -> str:
    """Accept the request showing `question`; returns the conversation id now open in the pane."""
    card = console.locator(".offer-card", has_text=question)
    expect(card).to_be_visible()
    card.locator(".accept-offer").click()
    expect(console.locator("#chat-input")).to_be_visible()
    selected = console.locator('.chat-item:has(.chat-open[aria-current="true"])')
    expect(selected).to_have_count(1)
    return selected.get_attribute("data-conversation-id")


def customer_says(frame: FrameLocator, text: str) -> None:
    frame.locator("#mm-input").fill(text)
    frame.locator("#mm-send").click()


def employee_says(console: Page, text: str) -> None:
    console.locator("#chat-input").fill(text)
    console.locator("#chat-send").click()


def answered_chat(pages, name="Maria"):
    """Jonas answers a customer live: (console page, site page, widget frame)."""
    console = pages()
    sign_in(console, "jonas@lumenledger.example")
    open_console_available(console)
    site = pages()
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION, name=name)
    accept_offer(console, WEBHOOK_QUESTION)
    customer_says(widget, "Is it in a header?")
    employee_says(console, "Yes: Lumen-Signature.")
    expect(widget.locator(".mm-employee .mm-bubble")).to_have_text("Yes: Lumen-Signature.")
    return console, site, widget
