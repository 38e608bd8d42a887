"""Hard to abuse: security headers everywhere, a complete CSP per page, HSTS behind HTTPS,
Socket.IO's reserved events refused, no anonymous default namespace, no long-polling."""

import pytest

from matchmaker.models import Presence
from tests.web.conftest import events
from web import create_app

EMP = "/employee"
HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


@pytest.mark.parametrize("path", ["/", "/login", "/widget", "/widget.js", "/healthz",
                                  "/api/v1/conversations", "/static/app.css", "/nowhere",
                                  "/socket.io/?EIO=4&transport=polling"])
def test_every_response_carries_the_security_headers(app, path):
    response = app.test_client().get(path)
    for header in HEADERS:
        assert header in response.headers, (path, header)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_allow_no_inline_script_and_no_other_origin(app):
    policy = app.test_client().get("/login").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_hsts_only_when_cookies_are_secure(database_url, encoder, clock):
    plain = create_app({"database_url": database_url, "secret_key": "s"}, encoder=encoder)
    secure = create_app({"database_url": database_url, "secret_key": "s",
                         "secure_cookies": True}, encoder=encoder)
    assert "Strict-Transport-Security" not in plain.test_client().get("/").headers
    assert secure.test_client().get("/").headers["Strict-Transport-Security"].startswith(
        "max-age=31536000")


def test_long_polling_is_refused(app):
    response = app.test_client().get("/socket.io/?EIO=4&transport=polling")
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["disconnect", "connect", "connect_error"])
def test_a_client_cannot_send_a_reserved_event(app, svc, console, staff, name):
    dana = console("dev@example.test")
    ack = dana.emit(name, {}, namespace=EMP, callback=True)
    assert ack["error"] == "reserved_event"
    assert dana.is_connected(EMP)
    with svc.transaction() as session:  # the fake disconnect reached nothing
        assert session.query(Presence).filter_by(employee_id=staff["dev@example.test"],
                                                 gone_at=None).count() == 1
    assert dana.emit("state", {}, namespace=EMP, callback=True)["ok"]
    assert events(dana, EMP, "offer_closed") == []


def test_the_default_namespace_refuses_connections(app, socketio):
    client = socketio.test_client(app, namespace="/")
    assert not client.is_connected("/")


def signed_in(app, email="dev@example.test"):
    from tests.web.conftest import login

    http = app.test_client()
    assert login(http, email).status_code == 302
    return http


def cookie_of(http) -> str:
    return http.get_cookie("session").value


def test_a_cookie_saved_before_sign_out_opens_nothing_after(app, socketio):
    from tests.web.conftest import csrf_token

    http = signed_in(app)
    saved = cookie_of(http)
    page = http.get("/console/").get_data(as_text=True)
    assert http.post("/logout", data={"csrf_token": csrf_token(page)}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/console/").status_code == 302  # to the sign-in page
    console = socketio.test_client(app, namespace=EMP, flask_test_client=thief)
    assert not console.is_connected(EMP)


def test_a_new_password_ends_every_other_sign_in(app, socketio, staff):
    from tests.web.conftest import csrf_token

    laptop = signed_in(app)
    console = socketio.test_client(app, namespace=EMP, flask_test_client=laptop)
    assert console.is_connected(EMP)
    admin = signed_in(app, "admin@example.test")
    page = admin.get(f"/admin/employees/{staff['dev@example.test']}").get_data(as_text=True)
    response = admin.post(f"/admin/employees/{staff['dev@example.test']}", data={
        "csrf_token": csrf_token(page), "name": "Dana Dev", "email": "dev@example.test",
        "role": "developer", "access": "agent", "title": "Backend developer",
        "team": "Invoicing API", "bio": "", "expertise": "webhook signature verification",
        "languages": "en", "capacity": "2", "working_hours": "09:00-17:00", "timezone": "UTC",
        "locale": "", "active": "y", "password": "a brand new password"})
    assert response.status_code == 302
    assert laptop.get("/console/").status_code == 302
    assert not console.is_connected(EMP)


def test_an_admin_signs_someone_out_everywhere(app, socketio, staff):
    from tests.web.conftest import csrf_token

    phone, laptop = signed_in(app), signed_in(app)
    consoles = [socketio.test_client(app, namespace=EMP, flask_test_client=c)
                for c in (phone, laptop)]
    admin = signed_in(app, "admin@example.test")
    page = admin.get(f"/admin/employees/{staff['dev@example.test']}").get_data(as_text=True)
    assert admin.post(f"/admin/employees/{staff['dev@example.test']}/sign-out",
                      data={"csrf_token": csrf_token(page)}).status_code == 302
    assert [c.is_connected(EMP) for c in consoles] == [False, False]
    assert phone.get("/console/").status_code == laptop.get("/console/").status_code == 302
    assert admin.get("/admin/").status_code == 200  # only theirs


class TestRateLimits:
    """Floods are slowed down: 429 with Retry-After over HTTP, an error ack over Socket.IO."""

    @pytest.fixture
    def app_overrides(self):
        return {"limit_questions": "3 per minute", "limit_messages": "4 per 10 seconds",
                "limit_signin_account": "3 per minute", "limit_signin_address": "5 per minute",
                "limit_email_changes": "2 per hour"}

    def test_a_flood_of_questions_from_one_address_is_refused(self, app, svc):
        client = app.test_client()
        codes = [client.post("/api/v1/conversations", json={
            "question": f"webhook signature {i}"}).status_code
            for i in range(5)]
        assert codes == [201, 201, 201, 429, 429]
        refused = client.post("/api/v1/conversations", json={"question": "again"})
        assert refused.get_json()["error"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) > 0
        from matchmaker.models import Conversation
        with svc.transaction() as session:
            assert session.query(Conversation).count() == 3  # nothing stored for the refused

    def test_a_flood_of_messages_is_refused_and_not_stored(self, app, svc, console, customer):
        from matchmaker.models import Message
        from tests.web.conftest import ask

        widget = customer(ask(app.test_client()))
        acks = [widget.emit("say", {"body": f"m{i}", "client_id": f"c{i}"}, namespace="/customer",
                            callback=True) for i in range(6)]
        assert [a.get("ok", False) for a in acks] == [True] * 4 + [False] * 2
        assert acks[-1]["error"] == "rate_limited" and acks[-1]["retry_after"] > 0
        with svc.transaction() as session:
            assert session.query(Message).count() == 5  # the question and 4 messages

    def test_failed_sign_ins_are_limited_per_account_and_the_right_password_waits_too(
            self, app):
        from tests.conftest import PASSWORD
        from tests.web.conftest import csrf_token

        client = app.test_client()

        def attempt(password, email="dev@example.test"):
            page = client.get("/login").get_data(as_text=True)
            return client.post("/login", data={"email": email, "password": password,
                                               "csrf_token": csrf_token(page)}).status_code

        assert [attempt("wrong") for _ in range(3)] == [401, 401, 401]
        assert attempt(PASSWORD) == 429  # the account waits, whoever knows the password
        assert attempt(PASSWORD, "sales@example.test") == 302  # other accounts do not

    def test_an_address_cannot_change_the_reply_address_endlessly(self, app, customer):
        from tests.web.conftest import ask

        widget = customer(ask(app.test_client()))
        acks = [widget.emit("leave_email", {"email": f"a{i}@example.org"}, namespace="/customer",
                            callback=True) for i in range(3)]
        assert [a.get("error") for a in acks] == [None, None, "rate_limited"]
