"""Attachments in a real browser: the customer attaches an image from the widget's paperclip and
the employee sees it inline (its alt text the file's name); the employee attaches a PDF from the
console and the customer gets a download link with its size; marketing's transcript shows both."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.attachment_files import jpeg_with_gps, pdf

from .flows import (
    WEBHOOK_QUESTION,
    accept_offer,
    ask,
    open_console_available,
    open_widget,
    sign_in,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def attachments_dir(tmp_path, monkeypatch):
    """The live server keeps files in this test's folder (set before it starts)."""
    monkeypatch.setenv("MATCHMAKER_ATTACHMENTS_DIR", str(tmp_path / "attachments"))


def test_an_image_and_a_pdf_cross_the_chat(pages):
    console = pages()
    sign_in(console, "jonas@lumenledger.example")
    open_console_available(console)
    site = pages()
    widget = open_widget(site)
    ask(widget, WEBHOOK_QUESTION, name="Maria")
    conversation_id = accept_offer(console, WEBHOOK_QUESTION)

    expect(widget.locator("#mm-attach")).to_have_attribute("aria-label", "Attach an image or a PDF")
    widget.locator("#mm-attach-file").set_input_files(
        files=[{"name": "screenshot.jpg", "mimeType": "image/jpeg",
                "buffer": jpeg_with_gps((60, 30))}])
    thumb = console.locator(".msg-customer img.mm-thumb")
    expect(thumb).to_have_attribute("alt", "screenshot.jpg")
    expect(thumb).to_be_visible()
    console.wait_for_function(  # the signed link really served the (re-encoded) image
        "() => { const i = document.querySelector('.msg-customer img.mm-thumb');"
        " return i && i.complete && i.naturalWidth === 60; }")
    expect(widget.locator(".mm-customer img.mm-thumb")).to_have_attribute("alt", "screenshot.jpg")

    console.locator("#chat-attach-file").set_input_files(
        files=[{"name": "quote.pdf", "mimeType": "application/pdf", "buffer": pdf()}])
    link = widget.locator(".mm-employee a.mm-attachment-file")
    expect(link).to_contain_text("quote.pdf")
    expect(link.locator(".mm-file-size")).to_have_text(f" ({len(pdf())} B)")
    with site.expect_download() as downloaded:
        link.click()
    assert downloaded.value.suggested_filename == "quote.pdf"

    widget.locator("#mm-attach-file").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"<html>not an image"}])
    expect(widget.locator(".mm-error")).to_contain_text("Only images (PNG, JPEG, WebP, GIF) and PDF")

    marketing = pages()
    sign_in(marketing, "oliver@lumenledger.example")
    marketing.goto(f"/marketing/conversations/{conversation_id}")
    transcript = marketing.locator("#transcript")
    expect(transcript.locator("img.mm-thumb")).to_have_attribute("alt", "screenshot.jpg")
    expect(transcript.locator("a.mm-attachment-file")).to_contain_text("quote.pdf")
