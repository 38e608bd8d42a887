"""Chat workload with persistence on the two server modes, measured side by side.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.chat_bench --modes threading gevent \
        --pairs 50 200 --seconds 30 [--closed-seconds 20 --closed-pairs 50] [--json]

Modes: `threading` = `flask --app web serve` (Werkzeug + simple-websocket);
`gevent` = `gunicorn --worker-class gevent --workers 1 web.wsgi:app` with
MATCHMAKER_ASYNC_MODE=gevent; both on a SQLite file copied from one template (init-db +
seed-demo) for every run; `gevent-pg` = the gevent server on PostgreSQL (database
`bench_chat`, recreated for every run). The server is pinned to CPU 0 and the Node load
generator (bench/chat_load.mjs) to CPU 1. Every process started here is killed in `finally`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_chat"
SECRET = "chat-bench-fixed-secret-key-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(db_url: str) -> dict:
    # The bench measures throughput, not the rate limits: they are set out of its way.
    env = dict(os.environ, MATCHMAKER_SECRET_KEY=SECRET, HF_HUB_OFFLINE="1",
               MATCHMAKER_DATABASE_URL=db_url, MATCHMAKER_LIMIT_QUESTIONS="100000 per minute",
               MATCHMAKER_LIMIT_MESSAGES="100000 per second")
    env.pop("MATCHMAKER_REDIS_URL", None)
    return env


def flask_cmd(env: dict, *args: str, timeout: float = 300) -> None:
    subprocess.run([str(VENV / "flask"), "--app", "web", *args], cwd=ROOT, env=env,
                   check=True, timeout=timeout, stdout=subprocess.DEVNULL)


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1",
                    "-c", sql], check=True, timeout=60, stdout=subprocess.DEVNULL)


def cpu_seconds(pid: int) -> float:
    """utime+stime of pid and its children (gunicorn's worker), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return total


class Server:
    def __init__(self, mode: str, db_url: str, log_path: Path):
        self.mode, self.port, self.log_path = mode, free_port(), log_path
        env = base_env(db_url)
        if mode == "threading":
            env["MATCHMAKER_ASYNC_MODE"] = "threading"
            cmd = [str(VENV / "flask"), "--app", "web", "serve", "--host", "127.0.0.1",
                   "--port", str(self.port)]
        else:
            env["MATCHMAKER_ASYNC_MODE"] = "gevent"
            cmd = [str(VENV / "gunicorn"), "--worker-class", "gevent", "--workers", "1",
                   "--bind", f"127.0.0.1:{self.port}", "web.wsgi:app"]
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(["taskset", "-c", "0", *cmd], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.mode} server exited: see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.mode} server not ready in {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: only what we started
                self.proc.wait(timeout=15)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


def employees_file(work: Path) -> Path:
    data = json.loads((ROOT / "matchmaker" / "demo" / "demo_company.json").read_text())
    rows = [{"email": e["email"], "expertise": e.get("expertise") or [e.get("title", "help")]}
            for e in data["employees"]]
    path = work / "employees.json"
    path.write_text(json.dumps(rows))
    return path


def run_one(mode: str, pairs: int, seconds: int, loop: str, work: Path, template: Path,
            employees: Path, setup_concurrency: int = 1) -> dict:
    tag = f"{mode}-{loop}-{pairs}"
    if mode == "gevent-pg":
        psql("DROP DATABASE IF EXISTS bench_chat WITH (FORCE)")
        psql("CREATE DATABASE bench_chat")
        env = base_env(PG_URL)
        flask_cmd(env, "init-db")
        flask_cmd(env, "seed-demo")
        db_url = PG_URL
    else:
        db = work / f"{tag}.db"
        shutil.copy(template, db)
        db_url = f"sqlite:///{db}"
    server = Server("threading" if mode == "threading" else "gevent", db_url,
                    work / f"{tag}.log")
    try:
        server.wait_ready()
        marks = {}
        gen = subprocess.Popen(
            ["taskset", "-c", "1", "node", str(ROOT / "bench" / "chat_load.mjs"),
             "--url", server.url, "--pairs", str(pairs), "--seconds", str(seconds),
             "--loop", loop, "--employees", str(employees),
             "--setup-concurrency", str(setup_concurrency)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stderr_lines = []

        def read_stderr():
            for line in gen.stderr:
                stderr_lines.append(line.rstrip())
                if line.startswith("LOAD_START") or line.startswith("LOAD_END"):
                    marks[line.strip()] = (time.monotonic(), cpu_seconds(server.proc.pid))
        reader = threading.Thread(target=read_stderr, daemon=True)
        reader.start()
        try:
            out = gen.stdout.read()  # the generator exits by itself (its own hard timeout)
            gen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gen.kill()
            gen.wait(timeout=10)
        reader.join(timeout=5)
        if "LOAD_START" in marks and "LOAD_END" in marks:
            wall = marks["LOAD_END"][0] - marks["LOAD_START"][0]
            cpu = marks["LOAD_END"][1] - marks["LOAD_START"][1]
        else:
            wall = cpu = 0.0
    finally:
        server.stop()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {"fatal": " | ".join(stderr_lines[-3:])}
    log_text = server.log_path.read_text(errors="replace")
    result.update(mode=mode, loop=loop, server_cpu_s=round(cpu, 1), load_wall_s=round(wall, 1),
                  db_locked=log_text.count("database is locked"),
                  tracebacks=log_text.count("Traceback"),
                  generator_stderr=[x for x in stderr_lines if not x.startswith("LOAD_")][-3:])
    if result.get("sent") and cpu:  # server CPU during the load phase only (setup excluded)
        result["server_cpu_us_per_msg"] = round(cpu / result["sent"] * 1e6)
    return result


def fmt(r: dict) -> str:
    if "fatal" in r:
        return f"{r['mode']:>10} {r['loop']:>6} FATAL {r['fatal'][:100]}"
    lat = r["latency_ms"]
    errs = sum(r["errors"].values())
    return (f"{r['mode']:>10} {r['loop']:>6} {r['pairs']:>4}/{r['pairs_requested']:<4}"
            f" {r['msgs_per_s']:>8} {lat['p50']!s:>8} {lat['p99']!s:>9} {lat['max']!s:>8}"
            f" {r['ack_ms']['p50']!s:>8} {r['ack_ms']['p99']!s:>8} {r['lost']:>5} {errs:>5}"
            f" {r['db_locked']:>6} {r.get('server_cpu_us_per_msg', '-')!s:>7}")


HEADER = (f"{'mode':>10} {'loop':>6} {'pairs':>9} {'msgs/s':>8} {'p50 ms':>8} {'p99 ms':>9}"
          f" {'max ms':>8} {'ack p50':>8} {'ack p99':>8} {'lost':>5} {'errs':>5} {'locked':>6}"
          f" {'µs/msg':>7}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # gevent on SQLite stalls (see bench/README.md) and the app now refuses it: gevent-pg only.
    ap.add_argument("--modes", nargs="+", default=["threading", "gevent-pg"],
                    choices=["threading", "gevent-pg"])
    ap.add_argument("--pairs", nargs="+", type=int, default=[50, 200])
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--closed-pairs", type=int, default=50)
    ap.add_argument("--closed-seconds", type=int, default=20, help="0: no closed-loop run")
    ap.add_argument("--budget", type=float, default=900, help="no new run after this many s")
    ap.add_argument("--setup-concurrency", type=int, default=1,
                    help="questions asked at once while setting up (>1 stalls gevent+SQLite)")
    ap.add_argument("--json", action="store_true")
    opts = ap.parse_args(argv)
    # SIGTERM (e.g. `timeout`) unwinds through the finally blocks, so servers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if any(p > 400 for p in opts.pairs):
        ap.error("at most 400 pairs: 20 demo employees x capacity 20")
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="chat-bench-"))
    results = []
    try:
        template = work / "template.db"
        env = base_env(f"sqlite:///{template}")
        flask_cmd(env, "init-db")
        flask_cmd(env, "seed-demo")
        employees = employees_file(work)
        plan = [(m, p, opts.seconds, "open") for p in opts.pairs for m in opts.modes]
        if opts.closed_seconds:
            plan += [(m, opts.closed_pairs, opts.closed_seconds, "closed") for m in opts.modes]
        print(HEADER, file=sys.stderr)
        for mode, pairs, seconds, loop in plan:
            if time.monotonic() - started > opts.budget:
                print(f"budget spent: skipping {mode} {loop} {pairs}", file=sys.stderr)
                continue
            r = run_one(mode, pairs, seconds, loop, work, template, employees,
                        opts.setup_concurrency)
            results.append(r)
            print(fmt(r), file=sys.stderr, flush=True)
    finally:
        print(f"logs and databases in {work}", file=sys.stderr)
    print(HEADER)
    for r in results:
        print(fmt(r))
    base = {(r["loop"], r["pairs_requested"]): r for r in results
            if r["mode"] == "threading" and "fatal" not in r}
    for r in results:
        b = base.get((r["loop"], r["pairs_requested"]))
        if r["mode"] == "threading" or b is None or "fatal" in r:
            continue
        def ratio(x, y):
            return f"{x / y:.2f}x" if x and y else "-"
        print(f"{r['mode']} vs threading, {r['loop']} {r['pairs_requested']}: "
              f"p50 {ratio(r['latency_ms']['p50'], b['latency_ms']['p50'])}, "
              f"p99 {ratio(r['latency_ms']['p99'], b['latency_ms']['p99'])}, "
              f"msgs/s {ratio(r['msgs_per_s'], b['msgs_per_s'])}, "
              f"CPU/msg {ratio(r.get('server_cpu_us_per_msg'), b.get('server_cpu_us_per_msg'))}")
    if opts.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
