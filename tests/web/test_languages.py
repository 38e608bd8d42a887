"""The staff pages in English, Dutch, French or German, dates in the viewer's time zone, mail and
consent in the customer's language, and complete catalogs."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from matchmaker.models import Employee
from tests.web.conftest import ask, csrf_token, login

TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"


@pytest.mark.parametrize("browser, language, words", [
    ("nl-BE,nl;q=0.9,en;q=0.5", "nl", ["<h1>Aanmelden</h1>", "Wachtwoord"]),
    ("fr-FR,fr;q=0.9", "fr", ["<h1>Se connecter</h1>", "Mot de passe"]),
    ("de-AT,de;q=0.9,en;q=0.5", "de", ["<h1>Anmelden</h1>", "Passwort"]),
    ("pl-PL,pl;q=0.9", "en", ["<h1>Sign in</h1>", "Password"]),  # not spoken: English
])
def test_the_browsers_language_chooses_the_sign_in_page(app, browser, language, words):
    html = app.test_client().get("/login", headers={"Accept-Language": browser}).get_data(
        as_text=True)
    assert f'<html lang="{language}">' in html
    assert all(word in html for word in words), words


# A heading or label of each staff page, as each language says it.
STAFF_PAGES = {
    "nl": [("/admin/", "Medewerker toevoegen"), ("/marketing/", "Gesprekken"),
           ("/console/", "Afmelden"), ("/admin/mail", "Outbox")],
    "fr": [("/admin/", "Ajouter un employé"), ("/marketing/", "Note minimale"),
           ("/console/", "Se déconnecter"), ("/admin/mail", "Boîte d’envoi")],
    "de": [("/admin/", "Mitarbeiter/in hinzufügen"), ("/marketing/", "Beantwortet von"),
           ("/console/", "<title>Konsole · Matchmaker</title>"), ("/admin/mail", "Postausgang")],
}


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_an_employee_chooses_a_language_and_every_page_follows(app, svc, staff, language):
    client = app.test_client()
    login(client, "admin@example.test")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Add employee" in page and f'name="language" value="{language}"' in page
    response = client.post("/account/language", data={
        "language": language, "next": "/admin/", "csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    for path, words in STAFF_PAGES[language]:
        html = client.get(path).get_data(as_text=True)
        assert f'<html lang="{language}">' in html and words in html, path
    with svc.transaction() as session:
        assert session.get(Employee, staff["admin@example.test"]).locale == language


@pytest.mark.parametrize("language", ["fr", "de"])
def test_an_admin_chooses_the_language_of_a_colleagues_pages(app, svc, staff, language):
    admin = app.test_client()
    login(admin, "admin@example.test")
    edit = f"/admin/employees/{staff['dev@example.test']}"
    page = admin.get(edit).get_data(as_text=True)
    assert f'<option value="{language}">' in page
    response = admin.post(edit, data={
        "csrf_token": csrf_token(page), "name": "Dana Dev", "email": "dev@example.test",
        "role": "developer", "access": "agent", "title": "Backend developer",
        "team": "Invoicing API", "bio": "", "expertise": "webhook signature verification",
        "languages": "en", "capacity": "2", "working_hours": "09:00-17:00", "timezone": "UTC",
        "locale": language, "active": "y"})
    assert response.status_code == 302
    with svc.transaction() as session:
        assert session.get(Employee, staff["dev@example.test"]).locale == language
    dev = app.test_client()
    login(dev, "dev@example.test")  # her browser asks for English; her account says otherwise
    html = dev.get("/console/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    assert {"fr": "Se déconnecter", "de": "Abmelden"}[language] in html


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


PLACEHOLDER = re.compile(r"%\(\w+\)\w")


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_every_staff_language_translates_every_text_with_the_same_placeholders(language):
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    catalog = read_po((TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb"))
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    assert {m.id for m in template if m.id} - set(translated) == set(), language
    changed = {msgid: text for msgid, text in translated.items()
               if set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(text))}
    assert changed == {}, language
