"""Proof stories over HTTP: no consent, no publication and no listing (refused with a clear code,
absent from the published JSON), the consent link (ok, expired, tampered, revocation withdraws
at once), the credited colleague approving in the console's API, and who may do what."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest

from matchmaker.models import Conversation
from tests.web.conftest import ask, events, login
from web import mail
from web.consent_page import consent_token
from web.mailcatcher import caught

EMP, CUS = "/employee", "/customer"
JSON = {"Accept": "application/json"}
PRAISE = "Your webhook docs saved us a week of work."


@pytest.fixture
def app_overrides(smtp):
    port, folder = smtp
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
            "public_url": "http://127.0.0.1:5000", "mail_from": "Lumen <hello@lumen.example>"}


def signed_in(app, email: str):
    """A staff browser: (client, its CSRF token for JSON calls)."""
    client = app.test_client()
    assert login(client, email).status_code == 302
    page = client.get("/console/").get_data(as_text=True)
    return client, re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


@pytest.fixture
def ended(app, console, customer):
    """Dana answered Pat, who praised her; the chat ended: (conversation id, widget client)."""
    dana = console("dev@example.test")
    asked = ask(app.test_client(), name="Pat", email="pat@example.org")
    widget = customer(asked)
    dana.emit("accept", {"offer_id": events(dana, EMP, "offered")[0]["offer_id"]}, namespace=EMP,
              callback=True)
    assert widget.emit("say", {"body": PRAISE, "client_id": "c1"}, namespace=CUS,
                       callback=True)["ok"]
    assert dana.emit("say", {"conversation_id": asked["id"], "body": "Glad it helped.",
                             "client_id": "e1"}, namespace=EMP, callback=True)["ok"]
    assert dana.emit("close", {"conversation_id": asked["id"]}, namespace=EMP,
                     callback=True)["ok"]
    return asked["id"], widget


@pytest.fixture
def marketing(app):
    return signed_in(app, "marketing@example.test")


def post(browser, path: str, **body):
    client, token = browser
    return client.post(path, data=body, headers=JSON | {"X-CSRFToken": token})


def approved_story(app, marketing, ended) -> int:
    """A story quoting Pat's praise and Dana's answer, approved by Dana: its id."""
    created = post(marketing, f"/marketing/conversations/{ended[0]}/stories", seq=["2", "3"],
                   title="A week saved")
    assert created.status_code == 201, created.get_json()
    story_id = created.get_json()["story"]["id"]
    assert post(marketing, f"/marketing/stories/{story_id}/submit").get_json()["story"][
        "state"] == "awaiting_approval"
    dana, token = signed_in(app, "dev@example.test")
    mine = dana.get("/console/stories").get_json()["stories"]
    assert [(s["id"], s["needs_you"]) for s in mine] == [(story_id, True)]
    assert [q["text"] for q in mine[0]["quotes"]] == [PRAISE, "Glad it helped."]
    approved = dana.post(f"/console/stories/{story_id}/approve", headers={"X-CSRFToken": token})
    assert approved.get_json()["story"]["state"] == "approved"
    return story_id


def published_list(marketing) -> list[int]:
    answer = marketing[0].get("/marketing/stories.json?state=published").get_json()
    return [s["id"] for s in answer["stories"]]


def consent_link(svc, conversation_id) -> str:
    with svc.transaction() as session:
        return "/consent/" + consent_token(svc.settings, session.get(Conversation, conversation_id))


def test_without_consent_a_story_is_refused_and_not_listed(app, marketing, ended):
    story_id = approved_story(app, marketing, ended)
    refused = post(marketing, f"/marketing/stories/{story_id}/publish")
    assert refused.status_code == 409 and refused.get_json()["error"] == "consent_missing"
    assert published_list(marketing) == []


def test_with_the_widgets_consent_it_is_published_and_listed(app, marketing, ended):
    conversation_id, widget = ended
    assert widget.emit("consent", {"granted": True}, namespace=CUS, callback=True) == {"ok": True}
    story_id = approved_story(app, marketing, ended)
    published = post(marketing, f"/marketing/stories/{story_id}/publish")
    assert published.status_code == 200 and published.get_json()["story"]["state"] == "published"
    [listed] = marketing[0].get("/marketing/stories.json?state=published").get_json()["stories"]
    assert listed["id"] == story_id and [q["text"] for q in listed["quotes"]][0] == PRAISE
    assert "original" not in listed["quotes"][0] and "conversation_id" not in listed


def test_a_widget_revocation_takes_the_story_down_everywhere(app, marketing, ended):
    widget = ended[1]
    widget.emit("consent", {"granted": True}, namespace=CUS, callback=True)
    story_id = approved_story(app, marketing, ended)
    post(marketing, f"/marketing/stories/{story_id}/publish")
    assert widget.emit("consent", {"granted": False}, namespace=CUS, callback=True) == {"ok": True}
    assert published_list(marketing) == []
    again = post(marketing, f"/marketing/stories/{story_id}/publish")
    assert again.status_code == 409 and again.get_json()["error"] == "invalid_story_transition"
    [story] = marketing[0].get("/marketing/stories.json").get_json()["stories"]
    assert story["state"] == "withdrawn"


def test_the_consent_link_shows_the_exact_words_and_a_no_revokes(app, svc, marketing, ended):
    story_id = approved_story(app, marketing, ended)
    customer = app.test_client()
    link = consent_link(svc, ended[0])
    page = customer.get(link + "?lang=nl")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"precies zoals hier: “{PRAISE}”" in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    for quote in ("2", "3"):
        quote_id = _quote_ids(marketing, story_id)[int(quote) - 2]
        decided = customer.post(f"{link}/quotes/{quote_id}",
                                data={"decision": "yes", "lang": "nl", "csrf_token": csrf})
        assert decided.status_code == 200 and 'id="consent-saved"' in decided.get_data(as_text=True)
    assert post(marketing, f"/marketing/stories/{story_id}/publish").status_code == 200
    assert published_list(marketing) == [story_id]
    customer.post(f"{link}/quotes/{_quote_ids(marketing, story_id)[0]}",
                  data={"decision": "no", "lang": "nl", "csrf_token": csrf})
    assert published_list(marketing) == []


def _quote_ids(marketing, story_id) -> list[int]:
    [story] = [s for s in marketing[0].get("/marketing/stories.json").get_json()["stories"]
               if s["id"] == story_id]
    return [q["id"] for q in story["quotes"]]


def test_an_expired_consent_link_says_so(app, svc, ended):
    link = consent_link(svc, ended[0])
    later = time.time() + svc.settings.consent_link_days * 86400 + 60
    with mock.patch("itsdangerous.timed.time.time", return_value=later):
        page = app.test_client().get(link)
    assert page.status_code == 401 and "This link has expired" in page.get_data(as_text=True)


@pytest.mark.parametrize("tamper", [lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),
                                    lambda t: "x" + t, lambda t: "a" * 600])
def test_a_tampered_consent_link_is_refused(app, svc, ended, tamper):
    token = consent_link(svc, ended[0]).removeprefix("/consent/")
    page = app.test_client().get("/consent/" + tamper(token))
    assert page.status_code == 401 and "This link is not valid" in page.get_data(as_text=True)


def test_a_link_dies_when_the_reply_address_changes(app, svc, ended):
    link = consent_link(svc, ended[0])
    with svc.transaction() as session:
        session.get(Conversation, ended[0]).reply_to = "someone@else.example"
    assert app.test_client().get(link).status_code == 401


def test_the_consent_link_is_mailed_to_the_reply_address(app, svc, marketing, ended, smtp):
    story_id = approved_story(app, marketing, ended)
    asked = post(marketing, f"/marketing/stories/{story_id}/consent-request")
    assert asked.status_code == 200
    with app.app_context():
        assert mail.send_due(svc) >= 1
    letters = [m for m in caught(smtp[1]) if m.subject == "May we quote you?"]
    assert [m.to for m in letters] == ["pat@example.org"]
    found = re.search(r"http://127\.0\.0\.1:5000(/consent/\S+)", letters[0].text).group(1)
    assert PRAISE in app.test_client().get(found).get_data(as_text=True)


@pytest.mark.parametrize("email", ["dev@example.test", "support@example.test"])
def test_a_colleague_without_marketing_cannot_build_or_publish(app, marketing, ended, email):
    story_id = approved_story(app, marketing, ended)
    other = signed_in(app, email)
    assert post(other, f"/marketing/conversations/{ended[0]}/stories", seq=["2"],
                title="Mine").status_code == 403
    assert post(other, f"/marketing/stories/{story_id}/publish").status_code == 403
    assert other[0].get("/marketing/stories.json").status_code == 403


def test_only_the_credited_colleague_may_approve(app, marketing, ended):
    created = post(marketing, f"/marketing/conversations/{ended[0]}/stories", seq=["2"], title="t")
    story_id = created.get_json()["story"]["id"]
    post(marketing, f"/marketing/stories/{story_id}/submit")
    sales, token = signed_in(app, "sales@example.test")
    assert sales.get("/console/stories").get_json()["stories"] == []
    refused = sales.post(f"/console/stories/{story_id}/approve", headers={"X-CSRFToken": token})
    assert refused.status_code == 404 and refused.get_json()["error"] == "not_found"
    no_csrf = sales.post(f"/console/stories/{story_id}/approve")
    assert no_csrf.status_code == 400 and no_csrf.get_json()["error"] == "csrf"


def test_the_colleague_declines_with_a_reason(app, marketing, ended):
    created = post(marketing, f"/marketing/conversations/{ended[0]}/stories", seq=["3"], title="t")
    story_id = created.get_json()["story"]["id"]
    post(marketing, f"/marketing/stories/{story_id}/submit")
    dana, token = signed_in(app, "dev@example.test")
    declined = dana.post(f"/console/stories/{story_id}/decline", json={"reason": "Not my words"},
                         headers={"X-CSRFToken": token})
    assert declined.get_json()["story"]["state"] == "draft"
    page = marketing[0].get(f"/marketing/stories/{story_id}").get_data(as_text=True)
    assert "Not my words" in page


def test_an_edit_shows_the_original_beside_it_and_needs_the_customer(app, svc, marketing, ended):
    created = post(marketing, f"/marketing/conversations/{ended[0]}/stories", seq=["2"], title="t")
    story = created.get_json()["story"]
    quote_id = story["quotes"][0]["id"]
    edited = post(marketing, f"/marketing/stories/{story['id']}", title="t",
                  **{f"quote-{quote_id}": "Your docs saved us a week."})
    assert edited.get_json()["story"]["quotes"][0] | {"id": 0} == {
        "id": 0, "seq": 2, "author": "customer", "original": PRAISE,
        "text": "Your docs saved us a week.", "edited": True, "consent": "missing"}
    page = marketing[0].get(f"/marketing/stories/{story['id']}").get_data(as_text=True)
    assert PRAISE in page and "Your docs saved us a week." in page


def test_an_unknown_state_filter_is_refused(marketing):
    answer = marketing[0].get("/marketing/stories.json?state=secret")
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_filter"


@pytest.mark.parametrize("language, heading", [("fr", "Pouvons-nous vous citer ?"),
                                               ("de", "Dürfen wir Sie zitieren?"),
                                               ("nl", "Mogen we je citeren?")])
def test_the_consent_page_speaks_the_customers_language(app, svc, marketing, ended, language,
                                                        heading):
    post(marketing, f"/marketing/conversations/{ended[0]}/stories", seq=["2"], title="t")
    html = app.test_client().get(consent_link(svc, ended[0]) + f"?lang={language}").get_data(
        as_text=True)
    assert heading in html and f'<html lang="{language}">' in html


def test_my_stories_shows_the_exact_words_to_approve(app, marketing, ended):
    created = post(marketing, f"/marketing/conversations/{ended[0]}/stories", seq=["2"], title="t")
    story = created.get_json()["story"]
    post(marketing, f"/marketing/stories/{story['id']}", title="t",
         **{f"quote-{story['quotes'][0]['id']}": "Saved us a week."})
    post(marketing, f"/marketing/stories/{story['id']}/submit")
    dana, _ = signed_in(app, "dev@example.test")
    page = dana.get("/console/stories/mine").get_data(as_text=True)
    assert "Saved us a week." in page and 'data-action="approve"' in page
    assert PRAISE not in page  # what they approve is the story's words, not the original


def test_odd_form_numbers_are_refused_not_a_server_error(marketing, ended):
    refused = post(marketing, f"/marketing/conversations/{ended[0]}/stories", seq=["²"], title="t")
    assert refused.status_code == 400 and refused.get_json()["error"] == "invalid_quotes"
    story = post(marketing, f"/marketing/conversations/{ended[0]}/stories", seq=["2"],
                 title="t").get_json()["story"]
    kept = post(marketing, f"/marketing/stories/{story['id']}", title="t", **{"quote-²": "x"})
    assert kept.status_code == 200 and kept.get_json()["story"]["quotes"][0]["text"] == PRAISE


def test_a_decision_that_is_neither_yes_nor_no_changes_nothing(app, svc, marketing, ended):
    story = post(marketing, f"/marketing/conversations/{ended[0]}/stories", seq=["2"],
                 title="t").get_json()["story"]
    customer, link = app.test_client(), consent_link(svc, ended[0])
    csrf = re.search(r'name="csrf_token" value="([^"]+)"',
                     customer.get(link).get_data(as_text=True)).group(1)
    answer = customer.post(f"{link}/quotes/{story['quotes'][0]['id']}",
                           data={"decision": "maybe", "csrf_token": csrf})
    assert answer.status_code == 400 and 'id="consent-failed"' in answer.get_data(as_text=True)
    assert _quote_consents(marketing, story["id"]) == ["missing"]
    other = customer.post(f"{link}/quotes/999999", data={"decision": "yes", "csrf_token": csrf})
    assert other.status_code == 404


def _quote_consents(marketing, story_id) -> list[str]:
    [story] = [s for s in marketing[0].get("/marketing/stories.json").get_json()["stories"]
               if s["id"] == story_id]
    return [q["consent"] for q in story["quotes"]]
