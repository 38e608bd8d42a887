"""Privacy duties over HTTP: only admins export or erase, the erasure needs its typed word,
every opening of a transcript is logged, and the retention job anonymises old chats."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.models import Conversation, Customer, TranscriptView
from tests.web.conftest import ask, csrf_token, login
from tests.web.test_pages import finished_conversation
from web.runtime import retain_once

SECRET = "my IBAN is BE71 0961 2345 6769"


@pytest.fixture
def finished(app, console, customer):
    """A closed chat of a customer who left their name and address: its id."""
    return finished_conversation(app, console, customer, "webhook signature", 5, True, SECRET)


@pytest.fixture
def admin(app):
    client = app.test_client()
    login(client, "admin@example.test")
    return client


def left_details(svc, conversation_id):
    with svc.transaction() as session:
        conv = session.get(Conversation, conversation_id)
        conv.customer.name, conv.customer.email = "Maria Kowalczyk", "maria@example.org"
        return conv.customer.id


def test_an_admin_finds_the_customer_by_address_and_exports_their_data(admin, svc, finished):
    customer_id = left_details(svc, finished)
    page = admin.get("/admin/privacy?email=MARIA@example.org").get_data(as_text=True)
    assert "Maria Kowalczyk" in page and f"/admin/privacy/customers/{customer_id}/export" in page
    response = admin.get(f"/admin/privacy/customers/{customer_id}/export")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert document["customer"]["email"] == "maria@example.org"
    assert SECRET in [m["body"] for m in document["conversations"][0]["messages"]]
    with svc.transaction() as session:
        assert [(v.conversation_id, v.via) for v in session.scalars(select(TranscriptView))] == [
            (finished, "export")]


def test_erasing_needs_the_typed_word_then_leaves_nothing_of_theirs(admin, svc, finished):
    customer_id = left_details(svc, finished)
    form = admin.get(f"/admin/privacy?conversation={finished}").get_data(as_text=True)
    token = csrf_token(form)
    refused = admin.post(f"/admin/privacy/customers/{customer_id}/erase",
                         data={"csrf_token": token, "confirm": "yes"})
    assert refused.status_code == 400
    with svc.transaction() as session:
        assert session.get(Customer, customer_id).email == "maria@example.org"
    erased = admin.post(f"/admin/privacy/customers/{customer_id}/erase",
                        data={"csrf_token": token, "confirm": " Erase "})
    assert erased.status_code == 302
    with svc.transaction() as session:
        customer = session.get(Customer, customer_id)
        assert (customer.name, customer.email) == (None, None) and customer.erased_at
    transcript = admin.get(f"/marketing/conversations/{finished}").get_data(as_text=True)
    assert "BE71" not in transcript and "[erased]" in transcript
    assert "Nothing erased yet" not in admin.get("/admin/privacy").get_data(as_text=True)


def test_the_same_address_left_from_another_browser_is_found_and_erased_with_it(
        app, admin, svc, finished):
    customer_id = left_details(svc, finished)
    again = ask(app.test_client(), "This is Maria again, call me on +32 470 12 34 56",
                name="Maria K.", email="Maria@Example.org")  # no visitor token: a new record
    page = admin.get("/admin/privacy?email=maria@example.org").get_data(as_text=True)
    assert f"#{finished}" in page and f"#{again['id']}" in page
    assert "2 browsers or devices" in page and "Maria K." in page
    export = admin.get(f"/admin/privacy/customers/{customer_id}/export").get_json()
    assert sorted(c["id"] for c in export["conversations"]) == sorted([finished, again["id"]])
    erased = admin.post(f"/admin/privacy/customers/{customer_id}/erase",
                        data={"csrf_token": csrf_token(page), "confirm": "erase"})
    assert erased.status_code == 302
    with svc.transaction() as session:
        later = session.get(Conversation, again["id"])
        assert "+32 470" not in later.question and later.customer.email is None
    assert admin.get("/admin/privacy?email=maria@example.org").status_code == 404


def test_erasing_without_the_csrf_token_is_refused(admin, svc, finished):
    customer_id = left_details(svc, finished)
    response = admin.post(f"/admin/privacy/customers/{customer_id}/erase",
                          data={"confirm": "erase"})
    assert response.status_code == 400
    with svc.transaction() as session:
        assert session.get(Customer, customer_id).email == "maria@example.org"


@pytest.mark.parametrize("path", ["/admin/privacy", "/admin/audit",
                                  "/admin/privacy/customers/1/export"])
def test_only_admins_see_privacy_pages(app, path):
    client = app.test_client()
    login(client, "marketing@example.test")
    assert client.get(path).status_code == 403


def test_opening_a_transcript_is_logged_and_listed(app, admin, svc, staff, finished):
    marketing = app.test_client()
    login(marketing, "marketing@example.test")
    assert marketing.get(f"/marketing/conversations/{finished}").status_code == 200
    page = admin.get(f"/admin/audit?employee={staff['marketing@example.test']}")
    rows = re.findall(r"<tr><td>.*?</tr>", page.get_data(as_text=True), re.S)
    assert len(rows) == 1 and f"#{finished}" in rows[0]
    assert admin.get("/admin/audit?conversation=abc").status_code == 400


def test_the_retention_job_anonymises_closed_chats_past_the_period(app, svc, clock, finished):
    assert svc.settings.retention_days > 0
    recent = ask(app.test_client(), question="A recent question about exports")["id"]
    assert retain_once(svc) == 0
    clock.advance(timedelta(days=svc.settings.retention_days + 1).total_seconds())
    assert retain_once(svc) == 1  # the open one is not closed: it stays
    with svc.transaction() as session:
        assert session.get(Conversation, finished).anonymised_at is not None
        assert session.get(Conversation, recent).question == "A recent question about exports"
    assert retain_once(svc) == 0


def test_a_conversation_number_is_found_as_an_admin_types_it(admin, svc, finished):
    left_details(svc, finished)
    plain = admin.get(f"/admin/privacy?conversation={finished}")
    hashed = admin.get(f"/admin/privacy?conversation=%23{finished}")
    assert plain.status_code == hashed.status_code == 200
    assert "maria@example.org" in hashed.get_data(as_text=True)
    assert admin.get("/admin/privacy?conversation=4.2").status_code == 400
