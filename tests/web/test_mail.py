"""The offline loop closed for real: an unread reply is e-mailed through a real SMTP server on
loopback, and the mail's signed link reopens the conversation in a widget."""

import re
import time
from unittest import mock

import pytest

from matchmaker.models import Conversation, OutboxMail
from tests.servers import free_port
from tests.web.conftest import ask, login
from web import create_app, mail
from web.mailcatcher import caught

EMP, CUS = "/employee", "/customer"
PAGE = "http://127.0.0.1:5000/pricing"


@pytest.fixture
def app_overrides(smtp):
    port, folder = smtp
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
            "mail_from": "Lumen Ledger <hello@lumen.example>", "mail_delay": 30,
            "public_url": "http://127.0.0.1:5000", "mail_catcher_dir": folder}


def offline_answer(app, console, customer):
    """Nobody free: the customer leaves an address and goes; Dana answers later."""
    asked = ask(app.test_client(), name="Pat", page_url=PAGE)
    assert asked["status"] == "offline" and asked["mail"] is True
    widget = customer(asked)
    assert widget.emit("leave_email", {"email": "pat@example.org"}, namespace=CUS,
                       callback=True) == {"ok": True}
    widget.disconnect(namespace=CUS)
    dana = console("dev@example.test")
    ack = dana.emit("say", {"conversation_id": asked["id"], "body": "Sign the raw body with "
                            "your endpoint secret.", "client_id": "e1"}, namespace=EMP,
                    callback=True)
    assert ack["ok"]
    return asked


def test_an_unread_offline_answer_is_mailed_with_a_link_that_reopens_it(
        app, svc, clock, console, customer, smtp):
    asked = offline_answer(app, console, customer)
    with app.app_context():
        assert mail.send_due(svc) == 0  # it waits: the customer may still read it in the widget
        clock.advance(31)
        assert mail.send_due(svc) == 1
        assert mail.send_due(svc) == 0  # once
    [letter] = caught(smtp[1])
    assert letter.to == "pat@example.org" and letter.subject == "Dana Dev answered your question"
    assert "Sign the raw body with your endpoint secret." in letter.text
    link = re.search(r"http://127\.0\.0\.1:5000/pricing#mm-resume=(\S+)", letter.text)
    assert link, letter.text

    other_browser = app.test_client()
    reopened = other_browser.post("/api/v1/conversations/resume", json={"link": link.group(1)})
    assert reopened.status_code == 200
    body = reopened.get_json()
    assert (body["id"], body["unread"], body["employee"]["name"]) == (asked["id"], 1, "Dana Dev")
    widget = customer(body)  # the new key opens it
    synced = widget.emit("sync", {"after_seq": 0}, namespace=CUS, callback=True)
    assert synced["messages"][-1]["body"].startswith("Sign the raw body")
    assert widget.emit("read", {"seq": synced["messages"][-1]["seq"]}, namespace=CUS,
                       callback=True)["unread"] == 0
    admin = app.test_client()
    login(admin, "admin@example.test")
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert "Dana Dev answered your question" in page and "pat@example.org" in page


def test_a_reply_read_in_the_widget_in_time_is_not_mailed(app, svc, clock, console, customer,
                                                         smtp):
    asked = offline_answer(app, console, customer)
    widget = customer(asked)
    assert widget.emit("read", {"seq": 2}, namespace=CUS, callback=True)["unread"] == 0
    clock.advance(31)
    with app.app_context():
        assert mail.send_due(svc) == 0
    assert caught(smtp[1]) == []


def test_a_mail_server_that_is_down_is_retried_later(app, svc, clock, console, customer, smtp):
    offline_answer(app, console, customer)
    clock.advance(31)
    app.extensions["mailman"].port = free_port()  # the mail server is down: nothing listens
    with app.app_context():
        assert mail.send_due(svc) == 0
    with svc.transaction() as session:
        queued = session.query(OutboxMail).one()
        assert (queued.status, queued.attempts) == ("pending", 1)
        assert "Connection" in queued.last_error or "refused" in queued.last_error
    app.extensions["mailman"].port = smtp[0]  # back up
    with app.app_context():
        assert mail.send_due(svc) == 0  # not yet: it backs off
        clock.advance(31)
        assert mail.send_due(svc) == 1
    assert len(caught(smtp[1])) == 1


@pytest.mark.parametrize("link, status", [
    ("nonsense", 401), ("x.y.z", 401),  # well formed, but not signed by us
    ("", 400), ("x" * 600, 400), (None, 400), (42, 400),  # refused by the schema
])
def test_a_forged_or_malformed_link_opens_nothing(app, link, status):
    response = app.test_client().post("/api/v1/conversations/resume", json={"link": link})
    assert response.status_code == status
    assert response.get_json()["error"] == "invalid_link"


def test_an_expired_link_says_so(app, svc):
    asked = ask(app.test_client(), email="pat@example.org")
    with svc.transaction() as session:
        token = mail.resume_token(svc.settings, session.get(Conversation, asked["id"]))
    with mock.patch("itsdangerous.timed.time.time",
                    return_value=time.time() + svc.settings.resume_link_days * 86400 + 60):
        response = app.test_client().post("/api/v1/conversations/resume", json={"link": token})
    assert response.status_code == 401 and response.get_json()["error"] == "link_expired"


def test_the_link_goes_to_our_own_widget_when_the_page_is_not_ours(app, svc):
    asked = ask(app.test_client(), page_url="https://evil.example/phish")
    with svc.transaction() as session:
        link = mail.resume_link(svc.settings, session.get(Conversation, asked["id"]))
    assert link.startswith("http://127.0.0.1:5000/widget?resume=")


def test_mail_is_off_without_an_smtp_host(database_url, encoder, clock):
    app = create_app({"database_url": database_url, "secret_key": "s"}, encoder=encoder,
                     clock=clock)
    assert app.extensions["matchmaker"].policy.mail_enabled is False


def test_a_key_to_one_conversation_cannot_redirect_anothers_replies(
        app, svc, clock, console, customer, smtp):
    """Two questions from one visitor; someone holding the first one's key leaves another
    address: the second one's answer still goes only where it was asked to."""
    first = ask(app.test_client(), question="zebra quantum origami", email="pat@example.org")
    second = ask(app.test_client(), email="pat@example.org")
    intruder = customer(first)
    assert intruder.emit("leave_email", {"email": "mallory@evil.example"}, namespace=CUS,
                         callback=True) == {"ok": True}
    dana = console("dev@example.test")
    assert dana.emit("say", {"conversation_id": second["id"], "body": "Account BE-4711: use the "
                             "endpoint secret.", "client_id": "e1"}, namespace=EMP,
                     callback=True)["ok"]
    clock.advance(31)
    with app.app_context():
        assert mail.send_due(svc) == 1
    assert [m.to for m in caught(smtp[1])] == ["pat@example.org"]
