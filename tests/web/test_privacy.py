"""Only curated words are shown: a learned conversation's personal data never leaves it, through
the real HTTP and Socket.IO paths, to anyone outside that first conversation."""

import json

from sqlalchemy import select

from matchmaker.models import Candidate, HistoryItem
from tests.web.conftest import ask, events, login

EMP, CUS = "/employee", "/customer"
NAME, EMAIL, ACCOUNT, PHONE = "Piet Van Damme", "piet.vandamme@example.be", "BE-4711", "+32 470 12 34 56"
PRIVATE = (NAME, "Van Damme", EMAIL, ACCOUNT, PHONE)
FIRST = (f"Webhook signature mismatch for {NAME}, account {ACCOUNT}, {EMAIL}, {PHONE}: which "
         "secret verifies the webhook signature mismatch on the invoice event?")
SECOND = ("Webhook signature mismatch: which secret verifies the webhook signature mismatch on the "
          "invoice event?")


def leaks(*payloads) -> list[str]:
    """The private strings found anywhere in these payloads (JSON-encoded, or text)."""
    text = " ".join(p if isinstance(p, str) else json.dumps(p, ensure_ascii=False) for p in payloads)
    return [secret for secret in PRIVATE if secret in text]


def learned_conversation(app, console, customer) -> int:
    """Customer A asks with personal data; Dana answers; A rates 5 stars and allows quoting
    without personal details (a refusal would keep the matcher from learning it at all)."""
    dana = console("dev@example.test")
    asked = ask(app.test_client(), question=FIRST, name=NAME, email=EMAIL)
    widget = customer(asked)
    offer_id = events(dana, EMP, "offered")[0]["offer_id"]
    assert dana.emit("accept", {"offer_id": offer_id}, namespace=EMP, callback=True)["ok"]
    dana.emit("say", {"conversation_id": asked["id"], "body": "Use the endpoint secret.",
                      "client_id": "e1"}, namespace=EMP, callback=True)
    assert widget.emit("close", {}, namespace=CUS, callback=True)["ok"]
    assert widget.emit("rate", {"stars": 5}, namespace=CUS, callback=True) == {"ok": True}
    assert widget.emit("consent", {"granted": True}, namespace=CUS, callback=True) == {"ok": True}
    widget.disconnect(namespace=CUS)
    dana.disconnect(namespace=EMP)
    return asked["id"]


def test_a_learned_conversations_personal_data_reaches_nobody_outside_it(
        app, svc, console, customer):
    first_id = learned_conversation(app, console, customer)
    dana, sam = console("dev@example.test"), console("sales@example.test")
    for client in (dana, sam):
        client.get_received(EMP)  # only what happens from now on counts

    http = app.test_client()
    asked = http.post("/api/v1/conversations", json={"question": SECOND})
    assert asked.status_code == 201
    second = asked.get_json()
    widget = customer(second)
    synced = widget.emit("sync", {"after_seq": 0}, namespace=CUS, callback=True)

    with svc.transaction() as session:  # the test can fail: the history decided this match
        chosen = session.scalar(select(Candidate).where(
            Candidate.conversation_id == second["id"], Candidate.rank == 1))
        assert chosen.passage_kind == "history"
        assert session.get(HistoryItem, chosen.history_item_id).conversation_id == first_id
    offered = events(dana, EMP, "offered")[0]
    assert offered["conversation_id"] == second["id"] and offered["answered_similar"]
    # Only Dana is given the way back to her own earlier conversation, not its words.
    assert offered["similar_conversation"]["conversation_id"] == first_id
    assert second["answered_similar"] and "similar_conversation" not in second

    states = [c.emit("state", {}, namespace=EMP, callback=True) for c in (dana, sam)]
    admin = app.test_client()
    login(admin, "admin@example.test")
    playground = admin.get("/admin/playground", query_string={"q": SECOND})
    marketing_view = admin.get(f"/marketing/conversations/{second['id']}")
    received = [widget.get_received(CUS), offered, dana.get_received(EMP), sam.get_received(EMP)]
    assert leaks(second, synced, *received, *states, playground.get_data(as_text=True),
                 marketing_view.get_data(as_text=True)) == []
    assert "answered similar questions" in playground.get_data(as_text=True)
    # The first conversation itself still holds them, for the people in it and marketing.
    assert leaks(admin.get(f"/marketing/conversations/{first_id}").get_data(as_text=True))


def test_a_refused_consent_keeps_the_customers_words_out_of_the_matcher(
        app, svc, console, customer):
    dana = console("dev@example.test")
    asked = ask(app.test_client(), question=FIRST)
    widget = customer(asked)
    dana.emit("accept", {"offer_id": events(dana, EMP, "offered")[0]["offer_id"]}, namespace=EMP,
              callback=True)
    dana.emit("say", {"conversation_id": asked["id"], "body": "Use the endpoint secret.",
                      "client_id": "e1"}, namespace=EMP, callback=True)
    widget.emit("close", {}, namespace=CUS, callback=True)
    widget.emit("rate", {"stars": 5}, namespace=CUS, callback=True)
    with svc.transaction() as session:  # learned from the rating...
        assert session.query(HistoryItem).filter_by(conversation_id=asked["id"]).count() == 1
    widget.emit("consent", {"granted": False}, namespace=CUS, callback=True)
    with svc.transaction() as session:  # ...and forgotten with the refusal
        assert session.query(HistoryItem).filter_by(conversation_id=asked["id"]).count() == 0
    widget.emit("rate", {"stars": 4}, namespace=CUS, callback=True)
    with svc.transaction() as session:  # a new rating does not bring it back
        assert session.query(HistoryItem).filter_by(conversation_id=asked["id"]).count() == 0
