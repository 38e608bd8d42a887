"""Chat workload with persistence on the server modes, beside a Node relay floor, in one run.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.chat_bench --modes relay threading gevent-pg \
        --pairs 50 200 --seconds 30 [--closed-seconds 20 --closed-pairs 50] \
        [--processes 1 2] [--json]

Modes: `threading` = `flask --app web serve` (Werkzeug + simple-websocket) on a SQLite file
copied from one template (init-db + seed-demo) for every run; `gevent-pg` =
`gunicorn --worker-class gevent --workers N web.wsgi:app` with MATCHMAKER_ASYNC_MODE=gevent on
PostgreSQL (database `bench_chat`, recreated for every run), once per `--processes` value N;
with N > 1 (or `--redis always`) the workers share events through Redis (a database of the
bench's own, flushed first); `relay` = bench/relay.mjs, the same event shape in Node socket.io
with nothing stored: the floor every row is divided by ("x floor"); `py-relay` = the same relay
in Flask-SocketIO on gunicorn's gevent worker (bench/py_relay.py): what the Python stack costs
before any product code. The Node load generator
(bench/chat_load.mjs) runs on CPU 1; one-process servers on CPU 0; N processes on every CPU but
the generator's when there are N of them, else unpinned (see `server_cpus`). Every process
started here is killed in `finally`.
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
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


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


def children(pid: int) -> list[int]:
    """pid's child processes (gunicorn's workers), from /proc."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def own_cpu_seconds(pid: int) -> float:
    """utime+stime of pid (all its threads), from /proc; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def cpu_seconds(pid: int) -> float:
    """utime+stime of pid and its children (gunicorn's workers), from /proc."""
    return sum(own_cpu_seconds(p) for p in [pid, *children(pid)])


def established_inodes(port: int) -> set[str]:
    """Socket inodes of the established TCP connections whose local port is `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            f = row.split()
            if f[3] == "01" and int(f[1].rsplit(":", 1)[1], 16) == port:
                found.add(f[9])
    return found


def connections_by_process(pids: list[int], port: int) -> dict[int, set[str]]:
    """Which process holds each established connection to the server's port (by its fds)."""
    inodes = established_inodes(port)
    held: dict[int, set[str]] = {}
    for pid in pids:
        held[pid] = set()
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    link = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if link.startswith("socket:[") and link[8:-1] in inodes:
                        held[pid].add(link[8:-1])
    return held


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, all) CPU-seconds of the whole machine so far, from /proc/stat: whether the box
    itself is full (PostgreSQL, Redis, the generator and other work are not the server's)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / tick, sum(fields[:8]) / tick


def redis_call(db: int, *command: str) -> bytes:
    """One command on Redis database `db` (plain RESP over a socket: no client library)."""
    def packed(*words: str) -> bytes:
        return f"*{len(words)}\r\n".encode() + b"".join(
            f"${len(w.encode())}\r\n{w}\r\n".encode() for w in words)

    def reply(f) -> bytes:
        line = f.readline()
        if line[:1] == b"-":
            raise RuntimeError(f"redis: {line.decode().strip()}")
        if line[:1] == b"$":
            n = int(line[1:])
            return b"" if n < 0 else f.read(n + 2)[:-2]
        return line[1:].strip()

    with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=10) as s:
        s.sendall(packed("SELECT", str(db)) + packed(*command))
        f = s.makefile("rb")
        reply(f)
        return reply(f)


def redis_cpu_seconds() -> float:
    """The Redis server's own CPU (INFO cpu: user + sys of the main process); 0 if unreachable."""
    try:
        info = redis_call(0, "INFO", "cpu").decode()
    except OSError:
        return 0.0
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return float(fields.get("used_cpu_user", 0)) + float(fields.get("used_cpu_sys", 0))


def server_cpus(override: str | None, processes: int, client_cpus: str) -> str:
    """Where the server runs ('' = anywhere). One process: CPU 0, as always. N processes: every
    CPU the generator does not use, if that leaves N; otherwise unpinned, because N workers
    squeezed onto fewer cores than N would measure time-slicing, not scale-out."""
    if override is not None:
        return override
    if processes == 1:
        return "0"
    taken = set()
    for part in client_cpus.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            taken.update(range(int(lo), int(hi) + 1))
        elif part:
            taken.add(int(part))
    free = [c for c in sorted(os.sched_getaffinity(0)) if c not in taken]
    return ",".join(map(str, free)) if len(free) >= processes else ""


def pinned(cpus: str, cmd: list[str]) -> list[str]:
    return ["taskset", "-c", cpus, *cmd] if cpus else cmd


class Server:
    def __init__(self, mode: str, db_url: str, log_path: Path, *, processes: int = 1,
                 redis_url: str = "", cpus: str = "0"):
        self.mode, self.port, self.log_path = mode, free_port(), log_path
        self.processes = processes
        env = base_env(db_url)
        if redis_url:
            env["MATCHMAKER_REDIS_URL"] = redis_url
        if mode == "relay":
            cmd = ["node", str(ROOT / "bench" / "relay.mjs"), "--port", str(self.port)]
        elif mode == "py-relay":
            cmd = [str(VENV / "gunicorn"), "--worker-class", "gevent", "--workers", "1",
                   "--no-control-socket", "--bind", f"127.0.0.1:{self.port}",
                   "bench.py_relay:app"]
        elif mode == "threading":
            env["MATCHMAKER_ASYNC_MODE"] = "threading"
            cmd = [str(VENV / "flask"), "--app", "web", "serve", "--host", "127.0.0.1",
                   "--port", str(self.port)]
        else:
            env["MATCHMAKER_ASYNC_MODE"] = "gevent"
            # No control socket: gunicorn 27 keeps it at one path in $HOME, and two masters on
            # one machine (this and a test server) delete each other's (PERF-NOTES).
            cmd = [str(VENV / "gunicorn"), "--worker-class", "gevent",
                   "--workers", str(processes), "--no-control-socket",
                   "--bind", f"127.0.0.1:{self.port}", "web.wsgi:app"]
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(pinned(cpus, cmd), cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """The processes that hold connections: gunicorn's workers, else the server itself."""
        return (children(self.proc.pid) if self.mode in ("gevent", "py-relay")
                else [self.proc.pid])

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

    def wait_workers_loaded(self, timeout: float = 240) -> None:
        """/healthz is answered by the first worker up; the others may still be loading the
        model, and a worker that is not yet accepting would leave every connection to the
        first. Wait until all N exist and each has used CPU, then been idle for a second."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = children(self.proc.pid)
            if len(pids) >= self.processes:
                before = {p: own_cpu_seconds(p) for p in pids}
                time.sleep(1)
                if all(own_cpu_seconds(p) - before[p] < 0.1 and before[p] > 1 for p in pids):
                    return
            else:
                time.sleep(0.5)
        raise RuntimeError(f"{self.processes} workers not idle in {timeout} s")

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
            employees: Path, setup_concurrency: int = 1, *, processes: int = 1,
            redis_db: int | None = None, cpus: str = "0", client_cpus: str = "1",
            drain: float = 5) -> dict:
    tag = f"{mode}-{processes}{'R' if redis_db is not None else ''}-{loop}-{pairs}"
    redis_url = ""
    if redis_db is not None:
        redis_call(redis_db, "FLUSHDB")
        redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_db}"
    if mode in ("relay", "py-relay"):
        db_url = ""
    elif mode == "gevent-pg":
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
    kind = mode if mode in ("relay", "py-relay", "threading") else "gevent"
    server = Server(kind, db_url, work / f"{tag}.log", processes=processes,
                    redis_url=redis_url, cpus=cpus)
    try:
        server.wait_ready()
        if processes > 1:
            server.wait_workers_loaded()
        marks, held, seen = {}, {}, set()
        gen = subprocess.Popen(
            pinned(client_cpus, ["node", str(ROOT / "bench" / "chat_load.mjs"),
                                 "--url", server.url, "--pairs", str(pairs),
                                 "--seconds", str(seconds), "--loop", loop,
                                 "--employees", str(employees),
                                 "--setup-concurrency", str(setup_concurrency),
                                 "--drain", str(drain)]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stderr_lines = []

        def read_stderr():
            for line in gen.stderr:
                stderr_lines.append(line.rstrip())
                if line.startswith("LOAD_START") or line.startswith("LOAD_END"):
                    mark = line.strip()
                    seen.add(mark)  # before the slower reads below: the sampler stops at once
                    marks[mark] = (time.monotonic(), cpu_seconds(server.proc.pid),
                                   redis_cpu_seconds() if redis_url else 0.0,
                                   machine_cpu_seconds()[0])
                    if mark == "LOAD_START":
                        held["first"] = connections_by_process(server.workers(), server.port)

        def sample_connections():
            # Every second of the load phase: the generator closes its sockets as soon as
            # LOAD_END has drained, so the last sample before that is the one to compare.
            while gen.poll() is None:
                if "LOAD_START" in seen and "LOAD_END" not in seen:
                    now = connections_by_process(server.workers(), server.port)
                    if "LOAD_END" not in seen:
                        held["last"] = now
                time.sleep(1)
        reader = threading.Thread(target=read_stderr, daemon=True)
        reader.start()
        sampler = threading.Thread(target=sample_connections, daemon=True)
        sampler.start()
        try:
            out = gen.stdout.read()  # the generator exits by itself (its own hard timeout)
            gen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gen.kill()
            gen.wait(timeout=10)
        reader.join(timeout=5)
        sampler.join(timeout=5)
        if "LOAD_START" in marks and "LOAD_END" in marks:
            wall = marks["LOAD_END"][0] - marks["LOAD_START"][0]
            cpu = marks["LOAD_END"][1] - marks["LOAD_START"][1]
            redis_cpu = marks["LOAD_END"][2] - marks["LOAD_START"][2]
            busy = marks["LOAD_END"][3] - marks["LOAD_START"][3]
        else:
            wall = cpu = redis_cpu = busy = 0.0
    finally:
        server.stop()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {"fatal": " | ".join(stderr_lines[-3:])}
    log_text = server.log_path.read_text(errors="replace")
    result.update(mode=mode, loop=loop, processes=processes, redis=bool(redis_url),
                  server_cpus=cpus or "all", server_cpu_s=round(cpu, 1),
                  load_wall_s=round(wall, 1),
                  machine_busy_cores=round(busy / wall, 2) if wall else None,
                  db_locked=log_text.count("database is locked"),
                  tracebacks=log_text.count("Traceback"),
                  invalid_sessions=log_text.count("Invalid session"),
                  connections=connection_check(held),
                  generator_stderr=[x for x in stderr_lines if not x.startswith("LOAD_")][-3:])
    if "pairs" in result:  # socket.io-client multiplexes the first /customer socket onto the
        # first console's connection (same URL, a namespace that manager does not have yet)
        result["connections"]["websockets_expected"] = len(json.loads(employees.read_text())) \
            + result["pairs"] - 1
    if result.get("sent") and cpu:  # server CPU during the load phase only (setup excluded)
        result["server_cpu_us_per_msg"] = round(cpu / result["sent"] * 1e6)
        if redis_url:  # Redis's own CPU (a shared server: other users' work counts too)
            result["redis_cpu_us_per_msg"] = round(redis_cpu / result["sent"] * 1e6)
    return result


def connection_check(held: dict) -> dict:
    """Connections per worker when the load starts (HTTP keep-alives from the setup may still
    be open) and in the last sample of the load, and the two checks that matter with several
    workers: no connection held by two of them, none that changed worker (a websocket-only
    client makes its whole engine.io session one TCP connection)."""
    start, end = held.get("first", {}), held.get("last", {})
    owner_start = {ino: pid for pid, inos in start.items() for ino in inos}
    owner_end = {ino: pid for pid, inos in end.items() for ino in inos}
    shared = sum(len(inos) for inos in start.values()) - len(owner_start) + \
        sum(len(inos) for inos in end.values()) - len(owner_end)
    return {"per_worker_start": sorted((len(v) for v in start.values()), reverse=True),
            "per_worker_end": sorted((len(v) for v in end.values()), reverse=True),
            "held_by_two": shared,
            "moved": sum(1 for ino, pid in owner_start.items()
                         if ino in owner_end and owner_end[ino] != pid),
            "kept": sum(1 for ino in owner_start if ino in owner_end)}


def label(r: dict) -> str:
    """Processes, and R when they share events through Redis."""
    return f"{r.get('processes', 1)}{'R' if r.get('redis') else ''}"


def ratio(x, y) -> str:
    return f"{x / y:.2f}x" if x and y else "-"


def fmt(r: dict, floor: dict | None = None) -> str:
    if "fatal" in r:
        return f"{r['mode']:>10} {label(r):>5} {r['loop']:>6} FATAL {r['fatal'][:100]}"
    lat = r["latency_ms"]
    errs = sum(r["errors"].values())
    line = (f"{r['mode']:>10} {label(r):>5} {r['loop']:>6} {r['pairs']:>4}/{r['pairs_requested']:<4}"
            f" {r['msgs_per_s']:>8} {lat['p50']!s:>8} {lat['p99']!s:>9} {lat['max']!s:>8}"
            f" {r['ack_ms']['p50']!s:>8} {r['ack_ms']['p99']!s:>8} {r['lost']:>5} {errs:>5}"
            f" {r['db_locked']:>6} {r.get('server_cpu_us_per_msg', '-')!s:>7}")
    if floor is not None:  # this row as a multiple of the relay's row of the same load
        line += (f" {ratio(r.get('server_cpu_us_per_msg'), floor.get('server_cpu_us_per_msg')):>8}"
                 f" {ratio(r['msgs_per_s'], floor['msgs_per_s']):>8}")
    return line


HEADER = (f"{'mode':>10} {'procs':>5} {'loop':>6} {'pairs':>9} {'msgs/s':>8} {'p50 ms':>8}"
          f" {'p99 ms':>9} {'max ms':>8} {'ack p50':>8} {'ack p99':>8} {'lost':>5} {'errs':>5}"
          f" {'locked':>6} {'µs/msg':>7}")
FLOOR_HEADER = f" {'CPU/msg':>8} {'msgs/s':>8}"
FLOOR_TITLE = f"{'':>{len(HEADER)}} {'--- x floor ---':>17}"


def variants(mode: str, processes: list[int], redis_one: bool) -> list[tuple[int, bool]]:
    """(processes, Redis?) per run: several processes need Redis; one runs without it (the
    Procfile's shape) and, with --redis-one, also with it, to show Redis's own cost."""
    if mode != "gevent-pg":
        return [(1, False)]
    out = []
    for n in processes:
        if n == 1:
            out.append((1, False))
            if redis_one:
                out.append((1, True))
        else:
            out.append((n, True))
    return out


def report(results: list[dict]) -> None:
    """The table (with x floor where a relay row of the same load exists) and the ratios."""
    ok = [r for r in results if "fatal" not in r]
    floors = {(r["loop"], r["pairs_requested"]): r for r in ok if r["mode"] == "relay"}
    if floors:
        print(FLOOR_TITLE)
    print(HEADER + (FLOOR_HEADER if floors else ""))
    for r in results:
        print(fmt(r, floors.get((r["loop"], r.get("pairs_requested")))))
    base = {(r["loop"], r["pairs_requested"]): r for r in ok
            if r["mode"] == "threading"}
    for r in ok:
        b = base.get((r["loop"], r["pairs_requested"]))
        if r["mode"] in ("threading", "relay", "py-relay") or b is None or label(r) != "1":
            continue
        print(f"{r['mode']} vs threading, {r['loop']} {r['pairs_requested']}: "
              f"p50 {ratio(r['latency_ms']['p50'], b['latency_ms']['p50'])}, "
              f"p99 {ratio(r['latency_ms']['p99'], b['latency_ms']['p99'])}, "
              f"msgs/s {ratio(r['msgs_per_s'], b['msgs_per_s'])}, "
              f"CPU/msg {ratio(r.get('server_cpu_us_per_msg'), b.get('server_cpu_us_per_msg'))}")
    # Scale-out: N processes against one process (no Redis) of the same load. Throughput is
    # the closed loop's figure; an open loop's msgs/s is capped by the load offered.
    one = {(r["loop"], r["pairs_requested"]): r for r in ok
           if r["mode"] == "gevent-pg" and label(r) == "1"}
    for r in ok:
        b = one.get((r["loop"], r["pairs_requested"]))
        if r["mode"] != "gevent-pg" or label(r) == "1" or b is None:
            continue
        c = r["connections"]
        redis = (f", Redis CPU {r['redis_cpu_us_per_msg']} µs/msg"
                 if "redis_cpu_us_per_msg" in r else "")
        print(f"gevent-pg {label(r)} vs 1, {r['loop']} {r['pairs_requested']}: "
              f"msgs/s {ratio(r['msgs_per_s'], b['msgs_per_s'])}, "
              f"CPU/msg {ratio(r.get('server_cpu_us_per_msg'), b.get('server_cpu_us_per_msg'))}, "
              f"p99 {ratio(r['latency_ms']['p99'], b['latency_ms']['p99'])}{redis}; "
              f"CPUs {r['server_cpus']} vs {b['server_cpus']}, machine busy "
              f"{r['machine_busy_cores']} vs {b['machine_busy_cores']} cores; connections per "
              f"worker {c['per_worker_end']} ({sum(c['per_worker_end'])} of "
              f"{c.get('websockets_expected', '?')} websockets; held by two {c['held_by_two']}, "
              f"moved {c['moved']} of {c['kept']}), lost {r['lost']}, dupes {r['dupes']}, "
              f"invalid sessions {r['invalid_sessions']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # gevent on SQLite stalls (see bench/README.md) and the app now refuses it: gevent-pg only.
    ap.add_argument("--modes", nargs="+", default=["threading", "gevent-pg"],
                    choices=["relay", "py-relay", "threading", "gevent-pg"])
    ap.add_argument("--pairs", nargs="+", type=int, default=[50, 200])
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--closed-pairs", type=int, default=50)
    ap.add_argument("--closed-seconds", type=int, default=20, help="0: no closed-loop run")
    ap.add_argument("--processes", nargs="+", type=int, default=[1],
                    help="gevent-pg: one run per value, gunicorn --workers N (N > 1 with Redis)")
    ap.add_argument("--redis-one", action="store_true",
                    help="gevent-pg: also run 1 process with Redis (Redis's own cost)")
    ap.add_argument("--redis-db", type=int, default=13,
                    help="the Redis database the bench uses (flushed before every run)")
    ap.add_argument("--server-cpus", default=None,
                    help="taskset list for every server ('' = unpinned); default: 0 for one "
                         "process, the CPUs the generator does not use for N (if N of them)")
    ap.add_argument("--client-cpus", default="1", help="taskset list for the generator ('' = unpinned)")
    ap.add_argument("--budget", type=float, default=900, help="no new run after this many s")
    ap.add_argument("--setup-concurrency", type=int, default=1,
                    help="questions asked at once while setting up (>1 stalls gevent+SQLite)")
    ap.add_argument("--drain", type=float, default=5,
                    help="seconds after the load in which messages may still arrive (lost = acked "
                         "and not received by then)")
    ap.add_argument("--json", action="store_true")
    opts = ap.parse_args(argv)
    # SIGTERM (e.g. `timeout`) unwinds through the finally blocks, so servers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if any(p > 400 for p in opts.pairs):
        ap.error("at most 400 pairs: 20 demo employees x capacity 20")
    if any(not 1 <= n <= 16 for n in opts.processes):
        ap.error("--processes: 1 to 16")
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="chat-bench-"))
    results = []
    try:
        template = work / "template.db"
        if "threading" in opts.modes:
            env = base_env(f"sqlite:///{template}")
            flask_cmd(env, "init-db")
            flask_cmd(env, "seed-demo")
        employees = employees_file(work)
        loads = [(p, opts.seconds, "open") for p in opts.pairs]
        if opts.closed_seconds:
            loads.append((opts.closed_pairs, opts.closed_seconds, "closed"))
        plan = [(m, p, s, loop, n, r) for p, s, loop in loads for m in opts.modes
                for n, r in variants(m, opts.processes, opts.redis_one)]
        for n in sorted({n for *_, n, _ in plan if n > 1}):
            cpus = server_cpus(opts.server_cpus, n, opts.client_cpus)
            print(f"{n} processes: server CPUs {cpus or 'unpinned'}"
                  + ("" if cpus else " (fewer free CPUs than processes: the workers share the"
                     " generator's CPU)"), file=sys.stderr)
        print(HEADER, file=sys.stderr)
        for mode, pairs, seconds, loop, n, redis in plan:
            if time.monotonic() - started > opts.budget:
                print(f"budget spent: skipping {mode} {n} {loop} {pairs}", file=sys.stderr)
                continue
            r = run_one(mode, pairs, seconds, loop, work, template, employees,
                        opts.setup_concurrency, processes=n,
                        redis_db=opts.redis_db if redis else None,
                        cpus=server_cpus(opts.server_cpus, n, opts.client_cpus),
                        client_cpus=opts.client_cpus, drain=opts.drain)
            results.append(r)
            print(fmt(r), file=sys.stderr, flush=True)
    finally:
        print(f"logs and databases in {work}", file=sys.stderr)
    report(results)
    if opts.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
