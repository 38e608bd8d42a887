"""Pages: sign-in with CSRF, access by role, the marketing console and the admin pages."""

import pytest

from matchmaker.models import Employee, ProfilePassage
from tests.web.conftest import ask, csrf_token, events, login


def test_sign_in_with_a_wrong_password_is_refused(app):
    response = login(app.test_client(), "dev@example.test", "nope")
    assert response.status_code == 401


def test_a_form_post_without_csrf_token_is_refused(app):
    response = app.test_client().post("/login", data={"email": "dev@example.test",
                                                      "password": "x"})
    assert response.status_code == 400


def test_sign_in_never_redirects_off_site(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    from tests.conftest import PASSWORD

    response = client.post("/login?next=//evil.example/", data={
        "email": "dev@example.test", "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert response.headers["Location"] == "/console/"


@pytest.mark.parametrize("path", ["/console/", "/marketing/", "/admin/"])
def test_staff_pages_need_a_sign_in(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("email, path, status", [
    ("dev@example.test", "/marketing/", 403),
    ("dev@example.test", "/admin/", 403),
    ("marketing@example.test", "/marketing/", 200),
    ("marketing@example.test", "/admin/", 403),
    ("admin@example.test", "/admin/", 200),
    ("admin@example.test", "/marketing/", 200),
])
def test_pages_are_open_by_access_level(app, email, path, status):
    client = app.test_client()
    login(client, email)
    assert client.get(path).status_code == status


def test_public_pages_serve_the_demo_site_and_the_widget(app):
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert '<script src="/widget.js" async></script>' in home
    loader = client.get("/widget.js")
    assert loader.status_code == 200 and loader.mimetype == "text/javascript"
    assert client.get("/widget").status_code == 200


def finished_conversation(app, console, customer, question, stars, granted, body):
    dev = console("dev@example.test")
    asked = ask(app.test_client(), question=question)
    widget = customer(asked)
    dev.emit("accept", {"offer_id": events(dev, "/employee", "offered")[0]["offer_id"]},
             namespace="/employee", callback=True)
    widget.emit("say", {"body": body, "client_id": "c1"}, namespace="/customer", callback=True)
    dev.emit("say", {"conversation_id": asked["id"], "body": "Glad to help.", "client_id": "e1"},
             namespace="/employee", callback=True)
    widget.emit("close", {}, namespace="/customer", callback=True)
    assert widget.emit("rate", {"stars": stars}, namespace="/customer", callback=True)["ok"]
    assert widget.emit("consent", {"granted": granted}, namespace="/customer",
                       callback=True)["ok"]
    return asked["id"]


def test_marketing_filters_by_rating_and_consent_and_shows_the_transcript(app, console, customer):
    good = finished_conversation(app, console, customer, "webhook signature one", 5, True,
                                 "<b>loved it</b>")
    meh = finished_conversation(app, console, customer, "webhook signature two", 2, False, "meh")
    client = app.test_client()
    login(client, "marketing@example.test")
    listed = client.get("/marketing/?rating=4&consent=granted").get_data(as_text=True)
    assert f"/marketing/conversations/{good}" in listed
    assert f"/marketing/conversations/{meh}" not in listed
    # the form keeps the choices (the filters it shares with the story candidates' page)
    for listing in (listed, client.get("/marketing/candidates?rating=4&consent=granted")
                    .get_data(as_text=True)):
        assert "<option selected>4</option>" in listing
        assert '<option value="granted" selected>' in listing
    page = client.get(f"/marketing/conversations/{good}").get_data(as_text=True)
    assert "&lt;b&gt;loved it&lt;/b&gt;" in page and "<b>loved it</b>" not in page
    assert "granted" in page and "★★★★★" in page


def test_marketing_refuses_an_unknown_filter(app):
    client = app.test_client()
    login(client, "marketing@example.test")
    refused = client.get("/marketing/?status=bogus")
    assert refused.status_code == 400
    # not a dead end: the page says how to get back to the list
    assert 'href="/marketing/" id="error-without-query"' in refused.get_data(as_text=True)


def test_admin_edit_reembeds_that_employee_only(app, svc, staff):
    client = app.test_client()
    login(client, "admin@example.test")
    page = client.get(f"/admin/employees/{staff['mobile@example.test']}").get_data(as_text=True)
    with svc.transaction() as session:
        untouched = {p.id for p in session.query(ProfilePassage).filter(
            ProfilePassage.employee_id != staff["mobile@example.test"])}
    response = client.post(f"/admin/employees/{staff['mobile@example.test']}", data={
        "csrf_token": csrf_token(page), "name": "Milo Mobile", "email": "mobile@example.test",
        "role": "developer", "access": "agent", "title": "Mobile developer", "team": "Mobile",
        "bio": "", "expertise": "kubernetes upgrades\nhelm charts", "languages": "en",
        "capacity": "2", "working_hours": "09:00-17:00", "timezone": "UTC", "active": "y"})
    assert response.status_code == 302
    with svc.transaction() as session:
        texts = [p.text for p in session.query(ProfilePassage).filter_by(
            employee_id=staff["mobile@example.test"])]
        assert "kubernetes upgrades" in texts and "iOS app crashes" not in texts
        assert untouched <= {p.id for p in session.query(ProfilePassage)}


def test_admin_create_refuses_a_duplicate_email(app, svc):
    client = app.test_client()
    login(client, "admin@example.test")
    page = client.get("/admin/employees/new").get_data(as_text=True)
    response = client.post("/admin/employees/new", data={
        "csrf_token": csrf_token(page), "name": "Copy", "email": "dev@example.test",
        "role": "developer", "access": "agent", "capacity": "2", "working_hours": "09:00-17:00",
        "timezone": "UTC", "languages": "en", "expertise": ""})
    assert response.status_code == 400
    with svc.transaction() as session:
        assert session.query(Employee).filter_by(email="dev@example.test").count() == 1


def test_the_playground_ranks_and_explains_a_question(app, console):
    console("dev@example.test")
    client = app.test_client()
    login(client, "admin@example.test")
    page = client.get("/admin/playground?q=webhook+signature+verification+volume+discount"
                      ).get_data(as_text=True)
    assert page.index("Dana Dev") < page.index("Sam Sales")
    assert "webhook signature verification" in page and "volume discount" in page
    assert page.count("would be asked") == 1 and "skipped: offline" in page


def test_the_playground_says_when_nobody_fits(app):
    client = app.test_client()
    login(client, "admin@example.test")
    page = client.get("/admin/playground?q=zebra+origami").get_data(as_text=True)
    assert "Nobody fits well" in page


def test_the_playground_is_for_admins_only(app):
    client = app.test_client()
    login(client, "dev@example.test")
    assert client.get("/admin/playground?q=x").status_code == 403


@pytest.mark.parametrize("target", ["//evil.example/", "/\t/evil.example", "https://evil.example",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_sign_in_never_redirects_off_site_whatever_the_trick(app, target):
    from tests.conftest import PASSWORD

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", query_string={"next": target}, data={
        "email": "dev@example.test", "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert response.headers["Location"] == "/console/"


def test_staff_pages_cannot_be_framed_but_the_widget_can(app):
    client = app.test_client()
    assert client.get("/login").headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in client.get("/").headers["Content-Security-Policy"]
    widget = client.get("/widget")
    assert "X-Frame-Options" not in widget.headers
    assert widget.headers["Content-Security-Policy"].endswith("; frame-ancestors *")


@pytest.mark.parametrize("query", ["page=%C2%B2", "page=99999999999999999999", "employee=-1",
                                   "rating=9"])
def test_odd_marketing_filters_never_give_a_server_error(app, query):
    client = app.test_client()
    login(client, "marketing@example.test")
    assert client.get(f"/marketing/?{query}").status_code in (200, 400)


def test_signing_out_closes_the_open_consoles(app, socketio):
    http = app.test_client()
    login(http, "dev@example.test")
    console = socketio.test_client(app, namespace="/employee", flask_test_client=http)
    assert console.is_connected("/employee")
    page = http.get("/console/").get_data(as_text=True)
    http.post("/logout", data={"csrf_token": csrf_token(page)})
    assert not console.is_connected("/employee")


def test_gevent_with_sqlite_is_refused_with_a_clear_message(tmp_path):
    from web.config import load_settings

    with pytest.raises(ValueError, match="gevent needs PostgreSQL"):
        load_settings({"async_mode": "gevent",
                       "database_url": f"sqlite:///{tmp_path / 'x.db'}"}, environ={})
