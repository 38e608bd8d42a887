// The floor for bench/chat_bench.py: a Node socket.io relay that speaks the product's event
// shape for everything bench/chat_load.mjs does, with no database, no matching and no auth
// beyond a session cookie it hands out itself (node 20, ES module, the pinned `socket.io`
// devDependency in frontend/node_modules).
//
//   node bench/relay.mjs --port 5400 [--host 127.0.0.1]
//
// HTTP (the product's routes, cut to the fields the generator reads):
//   GET /healthz -> 200 "ok";
//   GET /login -> a form with a csrf_token field; POST /login -> 302 + `session` cookie for any
//     e-mail and password (one employee per e-mail);
//   POST /api/v1/conversations {question} -> 201 {id, status: "offered", token, visitor, …}:
//     offered at once to the least-loaded available console (no ranking), or status "offline"
//     if nobody has room. 400/413/415 as the product answers a bad body.
// Socket.IO, websocket transport only, as the product:
//   /employee (needs the cookie): joins "employee:<id>" and "general"; set_availability,
//     heartbeat, accept {offer_id} (-> `accepted` to the customer, `assigned` to the console),
//     say {conversation_id, body, client_id};
//   /customer (auth {conversation_id, token}): joins "conversation:<id>"; say {body, client_id}
//     -> the message payload (conversation_id, seq, author, body, client_id, at) emitted as `said`
//     to the conversation room (/customer) and the employee's room (/employee), then acked
//     {ok, message}; heartbeat.
// Acks are {ok: true, …} or {error, message}, as the product's. Loopback only.
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";

const require = createRequire(new URL("../frontend/node_modules/", import.meta.url));
const { Server } = require("socket.io");

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const PORT = Number(args.port || 5400);
const HOST = args.host || "127.0.0.1";
const MAX_BODY = 64 * 1024;       // the product's max_payload_bytes order of magnitude
const MAX_TEXT = 4000;            // question and message length bound
const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

const employees = new Map();      // id -> {id, email, name, available, capacity, consoles, live:Set, offers:Set}
const byEmail = new Map();        // email -> employee
const sessions = new Map();       // session cookie value -> employee id
const conversations = new Map();  // id -> {id, token, status, employeeId, seq, question}
const offers = new Map();         // id -> {id, conversationId, employeeId, open}
let nextEmployee = 1, nextConversation = 1, nextOffer = 1;
const token = () => randomBytes(18).toString("base64url");
const person = (e) => (e ? { name: e.name, title: null, team: null } : null);
const fail = (error, message) => ({ error, message });

function employeeFor(email) {
  let e = byEmail.get(email);
  if (!e) {
    e = { id: nextEmployee++, email, name: email.split("@")[0], available: false, capacity: 3,
          consoles: 0, live: new Set(), offers: new Set() };
    byEmail.set(email, e); employees.set(e.id, e);
  }
  return e;
}

function conversationView(c) {
  return { id: c.id, status: c.status, question: c.question, customer_name: null,
           customer_email: null, customer_present: c.customerPresent, page_url: "",
           employee: person(employees.get(c.employeeId)), employee_id: c.employeeId ?? null,
           created_at: c.createdAt, last_seq: c.seq, rating: null, consent: null };
}

// --- HTTP
function readBody(req) {
  return new Promise((res, rej) => {
    const chunks = []; let size = 0;
    req.on("data", (b) => { size += b.length; if (size > MAX_BODY) { rej(new Error("too_large")); req.destroy(); } else chunks.push(b); });
    req.on("end", () => res(Buffer.concat(chunks).toString("utf8")));
    req.on("error", rej);
  });
}
function send(res, status, body, headers = {}) {
  const json = typeof body !== "string";
  const text = json ? JSON.stringify(body) : body;
  res.writeHead(status, { "Content-Type": json ? "application/json" : "text/html; charset=utf-8",
                          "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
function cookieValue(header, name) {
  for (const part of (header || "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return null;
}

// The least-loaded available console with room: the product ranks, the floor only spreads.
function pickEmployee() {
  let best = null;
  for (const e of employees.values()) {
    const load = e.live.size + e.offers.size;
    if (!e.available || e.consoles === 0 || load >= e.capacity) continue;
    if (!best || load < best.live.size + best.offers.size) best = e;
  }
  return best;
}

function ask(body) {
  let cmd;
  try { cmd = JSON.parse(body); } catch { return [400, fail("invalid_json", "the body is not JSON")]; }
  if (!cmd || typeof cmd !== "object" || typeof cmd.question !== "string"
      || !cmd.question.trim() || cmd.question.length > MAX_TEXT) {
    return [400, fail("invalid_payload", "question: a non-empty text")];
  }
  const c = { id: nextConversation++, token: token(), status: "offline", employeeId: null, seq: 0,
              question: cmd.question, customerPresent: false, createdAt: new Date().toISOString() };
  conversations.set(c.id, c);
  const e = pickEmployee();
  if (e) {
    const o = { id: nextOffer++, conversationId: c.id, employeeId: e.id, open: true };
    offers.set(o.id, o); e.offers.add(o.id); c.status = "offered";
    const now = new Date();
    io.of("/employee").to(`employee:${e.id}`).emit("offered", {
      offer_id: o.id, conversation_id: c.id, question: c.question, reason: "",
      answered_similar: false, similar_conversation: null, customer_name: null, page_url: "",
      messages: 0, previous: null, offered_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 60000).toISOString() });
    io.of("/customer").to(`conversation:${c.id}`).emit("asking", {
      employee: person(e), reason: "", answered_similar: false, rerouted: false });
  }
  return [201, { id: c.id, status: c.status, last_seq: 0, employee: null, asking: person(e),
                 reason: "", answered_similar: false, why: e ? null : "nobody_available",
                 queued_seq: null, answered: false, mail: false, feedback: null, consent: null,
                 email_left: false, unread: 0, read_seq: 0, token: c.token,
                 visitor: cmd.visitor || token() }];
}

async function http(req, res) {
  const path = req.url.split("?")[0];
  try {
    if (req.method === "GET" && path === "/healthz") return send(res, 200, "ok");
    if (req.method === "GET" && path === "/login") {
      return send(res, 200, `<form method="post"><input id="csrf_token" name="csrf_token" type="hidden" value="${token()}"></form>`,
                  { "Set-Cookie": `session=anon-${token()}; HttpOnly; Path=/; SameSite=Lax` });
    }
    if (req.method === "POST" && path === "/login") {
      const form = new URLSearchParams(await readBody(req));
      const email = form.get("email");
      if (!email || !form.get("password") || !form.get("csrf_token")) return send(res, 400, "bad form");
      const value = token();
      sessions.set(value, employeeFor(email).id);
      return send(res, 302, "", { Location: "/console",
                                  "Set-Cookie": `session=${value}; HttpOnly; Path=/; SameSite=Lax` });
    }
    if (req.method === "POST" && path === "/api/v1/conversations") {
      if (!(req.headers["content-type"] || "").startsWith("application/json")) {
        return send(res, 415, fail("unsupported_media_type", "send the body as application/json"));
      }
      const [status, body] = ask(await readBody(req));
      return send(res, status, body);
    }
    send(res, 404, fail("not_found", "no such route"));
  } catch (ex) {
    if (ex.message === "too_large") send(res, 413, fail("too_large", "body too large"));
    else { send(res, 500, fail("internal", String(ex))); }
  }
}

// --- Socket.IO
const server = createServer(http);
const io = new Server(server, { transports: ["websocket"], serveClient: false,
                                maxHttpBufferSize: MAX_BODY });

// Handlers return the ack; a throw answers {error}, as the product's StrictNamespace does.
function on(socket, name, fn) {
  socket.on(name, (...a) => {
    const ack = typeof a[a.length - 1] === "function" ? a.pop() : null;
    const data = a[0] && typeof a[0] === "object" ? a[0] : {};
    let answer;
    try { answer = fn(data); } catch (ex) { answer = fail(ex.code || "invalid_payload", ex.message); }
    if (ack) ack(answer);
  });
}
function refuse(code, message) { const ex = new Error(message); ex.code = code; throw ex; }
function checkedSay(data) {
  if (typeof data.body !== "string" || !data.body || data.body.length > MAX_TEXT) refuse("invalid_payload", "body");
  if (data.client_id != null && !(typeof data.client_id === "string" && CLIENT_ID.test(data.client_id))) {
    refuse("invalid_client_id", "client_id");
  }
}
// As the server: every tab of both sides hears `said` except the sender's own socket (its ack
// carries the message).
function say(c, author, data, sender) {
  const msg = { conversation_id: c.id, seq: ++c.seq, author, body: data.body,
                client_id: data.client_id ?? null, at: new Date().toISOString() };
  const customers = io.of("/customer").to(`conversation:${c.id}`);
  (author === "customer" ? customers.except(sender.id) : customers).emit("said", msg);
  if (c.employeeId != null) {
    const consoles = io.of("/employee").to(`employee:${c.employeeId}`);
    (author === "employee" ? consoles.except(sender.id) : consoles).emit("said", msg);
  }
  return { ok: true, message: msg };
}

const employeeNs = io.of("/employee");
employeeNs.use((socket, next) => {
  const id = sessions.get(cookieValue(socket.handshake.headers.cookie, "session"));
  if (id == null) return next(new Error("unauthenticated"));
  socket.data.employeeId = id;
  next();
});
employeeNs.on("connection", (socket) => {
  const me = employees.get(socket.data.employeeId);
  me.consoles++;
  socket.join(`employee:${me.id}`); socket.join("general");
  socket.on("disconnect", () => { me.consoles--; });
  on(socket, "set_availability", (d) => {
    if (typeof d.available !== "boolean") refuse("invalid_payload", "available");
    if (d.capacity != null && !(Number.isInteger(d.capacity) && d.capacity >= 1 && d.capacity <= 50)) {
      refuse("invalid_capacity", "capacity");
    }
    me.available = d.available;
    if (d.capacity != null) me.capacity = d.capacity;
    return { ok: true, available: me.available, capacity: me.capacity };
  });
  on(socket, "heartbeat", () => ({
    ok: true, offers: [...me.offers],
    conversations: [...me.live].map((id) => {
      const c = conversations.get(id);
      return { id, status: c.status, last_seq: c.seq };
    }),
  }));
  on(socket, "accept", (d) => {
    const o = offers.get(d.offer_id);
    if (!o || !o.open || o.employeeId !== me.id) refuse("offer_not_open", "this offer is no longer open");
    const c = conversations.get(o.conversationId);
    o.open = false; me.offers.delete(o.id); me.live.add(c.id);
    c.status = "live"; c.employeeId = me.id;
    io.of("/customer").to(`conversation:${c.id}`).emit("accepted", { employee: person(me) });
    const view = conversationView(c);
    employeeNs.to(`employee:${me.id}`).emit("assigned", view);
    return { ok: true, conversation: view };
  });
  on(socket, "say", (d) => {
    const c = conversations.get(d.conversation_id);
    if (!c || c.employeeId !== me.id) refuse("not_found", "no such conversation of yours");
    checkedSay(d);
    return say(c, "employee", d, socket);
  });
});

const customerNs = io.of("/customer");
customerNs.use((socket, next) => {
  const auth = socket.handshake.auth || {};
  const c = conversations.get(auth.conversation_id);
  if (!c || c.token !== auth.token) return next(new Error("unknown_conversation"));
  socket.data.conversationId = c.id;
  next();
});
customerNs.on("connection", (socket) => {
  const c = conversations.get(socket.data.conversationId);
  c.customerPresent = true;
  socket.join(`conversation:${c.id}`);
  socket.on("disconnect", () => { c.customerPresent = false; });
  on(socket, "heartbeat", () => ({ ok: true, status: c.status, last_seq: c.seq }));
  on(socket, "say", (d) => { checkedSay(d); return say(c, "customer", d, socket); });
});

server.listen(PORT, HOST, () => process.stderr.write(`relay listening on ${HOST}:${PORT}\n`));
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => { io.close(); process.exit(0); });
