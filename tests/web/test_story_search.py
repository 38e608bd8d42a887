"""Marketing's story candidates over HTTP: the page and its JSON, access, search, filters and
escaping (the ranking rules themselves: tests/unit/test_story_finder.py)."""

import re

import pytest

from tests.web.conftest import login
from tests.web.test_pages import finished_conversation

SAVED = "This saved us hours of work every week. <b>Thank you</b>, you were a great help."


@pytest.fixture
def stories(app, console, customer):
    """Two finished chats: one praising (5 stars, consent) and one plain question (2, refused)."""
    return {"praise": finished_conversation(app, console, customer, "webhook signature one", 5,
                                            True, SAVED),
            "question": finished_conversation(app, console, customer, "webhook signature two",
                                              2, False, "How much does it cost?")}


def marketing(app):
    client = app.test_client()
    login(client, "marketing@example.test")
    return client


def test_marketing_sees_the_praise_first_with_its_sentence_highlighted(app, stories):
    found = marketing(app).get("/api/marketing/candidates").get_json()["candidates"]
    best = found[0]
    assert best["conversation_id"] == stories["praise"]
    assert best["stars"] == 5 and best["consent"] is True
    highlighted = best["body"][best["highlight"]["start"]:best["highlight"]["end"]]
    assert highlighted and highlighted in SAVED
    assert stories["question"] not in [c["conversation_id"] for c in found]


def test_the_page_escapes_the_customer_s_words_and_marks_the_highlight(app, stories):
    page = marketing(app).get("/marketing/candidates").get_data(as_text=True)
    assert "<mark>" in page and "&lt;b&gt;Thank you&lt;/b&gt;" in page
    assert "<b>Thank you</b>" not in page
    assert f"/marketing/conversations/{stories['praise']}" in page


def test_a_search_finds_passages_by_their_words_even_without_impact(app, stories):
    found = marketing(app).get("/api/marketing/candidates?q=cost").get_json()["candidates"]
    assert [c["conversation_id"] for c in found] == [stories["question"]]


def test_filters_apply_to_the_json_and_the_page(app, stories):
    client = marketing(app)
    refused = client.get("/api/marketing/candidates?consent=refused&q=cost").get_json()
    assert [c["conversation_id"] for c in refused["candidates"]] == [stories["question"]]
    granted = client.get("/api/marketing/candidates?consent=granted&rating=5").get_json()
    assert [c["conversation_id"] for c in granted["candidates"]] == [stories["praise"]]
    page = client.get("/marketing/candidates?consent=refused").get_data(as_text=True)
    assert f"/marketing/conversations/{stories['praise']}" not in page


@pytest.mark.parametrize("query", ["rating=9", "since=yesterday", "employee=abc",
                                   "consent=maybe", "since=2026-02-01&until=2026-01-01",
                                   "q=" + "x" * 301])
def test_a_bad_filter_is_refused_with_a_code(app, query):
    response = marketing(app).get(f"/api/marketing/candidates?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"] in ("invalid_filter", "invalid_query")


@pytest.mark.parametrize("path", ["/marketing/candidates", "/api/marketing/candidates"])
def test_only_marketing_may_search_the_stories(app, path):
    client = app.test_client()
    login(client, "dev@example.test")
    assert client.get(path).status_code == 403
    signed_out = app.test_client().get(path)
    if path.startswith("/api/"):  # a JSON caller gets JSON, not the sign-in page
        assert signed_out.status_code == 401 and signed_out.get_json()["error"] == "unauthorized"
        assert client.get(path).get_json()["error"] == "forbidden"
    else:
        assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]


def test_marketing_marks_a_part_of_a_message_and_it_leads_the_candidates(app, stories):
    client = marketing(app)
    page = client.get(f"/marketing/conversations/{stories['question']}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    marked = client.post(f"/marketing/conversations/{stories['question']}/marks",
                         data={"csrf_token": token, "seq": "2", "start": "9", "end": "13"})
    assert marked.status_code == 302
    found = client.get("/api/marketing/candidates").get_json()["candidates"]
    assert found[0]["conversation_id"] == stories["question"] and found[0]["marked"]
    assert found[0]["body"][found[0]["highlight"]["start"]:found[0]["highlight"]["end"]] == "does"
    refused = client.post(f"/marketing/conversations/{stories['question']}/marks",
                          data={"csrf_token": token, "seq": "2", "start": "9", "end": "900"})
    assert refused.status_code == 400
