/* Helpers shared by the employee console (console.js) and the customer widget (widget_frame.js).
 *
 * An ES module with no dependencies. The DOM helpers build elements and text nodes only: chat
 * text never goes through innerHTML. Limits come from the server (readConfig), never copied here.
 */

import { counterState } from "./texts.js";

const ACK_TIMEOUT_MS = 10000;
const RETRY_MS = 2000;
const TYPING_THROTTLE_MS = 2000;
const TYPING_IDLE_MS = 3000;
export const TYPING_SHOWN_MS = 5000; // how long the other side's "is typing" shows without news
export const HEARTBEAT_MS = 20000; // unless the page says (its *_heartbeat_ms, from the server)

/** The settings the server rendered into the page (<script type="application/json" id="mm-config">). */
export function readConfig() {
  const node = document.getElementById("mm-config");
  return Object.freeze(node ? JSON.parse(node.textContent) : {});
}

/* ---------- DOM (text only; never innerHTML) ---------- */

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** Enter sends, Shift+Enter is a new line (and Enter while composing text in an IME is left alone). */
export function submitOnEnter(textarea, submit) {
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
}

/** Scroll to the newest message if forced or already within `slack` pixels of the end. */
export function scrollToEnd(scroller, force, slack) {
  if (!scroller) return;
  if (force || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < slack) {
    scroller.scrollTop = scroller.scrollHeight;
  }
}

/**
 * A live "n / max" counter under a text box. Nothing is ever cut: past the limit the counter says
 * by how much, the box is marked invalid and ok() is false until the text is shortened.
 */
export function limitCounter(textarea, max, id) {
  const node = el("p", { className: "char-counter", id, "aria-live": "polite" });
  textarea.setAttribute("aria-describedby", [textarea.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
  function update() {
    const state = counterState(textarea.value.trim().length, max);
    node.textContent = state.text;
    node.classList.toggle("is-over", state.over);
    node.classList.toggle("is-near", state.near);
    if (state.over) textarea.setAttribute("aria-invalid", "true");
    else textarea.removeAttribute("aria-invalid");
    return !state.over;
  }
  textarea.addEventListener("input", update);
  update();
  return { node, update, ok: update };
}

/* ---------- text ---------- */

export function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/);
  return ((parts[0] || "?")[0] + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

export function randomId(length) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => alphabet[b & 63]).join("");
}

/* ---------- the socket ---------- */

/**
 * A connect the server refused because it could not serve it now ("unavailable": its database
 * was away): socket.io does not retry a refusal by itself, so try again in a few seconds.
 * Returns whether it will.
 */
export function retryIfUnavailable(socket, err, delayMs = 3000) {
  if (socket.active || !err || err.message !== "unavailable") return false;
  setTimeout(() => { if (!socket.connected) socket.connect(); }, delayMs + Math.random() * delayMs);
  return true;
}

/**
 * Requests over whatever socket getSocket() returns at the time (it may be replaced or null).
 * request() and act() always resolve, to the server's ack or to {error, message} when there is
 * none; offlineMessage is that message when not connected.
 *
 * request() is for what the page does by itself (sync, read, heartbeat): not connected, it
 * answers "offline" at once, and the next connect does it anyway. act() is for what a person
 * clicked (end the chat, rate, accept): while the socket is still connecting or reconnecting,
 * socket.io holds it and sends it on connect, so a click in the first moments of a chat or
 * during a blip is not lost; it answers "offline" if no connection comes within the ack timeout
 * (socket.io then drops the held packet, so it is never sent late).
 */
export function socketClient(getSocket, { offlineMessage, ackTimeoutMs = ACK_TIMEOUT_MS }) {
  const offline = () => ({ error: "offline", message: offlineMessage });

  function emitWithAck(socket, event, payload) {
    return new Promise((resolve) => {
      socket.timeout(ackTimeoutMs).emit(event, payload, (err, ack) => {
        if (err && !socket.connected) resolve(offline());
        else if (err) resolve({ error: "timeout", message: "no answer from the server; try again" });
        else resolve(ack || { error: "empty", message: "no answer from the server" });
      });
    });
  }

  function request(event, payload) {
    const socket = getSocket();
    if (!socket || !socket.connected) return Promise.resolve(offline());
    return emitWithAck(socket, event, payload);
  }

  function act(event, payload) {
    const socket = getSocket();
    // active: connected, or trying to (re)connect; not after the server refused or we closed it
    if (!socket || !(socket.connected || socket.active)) return Promise.resolve(offline());
    return emitWithAck(socket, event, payload);
  }

  function emitQuietly(event, payload) {
    const socket = getSocket();
    if (socket && socket.connected) socket.emit(event, payload, () => {});
  }

  /**
   * Send a queued message ({client_id, body, ...}; `pending` keeps inflight and attempt on it)
   * until the server answers, then onAnswer(ack). Not connected: nothing now, the caller sends
   * it again after the next connect. No answer in time, or `unavailable`: again with the same
   * client_id, which the server stores once.
   */
  function sendUntilAnswered(event, payload, pending, onAnswer) {
    const socket = getSocket();
    if (!socket || !socket.connected || pending.inflight) return;
    pending.inflight = true;
    const attempt = (pending.attempt = (pending.attempt || 0) + 1);
    socket.timeout(ackTimeoutMs).emit(event, payload, (err, ack) => {
      if (attempt !== pending.attempt) return; // a later attempt (after a reconnect) owns it now
      pending.inflight = false;
      if (err) return setTimeout(() => sendUntilAnswered(event, payload, pending, onAnswer), RETRY_MS);
      // The server could not reach its database (a restart): nothing was stored; the same
      // client_id goes again when it says, and is stored once.
      if (ack && ack.error === "unavailable") {
        const wait = Math.max(1, Number(ack.retry_after) || 1) * 1000;
        return setTimeout(() => sendUntilAnswered(event, payload, pending, onAnswer), wait);
      }
      onAnswer(ack);
    });
  }

  return { request, act, emitQuietly, sendUntilAnswered };
}

/**
 * "I am typing" notices, throttled: send(key, true) at most every TYPING_THROTTLE_MS while there
 * is text (at once when the key, e.g. the conversation, changes), send(key, false) when the text
 * is gone, after TYPING_IDLE_MS without input, or on stop().
 */
export function typingNotifier(send) {
  const t = { key: null, sentAt: 0, active: false, idle: null };

  function changed(hasText, key = null) {
    clearTimeout(t.idle);
    if (!hasText) return stop();
    const now = Date.now();
    if (t.key !== key || now - t.sentAt >= TYPING_THROTTLE_MS) {
      Object.assign(t, { key, sentAt: now, active: true });
      send(key, true);
    }
    t.idle = setTimeout(stop, TYPING_IDLE_MS);
  }

  function stop() {
    clearTimeout(t.idle);
    if (t.active) send(t.key, false);
    Object.assign(t, { active: false, sentAt: 0 });
  }

  return { changed, stop };
}
