"""Snippets on the web: marketing keeps them (CSRF, access), the console searches them as JSON,
and a sent message's use is counted once per client id."""

from __future__ import annotations

import re

import pytest

from matchmaker import snippets
from matchmaker.models import Snippet
from tests.web.conftest import ask, csrf_token, events, login

EMP = "/employee"
REFUND = {"title": "Refund of a payment", "language": "en", "tags": "billing, #Refund",
          "body": "We refund payments within 30 days to the card they came from."}


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def save(client, path="/marketing/snippets/new", **fields):
    """Post the snippet form as a browser does (with the form's CSRF token)."""
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_token(page), **REFUND, **fields})


def stored(svc) -> list[Snippet]:
    with svc.transaction() as session:
        return session.query(Snippet).order_by(Snippet.id).all()


@pytest.fixture
def library(svc, encoder, clock) -> dict[str, int]:
    """An English and a Dutch refund snippet, and three others (BM25 needs a few documents)."""
    rows = [("Refund of a payment", REFUND["body"], "en", ["refund"]),
            ("Terugbetaling", "We storten het bedrag binnen 30 dagen terug.", "nl", ["refund"]),
            ("Peppol", "Send e-invoices over the Peppol network.", "en", []),
            ("Prices", "Starter, Growth and Scale plans.", "en", []),
            ("Bank feeds", "Connect your bank to match payments.", "en", [])]
    with svc.transaction() as session:
        return {title: snippets.create_snippet(session, encoder, snippets.check_draft(
                    title, body, language, tags, max_chars=4000), None, clock()).id
                for title, body, language, tags in rows}


@pytest.fixture
def live(app, socketio, customer):
    """Dana signed in (HTTP client and console) and chatting on a Dutch question: → (HTTP
    client, console client, conversation id)."""
    http = signed_in(app, "dev@example.test")
    dev = socketio.test_client(app, namespace=EMP, flask_test_client=http)
    dev.emit("set_availability", {"available": True}, namespace=EMP, callback=True)
    asked = ask(app.test_client(), question="Hoe controleer ik de handtekening van jullie webhook "
                                             "signature verification?", language="nl")
    customer(asked)
    offer = events(dev, EMP, "offered")[0]
    assert dev.emit("accept", {"offer_id": offer["offer_id"]}, namespace=EMP, callback=True)["ok"]
    yield http, dev, asked["id"]
    dev.disconnect(namespace=EMP)


# ---------------------------------------------------------------------------- marketing

def test_marketing_creates_a_snippet_and_sees_it_listed(app, svc):
    client = signed_in(app, "marketing@example.test")
    assert save(client).status_code == 302
    (snippet,) = stored(svc)
    assert (snippet.title, snippet.language, snippet.tags) == (
        "Refund of a payment", "en", ["billing", "refund"])
    assert snippet.vector and snippet.vector_model == "HashingEncoder"
    listed = client.get("/marketing/snippets/").get_data(as_text=True)
    assert "Refund of a payment" in listed and f'data-snippet-id="{snippet.id}"' in listed


def test_the_snippet_pages_speak_dutch_and_are_linked_from_the_navigation(app, library):
    client = signed_in(app, "marketing@example.test")
    page = client.get("/marketing/snippets/", headers={"Accept-Language": "nl"}).get_data(
        as_text=True)
    assert "Nieuwe snippet" in page and "Laatst gebruikt" in page
    assert 'href="/marketing/snippets/"' in client.get("/marketing/").get_data(as_text=True)


def test_a_snippet_form_without_its_csrf_token_is_refused(app, svc):
    client = signed_in(app, "marketing@example.test")
    assert client.post("/marketing/snippets/new", data=REFUND).status_code == 400
    assert stored(svc) == []


def test_a_snippet_breaking_a_rule_is_refused_with_the_reason(app, svc):
    client = signed_in(app, "marketing@example.test")
    response = save(client, language="es")
    assert response.status_code == 400 and "language must be one of" in response.get_data(
        as_text=True)
    assert stored(svc) == []


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/marketing/snippets/"), ("get", "/marketing/snippets/new"),
    ("post", "/marketing/snippets/new"), ("get", "/marketing/snippets/{id}"),
    ("post", "/marketing/snippets/{id}/archive"), ("post", "/marketing/snippets/{id}/restore")])
def test_an_agent_cannot_manage_snippets(app, library, method, path):
    client = signed_in(app, "dev@example.test")
    response = getattr(client, method)(path.format(id=library["Prices"]))
    assert response.status_code in (400, 403)  # a POST without a token stops earlier
    if method == "post":  # with a valid token too
        token = csrf_token(client.get("/console/").get_data(as_text=True))
        response = client.post(path.format(id=library["Prices"]),
                               data={"csrf_token": token, **REFUND})
        assert response.status_code == 403


def test_marketing_edits_and_archives_and_the_console_follows(app, svc, library):
    client = signed_in(app, "marketing@example.test")
    path = f"/marketing/snippets/{library['Prices']}"
    assert save(client, path, title="Plans", body="Three plans, each with a free trial.",
                tags="pricing").status_code == 302
    agent = signed_in(app, "sales@example.test")
    found = agent.get("/console/snippets?q=trial").get_json()["snippets"]
    assert [s["title"] for s in found] == ["Plans"]
    page = client.get(path).get_data(as_text=True)
    assert client.post(f"{path}/archive", data={"csrf_token": csrf_token(page)}
                       ).status_code == 302
    assert agent.get("/console/snippets?q=trial").get_json()["snippets"] == []
    archived = client.get("/marketing/snippets/").get_data(as_text=True)
    assert archived.index("Archived") < archived.index("Three plans")
    assert client.post(f"{path}/restore", data={"csrf_token": csrf_token(page)}
                       ).status_code == 302  # an archive by mistake is undone
    assert [s["title"] for s in agent.get("/console/snippets?q=trial").get_json()["snippets"]
            ] == ["Plans"]


def test_an_edit_over_a_newer_save_is_refused(app, svc, library):
    first, second = (signed_in(app, "marketing@example.test"),
                     signed_in(app, "admin@example.test"))
    path = f"/marketing/snippets/{library['Prices']}"
    page = first.get(path).get_data(as_text=True)
    svc.clock.advance(5)
    assert save(second, path, title="Theirs").status_code == 302
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', page).group(1)
    response = first.post(path, data={"csrf_token": csrf_token(page), **REFUND, "seen": seen,
                                      "title": "Mine"})
    assert response.status_code == 409
    assert [s.title for s in stored(svc) if s.id == library["Prices"]] == ["Theirs"]


# ---------------------------------------------------------------------------- console

def test_a_customer_cannot_search_snippets(app, library):
    client = app.test_client()
    ask(client)  # a widget's own requests carry no staff sign-in
    response = client.get("/console/snippets?q=refund")
    assert response.status_code == 401 and response.get_json()["error"] == "unauthenticated"


def test_the_console_finds_snippets_in_the_conversations_language_first(app, library, live):
    http, _, conversation_id = live
    found = http.get(f"/console/snippets?q=refund&conversation={conversation_id}").get_json()
    assert found["ok"] and [s["title"] for s in found["snippets"]] == [
        "Terugbetaling", "Refund of a payment"]
    plain = http.get("/console/snippets?q=refund").get_json()["snippets"]
    assert [s["title"] for s in plain][0] == "Refund of a payment"


def test_the_console_cannot_search_in_someone_elses_conversation(app, library, live):
    _, _, conversation_id = live
    other = signed_in(app, "sales@example.test")
    response = other.get(f"/console/snippets?q=refund&conversation={conversation_id}")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_a_bad_search_is_refused_as_json(app, library):
    client = signed_in(app, "dev@example.test")
    response = client.get("/console/snippets?q=refund&conversation=abc")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_payload"


def test_a_use_is_recorded_once_per_client_id(app, svc, clock, library, live):
    http, dev, conversation_id = live
    assert dev.emit("say", {"conversation_id": conversation_id, "body": REFUND["body"],
                            "client_id": "e-snip-1"}, namespace=EMP, callback=True)["ok"]
    token = csrf_token(http.get("/console/").get_data(as_text=True))
    url = f"/console/snippets/{library['Refund of a payment']}/uses"
    body = {"conversation_id": conversation_id, "client_id": "e-snip-1"}
    answers = [http.post(url, json=body, headers={"X-CSRFToken": token}).get_json()
               for _ in range(2)]
    assert answers == [{"ok": True, "recorded": True}, {"ok": True, "recorded": False}]
    with svc.transaction() as session:
        assert snippets.usage(session, clock())[library["Refund of a payment"]].total == 1
    page = signed_in(app, "marketing@example.test").get("/marketing/snippets/").get_data(
        as_text=True)
    row = page[page.index(f'data-snippet-id="{library["Refund of a payment"]}"'):]
    assert '<td class="uses-total">1</td>' in row[:row.index("</tr>")]


def test_a_use_needs_the_csrf_token_and_a_message_sent(app, svc, clock, library, live):
    http, _, conversation_id = live
    url = f"/console/snippets/{library['Refund of a payment']}/uses"
    body = {"conversation_id": conversation_id, "client_id": "never-sent"}
    refused = http.post(url, json=body)
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"
    token = csrf_token(http.get("/console/").get_data(as_text=True))
    missing = http.post(url, json=body, headers={"X-CSRFToken": token})
    assert missing.status_code == 404 and missing.get_json()["error"] == "message_not_found"
    with svc.transaction() as session:
        assert snippets.usage(session, clock()) == {}


def test_after_a_model_switch_reembed_brings_snippets_into_the_new_space(
        database_url, app, clock, library):
    from tests.fakes import HashingEncoder
    from web import create_app
    from web.cli import reembed

    class OtherModel(HashingEncoder):
        spec = "another-model"

    switched = create_app({"database_url": database_url, "secret_key": "s", "min_score": 0.05},
                          encoder=OtherModel(), clock=clock)
    result = switched.test_cli_runner().invoke(reembed, ["--if-stale"])
    assert result.exit_code == 0 and f"re-embedded {len(library)} snippets" in result.output
    svc = switched.extensions["matchmaker"]
    assert {s.vector_model for s in stored(svc)} == {"another-model"}
    svc.engine.dispose()
