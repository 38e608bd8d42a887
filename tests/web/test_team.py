"""Meet the makers over HTTP and Socket.IO: the team page and /api/team show opted-in people
only (never an e-mail), questions addressed to a team or a person, and the employee's own
"My public profile" page."""

from dataclasses import asdict

import pytest
from sqlalchemy import select

from matchmaker import makers
from matchmaker.models import ConversationEvent, Employee, PublicProfileDecision
from tests.web.conftest import csrf_token, events, login

DEV, MOBILE, SALES = "dev@example.test", "mobile@example.test", "sales@example.test"
PRICING = "What do the pricing plans cost per user for the REST invoicing API?"


def opt_in(svc, employee_id: int, public: bool = True, **values) -> makers.PublicPerson | None:
    with svc.transaction() as session:
        choice = makers.draft(session, employee_id)
        choice = makers.ProfileChoice(**{**asdict(choice), "public": public, **values})
        return makers.decide(session, employee_id, choice, employee_id, svc.clock())


def test_the_team_page_and_its_json_show_only_opted_in_people_and_no_e_mail(app, svc, staff):
    dana = opt_in(svc, staff[DEV], works_on="the webhooks", fields=frozenset({"title", "works_on"}))
    client = app.test_client()
    page = client.get("/team")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    api = client.get("/api/team")
    assert api.get_json() == {"teams": [{"key": "developer", "people": [{
        "id": dana.id,
        "name": "Dana Dev", "initials": "DD", "title": "Backend developer", "team": None,
        "works_on": "the webhooks", "languages": None, "about": None}]}]}
    for body in (html, api.get_data(as_text=True)):
        assert "Dana Dev" in body
        assert "@example.test" not in body
        for hidden in ("Milo Mobile", "Sam Sales", "Invoicing API", "I build the invoicing API",
                       "09:00-17:00"):
            assert hidden not in body
    assert 'data-team="developer"' in html and "Ask the developers" in html
    assert "Ask Dana" in html


def test_an_opt_out_takes_the_person_off_the_page_at_once(app, svc, staff):
    opt_in(svc, staff[DEV])
    assert "Dana Dev" in app.test_client().get("/team").get_data(as_text=True)
    opt_in(svc, staff[DEV], public=False)
    client = app.test_client()
    assert "Dana Dev" not in client.get("/team").get_data(as_text=True)
    assert client.get("/api/team").get_json() == {"teams": []}


def test_the_team_page_speaks_the_customer_language(app, svc, staff):
    opt_in(svc, staff[DEV], fields=frozenset({"languages"}), languages=("en", "nl"))
    html = app.test_client().get("/team?lang=nl").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Stel je vraag aan de developers" in html and "Vraag het Dana" in html
    assert "Engels, Nederlands" in html


def test_the_team_page_may_be_framed_but_the_profile_page_not(app):
    client = app.test_client()
    team = client.get("/team")
    assert "X-Frame-Options" not in team.headers
    assert team.headers["Content-Security-Policy"].endswith("; frame-ancestors *")
    assert client.get("/console/profile").headers["X-Frame-Options"] == "DENY"


def test_a_question_addressed_to_a_team_goes_to_a_member_and_says_so(
        app, svc, staff, console, customer):
    opt_in(svc, staff[MOBILE])
    dana, sam = console(DEV), console(SALES)
    response = app.test_client().post("/api/v1/conversations",
                                      json={"question": PRICING, "team": "developer"})
    assert response.status_code == 201
    asked = response.get_json()
    assert asked["asking"]["name"] in ("Dana Dev", "Milo Mobile")
    assert asked["addressed"] == {"team": "developer", "person": None, "within": True}
    assert len(events(dana, "/employee", "offered")) == 1  # Dana, the developer who is online
    assert events(sam, "/employee", "offered") == []  # Sam fits pricing best, but was not asked


def test_with_no_developer_available_it_falls_back_and_the_customer_is_told(
        app, svc, staff, console, customer):
    opt_in(svc, staff[DEV])
    sam = console(SALES)
    asked = app.test_client().post("/api/v1/conversations", json={
        "question": PRICING, "team": "developer"}).get_json()
    assert asked["asking"]["name"] == "Sam Sales"
    assert asked["addressed"] == {"team": "developer", "person": None, "within": False}
    assert len(events(sam, "/employee", "offered")) == 1
    with svc.transaction() as session:
        kinds = session.scalars(select(ConversationEvent.kind).where(
            ConversationEvent.conversation_id == asked["id"]).order_by(ConversationEvent.id)).all()
    assert kinds[:2] == ["asked", "addressed"] and "fell_back" in kinds
    widget = customer(asked)
    sync = widget.emit("sync", {"after_seq": 0}, namespace="/customer", callback=True)
    assert sync["conversation"]["addressed"]["within"] is False


def test_a_question_to_one_person_tells_the_widget_who_was_asked(
        app, svc, staff, console, customer):
    milo = opt_in(svc, staff[MOBILE], display_name="Milo")
    console(DEV)  # Milo himself is not online
    asked = app.test_client().post("/api/v1/conversations", json={
        "question": "The iOS app crashes on webhook signature verification",
        "person": milo.id}).get_json()
    assert asked["asking"]["name"] == "Dana Dev"
    assert asked["addressed"] == {"team": None, "person": "Milo", "within": False}


@pytest.mark.parametrize("target, status, code", [
    ({"team": "sales"}, 403, "target_not_public"),  # nobody in sales opted in
    ({"team": "founders"}, 403, "target_not_public"),
    ({"person": 999}, 403, "target_not_public"),
    ({"team": "Dev <b>"}, 400, "invalid_target"),
    ({"person": "1"}, 400, "invalid_target"),
])
def test_a_target_that_is_not_public_is_refused(app, svc, staff, target, status, code):
    opt_in(svc, staff[DEV])
    response = app.test_client().post("/api/v1/conversations",
                                      json={"question": PRICING, **target})
    assert response.status_code == status
    assert response.get_json()["error"] == code


def test_an_opted_out_person_cannot_be_asked(app, svc, staff):
    dana = opt_in(svc, staff[DEV])
    opt_in(svc, staff[DEV], public=False)
    response = app.test_client().post("/api/v1/conversations",
                                      json={"question": PRICING, "person": dana.id})
    assert (response.status_code, response.get_json()["error"]) == (403, "target_not_public")


def test_an_employee_opts_in_and_out_on_their_own_profile_page(app, svc, staff):
    client = app.test_client()
    login(client, DEV)
    page = client.get("/console/profile").get_data(as_text=True)
    assert 'value="Dana Dev"' in page
    form = {"csrf_token": csrf_token(page), "public": "y", "display_name": "Dana",
            "title": "Backend developer", "show_title": "y", "team": "Invoicing API",
            "works_on": "Webhooks that never drop an event", "show_works_on": "y",
            "languages": "en; nl", "about": "", }
    assert client.post("/console/profile", data=form).status_code == 302
    person = app.test_client().get("/api/team").get_json()["teams"][0]["people"][0]
    assert (person["name"], person["title"], person["works_on"]) == (
        "Dana", "Backend developer", "Webhooks that never drop an event")
    assert person["team"] is None and person["languages"] is None
    assert client.post("/console/profile", data={**form, "public": ""}).status_code == 302
    assert app.test_client().get("/api/team").get_json() == {"teams": []}
    with svc.transaction() as session:
        decided = session.scalars(select(PublicProfileDecision).order_by(
            PublicProfileDecision.id)).all()
        assert [(d.employee_id, d.decided_by_id, d.opted_in) for d in decided] == [
            (staff[DEV], staff[DEV], True), (staff[DEV], staff[DEV], False)]
    history = client.get("/console/profile").get_data(as_text=True)
    assert "taken off the team page" in history


def test_the_profile_page_refuses_a_post_without_csrf_and_needs_a_sign_in(app, svc, staff):
    client = app.test_client()
    assert client.get("/console/profile").status_code == 302  # to the sign-in
    login(client, DEV)
    response = client.post("/console/profile", data={"public": "y", "display_name": "Dana"})
    assert response.status_code == 400
    with svc.transaction() as session:
        assert session.scalar(select(PublicProfileDecision.id)) is None
        assert session.get(Employee, staff[DEV]).name == "Dana Dev"
