"""Start and stop real server processes on loopback ports for live and browser tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def kill(self) -> None:
        """Die without a goodbye, as a crashed worker would."""
        self.process.kill()
        self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_server(tmp_path: Path, database_url: str, *, real_model: bool = False,
                 seed: str = "demo", settings: dict | None = None, catch_mail: bool = False,
                 timeout: float = 90.0) -> LiveServer:
    """Start `tests.live_app` and wait until /healthz answers (bounded by timeout)."""
    port = free_port()
    log_path = tmp_path / f"server-{port}.log"
    args = [sys.executable, "-m", "tests.live_app", "--port", str(port),
            "--database-url", database_url, "--seed", seed,
            "--settings", json.dumps(settings or {})]
    if real_model:
        args.append("--real-model")
    if catch_mail:
        args.append("--catch-mail")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=1).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server did not start in {timeout}s:\n{server.log()}")
