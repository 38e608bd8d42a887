"""The README's run path: init-db, seed-demo and serve (with the loopback mail catcher) through
the flask CLI, as `make run` does."""

import os
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.servers import ROOT, free_port
from web.mailcatcher import caught

pytestmark = [pytest.mark.live, pytest.mark.model]
FLASK = [sys.executable, "-m", "flask", "--app", "web"]


def test_the_flask_cli_migrates_seeds_and_serves_the_demo(tmp_path: Path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1",
           "MATCHMAKER_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}"}
    for command in (["init-db"], ["seed-demo"]):
        done = subprocess.run(FLASK + command, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    assert "jonas@lumenledger.example" in done.stdout and "matchmaker-demo" in done.stdout
    port, smtp_port = free_port(), free_port()
    env |= {"MATCHMAKER_SMTP_HOST": "127.0.0.1", "MATCHMAKER_SMTP_PORT": str(smtp_port),
            "MATCHMAKER_SECRET_KEY": "run-test-secret",
            "MATCHMAKER_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "MATCHMAKER_SMTP_SECURITY": "none", "MATCHMAKER_MAIL_CATCHER_DIR": str(tmp_path / "mail")}
    server = subprocess.Popen(FLASK + ["serve", "--catch-mail", "--port", str(port)], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        assert server.poll() is None, "serve exited instead of serving"
        home = requests.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert home.ok and "/widget.js" in home.text
        asked = requests.post(f"http://127.0.0.1:{port}/api/v1/conversations", timeout=30, json={
            "question": "How much does the Pro plan cost per user?"})
        assert asked.status_code == 201 and asked.json()["employee"]["name"] == "Sophie Brennan"
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as smtp:  # as make run: mail caught
            smtp.sendmail("a@example.org", ["b@example.org"], b"Subject: caught\r\n\r\nhello")
        assert [m.subject for m in caught(str(tmp_path / "mail"))] == ["caught"]
    finally:
        server.terminate()
        server.wait(timeout=15)
