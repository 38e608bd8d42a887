"""Take the README screenshots: `.venv/bin/python docs/screenshots/take.py [--out DIR]`.

Starts a throw-away server (demo data, the bundled model) on a loopback port, plays a short
conversation between a customer on the demo site and Jonas in the console, and saves
widget.png, console.png, marketing.png and transcript.png. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.e2e.flows import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    WEBHOOK_QUESTION,
    accept_offer,
    ask,
    customer_says,
    employee_says,
    new_page,
    open_console_available,
    open_widget,
    sign_in,
)
from tests.servers import start_server  # noqa: E402

SECOND_QUESTION = ("If my endpoint is down, do you retry webhooks — and how do I avoid "
                   "booking the same payment twice?")


def settle(page) -> None:
    """Let transitions and the countdown finish a frame before the picture."""
    page.wait_for_timeout(600)


def live_conversation(browser, url: str):
    """Jonas answers Maria on the demo site; returns (console page, widget page, widget frame)."""
    _, console = new_page(browser, url)
    sign_in(console, "jonas@lumenledger.example")
    open_console_available(console)
    _, site = new_page(browser, url)
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION, name="Maria Keller")
    expect(widget.locator("#mm-asking")).to_contain_text("Jonas Vermeulen")
    accept_offer(console, WEBHOOK_QUESTION)
    employee_says(console, "Hi Maria! Every webhook carries a Lumen-Signature header: an "
                           "HMAC-SHA256 of the raw request body, keyed with your endpoint secret.")
    customer_says(widget, "Do I compute it over the parsed JSON or the raw bytes?")
    employee_says(console, "Over the raw bytes, before any JSON parsing, and compare in constant "
                           "time. The guide is at https://docs.lumenledger.example/webhooks")
    expect(widget.locator(".mm-employee")).to_have_count(2)
    widget.locator("#mm-input").press_sequentially("Perfect, and the timestamp")
    return console, site, widget


def take(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), f"sqlite:///{tmp}/screens.db", real_model=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                console, site, widget = live_conversation(browser, server.url)
                settle(site)
                site.screenshot(path=out / "widget.png")

                _, other = new_page(browser, server.url)
                ask(open_widget(other), SECOND_QUESTION, name="Tom Becker")
                expect(console.locator(".offer-card")).to_have_count(1)
                expect(console.locator(".typing")).to_be_hidden()
                settle(console)
                console.screenshot(path=out / "console.png")

                _, marketing = new_page(browser, server.url)
                sign_in(marketing, "oliver@lumenledger.example")
                marketing.goto("/marketing/")
                settle(marketing)
                marketing.screenshot(path=out / "marketing.png")

                marketing.goto("/marketing/?consent=granted&rating=5")
                marketing.locator("#conversations tbody a").first.click()
                expect(marketing.locator("#transcript")).to_be_visible()
                settle(marketing)
                marketing.screenshot(path=out / "transcript.png")
                browser.close()
        finally:
            server.stop()
    for name in ("widget", "console", "marketing", "transcript"):
        print(out / f"{name}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    take(parser.parse_args().out)


if __name__ == "__main__":
    main()
