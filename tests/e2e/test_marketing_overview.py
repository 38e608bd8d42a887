"""Marketing's overview and story candidates in a real browser, on the demo company's past
conversations: the six charts are drawn by the vendored Chart.js under the page's CSP (no
error), the figures are also there as tables, and the candidates page marks a sentence to
quote."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .accessibility import violations
from .flows import sign_in

pytestmark = pytest.mark.e2e


def test_the_overview_draws_every_chart_and_lists_the_figures(pages):
    page = pages()
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    sign_in(page, "oliver@lumenledger.example")
    page.goto("/marketing/overview?weeks=12")
    expect(page.locator("body")).to_have_attribute("data-charts-drawn", "6")
    box = page.locator("#chart-consent").bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    page.locator("#overview-tables summary").click()
    rows = page.locator("#weeks-table tbody tr")
    expect(rows).to_have_count(12)
    assert console_errors == []
    assert violations(page) == []


def test_story_candidates_mark_the_sentence_to_quote(pages):
    page = pages()
    sign_in(page, "oliver@lumenledger.example")
    page.goto("/marketing/candidates")
    first = page.locator("#candidates .candidate").first
    expect(first.locator("mark")).not_to_be_empty()
    page.locator("#candidate-query").fill("saved time")
    page.locator("#candidate-filters button[type=submit]").click()
    expect(page.locator("#candidates .candidate").first).to_be_visible()
    assert violations(page) == []
