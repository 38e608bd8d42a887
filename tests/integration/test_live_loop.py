"""The ask → offer → chat loop against real server processes, through real Socket.IO clients.

Routing is predictable because the server runs the fake encoder (similarity = shared words):
the questions below share words with one employee's expertise item in the demo company."""

from __future__ import annotations

import os
import re

import pytest

from tests.conftest import reset_postgres

from .conftest import WAIT, ask, sign_in, wait_until

pytestmark = pytest.mark.live

JONAS, SOPHIE = "jonas@lumenledger.example", "sophie@lumenledger.example"
JONAS_NAME, SOPHIE_NAME = "Jonas Vermeulen", "Sophie Brennan"
WEBHOOKS = "How do I set up webhook signature verification with HMAC-SHA256?"
WEBHOOKS_REASON = "webhook delivery and signature verification (HMAC-SHA256)"
# Jonas first (webhook passage), Sophie second (volume discounts passage).
WEBHOOKS_THEN_PRICING = "Webhook delivery and signature verification with HMAC-SHA256, plus volume discounts?"
POSTGRES_ENV, REDIS_ENV = "MATCHMAKER_TEST_POSTGRES_URL", "MATCHMAKER_TEST_REDIS_URL"


def for_conversation(asked: dict):
    return lambda data: data["conversation_id"] == asked["id"]


def start_chat(url: str, console, customer, question: str = WEBHOOKS):
    """Jonas's console is offered the question and accepts; then the widget connects."""
    jonas = console(url, JONAS)
    asked = ask(url, question)
    offer = jonas.wait_for("offered", for_conversation(asked))
    assert jonas.call("accept", {"offer_id": offer["offer_id"]})["ok"]
    return asked, jonas, customer(url, asked)


def say_as_customer(widget, body: str, client_id: str) -> dict:
    ack = widget.call("say", {"body": body, "client_id": client_id})
    assert ack.get("ok"), ack
    return ack["message"]


def say_as_employee(console, asked: dict, body: str, client_id: str) -> dict:
    ack = console.call("say", {"conversation_id": asked["id"], "body": body,
                               "client_id": client_id})
    assert ack.get("ok"), ack
    return ack["message"]


def test_accept_connects_the_customer_with_the_person_asked(server, console, customer):
    jonas = console(server.url, JONAS)
    asked = ask(server.url, WEBHOOKS)
    assert asked["status"] == "offered"
    assert asked["asking"]["name"] == JONAS_NAME
    assert asked["reason"] == WEBHOOKS_REASON
    widget = customer(server.url, asked)
    offer = jonas.wait_for("offered", for_conversation(asked))
    assert offer["question"] == WEBHOOKS and offer["reason"] == WEBHOOKS_REASON

    ack = jonas.call("accept", {"offer_id": offer["offer_id"]})

    assert ack["ok"] and ack["conversation"]["status"] == "active"
    assert widget.wait_for("accepted")["employee"]["name"] == JONAS_NAME


def test_decline_offers_the_question_to_the_next_candidate(server, console, customer):
    jonas = console(server.url, JONAS)
    sophie = console(server.url, SOPHIE)
    asked = ask(server.url, WEBHOOKS_THEN_PRICING)
    assert asked["asking"]["name"] == JONAS_NAME
    widget = customer(server.url, asked)
    offer = jonas.wait_for("offered", for_conversation(asked))

    assert jonas.call("decline", {"offer_id": offer["offer_id"]}) == {"ok": True}

    assert sophie.wait_for("offered", for_conversation(asked))
    assert widget.wait_for("asking")["employee"]["name"] == SOPHIE_NAME


def test_an_unanswered_offer_expires_and_moves_to_the_next_candidate(server, console):
    jonas = console(server.url, JONAS)
    sophie = console(server.url, SOPHIE)
    asked = ask(server.url, WEBHOOKS_THEN_PRICING)
    offer = jonas.wait_for("offered", for_conversation(asked))

    # Jonas never answers: the sweeper expires the offer after offer_timeout (2 s).
    closed = jonas.wait_for("offer_closed", lambda data: data["offer_id"] == offer["offer_id"])

    assert closed["outcome"] == "expired"
    assert sophie.wait_for("offered", for_conversation(asked))
    assert jonas.events("offered") == [offer]


def test_nobody_online_takes_the_question_offline_to_the_best_match(server, console, customer):
    asked = ask(server.url, WEBHOOKS)
    assert asked["status"] == "offline"
    assert asked["asking"] is None
    assert asked["employee"]["name"] == JONAS_NAME
    widget = customer(server.url, asked)
    assert widget.call("leave_email", {"email": "pat@example.org", "name": "Pat"}) == {"ok": True}

    jonas = console(server.url, JONAS)
    inbox = jonas.call("state")["inbox"]
    assert asked["id"] in [item["id"] for item in inbox]
    mine = next(item for item in inbox if item["id"] == asked["id"])
    assert mine["customer_email"] == "pat@example.org"
    reply = say_as_employee(jonas, asked, "Sign the raw request body with HMAC-SHA256.", "later-1")

    assert widget.wait_for("said", lambda data: data["seq"] == reply["seq"])["body"] == (
        "Sign the raw request body with HMAC-SHA256.")


def test_interleaved_messages_arrive_in_order_without_gaps(server, console, customer):
    asked, jonas, widget = start_chat(server.url, console, customer)
    sent = []
    for i in range(50):
        sent.append(say_as_customer(widget, f"customer message {i}", f"c-{i}"))
        sent.append(say_as_employee(jonas, asked, f"employee message {i}", f"e-{i}"))
    expected = [(m["seq"], m["author"], m["body"]) for m in sent]
    assert [seq for seq, _, _ in expected] == list(range(2, 102))

    # Each side hears the other's 50 in order (its own come back in their acks, not as said).
    for peer, other in ((widget, "employee"), (jonas, "customer")):
        said = peer.wait_for_count("said", 50)
        assert [(m["seq"], m["author"], m["body"]) for m in said] == [
            m for m in expected if m[1] == other]
    synced = widget.call("sync", {"after_seq": 0})["messages"]
    assert [(m["seq"], m["author"], m["body"]) for m in synced] == [
        (1, "customer", WEBHOOKS), *expected]
    from_console = jonas.call("sync", {"conversation_id": asked["id"], "after_seq": 0})["messages"]
    assert from_console == synced


def test_a_reconnecting_customer_gets_exactly_the_missed_messages(server, console, customer):
    asked, jonas, widget = start_chat(server.url, console, customer)
    first = say_as_customer(widget, "Is the signature over the raw body?", "c-1")
    widget.disconnect()
    replies = [say_as_employee(jonas, asked, f"reply {i}", f"e-{i}") for i in range(5)]

    widget = customer(server.url, asked)
    ack = widget.call("sync", {"after_seq": first["seq"]})

    assert ack["messages"] == replies
    assert ack["conversation"]["status"] == "active"
    # The ack of c-1 was lost (say): sending it again returns the stored message, not a new one.
    again = say_as_customer(widget, "Is the signature over the raw body?", "c-1")
    assert again == first
    stored = widget.call("sync", {"after_seq": 0})["messages"]
    assert [m["client_id"] for m in stored].count("c-1") == 1
    assert [m["seq"] for m in stored] == list(range(1, replies[-1]["seq"] + 1))


def test_rating_and_consent_show_in_the_marketing_console(server, console, customer):
    asked, jonas, widget = start_chat(server.url, console, customer)
    say_as_employee(jonas, asked, "Yes, over the raw body.", "e-1")
    assert jonas.call("close", {"conversation_id": asked["id"]}) == {"ok": True}
    assert widget.wait_for("closed")["by"] == "employee"

    assert widget.call("rate", {"stars": 4, "comment": "Clear and quick"}) == {"ok": True}
    assert widget.call("consent", {"granted": True}) == {"ok": True}

    marketing = sign_in(server.url, "oliver@lumenledger.example")
    page = marketing.get(f"{server.url}/marketing/conversations/{asked['id']}", timeout=WAIT)
    assert page.status_code == 200
    rating = re.search(r'<dd id="rating">(.*?)</dd>', page.text, re.S).group(1)
    consent = re.search(r'<dd id="consent">(.*?)</dd>', page.text, re.S).group(1)
    assert rating.strip() == "★★★★ Clear and quick"
    assert consent.startswith("granted (quote without personal details")


def test_acknowledged_messages_survive_a_killed_server(launch, sqlite_url, console, customer):
    first = launch(sqlite_url)
    asked, jonas, widget = start_chat(first.url, console, customer)
    acked = [say_as_customer(widget, "customer before the crash", "c-1"),
             say_as_employee(jonas, asked, "employee before the crash", "e-1"),
             say_as_customer(widget, "customer again before the crash", "c-2")]

    first.kill()
    wait_until_disconnected(widget, jonas)
    second = launch(sqlite_url)  # same file: migrations are a no-op, the demo seed is skipped
    jonas = console(second.url, JONAS)
    widget = customer(second.url, asked)

    synced = widget.call("sync", {"after_seq": 0})
    assert synced["messages"][1:] == acked
    assert synced["conversation"]["status"] == "active"
    assert synced["conversation"]["employee"]["name"] == JONAS_NAME
    from_console = jonas.call("sync", {"conversation_id": asked["id"], "after_seq": 0})
    assert from_console["messages"] == synced["messages"]
    assert [c["id"] for c in jonas.call("state")["conversations"]] == [asked["id"]]
    assert say_as_employee(jonas, asked, "still here", "e-2")["seq"] == acked[-1]["seq"] + 1


def wait_until_disconnected(*peers) -> None:
    wait_until(lambda: not any(peer.connected for peer in peers), what="clients to see the crash")


@pytest.fixture
def shared_state_urls() -> tuple[str, str]:
    missing = [name for name in (POSTGRES_ENV, REDIS_ENV) if not os.environ.get(name)]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not set: two-process test needs PostgreSQL and Redis")
    postgres_url = os.environ[POSTGRES_ENV]
    reset_postgres(postgres_url)
    return postgres_url, os.environ[REDIS_ENV]


def test_two_server_processes_share_offers_and_messages(launch, shared_state_urls, console,
                                                        customer):
    postgres_url, redis_url = shared_state_urls
    server_a = launch(postgres_url, settings={"redis_url": redis_url})  # migrates and seeds
    server_b = launch(postgres_url, settings={"redis_url": redis_url})  # finds both done
    jonas = console(server_b.url, JONAS)

    asked = ask(server_a.url, WEBHOOKS)
    assert asked["asking"]["name"] == JONAS_NAME
    widget = customer(server_a.url, asked)
    offer = jonas.wait_for("offered", for_conversation(asked))
    assert jonas.call("accept", {"offer_id": offer["offer_id"]})["ok"]
    assert widget.wait_for("accepted")["employee"]["name"] == JONAS_NAME

    question = say_as_customer(widget, "Which header carries the signature?", "c-1")
    answer = say_as_employee(jonas, asked, "The Lumen-Signature header.", "e-1")
    assert jonas.wait_for("said", lambda data: data["seq"] == question["seq"]) == question
    assert widget.wait_for("said", lambda data: data["seq"] == answer["seq"]) == answer
