"""Stories leaving the product over HTTP: no consent, no export (in every format), a revocation
takes the story out at once; the credited colleague finds the post to share in the console and
each copy is counted; who may do what."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.web import test_stories_api as stories_api
from tests.web.conftest import ask, events

CUS, EMP, PRAISE = stories_api.CUS, stories_api.EMP, stories_api.PRAISE
approved_story, post, signed_in = (stories_api.approved_story, stories_api.post,
                                   stories_api.signed_in)
# The stories tests' fixtures: a finished, praising chat; marketing signed in.
ended, marketing = stories_api.ended, stories_api.marketing


def exported(marketing, kind="json"):
    response = marketing[0].get(f"/marketing/stories/export?format={kind}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def published(app, marketing, ended, consent=True) -> int:
    widget = ended[1]
    if consent is not None:
        assert widget.emit("consent", {"granted": consent}, namespace=CUS, callback=True)["ok"]
    story_id = approved_story(app, marketing, ended)
    if consent:
        assert post(marketing, f"/marketing/stories/{story_id}/publish").status_code == 200
    return story_id


def test_without_consent_nothing_is_exported_in_any_format(app, marketing, ended):
    published(app, marketing, ended, consent=None)
    assert exported(marketing).get_json() == []
    assert PRAISE not in exported(marketing, "markdown").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported(marketing, "csv").get_data(as_text=True))))
    assert len(rows) == 1  # the header only


def test_a_consented_story_is_exported_and_a_revocation_takes_it_out(app, marketing, ended):
    story_id = published(app, marketing, ended)
    [story] = exported(marketing).get_json()
    assert story["id"] == story_id and story["quotes"][0] == PRAISE and story["employee"]
    assert PRAISE in exported(marketing, "markdown").get_data(as_text=True)
    assert ended[1].emit("consent", {"granted": False}, namespace=CUS, callback=True)["ok"]
    assert exported(marketing).get_json() == []


def test_an_unknown_format_is_refused(marketing):
    assert marketing[0].get("/marketing/stories/export?format=pdf").status_code == 400


def test_only_marketing_exports(app):
    client, _ = signed_in(app, "dev@example.test")
    assert client.get("/marketing/stories/export").status_code == 403


def test_the_credited_colleague_copies_the_post_and_each_copy_counts(app, marketing, ended):
    story_id = published(app, marketing, ended)
    dana, token = signed_in(app, "dev@example.test")
    [story] = dana.get("/console/stories/shareable").get_json()["stories"]
    assert story["id"] == story_id and PRAISE in story["text"] and story["shares"] == 0
    for expected in (1, 2):
        counted = dana.post(f"/console/stories/{story_id}/shares", json={"channel": "copy"},
                            headers={"X-CSRFToken": token})
        assert counted.status_code == 201 and counted.get_json()["shares"] == expected
    assert dana.get("/console/stories/shareable").get_json()["stories"][0]["shares"] == 2


@pytest.mark.parametrize(("who", "body", "status", "code"), [
    ("sales@example.test", {"channel": "copy"}, 404, "no_such_story"),
    ("dev@example.test", {"channel": "fax"}, 400, "invalid_channel"),
    ("dev@example.test", {"channel": "copy", "extra": 1}, 400, None),
])
def test_a_share_by_someone_else_or_malformed_is_refused(app, marketing, ended, who, body,
                                                         status, code):
    story_id = published(app, marketing, ended)
    client, token = signed_in(app, who)
    refused = client.post(f"/console/stories/{story_id}/shares", json=body,
                          headers={"X-CSRFToken": token})
    assert refused.status_code == status
    if code:
        assert refused.get_json()["error"] == code


def test_a_share_without_the_csrf_token_is_refused(app, marketing, ended):
    story_id = published(app, marketing, ended)
    client, _ = signed_in(app, "dev@example.test")
    refused = client.post(f"/console/stories/{story_id}/shares", json={"channel": "copy"})
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"


def test_marketing_previews_the_masking_and_corrects_it_before_export(app, svc, marketing,
                                                                      ended):
    conversation_id, widget = ended
    widget.emit("consent", {"granted": True}, namespace=CUS, callback=True)
    created = post(marketing, f"/marketing/conversations/{conversation_id}/stories",
                   seq=["2"], title="A week saved")
    story_id = created.get_json()["story"]["id"]
    client, _ = marketing
    page = client.get(f"/marketing/stories/{story_id}").get_data(as_text=True)
    assert 'class="masked-preview"' in page and PRAISE in page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    quote_id = int(re.search(r'id="masking-(\d+)"', page).group(1))
    saved = client.post(f"/marketing/stories/{story_id}/quotes/{quote_id}/masking",
                        data={"csrf_token": token, "also": "webhook docs", "kind": "id"})
    assert saved.status_code == 302
    page = client.get(f"/marketing/stories/{story_id}").get_data(as_text=True)
    assert "Your [id] saved us a week of work." in page
    refused = client.post(f"/marketing/stories/{story_id}/quotes/{quote_id}/masking",
                          data={"csrf_token": token, "mask": "0-999-name"})
    assert refused.status_code == 302  # back to the page, with the reason; nothing changed
    page = client.get(f"/marketing/stories/{story_id}").get_data(as_text=True)
    assert "is not inside the text" in page and "Your [id] saved us a week of work." in page


THANKS = "Thanks, Works team: your webhook docs saved us a week."


@pytest.mark.parametrize(("app_overrides", "shown"), [
    ({"company_name": "Acme Works"}, THANKS),
    ({}, "Thanks, [name] team: your webhook docs saved us a week."),
])
def test_the_configured_company_stays_named_in_the_published_words(app, console, customer,
                                                                   marketing, shown):
    dana = console("dev@example.test")
    asked = ask(app.test_client(), name="Pat", email="pat@example.org")
    widget = customer(asked)
    dana.emit("accept", {"offer_id": events(dana, EMP, "offered")[0]["offer_id"]}, namespace=EMP,
              callback=True)
    assert widget.emit("say", {"body": THANKS, "client_id": "c1"}, namespace=CUS,
                       callback=True)["ok"]
    assert dana.emit("say", {"conversation_id": asked["id"], "body": "Glad it helps!",
                             "client_id": "d1"}, namespace=EMP, callback=True)["ok"]
    assert dana.emit("close", {"conversation_id": asked["id"]}, namespace=EMP, callback=True)["ok"]
    assert widget.emit("consent", {"granted": True}, namespace=CUS, callback=True)["ok"]
    created = post(marketing, f"/marketing/conversations/{asked['id']}/stories", seq=["2"],
                   title="Thanks")
    story_id = created.get_json()["story"]["id"]
    post(marketing, f"/marketing/stories/{story_id}/submit")
    client, token = signed_in(app, "dev@example.test")
    client.post(f"/console/stories/{story_id}/approve", headers={"X-CSRFToken": token})
    assert post(marketing, f"/marketing/stories/{story_id}/publish").status_code == 200
    assert exported(marketing).get_json()[0]["quotes"] == [shown]
    [listed] = marketing[0].get("/marketing/stories.json?state=published").get_json()["stories"]
    assert listed["quotes"][0]["text"] == shown
    [share] = client.get("/console/stories/shareable").get_json()["stories"]
    assert shown in share["text"] and ("at Acme Works" in share["text"]) == (shown == THANKS)
