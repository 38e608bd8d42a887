"""Chat latency while /login is flooded with wrong passwords, against the same chat unloaded.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.signin_flood --variants offloaded inline rev \
        --rev REV [--seconds 10] [--flooders 20] [--hashes-at-once N] [--pool-niceness N] [--json]

Per variant: PostgreSQL database `bench_signin` dropped, created, migrated and seeded with the
demo company; one `gunicorn --worker-class gevent --workers 1` server (as the Procfile runs it)
pinned to CPU 0, this script pinned to CPU 1. One employee console signs in and accepts one
customer's question; the customer then `say`s, waits for the ack, pauses `--interval` s, and
so on. Ack latency is measured for `--seconds` unloaded, then for `--seconds` while `--flooders`
threads POST wrong passwords for the demo accounts to /login as fast as the server answers
(after 1 s of ramp-up). The sign-in rate limits are set out of the way, so every POST hashes.

Variants: `offloaded` = this tree as shipped (`web.wsgi:app`, through `bench_app` below;
`--hashes-at-once N` / `--pool-niceness N` change web/runtime.py's knobs for it); `inline` =
this tree with hashing put back on the event loop; `rev` = the code at `--rev` (`git archive`
into a temporary folder, served from there with the same virtualenv). Every process started
here is stopped in `finally`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_signin"
SECRET = "signin-bench-fixed-secret-key-0123456789"
DEMO_PASSWORD = "matchmaker-demo"
GENEROUS = "100000 per second"


def bench_app():
    """gunicorn entry for this tree: `web.wsgi:app`, with hashing put back on the event loop
    (SIGNIN_FLOOD_INLINE=1) or web/runtime.py's knobs changed (SIGNIN_FLOOD_HASHES_AT_ONCE,
    SIGNIN_FLOOD_POOL_NICENESS) when the environment says so."""
    import web.app
    import web.runtime
    from matchmaker import accounts

    if os.environ.get("SIGNIN_FLOOD_INLINE"):
        web.app.cpu_runner = lambda async_mode: accounts.inline
    for knob in ("HASHES_AT_ONCE", "POOL_NICENESS"):
        if os.environ.get(f"SIGNIN_FLOOD_{knob}"):
            setattr(web.runtime, knob, int(os.environ[f"SIGNIN_FLOOD_{knob}"]))
    from web.wsgi import app

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(**extra: str) -> dict:
    # The bench measures the hashing, not the rate limits: they are set out of its way.
    env = dict(os.environ, **extra, MATCHMAKER_SECRET_KEY=SECRET, HF_HUB_OFFLINE="1",
               MATCHMAKER_DATABASE_URL=PG_URL, MATCHMAKER_ASYNC_MODE="gevent",
               MATCHMAKER_LIMIT_SIGNIN_ACCOUNT=GENEROUS, MATCHMAKER_LIMIT_SIGNIN_ADDRESS=GENEROUS,
               MATCHMAKER_LIMIT_QUESTIONS=GENEROUS, MATCHMAKER_LIMIT_MESSAGES=GENEROUS)
    env.pop("MATCHMAKER_REDIS_URL", None)
    return env


def prepare_database(root: Path) -> None:
    for sql in ("DROP DATABASE IF EXISTS bench_signin WITH (FORCE)", "CREATE DATABASE bench_signin"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1",
                        "-c", sql], check=True, timeout=60, stdout=subprocess.DEVNULL)
    env = dict(server_env(), MATCHMAKER_ASYNC_MODE="threading")
    for command in ("init-db", "seed-demo"):
        subprocess.run([str(VENV / "flask"), "--app", "web", command], cwd=root, env=env,
                       check=True, timeout=600, stdout=subprocess.DEVNULL)


class Server:
    """One gunicorn gevent worker on a loopback port, in its own session (stopped as a group)."""

    def __init__(self, root: Path, entry: str, log_path: Path, cpus: str, env: dict):
        self.port, self.log_path = free_port(), log_path
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        cmd = [str(VENV / "gunicorn"), "--worker-class", "gevent", "--workers", "1",
               "--bind", f"127.0.0.1:{self.port}", entry]
        if cpus:
            cmd = ["taskset", "-c", cpus, *cmd]
        self.proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: see {self.log_path}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/healthz", timeout=2).ok:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"server not ready in {timeout} s: see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: only what we started
                self.proc.wait(timeout=20)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


def login_page(http: requests.Session, url: str) -> str:
    page = http.get(url + "/login", timeout=60).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in(url: str, email: str) -> str:
    """The session cookie of a signed-in employee."""
    http = requests.Session()
    token = login_page(http, url)
    response = http.post(url + "/login", data={"email": email, "password": DEMO_PASSWORD,
                                               "csrf_token": token},
                         allow_redirects=False, timeout=60)
    if response.status_code != 302:
        raise RuntimeError(f"sign-in of {email}: {response.status_code}")
    return "session=" + http.cookies["session"]


def open_chat(url: str, employee: dict) -> tuple[socketio.Client, socketio.Client]:
    """(console, customer) of one accepted conversation with this employee."""
    console = socketio.Client(reconnection=False)
    offered = threading.Event()
    console.on("offered", lambda offer: (console.emit("accept", {"offer_id": offer["offer_id"]},
                                                      namespace="/employee"), offered.set()),
               namespace="/employee")
    console.connect(url, namespaces=["/employee"], transports=["websocket"],
                    headers={"Cookie": sign_in(url, employee["email"])}, wait_timeout=30)
    ack = console.call("set_availability", {"available": True, "capacity": 5},
                       namespace="/employee", timeout=30)
    assert ack.get("ok"), ack
    question = {"question": f"I have a question about {employee['expertise'][0]}. Can you help?"}
    # The API moved to /api/v1 (before: /api, with a visitor_id of the widget's making).
    response = requests.post(url + "/api/v1/conversations", json=question, timeout=120)
    if response.status_code == 404:
        response = requests.post(url + "/api/conversations", timeout=120,
                                 json={**question, "visitor_id": "signin-flood-visitor"})
    asked = response.json()
    if response.status_code != 201 or not offered.wait(30):
        raise RuntimeError(f"the question was not offered to the console: {asked}")
    time.sleep(1)  # the accept's ack
    customer = socketio.Client(reconnection=False)
    customer.connect(url, namespaces=["/customer"], transports=["websocket"],
                     auth={"conversation_id": asked["id"], "token": asked["token"]},
                     wait_timeout=30)
    return console, customer


def ack_latencies(customer: socketio.Client, seconds: float, interval: float,
                  errors: Counter) -> list[float]:
    """Say, wait for the ack, pause; for `seconds` (at most 2,000 messages). Milliseconds."""
    out: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(out) < 2000:
        started = time.perf_counter()
        try:
            ack = customer.call("say", {"body": "ping", "client_id": f"b-{time.time_ns()}"},
                                namespace="/customer", timeout=30)
        except socketio.exceptions.TimeoutError:
            errors["say_timeout"] += 1
            continue
        if not ack.get("ok"):
            errors[f"say:{ack.get('error')}"] += 1
        out.append((time.perf_counter() - started) * 1000)
        time.sleep(interval)
    return out


def flood(url: str, emails: list[str], stop: threading.Event, statuses: Counter,
          lock: threading.Lock) -> None:
    """Wrong passwords for the demo accounts, one POST after the other, until stop."""
    http = requests.Session()
    token = login_page(http, url)
    for attempt in range(100_000):
        if stop.is_set():
            return
        try:
            status = http.post(url + "/login", data={"email": emails[attempt % len(emails)],
                                                     "password": "not the password",
                                                     "csrf_token": token},
                               allow_redirects=False, timeout=120).status_code
        except requests.RequestException:
            status = "error"
        with lock:
            statuses[status] += 1


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def run_variant(variant: str, root: Path, work: Path, opts) -> dict:
    entry = "web.wsgi:app" if variant == "rev" else "bench.signin_flood:bench_app()"
    prepare_database(root)
    employees = json.loads((root / "matchmaker" / "demo" / "demo_company.json").read_text())
    employees = employees["employees"]
    knobs = {"SIGNIN_FLOOD_INLINE": "1"} if variant == "inline" else {}
    if variant == "offloaded" and opts.hashes_at_once:
        knobs["SIGNIN_FLOOD_HASHES_AT_ONCE"] = str(opts.hashes_at_once)
    if variant == "offloaded" and opts.pool_niceness is not None:
        knobs["SIGNIN_FLOOD_POOL_NICENESS"] = str(opts.pool_niceness)
    server = Server(root, entry, work / f"{variant}.log", opts.server_cpus, server_env(**knobs))
    errors: Counter = Counter()
    statuses: Counter = Counter()
    try:
        server.wait_ready()
        console, customer = open_chat(server.url, employees[0])
        ack_latencies(customer, 2, opts.interval, Counter())  # warm-up
        unloaded = ack_latencies(customer, opts.seconds, opts.interval, errors)
        stop, lock = threading.Event(), threading.Lock()
        emails = [e["email"] for e in employees[1:]]
        flooders = [threading.Thread(target=flood, args=(server.url, emails, stop, statuses, lock),
                                     daemon=True) for _ in range(opts.flooders)]
        for thread in flooders:
            thread.start()
        time.sleep(1)  # ramp-up: every flooder has its form and is posting
        with lock:
            before = sum(statuses.values())
        started = time.monotonic()
        flooded = ack_latencies(customer, opts.seconds, opts.interval, errors)
        with lock:
            signins_per_s = (sum(statuses.values()) - before) / (time.monotonic() - started)
        stop.set()
        for thread in flooders:
            thread.join(timeout=130)
        customer.disconnect()
        console.disconnect()
    finally:
        server.stop()
    label = variant + (f" {opts.rev}" if variant == "rev" else "") + "".join(
        f" {k.removeprefix('SIGNIN_FLOOD_').lower()}={v}" for k, v in knobs.items()
        if k != "SIGNIN_FLOOD_INLINE")
    result = {"variant": label, "unloaded_ms": summary(unloaded), "flood_ms": summary(flooded),
              "signins_per_s": round(signins_per_s, 1), "login_statuses": dict(statuses),
              "chat_errors": dict(errors)}
    for q in ("p50", "p99"):
        base, loaded = result["unloaded_ms"][q], result["flood_ms"][q]
        result[f"ratio_{q}"] = round(loaded / base, 2) if base and loaded else None
    return result


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": percentile(values, 0.5), "p99": percentile(values, 0.99),
            "mean": round(statistics.fmean(values), 2) if values else None}


HEADER = (f"{'variant':>32} {'unloaded p50':>12} {'p99':>8} {'flood p50':>10} {'p99':>9}"
          f" {'ratio p50':>9} {'p99':>7} {'n':>9} {'sign-ins/s':>10}  statuses")


def fmt(r: dict) -> str:
    u, f = r["unloaded_ms"], r["flood_ms"]
    return (f"{r['variant']:>32} {u['p50']!s:>12} {u['p99']!s:>8} {f['p50']!s:>10} {f['p99']!s:>9}"
            f" {r['ratio_p50']!s:>8}x {r['ratio_p99']!s:>6}x {u['n']:>4}/{f['n']:<4}"
            f" {r['signins_per_s']:>10}  {r['login_statuses']} {r['chat_errors'] or ''}")


def export(rev: str, work: Path) -> Path:
    """The tree at rev, unpacked into work (git archive: the repository is only read)."""
    target = work / "rev"
    target.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True,
                             timeout=120).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True, timeout=120)
    return target


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", nargs="+", default=["offloaded", "inline"],
                    choices=["offloaded", "inline", "rev"])
    ap.add_argument("--rev", default="HEAD", help="the code the `rev` variant serves")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--flooders", type=int, default=20)
    ap.add_argument("--interval", type=float, default=0.05, help="pause after each ack (s)")
    ap.add_argument("--server-cpus", default="0", help="taskset list for the server ('': any)")
    ap.add_argument("--client-cpus", default="1", help="CPUs of this script ('': any)")
    ap.add_argument("--hashes-at-once", type=int, default=0,
                    help="web.runtime.HASHES_AT_ONCE for this tree (0: as shipped)")
    ap.add_argument("--pool-niceness", type=int, default=None,
                    help="web.runtime.POOL_NICENESS for this tree (0: the loop's own)")
    ap.add_argument("--json", action="store_true")
    opts = ap.parse_args(argv)
    if not 1 <= opts.seconds <= 120 or not 1 <= opts.flooders <= 100:
        ap.error("--seconds 1..120, --flooders 1..100")
    # SIGTERM (e.g. `timeout`) unwinds through the finally blocks, so servers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if opts.client_cpus:  # apart from the server's, so the clients do not slow it down
        os.sched_setaffinity(0, {int(cpu) for cpu in opts.client_cpus.split(",")})
    work = Path(tempfile.mkdtemp(prefix="signin-flood-"))
    results = []
    try:
        for variant in opts.variants:
            root = export(opts.rev, work) if variant == "rev" else ROOT
            results.append(run_variant(variant, root, work, opts))
            print(fmt(results[-1]), file=sys.stderr, flush=True)
    finally:
        print(f"logs in {work}", file=sys.stderr)
    print(f"{opts.flooders} flooders; chat ack ms, {opts.seconds:g} s each")
    print(HEADER)
    for r in results:
        print(fmt(r))
    if opts.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

