"""The production shape: two gunicorn gevent processes (the Procfile's worker) sharing
PostgreSQL and Redis, with the real model; a conversation crosses from one to the other."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import POSTGRES_ENV, failed, reset_postgres
from tests.integration.conftest import ask, wait_until
from tests.servers import ROOT, free_port

pytestmark = [pytest.mark.live, pytest.mark.model]
REDIS_ENV = "MATCHMAKER_TEST_REDIS_URL"


@pytest.fixture
def production(tmp_path, request):
    """Two gunicorn processes on one migrated, seeded PostgreSQL database and one Redis."""
    database, redis = os.environ.get(POSTGRES_ENV), os.environ.get(REDIS_ENV)
    if not database or not redis:
        pytest.skip(f"{POSTGRES_ENV} and {REDIS_ENV} are needed for the production shape")
    reset_postgres(database)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "MATCHMAKER_DATABASE_URL": database,
           "MATCHMAKER_REDIS_URL": redis, "MATCHMAKER_SECRET_KEY": "production-test",
           "MATCHMAKER_ASYNC_MODE": "gevent"}
    for command in ("init-db", "seed-demo"):
        subprocess.run([sys.executable, "-m", "flask", "--app", "web", command], cwd=ROOT,
                       env=env, check=True, capture_output=True, timeout=300)
    servers, urls = [], []
    for number in range(2):
        port = free_port()
        log = open(tmp_path / f"gunicorn-{number}.log", "wb")  # noqa: SIM115 - closed below
        servers.append((subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--worker-class", "gevent", "--workers", "1",
             "--bind", f"127.0.0.1:{port}", "web.wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            wait_until(lambda url=url: _healthy(url), timeout=120, what=f"{url} to serve")
        yield urls
    finally:
        for process, log in servers:
            process.terminate()
            process.wait(timeout=30)
            log.close()
            if failed(request):
                text = Path(log.name).read_text(errors="replace")[-6000:]
                print(f"\n--- gunicorn log ({log.name}) ---\n{text}")


def _healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=1).ok
    except requests.RequestException:
        time.sleep(0.3)
        return False


def test_a_conversation_crosses_two_gevent_workers(production, console, customer):
    first, second = production
    jonas = console(second, "jonas@lumenledger.example")
    asked = ask(first, "How do I verify the webhook signature on invoice.paid events?")
    assert asked["status"] == "offered" and asked["asking"]["name"] == "Jonas Vermeulen"
    offer = jonas.wait_for("offered", lambda o: o["conversation_id"] == asked["id"])
    widget = customer(first, asked)
    assert jonas.call("accept", {"offer_id": offer["offer_id"]})["ok"]
    widget.wait_for("accepted")
    assert widget.call("say", {"body": "Raw body or parsed JSON?", "client_id": "c1"})["ok"]
    jonas.wait_for("said", lambda m: m["body"] == "Raw body or parsed JSON?")
    assert jonas.call("say", {"conversation_id": asked["id"], "body": "The raw body.",
                              "client_id": "e1"})["ok"]
    said = widget.wait_for("said", lambda m: m["author"] == "employee")
    assert (said["seq"], said["body"]) == (3, "The raw body.")
