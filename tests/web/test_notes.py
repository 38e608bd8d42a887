"""Internal notes over the wire: the employee's consoles hear `noted`, the customer never gets a
note's text in any event, ack, sync, HTTP answer or mail; marketing sees it in the transcript."""

import email
import json
import re
from email import policy as email_policy
from pathlib import Path

import pytest

from matchmaker.models import Note
from tests.web.conftest import ask, csrf_token, events, login
from web import mail
from web.mailcatcher import caught

EMP, CUS = "/employee", "/customer"
SECRET = "INTERNAL-ONLY: customer is on the legacy plan, do not offer the discount"


@pytest.fixture
def app_overrides(smtp):
    port, folder = smtp
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
            "mail_delay": 30, "public_url": "http://127.0.0.1:5000",
            "mail_catcher_dir": folder}


def note(client, conversation_id, body=SECRET, client_id="n1"):
    return client.emit("note", {"conversation_id": conversation_id, "body": body,
                                "client_id": client_id}, namespace=EMP, callback=True)


def said(client, body, conversation_id=None, client_id=None):
    data = {"body": body, "client_id": client_id or f"c-{abs(hash(body))}"}
    if conversation_id is None:
        return client.emit("say", data, namespace=CUS, callback=True)
    return client.emit("say", {"conversation_id": conversation_id, **data}, namespace=EMP,
                       callback=True)


def assert_secret_absent(*things):
    for thing in things:
        assert SECRET not in json.dumps(thing, default=str)
        assert "legacy plan" not in json.dumps(thing, default=str)


def mail_parts(folder: str) -> list[str]:
    """Every text part of every caught mail, decoded (base64 or quoted-printable alike)."""
    parts = []
    for path in Path(folder).rglob("*"):
        if path.is_file():
            message = email.message_from_bytes(path.read_bytes(), policy=email_policy.default)
            parts += [part.get_content() for part in message.walk()
                      if part.get_content_maintype() == "text"]
    return parts


def test_a_note_reaches_the_staff_console_and_nothing_of_it_reaches_the_customer(
        app, chat, customer, console):
    dev, widget, asked = chat
    sales = console("sales@example.test")  # a colleague with nothing to do with this chat
    events(sales, EMP)
    assert said(widget, "Which plan am I on?")["ok"]
    ack = note(dev, asked["id"])
    assert ack["ok"] and ack["note"]["body"] == SECRET and ack["note"]["after_seq"] == 2
    assert said(dev, "Let me check.", asked["id"])["ok"]

    noted = events(dev, EMP, "noted")
    assert [n["body"] for n in noted] == [SECRET]
    assert events(sales, EMP, "noted") == []
    received = widget.get_received(CUS)
    # (the widget's own message may come only as its ack: the sender's connection is skipped)
    assert [e["args"][0]["body"] for e in received if e["name"] == "said"][-1] == "Let me check."
    assert "noted" not in {e["name"] for e in received}
    assert_secret_absent(received)
    # Whatever the widget asks afterwards carries no note either; a note moves no seq.
    heartbeat = widget.emit("heartbeat", {}, namespace=CUS, callback=True)
    assert heartbeat["last_seq"] == 3
    synced = widget.emit("sync", {"after_seq": 0}, namespace=CUS, callback=True)
    assert [m["seq"] for m in synced["messages"]] == [1, 2, 3]
    read = widget.emit("read", {"seq": 3}, namespace=CUS, callback=True)
    closed = widget.emit("close", {}, namespace=CUS, callback=True)
    assert_secret_absent(heartbeat, synced, read, closed, widget.get_received(CUS))

    # A second tab of the same conversation (a new widget connection) learns nothing either.
    again = customer(asked)
    assert_secret_absent(again.emit("sync", {"after_seq": 0}, namespace=CUS, callback=True),
                         again.get_received(CUS))


def test_the_customer_and_a_widget_token_cannot_write_notes(app, socketio, chat, svc):
    dev, widget, asked = chat
    refused = widget.emit("note", {"conversation_id": asked["id"], "body": SECRET,
                                   "client_id": "n1"}, namespace=CUS, callback=True)
    assert refused["error"] == "unknown_event"
    token_on_console = socketio.test_client(
        app, namespace=EMP, auth={"conversation_id": asked["id"], "token": asked["token"]})
    assert not token_on_console.is_connected(EMP)
    with svc.transaction() as session:
        assert session.query(Note).count() == 0


def test_only_who_has_the_chat_or_reads_transcripts_may_write(app, chat, console):
    dev, widget, asked = chat
    sales = console("sales@example.test")
    assert note(sales, asked["id"])["error"] == "not_found"
    marketing = console("marketing@example.test", available=False)
    ack = note(marketing, asked["id"], body="Great story candidate.", client_id="m1")
    assert ack["ok"] and ack["note"]["employee"]["name"] == "Mia Marketing"
    assert [n["body"] for n in events(dev, EMP, "noted")] == ["Great story candidate."]
    assert [n["body"] for n in events(marketing, EMP, "noted")] == ["Great story candidate."]
    assert_secret_absent(widget.get_received(CUS))
    assert "Great story candidate." not in json.dumps(widget.get_received(CUS))


def test_a_resent_note_is_stored_once_and_bad_ones_are_refused(app, chat, svc):
    dev, _, asked = chat
    first = note(dev, asked["id"], client_id="same")
    again = note(dev, asked["id"], client_id="same")
    assert first["note"]["id"] == again["note"]["id"]
    assert len(events(dev, EMP, "noted")) == 1
    assert note(dev, asked["id"], body="  ", client_id="n2")["error"] == "empty_message"
    assert note(dev, asked["id"], body="x" * 4001, client_id="n3")["error"] == "message_too_long"
    assert dev.emit("note", {"conversation_id": asked["id"], "body": "hi"}, namespace=EMP,
                    callback=True)["error"] == "invalid_client_id"
    with svc.transaction() as session:
        assert session.query(Note).count() == 1


def test_the_console_sync_after_a_reconnect_brings_the_notes(app, chat, console):
    dev, widget, asked = chat
    note(dev, asked["id"])
    dev.disconnect(namespace=EMP)
    back = console("dev@example.test")
    synced = back.emit("sync", {"conversation_id": asked["id"], "after_seq": 1}, namespace=EMP,
                       callback=True)
    assert synced["messages"] == []  # nothing missed after seq 1, yet the note comes along
    assert [(n["body"], n["after_seq"]) for n in synced["notes"]] == [(SECRET, 1)]


def test_notes_may_be_added_after_the_chat_ended(app, chat):
    dev, widget, asked = chat
    assert dev.emit("close", {"conversation_id": asked["id"]}, namespace=EMP,
                    callback=True) == {"ok": True}
    events(widget, CUS)
    assert note(dev, asked["id"], body="Follow-up: invoice sent.")["ok"]
    assert widget.get_received(CUS) == []


def test_the_marketing_transcript_shows_the_note_in_its_place(app, chat):
    dev, widget, asked = chat
    said(widget, "Which plan am I on?")
    note(dev, asked["id"])
    said(dev, "You are on the legacy plan.", asked["id"])
    client = app.test_client()
    login(client, "marketing@example.test")
    page = client.get(f"/marketing/conversations/{asked['id']}").get_data(as_text=True)
    assert 'class="note"' in page and "only staff can see this" in page
    assert page.index("Which plan am I on?") < page.index("INTERNAL-ONLY") < page.index(
        "You are on the legacy plan.")
    html_escaped = "<b>bold</b>"
    note(dev, asked["id"], body=html_escaped, client_id="n2")
    page = client.get(f"/marketing/conversations/{asked['id']}").get_data(as_text=True)
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and html_escaped not in page


def test_the_reply_mail_and_the_link_it_carries_hold_no_note(app, svc, clock, console, customer,
                                                             smtp):
    asked = ask(app.test_client(), name="Pat")
    assert asked["status"] == "offline"
    widget = customer(asked)
    widget.emit("leave_email", {"email": "pat@example.org"}, namespace=CUS, callback=True)
    widget.disconnect(namespace=CUS)
    dana = console("dev@example.test")
    assert said(dana, "Sign the raw body with your secret.", asked["id"], "e1")["ok"]
    assert note(dana, asked["id"])["ok"]
    assert said(dana, "And check the timestamp.", asked["id"], "e2")["ok"]
    with app.app_context():
        clock.advance(31)
        assert mail.send_due(svc) >= 1
    [letter] = caught(smtp[1])
    assert "Sign the raw body" in letter.text and "check the timestamp" in letter.text
    parts = mail_parts(smtp[1])
    assert len(parts) == 2  # text and HTML
    assert_secret_absent(parts)
    link = letter.text.split("/widget?resume=")[1].split()[0]
    reopened = app.test_client().post("/api/v1/conversations/resume", json={"link": link})
    assert reopened.status_code == 200
    widget = customer(reopened.get_json())
    assert_secret_absent(reopened.get_json(),
                         widget.emit("sync", {"after_seq": 0}, namespace=CUS, callback=True),
                         widget.get_received(CUS))


def test_marketing_adds_a_note_from_the_transcript_and_the_console_hears_of_it(app, chat, svc):
    dev, widget, asked = chat
    client = app.test_client()
    login(client, "marketing@example.test")
    page = client.get(f"/marketing/conversations/{asked['id']}").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "body": "Ask for a quote: great story.",
            "client_id": re.search(r'name="client_id" value="([^"]+)"', page).group(1)}
    url = f"/marketing/conversations/{asked['id']}/notes"
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code == 302  # a second click stores nothing
    page = client.get(f"/marketing/conversations/{asked['id']}").get_data(as_text=True)
    assert page.count("Ask for a quote: great story.") == 1
    assert [n["body"] for n in events(dev, EMP, "noted")] == ["Ask for a quote: great story."]
    assert "great story" not in json.dumps(widget.get_received(CUS))
    with svc.transaction() as session:
        assert session.query(Note).count() == 1
    agent = app.test_client()
    login(agent, "dev@example.test")
    own = {**form, "csrf_token": csrf_token(agent.get("/console/").get_data(as_text=True)),
           "client_id": "agent-1"}
    assert agent.post(url, data=own).status_code == 403  # the page is marketing's
