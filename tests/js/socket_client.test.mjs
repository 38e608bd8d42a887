// socketClient (web/static/common.js) against the real, pinned socket.io server and client from
// frontend/node_modules (node --test): what a click does while the socket is still connecting,
// and that a click nobody could send is answered "offline" and never sent late.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { after, test } from "node:test";

import { socketClient } from "../../web/static/common.js";

const require = createRequire(new URL("../../frontend/node_modules/", import.meta.url));
const { Server } = require("socket.io");
const { io } = require("socket.io-client");

const OFFLINE = "You are offline.";
const opened = [];
after(() => { for (const close of opened) close(); });

/** A socket.io server on a free port whose connects take connectDelayMs; it records what it got. */
async function server({ connectDelayMs = 0 } = {}) {
  const http = createServer();
  const ioServer = new Server(http, { transports: ["websocket"] });
  const received = [];
  ioServer.use((_socket, next) => setTimeout(next, connectDelayMs));
  ioServer.on("connection", (socket) => {
    socket.onAny((event, payload, ack) => {
      received.push(event);
      if (typeof ack === "function") ack({ ok: true, event, payload });
    });
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${http.address().port}`;
  opened.push(() => { ioServer.close(); http.close(); });
  return { url, received };
}

function client(url, options = {}) {
  const socket = io(url, { transports: ["websocket"], reconnectionDelay: 50, reconnectionDelayMax: 50,
    ...options });
  opened.push(() => socket.close());
  return socket;
}

test("a click while the socket is still connecting is sent on connect and answered", async () => {
  const { url, received } = await server({ connectDelayMs: 300 });
  const socket = client(url);
  const { act, request } = socketClient(() => socket, { offlineMessage: OFFLINE, ackTimeoutMs: 5000 });
  assert.equal(socket.connected, false);
  // what the page does by itself is not held: the next connect does it anyway
  assert.deepEqual(await request("sync", {}), { error: "offline", message: OFFLINE });
  const ack = await act("close", { why: "done" });
  assert.deepEqual(ack, { ok: true, event: "close", payload: { why: "done" } });
  assert.deepEqual(received, ["close"]);
});

test("a click with no connection in time answers offline and is never sent late", async () => {
  const { url, received } = await server();
  // reconnects come 800 ms after a drop, well after the 300 ms ack timeout
  const socket = client(url, { reconnectionDelay: 800, reconnectionDelayMax: 800, randomizationFactor: 0 });
  await new Promise((resolve) => socket.on("connect", resolve));
  const { act } = socketClient(() => socket, { offlineMessage: OFFLINE, ackTimeoutMs: 300 });
  const dropped = new Promise((resolve) => socket.once("disconnect", resolve));
  socket.io.engine.close(); // the connection drops; the client keeps trying
  await dropped;
  assert.equal(socket.active, true);
  assert.deepEqual(await act("rate", { stars: 5 }), { error: "offline", message: OFFLINE });
  await new Promise((resolve) => socket.once("connect", resolve)); // it came back after all
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(received, [], "the held click was dropped with its timeout, not sent on reconnect");
});

test("a socket the server refused or the page closed answers offline at once", async () => {
  const { url } = await server();
  const socket = client(url);
  await new Promise((resolve) => socket.on("connect", resolve));
  socket.close(); // no longer active: nothing would ever send it
  const { act } = socketClient(() => socket, { offlineMessage: OFFLINE, ackTimeoutMs: 5000 });
  const started = Date.now();
  assert.deepEqual(await act("close", {}), { error: "offline", message: OFFLINE });
  assert.ok(Date.now() - started < 1000);
  const none = socketClient(() => null, { offlineMessage: OFFLINE });
  assert.deepEqual(await none.act("close", {}), { error: "offline", message: OFFLINE });
});
