"""The staff pages in English or Dutch, dates in the viewer's time zone, mail and consent in the
customer's language, and complete catalogs."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from matchmaker.models import Employee
from tests.web.conftest import ask, csrf_token, login

TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"


def test_the_browsers_language_chooses_the_sign_in_page(app):
    page = app.test_client().get("/login", headers={"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"})
    html = page.get_data(as_text=True)
    assert '<html lang="nl">' in html and "Aanmelden" in html and "Wachtwoord" in html
    english = app.test_client().get("/login", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="en">' in english.get_data(as_text=True)  # no French staff pages: English


def test_an_employee_chooses_dutch_and_every_page_follows(app, svc, staff):
    client = app.test_client()
    login(client, "admin@example.test")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Add employee" in page
    response = client.post("/account/language", data={
        "language": "nl", "next": "/admin/", "csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    for path, dutch in [("/admin/", "Medewerker toevoegen"), ("/marketing/", "Gesprekken"),
                        ("/console/", "Afmelden"), ("/admin/mail", "Outbox")]:
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="nl">' in html and dutch in html, path
    with svc.transaction() as session:
        assert session.get(Employee, staff["admin@example.test"]).locale == "nl"


def test_an_unknown_language_choice_falls_back_to_the_browser(app, svc, staff):
    client = app.test_client()
    login(client, "admin@example.test")
    page = client.get("/admin/").get_data(as_text=True)
    client.post("/account/language", data={"language": "xx", "csrf_token": csrf_token(page)})
    with svc.transaction() as session:
        assert session.get(Employee, staff["admin@example.test"]).locale == ""


def test_dates_are_shown_in_the_viewers_time_zone(app, svc, staff, clock):
    with svc.transaction() as session:
        session.get(Employee, staff["marketing@example.test"]).timezone = "Europe/Brussels"
    ask(app.test_client())  # at 09:00 UTC by the test clock
    client = app.test_client()
    login(client, "marketing@example.test")
    html = client.get("/marketing/").get_data(as_text=True)
    assert "10:00" in html and "09:00" not in html  # 10:00 in Brussels in November


@pytest.mark.parametrize("language, wording", [
    ("fr-BE", "Pouvons-nous citer cette conversation (sans vos données personnelles) ?"),
    ("de", "Dürfen wir dieses Gespräch zitieren (ohne Ihre persönlichen Daten)?"),
    ("pl", "May we quote this conversation (without your personal details)?"),
])
def test_the_consent_question_is_asked_in_the_customers_language(app, language, wording):
    asked = ask(app.test_client(), language=language)
    assert asked["consent_question"]["wording"] == wording


def test_the_dutch_catalog_translates_every_staff_text_and_fr_de_every_mail_text():
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    mail = {m.id for m in template if m.id and any("mail/" in path for path, _ in m.locations)}
    mail |= {"%(name)s answered your question", "Your question was answered"}
    for language, needed in [("nl", {m.id for m in template if m.id}), ("fr", mail), ("de", mail)]:
        catalog = read_po((TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb"))
        done = {m.id for m in catalog if m.id and m.string}
        assert needed - done == set(), language
