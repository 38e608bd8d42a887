"""Nobody stranded, through the Socket.IO paths: the customer is told when their colleague
vanishes and the next one is asked; the console sees the customer leave and come back."""

from tests.web.conftest import ask, events
from web.runtime import keep_present, sweep_once

EMP, CUS = "/employee", "/customer"


def sweep(app, svc):
    """What every process does in the background: vouch for the consoles it holds, sweep."""
    with app.app_context():
        keep_present(svc)
        sweep_once(svc)


def live_chat(app, console, customer):
    dana, sam = console("dev@example.test"), console("sales@example.test")
    asked = ask(app.test_client(), question="webhook signature verification volume discount")
    widget = customer(asked)
    offer_id = events(dana, EMP, "offered")[0]["offer_id"]
    assert dana.emit("accept", {"offer_id": offer_id}, namespace=EMP, callback=True)["ok"]
    dana.emit("say", {"conversation_id": asked["id"], "body": "Let me look.", "client_id": "e1"},
              namespace=EMP, callback=True)
    widget.get_received(CUS)
    return asked, dana, sam, widget


def test_when_the_employee_vanishes_the_customer_is_told_and_the_next_person_asked(
        app, svc, clock, console, customer):
    asked, dana, sam, widget = live_chat(app, console, customer)
    dana.disconnect(namespace=EMP)  # the browser closed
    clock.advance(svc.policy.rejoin_grace_s - 1)
    sweep(app, svc)
    assert events(widget, CUS) == []  # a reload would have been back by now: nothing yet
    clock.advance(2)
    sweep(app, svc)
    received = widget.get_received(CUS)
    assert [e["name"] for e in received] == ["left", "asking"]
    assert received[0]["args"][0]["employee"]["name"] == "Dana Dev"
    assert received[1]["args"][0]["employee"]["name"] == "Sam Sales"
    assert received[1]["args"][0]["rerouted"] is True
    offered = events(sam, EMP, "offered")[0]
    assert offered["previous"]["name"] == "Dana Dev" and offered["messages"] == 2
    assert sam.emit("accept", {"offer_id": offered["offer_id"]}, namespace=EMP,
                    callback=True)["ok"]
    # The history stays with the conversation.
    synced = sam.emit("sync", {"conversation_id": asked["id"], "after_seq": 0}, namespace=EMP,
                      callback=True)
    assert [m["body"] for m in synced["messages"]] == [
        "webhook signature verification volume discount", "Let me look."]
    assert events(widget, CUS, "accepted")[0]["employee"]["name"] == "Sam Sales"


def test_the_employee_who_left_can_read_but_no_longer_write(app, svc, clock, console, customer):
    asked, dana, sam, widget = live_chat(app, console, customer)
    dana.disconnect(namespace=EMP)
    clock.advance(svc.policy.rejoin_grace_s + 1)
    sweep(app, svc)
    dana = console("dev@example.test")  # she comes back later
    synced = dana.emit("sync", {"conversation_id": asked["id"], "after_seq": 0}, namespace=EMP,
                       callback=True)
    assert synced["ok"] and synced["conversation"]["employee_id"] is None
    said = dana.emit("say", {"conversation_id": asked["id"], "body": "still me",
                             "client_id": "e2"}, namespace=EMP, callback=True)
    assert said["error"] == "forbidden"
    # What the customer says to the next colleague is not hers to read.
    sam_offer = events(sam, EMP, "offered")[0]
    sam.emit("accept", {"offer_id": sam_offer["offer_id"]}, namespace=EMP, callback=True)
    widget.emit("say", {"body": "my account is BE-4711", "client_id": "c9"}, namespace=CUS,
                callback=True)
    later = dana.emit("sync", {"conversation_id": asked["id"], "after_seq": 0}, namespace=EMP,
                      callback=True)
    assert [m["body"] for m in later["messages"]] == [m["body"] for m in synced["messages"]]
    assert "BE-4711" not in str(later) and "BE-4711" not in str(dana.get_received(EMP))


def test_the_console_sees_the_customer_leave_and_come_back(app, svc, clock, console, customer):
    asked, dana, sam, widget = live_chat(app, console, customer)
    dana.get_received(EMP)
    widget.disconnect(namespace=CUS)
    clock.advance(svc.policy.rejoin_grace_s + 1)
    dana.emit("heartbeat", {}, namespace=EMP, callback=True)
    sweep(app, svc)
    assert events(dana, EMP, "customer_presence") == [
        {"conversation_id": asked["id"], "present": False}]
    state = dana.emit("state", {}, namespace=EMP, callback=True)
    assert state["conversations"][0]["customer_present"] is False
    customer(asked)
    assert events(dana, EMP, "customer_presence") == [
        {"conversation_id": asked["id"], "present": True}]


def test_a_question_nobody_fits_is_not_called_nobody_free(app, console):
    console("dev@example.test")
    asked = ask(app.test_client(), question="zebra quantum origami")
    assert (asked["status"], asked["why"], asked["employee"]) == ("offline", "nobody_fits", None)


def test_with_people_who_fit_but_are_busy_it_says_nobody_is_free(app, console):
    console("dev@example.test", available=False)
    asked = ask(app.test_client())
    assert (asked["status"], asked["why"]) == ("offline", "nobody_free")
    assert asked["employee"]["name"] == "Dana Dev"


def test_a_failing_sweep_step_spoils_no_other(app, svc, clock, console, customer, monkeypatch):
    from matchmaker import sweeps

    asked, dana, sam, widget = live_chat(app, console, customer)
    dana.disconnect(namespace=EMP)
    clock.advance(svc.policy.rejoin_grace_s + 1)
    real = sweeps.due_steps

    def with_a_broken_step(session, policy, now):
        def broken(session, subject, policy, now):
            raise RuntimeError("a bad row")
        return [sweeps.Step("broken", 0, broken), *real(session, policy, now)]

    monkeypatch.setattr(sweeps, "due_steps", with_a_broken_step)
    sweep(app, svc)
    assert [e["name"] for e in widget.get_received(CUS)] == ["left", "asking"]
