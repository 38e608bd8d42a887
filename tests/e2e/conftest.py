"""Real-browser fixtures: Debian's Chromium driven by Playwright, and a live server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers import free_port, start_server

from .flows import CHROMIUM, CHROMIUM_ARGS, new_page

# Short presence times so "the employee's browser closed" plays out within a test, and mail
# sent within a second to the loopback SMTP catcher the server runs.
PRESENCE_TTL_S = 10
REJOIN_GRACE_S = 3


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} "
                    "(apt-get install -y chromium); the e2e journeys need it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    """The Maildir the live server's SMTP catcher writes to."""
    return tmp_path / "mail"


@pytest.fixture
def live_server(tmp_path, request, mail_dir):
    """The real app with the demo company and the bundled model, on a free loopback port, with
    a real SMTP server on loopback catching its mail."""
    settings = {"presence_ttl": PRESENCE_TTL_S, "rejoin_grace": REJOIN_GRACE_S,
                "sweep_interval": 0.5, "smtp_host": "127.0.0.1", "smtp_port": free_port(),
                "smtp_security": "none", "mail_catcher_dir": str(mail_dir), "mail_delay": 1,
                "mail_interval": 0.5, "limit_questions": "1000 per minute"}
    server = start_server(tmp_path, f"sqlite:///{tmp_path}/e2e.db", real_model=True,
                          settings=settings, catch_mail=True)
    yield server
    server.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(f"\n--- server log ({server.log_path}) ---\n{server.log()[-6000:]}")


@pytest.fixture
def pages(browser, live_server):
    """Open pages in separate browser contexts (separate people); uncaught JS errors fail the test."""
    contexts, errors = [], []

    def open_page():
        context, page = new_page(browser, live_server.url)
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"),
                                          dialog.dismiss()))
        contexts.append(context)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors or dialogs in the browser: {errors}"
