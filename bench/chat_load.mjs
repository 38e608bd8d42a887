// Chat load generator for bench/chat_bench.py (node 20, ES module, no extra npm packages).
//
// node bench/chat_load.mjs --url http://127.0.0.1:5100 --pairs 50 --seconds 30 \
//      --loop open|closed --employees employees.json
//
// One console per demo employee (capacity 20, so at most 20 x 20 = 400 pairs); each of the
// P customers asks a question written from one employee's expertise, the console that gets
// `offered` accepts, then the customer connects and sends messages:
//   open loop:   1 message/s per customer (random phase);
//   closed loop: the next message as soon as the employee side received the previous one.
// Latency = customer emit -> employee console receives `said` (same process, same clock).
// Lost = acked {ok} but not received by the employee side within 5 s of the end.
// Prints one JSON object on stdout.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const require = createRequire(new URL("../frontend/node_modules/", import.meta.url));
const { io } = require("socket.io-client");

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const URL_ = args.url;
const PAIRS = Math.min(400, Number(args.pairs || 50));
const SECONDS = Math.min(300, Number(args.seconds || 30));
const WARMUP = Number(args.warmup || 3);
const LOOP = args.loop || "open";
const PASSWORD = args.password || "matchmaker-demo";
const SETUP_CONC = Number(args["setup-concurrency"] || 1);
const DRAIN_S = Math.min(120, Number(args.drain || 5)); // after the load: how long messages may still arrive
const employees = JSON.parse(readFileSync(args.employees, "utf8")); // [{email, expertise: []}]
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...m) => process.stderr.write(m.join(" ") + "\n");
const errors = {};
const err = (code) => { errors[code] = (errors[code] || 0) + 1; };
const sockets = [];
const timers = [];

function withTimeout(p, ms, code) {
  return Promise.race([p, sleep(ms).then(() => { throw new Error(code); })]);
}
function emitAck(sock, ev, data, ms = 10000) {
  return withTimeout(new Promise((res) => sock.emit(ev, data, res)), ms, `${ev}_ack_timeout`);
}

async function signIn(email) {
  const page = await fetch(`${URL_}/login`);
  const cookie0 = (page.headers.getSetCookie() || []).map((c) => c.split(";")[0]).join("; ");
  const html = await page.text();
  const m = html.match(/name="csrf_token" type="hidden" value="([^"]+)"/);
  if (!m) throw new Error("no csrf_token");
  const resp = await fetch(`${URL_}/login`, {
    method: "POST", redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie0 },
    body: new URLSearchParams({ csrf_token: m[1], email, password: PASSWORD }).toString(),
  });
  const session = (resp.headers.getSetCookie() || []).map((c) => c.split(";")[0])
    .find((c) => c.startsWith("session="));
  if (resp.status !== 302 || !session) throw new Error(`login ${email}: ${resp.status}`);
  return session;
}

function connect(ns, opts) {
  return new Promise((res, rej) => {
    const s = io(URL_ + ns, { transports: ["websocket"], reconnection: false, timeout: 20000, ...opts });
    sockets.push(s);
    s.once("connect", () => res(s));
    s.once("connect_error", (e) => rej(new Error(`connect ${ns}: ${e.message}`)));
  });
}

// --- measurement state
let measuring = false, stopping = false;
const lat = [];            // ms, employee-side receive latency, messages sent in the window
const ackLat = [];         // ms, customer emit -> ack
const pending = new Map(); // key -> {t, acked}
let sent = 0, acked = 0, received = 0, receivedInWindow = 0, dupes = 0;
let windowStart = 0, windowEnd = 0;
const closedWaiters = new Map(); // conversation_id -> resolve (closed loop)
const accepted = new Map();      // conversation_id -> {promise, resolve}
function acceptedFor(cid) {
  if (!accepted.has(cid)) {
    let resolve; const promise = new Promise((r) => { resolve = r; });
    accepted.set(cid, { promise, resolve });
  }
  return accepted.get(cid);
}

function onEmployeeSaid(msg) {
  if (msg.author !== "customer") return;
  let b; try { b = JSON.parse(msg.body); } catch { return; }
  const p = pending.get(b.k);
  if (!p) { dupes++; return; }
  pending.delete(b.k);
  received++;
  const t = now();
  if (b.t >= windowStart && b.t <= windowEnd) { lat.push(t - b.t); receivedInWindow++; }
  const w = closedWaiters.get(msg.conversation_id);
  if (w) { closedWaiters.delete(msg.conversation_id); w(); }
}

async function main() {
  const t0 = now();
  // 1. consoles: one per employee, capacity 20
  const consoles = await Promise.all(employees.map(async (e) => {
    const session = await signIn(e.email);
    const s = await connect("/employee", { extraHeaders: { Cookie: session } });
    const a = await emitAck(s, "set_availability", { available: true, capacity: 20 });
    if (!a.ok) throw new Error(`set_availability ${e.email}: ${JSON.stringify(a)}`);
    s.on("offered", async (o) => {
      const r = await emitAck(s, "accept", { offer_id: o.offer_id }).catch(() => ({ error: "accept_timeout" }));
      if (r.ok) acceptedFor(o.conversation_id).resolve(e.email);
      else err(`accept:${r.error}`);
    });
    s.on("said", onEmployeeSaid);
    s.on("disconnect", (why) => { if (!stopping) err(`employee_disconnect:${why}`); });
    return s;
  }));
  log(`consoles ${consoles.length} in ${((now() - t0) / 1000).toFixed(1)} s`);

  // 2. pairs: ask, accept, connect the customer (--setup-concurrency at a time, default 1:
  // concurrent asks stall the gevent server on SQLite, see bench/README.md)
  const pairs = [];
  const routedTo = {};
  let next = 0, setupFailed = 0;
  const t1 = now();
  async function worker() {
    while (next < PAIRS) {
      const i = next++;
      const e = employees[i % employees.length];
      const topic = e.expertise[Math.floor(i / employees.length) % e.expertise.length];
      try {
        const r = await fetch(`${URL_}/api/v1/conversations`, {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ question: `I have a question about ${topic}. Can you help?` }),
        });
        const c = await r.json();
        if (r.status !== 201 || c.status !== "offered") { setupFailed++; err(`ask:${c.status || c.error}`); continue; }
        if (process.env.CHAT_DEBUG) log("asked", c.id, c.status);
        const who = await withTimeout(acceptedFor(c.id).promise, 15000, "accept_wait_timeout");
        routedTo[who] = (routedTo[who] || 0) + 1;
        if (process.env.CHAT_DEBUG) log("accepted", c.id, who);
        const s = await connect("/customer", { auth: { conversation_id: c.id, token: c.token } });
        s.on("disconnect", (why) => { if (!stopping) err(`customer_disconnect:${why}`); });
        pairs.push({ i, cid: c.id, s, n: 0 });
      } catch (ex) { setupFailed++; err(`setup:${ex.message}`); }
    }
  }
  await Promise.all(Array.from({ length: SETUP_CONC }, worker));
  for (const s of consoles) timers.push(setInterval(() => s.emit("heartbeat", {}, () => {}), 15000));
  const setupS = (now() - t1) / 1000;
  log(`pairs ${pairs.length}/${PAIRS} in ${setupS.toFixed(1)} s; routed to ${Object.keys(routedTo).length} employees`);

  // 3. load
  const filler = "x".repeat(60);
  function say(p) {
    const k = `${p.i}:${p.n++}`;
    const t = now();
    pending.set(k, { t, acked: false });
    sent++;
    p.s.emit("say", { body: JSON.stringify({ k, t, f: filler }), client_id: `c-${k}` }, (a) => {
      if (a && a.ok) { acked++; const q = pending.get(k); if (q) q.acked = true; else acked_after_recv++; if (measuring) ackLat.push(now() - t); }
      else { err(`say:${a && a.error}`); pending.delete(k); }
    });
  }
  let acked_after_recv = 0;
  log("LOAD_START");
  const runStart = now();
  windowStart = runStart + WARMUP * 1000;
  windowEnd = runStart + SECONDS * 1000;
  setTimeout(() => { measuring = true; }, WARMUP * 1000);
  let sentInWindow0 = 0, receivedAtWindowStart = 0;
  setTimeout(() => { sentInWindow0 = sent; receivedAtWindowStart = received; }, WARMUP * 1000);
  if (LOOP === "open") {
    for (const p of pairs) {
      const start = () => {
        say(p);
        const iv = setInterval(() => { if (now() < windowEnd) say(p); else clearInterval(iv); }, 1000);
        timers.push(iv);
      };
      timers.push(setTimeout(start, Math.random() * 1000));
    }
    await sleep(SECONDS * 1000);
  } else {
    await Promise.all(pairs.map(async (p) => {
      while (now() < windowEnd) {
        const done = new Promise((r) => closedWaiters.set(p.cid, r));
        say(p);
        await Promise.race([done, sleep(5000)]);
      }
    }));
  }
  measuring = false;
  log("LOAD_END");
  const receivedAtWindowEnd = received;
  const sentAtWindowEnd = sent;
  // 4. drain: up to DRAIN_S s for outstanding messages
  const drainStart = now();
  while (pending.size > 0 && now() - drainStart < DRAIN_S * 1000) await sleep(50);
  let lost = 0, unacked = 0;
  for (const p of pending.values()) { if (p.acked) lost++; else unacked++; }
  stopping = true;
  lat.sort((a, b) => a - b); ackLat.sort((a, b) => a - b);
  const q = (a, f) => (a.length ? +a[Math.min(a.length - 1, Math.floor(f * a.length))].toFixed(2) : null);
  const windowS = SECONDS - WARMUP;
  const out = {
    loop: LOOP, pairs_requested: PAIRS, pairs: pairs.length, setup_failed: setupFailed,
    setup_s: +setupS.toFixed(1), employees_used: Object.keys(routedTo).length,
    seconds: SECONDS, warmup_s: WARMUP,
    sent, acked, received, lost, unacked, dupes,
    msgs_per_s: +((receivedAtWindowEnd - receivedAtWindowStart) / windowS).toFixed(1),
    sent_in_window: sentAtWindowEnd - sentInWindow0,
    latency_ms: { n: lat.length, p50: q(lat, 0.5), p90: q(lat, 0.9), p99: q(lat, 0.99), max: lat.length ? +lat[lat.length - 1].toFixed(1) : null },
    ack_ms: { n: ackLat.length, p50: q(ackLat, 0.5), p99: q(ackLat, 0.99) },
    errors,
  };
  return out;
}

const hard = setTimeout(() => { log("hard timeout"); process.exit(3); }, (SECONDS + 240) * 1000);
let code = 0;
try {
  const out = await main();
  process.stdout.write(JSON.stringify(out) + "\n");
} catch (ex) {
  process.stdout.write(JSON.stringify({ fatal: String(ex && ex.message || ex), errors }) + "\n");
  code = 2;
} finally {
  for (const t of timers) { clearInterval(t); clearTimeout(t); }
  for (const s of sockets) s.close();
  clearTimeout(hard);
  setTimeout(() => process.exit(code), 200);
}
