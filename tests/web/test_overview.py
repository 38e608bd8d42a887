"""Marketing's overview page: access, the period, and the figures handed to the charts."""

import json
import re

import pytest

from tests.web.conftest import login
from tests.web.test_pages import finished_conversation


def page_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="overview-data">(.*?)</script>', html,
                      re.S)
    return json.loads(found.group(1))


def test_marketing_sees_this_week_s_conversation_rating_and_consent(app, console, customer):
    finished_conversation(app, console, customer, "webhook signature one", 5, True, "Thanks!")
    client = app.test_client()
    login(client, "marketing@example.test")
    response = client.get("/marketing/overview?weeks=4")
    assert response.status_code == 200
    data = page_data(response.get_data(as_text=True))
    assert len(data["weeks"]) == 4
    this_week = data["weeks"][-1]
    assert (this_week["conversations"], this_week["stars"], this_week["granted"]) == (1, 5.0, 1)
    assert [t["key"] for t in data["teams"]] == ["developer"]
    assert [s["key"] for s in data["states"]][0] == "draft"


def test_the_page_loads_chart_js_from_this_server(app):
    client = app.test_client()
    login(client, "marketing@example.test")
    html = client.get("/marketing/overview").get_data(as_text=True)
    assert '/static/vendor/chart.umd.min.js' in html and 'id="chart-consent"' in html


@pytest.mark.parametrize("weeks", ["0", "500", "abc", "-1"])
def test_a_bad_period_is_refused(app, weeks):
    client = app.test_client()
    login(client, "marketing@example.test")
    assert client.get(f"/marketing/overview?weeks={weeks}").status_code == 400


def test_only_marketing_sees_the_overview(app):
    client = app.test_client()
    login(client, "dev@example.test")
    assert client.get("/marketing/overview").status_code == 403
