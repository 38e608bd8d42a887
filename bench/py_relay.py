"""The Python floor for bench/chat_bench.py: bench/relay.mjs's relay in Flask-SocketIO, on the
product's stack and settings, with nothing stored and nothing ranked.

    gunicorn --worker-class gevent --workers 1 --bind 127.0.0.1:5401 bench.py_relay:app

What the Node relay floor cannot say: how much of a stored message's CPU is the stack itself
(Flask, Flask-SocketIO, python-socketio, engine.io, simple-websocket, gevent) before any
product code. Same event shape, same HTTP routes and acks as bench/relay.mjs (read its header),
and the product's transport settings: gevent, websocket only, handlers in their own greenlets,
pings every 5 s, no permessage-deflate (web/websocket.py), one Flask request context per event
(Flask-SocketIO's). Sessions are a dict keyed by a random cookie, as in the Node relay. Loopback
only; a bench tool, not a server to deploy."""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask, Response, request
from flask_socketio import ConnectionRefusedError, Namespace, SocketIO, join_room

from web.websocket import WithoutCompression

MAX_BODY = 64 * 1024
MAX_TEXT = 4000
CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _person(e: dict | None) -> dict | None:
    return {"name": e["name"], "title": None, "team": None} if e else None


class Relay:
    """The relay's state: employees, sessions, conversations and offers, in memory."""

    def __init__(self):
        self.employees: dict[int, dict] = {}
        self.by_email: dict[str, dict] = {}
        self.sessions: dict[str, int] = {}
        self.conversations: dict[int, dict] = {}
        self.offers: dict[int, dict] = {}
        self.by_sid: dict[str, int] = {}  # a connection's employee id or conversation id
        self.next = {"employee": 1, "conversation": 1, "offer": 1}

    def new_id(self, kind: str) -> int:
        value = self.next[kind]
        self.next[kind] += 1
        return value

    def employee_for(self, email: str) -> dict:
        e = self.by_email.get(email)
        if e is None:
            e = {"id": self.new_id("employee"), "email": email, "name": email.split("@")[0],
                 "available": False, "capacity": 3, "consoles": 0, "live": set(), "offers": set()}
            self.by_email[email] = e
            self.employees[e["id"]] = e
        return e

    def pick(self) -> dict | None:
        """The least-loaded available console with room (the product ranks; the floor spreads)."""
        best, best_load = None, 0
        for e in self.employees.values():
            load = len(e["live"]) + len(e["offers"])
            if not e["available"] or not e["consoles"] or load >= e["capacity"]:
                continue
            if best is None or load < best_load:
                best, best_load = e, load
        return best

    def view(self, c: dict) -> dict:
        e = self.employees.get(c["employee_id"]) if c["employee_id"] else None
        return {"id": c["id"], "status": c["status"], "question": c["question"],
                "customer_name": None, "customer_email": None,
                "customer_present": c["customer_present"], "page_url": "",
                "employee": _person(e), "employee_id": c["employee_id"],
                "created_at": c["created_at"], "last_seq": c["seq"], "rating": None,
                "consent": None}


app = Flask(__name__)
app.config.update(MAX_CONTENT_LENGTH=MAX_BODY)
relay = Relay()
socketio = SocketIO(app, async_mode="gevent", transports=["websocket"],
                    namespaces=["/customer", "/employee"], async_handlers=True,
                    max_http_buffer_size=MAX_BODY, ping_interval=5.0, ping_timeout=5.0,
                    cors_allowed_origins=None)
app.wsgi_app = WithoutCompression(app.wsgi_app)


def _json(status: int, body: dict, **headers) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)


def _fail(code: str, message: str) -> dict:
    return {"error": code, "message": message}


@app.get("/healthz")
def healthz():
    return "ok"


@app.get("/login")
def login_form():
    response = Response(f'<form method="post"><input id="csrf_token" name="csrf_token" '
                        f'type="hidden" value="{secrets.token_urlsafe(18)}"></form>')
    response.set_cookie("session", "anon-" + secrets.token_urlsafe(18), httponly=True,
                        samesite="Lax")
    return response


@app.post("/login")
def login():
    email, password, csrf = (request.form.get(k) for k in ("email", "password", "csrf_token"))
    if not (email and password and csrf):
        return Response("bad form", status=400)
    value = secrets.token_urlsafe(18)
    relay.sessions[value] = relay.employee_for(email)["id"]
    response = Response("", status=302, headers={"Location": "/console"})
    response.set_cookie("session", value, httponly=True, samesite="Lax")
    return response


@app.post("/api/v1/conversations")
def ask():
    if not request.is_json:
        return _json(415, _fail("unsupported_media_type", "send the body as application/json"))
    cmd = request.get_json(silent=True)
    if (not isinstance(cmd, dict) or not isinstance(cmd.get("question"), str)
            or not cmd["question"].strip() or len(cmd["question"]) > MAX_TEXT):
        return _json(400, _fail("invalid_payload", "question: a non-empty text"))
    c = {"id": relay.new_id("conversation"), "token": secrets.token_urlsafe(18),
         "status": "offline", "employee_id": None, "seq": 0, "question": cmd["question"],
         "customer_present": False, "created_at": _now()}
    relay.conversations[c["id"]] = c
    e = relay.pick()
    if e is not None:
        offer = {"id": relay.new_id("offer"), "conversation_id": c["id"], "employee_id": e["id"],
                 "open": True}
        relay.offers[offer["id"]] = offer
        e["offers"].add(offer["id"])
        c["status"] = "offered"
        now = datetime.now(UTC)
        socketio.emit("offered", {
            "offer_id": offer["id"], "conversation_id": c["id"], "question": c["question"],
            "reason": "", "answered_similar": False, "similar_conversation": None,
            "customer_name": None, "page_url": "", "messages": 0, "previous": None,
            "offered_at": now.isoformat(),
            "expires_at": (now + timedelta(seconds=60)).isoformat()},
            namespace="/employee", to=f"employee:{e['id']}")
        socketio.emit("asking", {"employee": _person(e), "reason": "", "answered_similar": False,
                                 "rerouted": False},
                      namespace="/customer", to=f"conversation:{c['id']}")
    return _json(201, {
        "id": c["id"], "status": c["status"], "last_seq": 0, "employee": None,
        "asking": _person(e), "reason": "", "answered_similar": False,
        "why": None if e else "nobody_available", "queued_seq": None, "answered": False,
        "mail": False, "feedback": None, "consent": None, "email_left": False, "unread": 0,
        "read_seq": 0, "token": c["token"], "visitor": cmd.get("visitor") or secrets.token_urlsafe(18)})


class RelayNamespace(Namespace):
    """Handlers return the ack; a refusal answers {error, message}, as the product's do."""

    def trigger_event(self, event, *args):
        try:
            return super().trigger_event(event, *args)
        except Refused as refused:
            return _fail(refused.code, str(refused))


def _data(data) -> dict:
    return data if isinstance(data, dict) else {}


def _checked_say(d: dict) -> None:
    body = d.get("body")
    if not isinstance(body, str) or not body or len(body) > MAX_TEXT:
        raise Refused("invalid_payload", "body")
    client_id = d.get("client_id")
    if client_id is not None and not (isinstance(client_id, str) and CLIENT_ID.match(client_id)):
        raise Refused("invalid_client_id", "client_id")


def _say(c: dict, author: str, d: dict) -> dict:
    """As the server: every tab of both sides hears `said` except the sender's own socket."""
    c["seq"] += 1
    message = {"conversation_id": c["id"], "seq": c["seq"], "author": author, "body": d["body"],
               "client_id": d.get("client_id"), "at": _now()}
    sender = request.sid
    socketio.emit("said", message, namespace="/customer", to=f"conversation:{c['id']}",
                  skip_sid=sender if author == "customer" else None)
    if c["employee_id"] is not None:
        socketio.emit("said", message, namespace="/employee", to=f"employee:{c['employee_id']}",
                      skip_sid=sender if author == "employee" else None)
    return {"ok": True, "message": message}


class EmployeeNamespace(RelayNamespace):
    def on_connect(self, auth=None):
        employee_id = relay.sessions.get(request.cookies.get("session", ""))
        if employee_id is None:
            raise ConnectionRefusedError("unauthenticated")
        e = relay.employees[employee_id]
        e["consoles"] += 1
        relay.by_sid[request.sid] = e["id"]
        join_room(f"employee:{e['id']}")
        join_room("general")

    @staticmethod
    def me() -> dict:
        return relay.employees[relay.by_sid[request.sid]]

    def on_disconnect(self, reason=None):
        self.me()["consoles"] -= 1
        relay.by_sid.pop(request.sid, None)

    def on_set_availability(self, data=None):
        d, me = _data(data), self.me()
        if not isinstance(d.get("available"), bool):
            raise Refused("invalid_payload", "available")
        capacity = d.get("capacity")
        if capacity is not None and not (type(capacity) is int and 1 <= capacity <= 50):
            raise Refused("invalid_capacity", "capacity")
        me["available"] = d["available"]
        if capacity is not None:
            me["capacity"] = capacity
        return {"ok": True, "available": me["available"], "capacity": me["capacity"]}

    def on_heartbeat(self, data=None):
        me = self.me()
        return {"ok": True, "offers": sorted(me["offers"]),
                "conversations": [{"id": i, "status": relay.conversations[i]["status"],
                                   "last_seq": relay.conversations[i]["seq"]}
                                  for i in me["live"]]}

    def on_accept(self, data=None):
        d, me = _data(data), self.me()
        offer = relay.offers.get(d.get("offer_id"))
        if offer is None or not offer["open"] or offer["employee_id"] != me["id"]:
            raise Refused("offer_not_open", "this offer is no longer open")
        c = relay.conversations[offer["conversation_id"]]
        offer["open"] = False
        me["offers"].discard(offer["id"])
        me["live"].add(c["id"])
        c["status"], c["employee_id"] = "live", me["id"]
        socketio.emit("accepted", {"employee": _person(me)}, namespace="/customer",
                      to=f"conversation:{c['id']}")
        view = relay.view(c)
        socketio.emit("assigned", view, namespace="/employee", to=f"employee:{me['id']}")
        return {"ok": True, "conversation": view}

    def on_say(self, data=None):
        d, me = _data(data), self.me()
        c = relay.conversations.get(d.get("conversation_id"))
        if c is None or c["employee_id"] != me["id"]:
            raise Refused("not_found", "no such conversation of yours")
        _checked_say(d)
        return _say(c, "employee", d)


class CustomerNamespace(RelayNamespace):
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        c = relay.conversations.get(auth.get("conversation_id"))
        if c is None or c["token"] != auth.get("token"):
            raise ConnectionRefusedError("unknown_conversation")
        relay.by_sid[request.sid] = c["id"]
        c["customer_present"] = True
        join_room(f"conversation:{c['id']}")

    @staticmethod
    def mine() -> dict:
        return relay.conversations[relay.by_sid[request.sid]]

    def on_disconnect(self, reason=None):
        self.mine()["customer_present"] = False
        relay.by_sid.pop(request.sid, None)

    def on_heartbeat(self, data=None):
        c = self.mine()
        return {"ok": True, "status": c["status"], "last_seq": c["seq"]}

    def on_say(self, data=None):
        d = _data(data)
        _checked_say(d)
        return _say(self.mine(), "customer", d)


socketio.on_namespace(EmployeeNamespace("/employee"))
socketio.on_namespace(CustomerNamespace("/customer"))
