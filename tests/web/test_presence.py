"""Presence in seconds: the server vouches for the consoles it holds, an offer nobody
acknowledges moves on, and the pages tell the browser how often to beat."""

from __future__ import annotations

import json
import re

from web.runtime import keep_present, sweep_once

from .conftest import ask, events, login

EMP = "/employee"
BOTH = "webhook signature verification volume discount"  # Dana first, then Sam


def _sweep(app, svc) -> None:
    with app.app_context():
        sweep_once(svc)


def test_an_offer_no_console_acknowledges_moves_on_as_unreachable(app, console, svc, clock):
    dev, sales = console("dev@example.test"), console("sales@example.test")
    asked = ask(app.test_client(), question=BOTH)
    offer = events(dev, EMP, "offered")[0]  # delivered, never acknowledged: a console that hung
    clock.advance(svc.policy.offer_ack_s + 1)
    keep_present(svc)  # both consoles are connected all along
    _sweep(app, svc)
    assert events(dev, EMP, "offer_closed") == [{"offer_id": offer["offer_id"],
                                                 "outcome": "unreachable"}]
    assert [o["conversation_id"] for o in events(sales, EMP, "offered")] == [asked["id"]]


def test_an_acknowledged_offer_waits_for_its_answer(app, console, svc, clock):
    dev, sales = console("dev@example.test"), console("sales@example.test")
    ask(app.test_client(), question=BOTH)
    offer_id = events(dev, EMP, "offered")[0]["offer_id"]
    assert dev.emit("seen_offer", {"offer_id": offer_id}, namespace=EMP, callback=True) == {
        "ok": True}
    clock.advance(svc.policy.offer_ack_s + 1)
    keep_present(svc)
    _sweep(app, svc)
    assert events(dev, EMP, "offer_closed") == []
    assert events(sales, EMP, "offered") == []
    assert dev.emit("accept", {"offer_id": offer_id}, namespace=EMP, callback=True)["ok"]


def test_only_the_console_offered_can_acknowledge(app, console):
    dev, sales = console("dev@example.test"), console("sales@example.test")
    ask(app.test_client(), question=BOTH)
    offer_id = events(dev, EMP, "offered")[0]["offer_id"]
    ack = sales.emit("seen_offer", {"offer_id": offer_id}, namespace=EMP, callback=True)
    assert ack["error"] == "not_found"


def test_the_server_keeps_the_consoles_it_holds_present(app, console, svc, clock):
    """No heartbeat from the console (a background tab's timers are throttled): its connection
    is up, so the process holding it keeps it online; without that, it lapses."""
    console("dev@example.test")
    clock.advance(svc.policy.presence_ttl_s + 1)
    keep_present(svc)
    assert ask(app.test_client())["status"] == "offered"
    clock.advance(svc.policy.presence_ttl_s + 1)  # and now nobody vouches for it
    _sweep(app, svc)
    assert ask(app.test_client())["status"] == "offline"


def test_a_disconnected_console_is_not_kept(app, console, svc, clock):
    dev = console("dev@example.test")
    dev.disconnect(namespace=EMP)
    assert not svc.consoles
    clock.advance(svc.policy.rejoin_grace_s + 1)
    keep_present(svc)
    assert ask(app.test_client())["status"] == "offline"


def test_the_pages_say_how_often_to_beat(app, svc):
    http = app.test_client()
    login(http, "dev@example.test")
    for page in ("/console/", "/widget"):
        html = http.get(page).get_data(as_text=True)
        config = json.loads(re.search(r'id="mm-config">(.*?)</script>', html).group(1))
        assert config["console_heartbeat_ms"] == round(svc.policy.presence_ttl_s * 1000 / 3)
        assert config["widget_heartbeat_ms"] == 20000
