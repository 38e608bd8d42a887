"""Inviting a colleague over the wire: the invite reaches them as an invite, the customer sees
who joined beside whom and why, every message, typing and note reaches everyone in the chat
(a note never the widget), and leaving and closing tell each side."""

import json
import re

import pytest

from tests.web.conftest import events
from tests.web.test_handovers import EMP, NOTE, PRICING, TURNED, emit, sales_chat  # noqa: F401
from web.apidocs import asyncapi

CUS = "/customer"


def invite(sam, asked, *employee_ids, note=NOTE):
    return emit(sam, "invite", {"conversation_id": asked["id"],
                                "employee_ids": list(employee_ids), "note": note})


@pytest.fixture
def team_chat(sales_chat, staff):  # noqa: F811
    """Dana (developer) joined Sam's sales chat; every inbox emptied. → (sam, widget, asked,
    dana, sue)"""
    sam, widget, asked, dana, sue = sales_chat
    assert invite(sam, asked, staff["dev@example.test"])["ok"]
    offer = events(dana, EMP, "handover_offered")[0]
    assert emit(dana, "accept_handover", {"handover_id": offer["handover_id"]})["ok"]
    for client, namespace in ((sam, EMP), (widget, CUS), (dana, EMP), (sue, EMP)):
        events(client, namespace)
    return sales_chat


def test_an_invite_reaches_the_colleague_and_the_customer_sees_who_joined_beside_whom(
        sales_chat, staff):  # noqa: F811
    sam, widget, asked, dana, _ = sales_chat
    ack = invite(sam, asked, staff["dev@example.test"])
    assert ack["ok"] and ack["handover"]["purpose"] == "invite", ack
    offer = events(dana, EMP, "handover_offered")[0]
    assert (offer["purpose"], offer["requester"]["name"]) == ("invite", "Sam Sales")
    taken = emit(dana, "accept_handover", {"handover_id": offer["handover_id"]})
    assert taken["ok"] and taken["conversation"]["employee_id"] == staff["sales@example.test"]
    joined = events(widget, CUS, "joined")
    assert len(joined) == 1 and joined[0]["purpose"] == "invite"
    assert (joined[0]["employee"]["name"], joined[0]["beside"]["name"]) == ("Dana Dev",
                                                                            "Sam Sales")
    assert "webhook" in joined[0]["reason"].lower() and joined[0]["previous"] is None
    changed = events(sam, EMP, "participants_changed")
    assert [p["employee"]["name"] for p in changed[0]["participants"]] == ["Sam Sales",
                                                                          "Dana Dev"]
    assert changed[0]["change"] == "joined" and changed[0]["participants"][0]["lead"]
    assigned = events(dana, EMP, "assigned")[0]
    assert assigned["id"] == asked["id"] and len(assigned["participants"]) == 2
    assert events(sam, EMP, "handed_over") == []  # still Sam's


def test_a_colleague_already_in_it_cannot_be_invited_again(team_chat, staff):
    sam, _, asked, *_ = team_chat
    assert invite(sam, asked, staff["dev@example.test"])["error"] == "already_in_conversation"


def test_every_message_reaches_everyone_in_it_and_names_its_writer(team_chat):
    sam, widget, asked, dana, sue = team_chat
    assert widget.emit("say", {"body": "Both of you, hi", "client_id": "c-2"}, namespace=CUS,
                       callback=True)["ok"]
    ack = emit(dana, "say", {"conversation_id": asked["id"], "body": "HMAC-SHA256",
                             "client_id": "d-1"})
    assert ack["ok"] and ack["message"]["employee_name"] == "Dana Dev"
    assert [m["body"] for m in events(sam, EMP, "said")] == ["Both of you, hi", "HMAC-SHA256"]
    assert [m["body"] for m in events(dana, EMP, "said")] == ["Both of you, hi"]  # ack: hers
    heard = events(widget, CUS, "said")
    assert [(m["body"], m["employee_name"]) for m in heard] == [("HMAC-SHA256", "Dana Dev")]
    assert events(sue, EMP, "said") == []
    synced = widget.emit("sync", {"after_seq": 0}, namespace=CUS, callback=True)
    assert synced["messages"][-1]["employee_name"] == "Dana Dev"
    assert [c["name"] for c in synced["conversation"]["colleagues"]] == ["Dana Dev"]


def test_a_colleagues_typing_reaches_the_customer_and_the_other_console(team_chat):
    sam, widget, asked, dana, _ = team_chat
    assert emit(dana, "typing", {"conversation_id": asked["id"], "typing": True})["ok"]
    assert events(widget, CUS, "typing") == [{"author": "employee", "typing": True,
                                              "employee_name": "Dana Dev"}]
    [seen] = events(sam, EMP, "typing")
    assert (seen["conversation_id"], seen["employee_name"]) == (asked["id"], "Dana Dev")
    widget.emit("typing", {"typing": True}, namespace=CUS, callback=True)
    assert events(dana, EMP, "typing")[0]["author"] == "customer"


def test_a_colleagues_note_reaches_both_consoles_and_never_the_widget(team_chat):
    sam, widget, asked, dana, _ = team_chat
    ack = emit(dana, "note", {"conversation_id": asked["id"], "body": NOTE, "client_id": "n-1"})
    assert ack["ok"], ack
    assert events(sam, EMP, "noted")[0]["body"] == NOTE
    synced = widget.emit("sync", {"after_seq": 0}, namespace=CUS, callback=True)
    assert NOTE not in json.dumps(events(widget, CUS)) and NOTE not in json.dumps(synced)


def test_a_reloaded_console_lists_the_chat_and_who_is_in_it(team_chat, staff):
    _, _, asked, dana, _ = team_chat
    state = emit(dana, "state", {})
    listed = next(c for c in state["conversations"] if c["id"] == asked["id"])
    assert [p["employee_id"] for p in listed["participants"]] == [
        staff["sales@example.test"], staff["dev@example.test"]]
    synced = emit(dana, "sync", {"conversation_id": asked["id"], "after_seq": 0})
    assert [m["body"] for m in synced["messages"]] == [PRICING, TURNED]  # the whole history


def test_leaving_tells_everyone_and_the_one_who_left_hears_no_more(team_chat, staff):
    sam, widget, asked, dana, _ = team_chat
    assert emit(dana, "leave", {"conversation_id": asked["id"]})["ok"]
    left = events(widget, CUS, "colleague_left")[0]
    assert (left["employee"]["name"], left["lead"]["name"], left["colleagues"]) == (
        "Dana Dev", "Sam Sales", [])
    for client in (sam, dana):
        changed = events(client, EMP, "participants_changed")[0]
        assert (changed["change"], changed["employee_id"]) == ("left", staff["dev@example.test"])
    widget.emit("say", {"body": "Still there?", "client_id": "c-3"}, namespace=CUS, callback=True)
    assert events(dana, EMP, "said") == [] and len(events(sam, EMP, "said")) == 1
    refused = emit(dana, "say", {"conversation_id": asked["id"], "body": "me?", "client_id": "x"})
    assert refused["error"] == "forbidden"


def test_the_last_one_cannot_leave_and_closing_while_a_colleague_stays_is_leaving(team_chat):
    sam, widget, asked, dana, _ = team_chat
    assert emit(sam, "close", {"conversation_id": asked["id"]})["ok"]
    heard = {e["name"]: e["args"][0] for e in widget.get_received(CUS)}
    assert "closed" not in heard and heard["colleague_left"]["lead"]["name"] == "Dana Dev"
    assert emit(dana, "leave", {"conversation_id": asked["id"]})["error"] == "last_in_conversation"
    assert emit(dana, "close", {"conversation_id": asked["id"]})["ok"]
    assert events(widget, CUS, "closed")[0]["by"] == "employee"


def test_the_customers_close_reaches_every_console(team_chat):
    sam, widget, asked, dana, _ = team_chat
    assert widget.emit("close", {}, namespace=CUS, callback=True)["ok"]
    for client in (sam, dana):
        assert events(client, EMP, "closed") == [{"conversation_id": asked["id"],
                                                  "by": "customer"}]


def test_the_transcript_shows_every_voice_the_notes_and_who_joined(team_chat, app):
    from tests.web.conftest import login

    sam, _, asked, dana, _ = team_chat
    emit(sam, "say", {"conversation_id": asked["id"], "body": "Sam on pricing", "client_id": "s-1"})
    emit(dana, "say", {"conversation_id": asked["id"], "body": "Dana on webhooks",
                       "client_id": "d-1"})
    emit(dana, "note", {"conversation_id": asked["id"], "body": NOTE, "client_id": "n-1"})
    client = app.test_client()
    login(client, "marketing@example.test")
    page = client.get(f"/marketing/conversations/{asked['id']}").get_data(as_text=True)
    transcript, timeline = page.split('id="timeline"')
    voices = re.findall(r'<span class="author">([^<]+)</span>', transcript)
    assert voices[-3:] == ["Sam Sales", "Dana Dev", "Dana Dev"]  # the last: her note
    assert NOTE in transcript and voices[0] != "Sam Sales"  # the customer speaks first
    step = next(line for line in timeline.splitlines() if "joined the chat" in line)
    assert "Dana Dev" in step and "Sam Sales" in step and "webhook" in step.lower()


def test_the_asyncapi_document_lists_the_teamwork_events(app):
    channels = asyncapi(app)["channels"]
    employee, customer = channels["employee"]["messages"], channels["customer"]["messages"]
    for event in ("invite", "leave", "server.participants_changed"):
        assert event in employee
    assert "server.colleague_left" in customer
