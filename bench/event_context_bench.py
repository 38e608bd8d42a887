"""The request context Flask-SocketIO pushes for every Socket.IO event, with Flask's own cookie
sessions (the baseline) and with web.sessions.EventSessionInterface, interleaved in one process.

    .venv/bin/python -m bench.event_context_bench [--repeat 15] [--number 2000] [--json]

For a customer's widget (no session cookie) and a console (a signed session cookie): the
connection's environ after its first event, i.e. holding Flask-SocketIO's session copy. Prints
the median µs per push+pop and the ratio to the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import timeit

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface
from flask_socketio import _ManagedSession
from werkzeug.test import EnvironBuilder

from web.sessions import EventSessionInterface

KINDS = {"baseline (Flask)": SecureCookieSessionInterface, "web.sessions": EventSessionInterface}


def app_with(interface) -> Flask:
    app = Flask(__name__)
    app.secret_key = "a bench secret key, long enough"
    app.session_interface = interface
    return app


def event_environ(app: Flask, cookie: str | None) -> dict:
    """The connection's WSGI environ as it is after its first event (Flask-SocketIO keeps a
    copy of the session in it)."""
    headers = {"Cookie": f"session={cookie}"} if cookie else {}
    environ = EnvironBuilder(path="/socket.io/", query_string="EIO=4&transport=websocket",
                             headers=headers).get_environ()
    with app.request_context(environ):
        environ["saved_session"] = _ManagedSession(session)
    return environ


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--number", type=int, default=2000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    apps = {kind: app_with(cls()) for kind, cls in KINDS.items()}
    signer = SecureCookieSessionInterface().get_signing_serializer(next(iter(apps.values())))
    cookie = signer.dumps({"_user_id": "3", "_fresh": True, "_id": "f" * 64, "csrf_token": "c" * 40})
    results = {}
    for who, who_cookie in (("customer, no cookie", None), ("console, signed cookie", cookie)):
        environs = {kind: event_environ(app, who_cookie) for kind, app in apps.items()}
        samples = {kind: [] for kind in apps}
        for _ in range(args.repeat):  # interleaved: both see the same machine
            for kind, app in apps.items():
                environ = environs[kind]

                def push_pop(app=app, environ=environ):
                    with app.request_context(environ):
                        pass

                samples[kind].append(timeit.timeit(push_pop, number=args.number) / args.number * 1e6)
        medians = {kind: statistics.median(values) for kind, values in samples.items()}
        base = medians["baseline (Flask)"]
        results[who] = {kind: round(value, 1) for kind, value in medians.items()} | {
            "ratio": round(medians["web.sessions"] / base, 2)}
        print(f"{who:24s} " + "  ".join(f"{kind} {value:6.1f} µs" for kind, value in medians.items())
              + f"  ratio {medians['web.sessions'] / base:.2f}")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
