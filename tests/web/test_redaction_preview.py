"""Marketing's redaction preview: POST /marketing/redaction/preview finds and masks a quote's
personal data with the hand corrections applied; marketing or admin only, CSRF checked."""

from __future__ import annotations

import pytest

from tests.web.conftest import ask, csrf_token, login

URL = "/marketing/redaction/preview"
QUOTE = "Dana Dev helped me; call me on 06-12345678 or mail lotte@telenet.be."


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def post(client, body, token=None):
    """POST as the marketing page's script does: JSON, with the page's CSRF token."""
    if token is None:
        token = csrf_token(client.get("/marketing/").get_data(as_text=True))
    return client.post(URL, json=body, headers={"X-CSRFToken": token})


@pytest.fixture
def marketing(app):
    return signed_in(app, "marketing@example.test")


def test_the_preview_masks_a_quote_and_lists_what_it_found(marketing):
    response = post(marketing, {"text": QUOTE, "language": "en"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["masked"] == "[name] helped me; call me on [phone] or mail [e-mail]."
    assert [(s["kind"], s["text"]) for s in body["spans"]] == [
        ("name", "Dana Dev"), ("phone", "06-12345678"), ("email", "lotte@telenet.be")]
    assert "known" in body["spans"][0]["source"]  # every employee's name is known


def test_the_conversations_customer_is_found_by_name_too(app, marketing):
    asked = ask(app.test_client(), name="Ilse Zwartberg", email="ilse@zwartberg.be")
    text = "The team at Zwartberg said that helped a lot"
    plain = post(marketing, {"text": text, "language": "en"}).get_json()
    assert plain["masked"] == text
    known = post(marketing, {"text": text, "language": "en",
                             "conversation_id": asked["id"]}).get_json()
    assert known["masked"] == "The team at [name] said that helped a lot"


@pytest.mark.parametrize(("app_overrides", "masked"), [
    ({"company_name": "Acme Works"}, "Thanks, Works team!"),
    ({}, "Thanks, [name] team!"),
])
def test_the_configured_company_is_not_masked_as_a_name(marketing, masked):
    body = post(marketing, {"text": "Thanks, Works team!", "language": "en"}).get_json()
    assert body["masked"] == masked


def test_a_conversation_that_does_not_exist_is_not_found(marketing):
    response = post(marketing, {"text": QUOTE, "language": "en", "conversation_id": 999999})
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_hand_corrections_add_and_remove_ranges(marketing):
    text = "Ask Wout about the Mollie payouts, phone 06-12345678."
    body = post(marketing, {"text": text, "language": "nl",
                            "add": [{"kind": "name", "start": 4, "end": 8}],
                            "remove": [{"start": 19, "end": 25},  # Mollie, a payment provider
                                       {"start": 41, "end": 52}]}).get_json()
    assert body["masked"] == "Ask [name] about the Mollie payouts, phone 06-12345678."
    assert [(s["text"], s["source"]) for s in body["spans"]] == [("Wout", "manual")]


@pytest.mark.parametrize("extra, code", [
    ({"add": [{"kind": "name", "start": 0, "end": 500}]}, "correction_out_of_range"),
    ({"add": [{"kind": "name", "start": 0, "end": 8}], "remove": [{"start": 4, "end": 12}]},
     "overlapping_corrections"),
    ({"add": [{"kind": "person", "start": 0, "end": 8}]}, "invalid_correction"),
    ({"remove": [{"start": "0", "end": 8}]}, "invalid_correction"),
    ({"text": ""}, "invalid_payload"),
    ({"language": "nederlands"}, "invalid_payload"),
    ({"colour": "red"}, "invalid_payload"),
])
def test_bad_input_is_refused_with_a_code_and_changes_nothing(marketing, extra, code):
    response = post(marketing, {"text": QUOTE, "language": "en", **extra})
    assert response.status_code == 400
    assert response.get_json()["error"] == code


def test_a_body_that_is_not_json_is_refused(marketing):
    token = csrf_token(marketing.get("/marketing/").get_data(as_text=True))
    response = marketing.post(URL, data="text=hi", headers={"X-CSRFToken": token},
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_a_preview_without_the_csrf_token_is_refused(marketing):
    response = marketing.post(URL, json={"text": QUOTE, "language": "en"})
    assert response.status_code == 400 and response.get_json()["error"] == "csrf"


def test_only_marketing_and_admin_may_preview(app):
    admin = signed_in(app, "admin@example.test")
    assert post(admin, {"text": QUOTE, "language": "en"}).status_code == 200
    developer = signed_in(app, "dev@example.test")
    token = csrf_token(developer.get("/console/").get_data(as_text=True))
    refused = post(developer, {"text": QUOTE, "language": "en"}, token)
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    anonymous = app.test_client()
    token = csrf_token(anonymous.get("/login").get_data(as_text=True))
    refused = post(anonymous, {"text": QUOTE, "language": "en"}, token)
    assert refused.status_code == 401 and refused.get_json()["error"] == "unauthenticated"
