/* The customer widget, inside the iframe served at /widget (or on its own, from a mail link).
 *
 * Ask a question over HTTP, then chat over the /customer Socket.IO namespace with the
 * colleague who accepted it. Every message carries a client_id so a retry after a dropped
 * connection is stored once; every rendered message is keyed by its seq so none shows twice.
 * Message bodies are rendered by richtext.js (markdown through DOMPurify: HTML typed by anyone
 * stays literal text), every other text through textContent. The wording lives in texts.js; the
 * limits come from the server.
 */
import {
  HEARTBEAT_MS, TYPING_SHOWN_MS, el, initials, limitCounter, randomId, readConfig,
  retryIfUnavailable, scrollToEnd as scrollElementToEnd, socketClient, submitOnEnter,
  typingNotifier,
} from "./common.js";
import { behind, contiguousSeq, hasGap, healer } from "./seqs.js";
import { insertionIndex } from "./message_order.js";
import { draftKeeper } from "./drafts.js";
import { feedbackSteps } from "./feedback_steps.js";
import { renderRich } from "./richtext.js";
import { attachmentNode, paperclip, precheck, upload } from "./attachments.js";
import { fallbackLine, withinText } from "./addressing.js";
import { targetFields, targetSlot, targetUsed, watchTarget } from "./widget_target.js";
import {
  colleagueLeftText, emailNoted, errorText, firstName, joinedBesideText, number, offlineText, pickLanguage,
  reasonText, setLanguage, t, teamText,
  tookOverText,
} from "./texts.js";

const VISITOR_KEY = "matchmaker.visitor";
const CONVERSATION_KEY = "matchmaker.conversation";
const CONFIG = readConfig();
const MAX_QUESTION = CONFIG.max_question_chars;
const MAX_MESSAGE = CONFIG.max_message_chars;

const root = document.getElementById("mm-widget");
const params = new URLSearchParams(location.search);
const PAGE_URL = (params.get("page") || "").slice(0, 2048); // what the API keeps
// The language: the script tag's data-lang or the host page's lang (passed as ?lang), then the
// browser's languages, then English.
const LANGUAGE = setLanguage(pickLanguage(params.get("lang"), navigator.languages || [], "en"));
document.documentElement.lang = LANGUAGE;
document.title = t("title");
const RESUME = params.get("resume") || "";
const EMBEDDED = window.parent !== window;

const state = {
  conversation: null, // {id, token, last_seq, name, pending: [{client_id, body}]}
  socket: null,
  seen: new Set(),
  employeeSeqs: new Set(), // seqs of the employee's messages shown in this page
  phase: "ask", // ask | chat | rating | ended
  status: null,
  employee: null,
  colleagues: [], // colleagues invited in beside `employee` (teamwork: participants.py)
  contact: { name: "", email: "" },
  theirTyping: null,
  open: !EMBEDDED, // the host page shows the widget
  readSeq: 0, // what the server confirmed the customer has seen
  readWanted: 0, // what the customer has seen here (sent again after a reconnect if unconfirmed)
  queuedSeq: null, // waiting for a later answer: replies after this seq answer it
  newMarkerAt: null, // the seq before which "New" was drawn, once per page
};
const ui = {};
const drafts = draftKeeper(() => window.sessionStorage);

const { request, act, emitQuietly, sendUntilAnswered } = socketClient(
  () => state.socket, { offlineMessage: t("error_offline") });
const { changed: typingChanged, stop: stopTyping } = typingNotifier(
  (_, typing) => emitQuietly("typing", { typing }));

function clockTime(iso) {
  const date = iso ? new Date(iso) : new Date();
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString(LANGUAGE, { hour: "2-digit", minute: "2-digit" });
}

/* ---------- storage ---------- */

const memoryStore = new Map();

function readStore(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return memoryStore.has(key) ? memoryStore.get(key) : null;
  }
}

function writeStore(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    if (value === null) memoryStore.delete(key);
    else memoryStore.set(key, value);
  }
}

/** The signed visitor token the server gave this browser with its first answer (none yet:
 * the server makes one). It is not something the browser can invent or borrow. */
function visitorToken() {
  const token = readStore(VISITOR_KEY);
  return token && /^[A-Za-z0-9._~+/=-]{1,512}$/.test(token) ? token : null;
}

function keepVisitor(body) {
  if (body && typeof body.visitor === "string") writeStore(VISITOR_KEY, body.visitor);
}

function loadConversation() {
  try {
    const stored = JSON.parse(readStore(CONVERSATION_KEY) || "null");
    if (stored && Number.isInteger(stored.id) && typeof stored.token === "string") {
      stored.last_seq = Number.isInteger(stored.last_seq) ? stored.last_seq : 0;
      stored.pending = Array.isArray(stored.pending) ? stored.pending : [];
      return stored;
    }
  } catch {
    /* unreadable: start over */
  }
  return null;
}

function saveConversation() {
  const c = state.conversation;
  if (!c) return;
  const pending = c.pending.map(({ client_id, body }) => ({ client_id, body }));
  writeStore(CONVERSATION_KEY, JSON.stringify({ ...c, pending }));
}

function forgetConversation() {
  if (state.socket) {
    state.socket.off();
    state.socket.disconnect();
  }
  Object.assign(state, { conversation: null, socket: null, seen: new Set(), employeeSeqs: new Set(),
    status: null, employee: null, readSeq: 0, readWanted: 0, queuedSeq: null, newMarkerAt: null });
  writeStore(CONVERSATION_KEY, null);
  drafts.forget();
  tellHost("unread", 0);
}

/* ---------- talking to the host page ---------- */

function tellHost(kind, count) {
  // No data beyond a nudge and a number: the host page is not ours.
  if (EMBEDDED) window.parent.postMessage({ matchmaker: kind, count }, "*");
}

window.addEventListener("message", (event) => {
  if (event.source !== window.parent || !event.data) return;
  if (event.data.matchmaker === "opened") {
    state.open = true;
    focusMain();
    markRead();
  } else if (event.data.matchmaker === "closed") {
    state.open = false;
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") tellHost("close");
});

document.addEventListener("visibilitychange", () => {
  if (!document.hidden) markRead();
});

function focusMain() {
  const target = document.getElementById("mm-input") || document.getElementById("mm-question");
  if (target && !target.disabled) target.focus({ preventScroll: true });
}

/* ---------- unread and read ---------- */

function unread() {
  const read = Math.max(state.readSeq, state.readWanted);
  let count = 0;
  for (const seq of state.employeeSeqs) if (seq > read) count += 1;
  return count;
}

let readTimer = null;
/** The customer is looking: everything shown counts as read. The server is told (throttled)
 * and its confirmation kept; what it never confirmed is sent again after a reconnect. */
function markRead() {
  if (state.open && !document.hidden && state.conversation && state.seen.size) {
    state.readWanted = Math.max(state.readWanted, ...state.seen);
    tellHost("unread", 0);
  }
  if (state.readWanted <= state.readSeq) return;
  clearTimeout(readTimer);
  readTimer = setTimeout(async () => {
    const ack = await request("read", { seq: state.readWanted });
    if (ack.ok) state.readSeq = Math.max(state.readSeq, ack.read_seq);
  }, 400);
}

/* ---------- frame: header, connection bar, body ---------- */

function buildShell() {
  ui.avatar = el("div", { className: "mm-avatar mm-avatar-brand", "aria-hidden": "true" });
  ui.title = el("h1", { className: "mm-title", text: t("title") });
  ui.subtitle = el("p", { className: "mm-subtitle", text: t("subtitle") });
  ui.endButton = el("button", { type: "button", id: "mm-close", className: "mm-header-button",
    hidden: true, onclick: endChat }, t("endChat"));
  const minimise = el("button", { type: "button", className: "mm-icon-button",
    "aria-label": t("minimise"), title: t("minimise"), hidden: !EMBEDDED, onclick: () => tellHost("close") },
  el("span", { "aria-hidden": "true", className: "mm-minimise-bar" }));
  const header = el("header", { className: "mm-header" }, ui.avatar,
    el("div", { className: "mm-heading" }, ui.title, ui.subtitle), ui.endButton, minimise);
  ui.conn = el("div", { className: "mm-conn", role: "status", hidden: true });
  ui.body = el("main", { className: "mm-body" });
  root.replaceChildren(header, ui.conn, ui.body);
  setHeader(null);
}

function setHeader(person) {
  ui.avatar.replaceChildren();
  ui.avatar.classList.toggle("mm-avatar-brand", !person);
  if (person) {
    ui.avatar.textContent = initials(person.name);
    ui.title.textContent = person.name;
    ui.subtitle.textContent = person.title || person.team || "";
    ui.subtitle.title = [person.title, person.team].filter(Boolean).join(" · ");
  } else {
    ui.avatar.appendChild(el("span", { className: "mm-brand-mark" }));
    ui.title.textContent = t("title");
    ui.subtitle.textContent = t("subtitle");
    ui.subtitle.removeAttribute("title");
  }
}

function setConnection(kind) {
  const texts = { reconnecting: t("reconnecting"), offline: t("offlineBar") };
  ui.conn.hidden = !texts[kind];
  ui.conn.textContent = texts[kind] || "";
  ui.conn.dataset.kind = kind;
}

/* ---------- the ask form ---------- */

function showAsk(notice, draft = "") {
  state.phase = "ask";
  setHeader(null);
  ui.endButton.hidden = true;
  const error = el("p", { className: "mm-error", id: "mm-ask-error", role: "alert", hidden: !notice, text: notice || "" });
  const question = el("textarea", { id: "mm-question", name: "question", rows: "4", required: true,
    dir: "auto", placeholder: t("questionExample"), "aria-describedby": "mm-ask-error" });
  question.value = draft;
  const counter = limitCounter(question, MAX_QUESTION, "mm-question-count");
  const name = el("input", { id: "mm-name", name: "name", type: "text", autocomplete: "name", maxlength: "120" });
  const email = el("input", { id: "mm-email", name: "email", type: "email", autocomplete: "email", maxlength: "254" });
  name.value = state.contact.name;
  email.value = state.contact.email;
  const button = el("button", { id: "mm-ask", type: "submit", className: "mm-primary" }, t("ask"));
  const optional = () => el("span", { className: "mm-optional", text: t("optional") });
  const form = el("form", { className: "mm-ask", novalidate: true },
    el("div", { className: "mm-intro" },
      el("h2", { text: t("introTitle") }),
      el("p", { text: t("intro") })),
    targetSlot(),
    el("label", { className: "mm-field", for: "mm-question" }, t("questionLabel")),
    question, counter.node,
    el("div", { className: "mm-row" },
      el("div", {}, el("label", { className: "mm-field", for: "mm-name" }, `${t("name")} `, optional()), name),
      el("div", {}, el("label", { className: "mm-field", for: "mm-email" }, `${t("email")} `, optional()), email)),
    error, button,
    el("p", { className: "mm-fineprint", text: t("finePrint") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask({ question, name, email, button, error, counter });
  });
  submitOnEnter(question, () => form.requestSubmit());
  ui.body.replaceChildren(form);
  if (!EMBEDDED || document.hasFocus()) question.focus({ preventScroll: true });
}

async function ask({ question, name, email, button, error, counter }) {
  const text = question.value.trim();
  const showError = (message) => {
    error.textContent = message;
    error.hidden = false;
  };
  if (!text) return showError(t("typeFirst"));
  if (!counter.ok()) return showError(t("shortenQuestion", { max: number(MAX_QUESTION) }));
  error.hidden = true;
  button.disabled = true;
  button.textContent = t("asking_button");
  state.contact = { name: name.value.trim(), email: email.value.trim() };
  try {
    const response = await fetch("/api/v1/conversations", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ question: text, visitor: visitorToken(), name: state.contact.name,
        email: state.contact.email, page_url: PAGE_URL, language: LANGUAGE, ...targetFields() }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ServerError(body, response.status);
    keepVisitor(body);
    targetUsed();
    started(body);
  } catch (err) {
    showError(failure(err));
    button.disabled = false;
    button.textContent = t("ask");
  }
}

/** An HTTP error answer, kept whole so its code can be said in the customer's language. */
class ServerError extends Error {
  constructor(body, status) {
    super(body.message || "");
    this.body = body;
    this.status = status;
  }
}

function failure(err) {
  if (err instanceof ServerError) {
    return err.body.error ? errorText(err.body) : t("serverSaid", { status: err.status });
  }
  return t("unreachable");
}

function started(body) {
  // last_seq 0: the first sync brings the question itself back as the first message.
  state.conversation = { id: body.id, token: body.token, last_seq: 0, name: state.contact.name, pending: [] };
  saveConversation();
  showChat();
  applyConversation(body);
  connect();
}

/** A link from a reply mail: this browser gets its own key to the conversation. */
async function resumeByLink(link) {
  history.replaceState(null, "", location.pathname + location.search.replace(/([?&])resume=[^&]*&?/, "$1").replace(/[?&]$/, ""));
  try {
    const response = await fetch("/api/v1/conversations/resume", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ link }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ServerError(body, response.status);
    if (state.socket) forgetConversation();
    state.conversation = { id: body.id, token: body.token, last_seq: 0, name: "", pending: [] };
    state.readSeq = body.read_seq || 0;
    state.newMarkerAt = state.readSeq;
    saveConversation();
    showChat();
    applyConversation(body);
    connect();
  } catch (err) {
    showAsk(failure(err));
  }
}

/* ---------- the chat ---------- */

function showChat() {
  state.phase = "chat";
  ui.endButton.hidden = false;
  ui.status = el("div", { className: "mm-status", id: "mm-status", "aria-live": "polite" });
  ui.messages = el("ol", { id: "mm-messages", className: "mm-messages", "aria-label": t("messages"), "aria-live": "polite" });
  ui.typingIndicator = el("div", { className: "mm-typing", id: "mm-typing", hidden: true, "aria-live": "polite" });
  ui.footer = el("div", { className: "mm-footer" });
  // Focusable, so the conversation can be scrolled with the keyboard too.
  ui.scroller = el("div", { className: "mm-scroll", tabindex: "0", role: "region", "aria-label": t("conversation") },
    ui.status, ui.messages, ui.typingIndicator);
  ui.body.replaceChildren(el("div", { className: "mm-chat" }, ui.scroller, ui.footer));
  showComposer();
  for (const pending of state.conversation ? state.conversation.pending : []) renderPending(pending);
}

function showComposer() {
  const input = el("textarea", { id: "mm-input", rows: "1", dir: "auto", placeholder: t("writeMessage"), "aria-label": t("yourMessage") });
  const counter = limitCounter(input, MAX_MESSAGE, "mm-input-count");
  const send = el("button", { id: "mm-send", type: "submit", className: "mm-send", "aria-label": t("send") },
    el("span", { className: "mm-send-icon", "aria-hidden": "true" }));
  ui.composerError = el("p", { className: "mm-error", role: "alert", hidden: true });
  const clip = paperclip(el, { id: "mm-attach", label: t("attach"), onPick: attachFile });
  const form = el("form", { className: "mm-composer" }, clip.button, clip.input, input, send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendFromComposer(input, counter);
  });
  submitOnEnter(input, () => form.requestSubmit());
  input.addEventListener("input", () => {
    autoGrow(input);
    typingChanged(input.value.trim() !== "");
    keepDraft(input.value);
  });
  input.value = state.conversation ? drafts.restore(state.conversation.id) : "";
  counter.update();
  ui.footer.replaceChildren(ui.composerError, form, counter.node);
  if (input.value) autoGrow(input);
}

/** What is typed and not sent yet survives a reload or another page of the site (this tab
 * only), for this conversation while it is open; never for one forgotten or ended. */
function keepDraft(text) {
  if (state.conversation && state.status !== "closed") drafts.keep(state.conversation.id, text);
}

function autoGrow(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = `${Math.min(textarea.scrollHeight, 120)}px`;
}

function scrollToEnd(force) {
  scrollElementToEnd(ui.scroller, force, 120);
}

/* The banner above the messages says who is being asked, who joined, or what to do now. */

function dots() {
  return el("span", { className: "mm-dots", "aria-hidden": "true" }, el("i"), el("i"), el("i"));
}

function showAsking(person, reason, answeredSimilar, rerouted, addressed) {
  const why = [reasonText(reason, answeredSimilar), withinText(addressed)].filter(Boolean).join(" · ");
  const fellBack = fallbackLine(addressed, person);
  const [before, after] = t("asking", { name: "\u0000" }).split("\u0000");
  const text = [before, el("strong", { text: person.name }), after];
  if (person.title) text.push(`, ${person.title}`);
  if (why) text.push(` — ${why}`);
  ui.status.replaceChildren(el("div", { className: "mm-banner mm-banner-asking" },
    el("div", { className: "mm-avatar mm-avatar-small", "aria-hidden": "true", text: initials(person.name) }),
    el("div", {}, fellBack && el("p", { id: "mm-fell-back", className: "mm-fell-back", text: fellBack }),
      el("p", { id: "mm-asking" }, ...text),
      el("p", { className: "mm-hint" }, dots(), ` ${rerouted ? t("seesHistory") : t("usuallyAnswers")}`))));
}

function showWaiting(again) {
  ui.status.replaceChildren(el("div", { className: "mm-banner" },
    el("p", { className: "mm-hint", id: "mm-waiting" }, dots(), ` ${again ? t("findingAgain") : t("finding")}`)));
}

function showJoined(person) {
  state.employee = person;
  setHeader(person);
  const text = state.colleagues.length
    ? teamText(person, state.colleagues) : t("joined", { name: person.name });
  ui.status.replaceChildren(el("div", { className: "mm-banner mm-banner-joined" },
    el("p", { id: "mm-joined", text })));
}

function showAnswered(person) {
  if (person) setHeader(person);
  ui.status.replaceChildren(el("div", { className: "mm-banner mm-banner-joined" },
    el("p", { id: "mm-answered", text: t("answered", { name: person ? person.name : t("yourColleague") }) })));
}

function showOffline(view) {
  state.employee = view.best;
  if (view.best) setHeader(view.best);
  const { headline, promise } = offlineText(view);
  const fellBack = fallbackLine(view.addressed, null);
  const banner = el("div", { className: "mm-banner mm-banner-offline", id: "mm-offline" },
    fellBack && el("p", { id: "mm-fell-back", className: "mm-fell-back", text: fellBack }),
    el("p", { id: "mm-offline-why", text: headline }),
    el("p", { id: "mm-offline-promise", text: promise }));
  ui.status.replaceChildren(banner);
  if (view.email_left) banner.appendChild(offlineDone(state.contact.email, view.mail));
  else banner.appendChild(offlineForm(view.mail));
}

function offlineDone(email, mail) {
  return el("p", { id: "mm-offline-done", className: "mm-done", text: emailNoted(email, mail) });
}

function offlineForm(mail) {
  const email = el("input", { id: "mm-offline-email", type: "email", required: true, autocomplete: "email",
    placeholder: t("emailExample"), "aria-label": t("yourEmail") });
  email.value = state.contact.email;
  const button = el("button", { id: "mm-offline-send", type: "submit", className: "mm-primary mm-compact" }, t("send"));
  const error = el("p", { className: "mm-error", role: "alert", hidden: true });
  const form = el("form", { className: "mm-offline-form", novalidate: true }, email, button);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    const ack = await act("leave_email", { email: email.value.trim(), name: state.contact.name || state.conversation.name || "" });
    button.disabled = false;
    if (!ack.ok) {
      error.textContent = errorText(ack);
      error.hidden = false;
      return;
    }
    state.contact.email = email.value.trim();
    form.replaceWith(offlineDone(state.contact.email, mail));
    error.remove();
  });
  const wrap = document.createDocumentFragment();
  wrap.append(form, error);
  return wrap;
}

function applyConversation(view) {
  state.status = view.status;
  if (Number.isInteger(view.read_seq)) state.readSeq = Math.max(state.readSeq, view.read_seq);
  if (view.status === "closed") return showClosed(null, view.feedback, view.consent_question);
  state.colleagues = view.colleagues || [];
  if (view.status === "active" && view.employee) return showJoined(view.employee);
  if (view.status === "offline") {
    state.queuedSeq = view.queued_seq;
    if (view.answered) return showAnswered(view.employee);
    return showOffline({ best: view.employee, why: view.why, mail: view.mail, email_left: view.email_left,
      addressed: view.addressed });
  }
  if (view.asking) return showAsking(view.asking, view.reason, view.answered_similar, false, view.addressed);
  return showWaiting(false);
}

/* ---------- messages ---------- */

function renderMessage(msg) {
  if (!ui.messages || state.seen.has(msg.seq)) return;
  state.seen.add(msg.seq);
  settlePending(msg);
  if (msg.author === "employee") {
    state.employeeSeqs.add(msg.seq);
    const answersIt = state.queuedSeq !== null && msg.seq > state.queuedSeq;
    if (state.status === "offline" && state.phase === "chat" && answersIt) showAnswered(state.employee);
  }
  if (state.newMarkerAt !== null && msg.author === "employee" && msg.seq > state.newMarkerAt
      && !ui.messages.querySelector(".mm-new")) {
    insertBySeq(el("li", { className: "mm-new", dataset: { seq: String(msg.seq - 0.5) } },
      el("span", { text: t("newMessages") })), msg.seq - 0.5);
  }
  insertBySeq(messageElement(msg), msg.seq);
  if (state.conversation && msg.seq > state.conversation.last_seq) {
    state.conversation.last_seq = msg.seq;
    saveConversation();
  }
  scrollToEnd(msg.author === "customer");
}

function insertBySeq(item, seq) {
  const nodes = Array.from(ui.messages.children);
  const lines = nodes.map((node) => ({
    seq: node.dataset.seq ? Number(node.dataset.seq) : null,
    pending: node.classList.contains("mm-pending"),
  }));
  ui.messages.insertBefore(item, nodes[insertionIndex(lines, seq)] || null);
}

function messageElement(msg) {
  const item = el("li", { className: `mm-msg mm-${msg.author}`, dataset: { seq: String(msg.seq) } });
  if (msg.author === "system") {
    item.textContent = msg.body;
    return item;
  }
  const bubble = el("div", { className: "mm-bubble rich", dir: "auto" }, msg.attachment
    ? attachmentNode(el, msg.attachment, { language: LANGUAGE, download: t("download") })
    : renderRich(msg.body));
  if (msg.author === "customer") item.append(el("span", { className: "mm-sr", text: `${t("you")}: ` }));
  else { // each colleague's words under their own name (several may be in the chat)
    const who = firstName(msg.employee_name || (state.employee && state.employee.name)) || t("yourColleague");
    item.append(el("span", { className: "mm-author", text: who }));
  }
  item.append(bubble, el("span", { className: "mm-meta", text: clockTime(msg.at) }));
  return item;
}

/** A line about what happened (not a stored message: it is not numbered). */
function systemLine(text, className = "") {
  if (!ui.messages) return;
  ui.messages.appendChild(el("li", { className: `mm-msg mm-system ${className}`.trim(), text }));
  scrollToEnd(true);
}

function renderPending(pending) {
  const item = el("li", { className: "mm-msg mm-customer mm-pending", dataset: { clientId: pending.client_id } },
    el("div", { className: "mm-bubble rich", dir: "auto" }, renderRich(pending.body)),
    el("span", { className: "mm-meta", text: t("sending") }));
  ui.messages.appendChild(item);
  scrollToEnd(true);
}

function pendingElement(clientId) {
  return Array.from(ui.messages.querySelectorAll(".mm-pending")).find((n) => n.dataset.clientId === clientId);
}

function settlePending(msg) {
  const c = state.conversation;
  if (!c || msg.author !== "customer" || !msg.client_id) return;
  c.pending = c.pending.filter((p) => p.client_id !== msg.client_id);
  saveConversation();
  const node = pendingElement(msg.client_id);
  if (node) node.remove();
}

/** Too many at once: the message stays queued, says so, and goes when the server allows. */
function holdPending(pending, ack) {
  const node = pendingElement(pending.client_id);
  if (node) node.querySelector(".mm-meta").textContent = errorText(ack);
  setTimeout(() => emitSay(pending), Math.max(1, Number(ack.retry_after) || 1) * 1000);
}

function failPending(pending, ack) {
  state.conversation.pending = state.conversation.pending.filter((p) => p !== pending);
  saveConversation();
  const node = pendingElement(pending.client_id);
  if (!node) return;
  node.classList.replace("mm-pending", "mm-failed");
  node.querySelector(".mm-meta").textContent = t("notSent", { reason: errorText(ack) });
}

function sendFromComposer(input, counter) {
  const body = input.value.trim();
  if (!body) return;
  if (!counter.ok()) {
    ui.composerError.textContent = t("shortenMessage", { max: number(MAX_MESSAGE) });
    ui.composerError.hidden = false;
    return;
  }
  ui.composerError.hidden = true;
  input.value = "";
  drafts.forget(); // the message itself is kept with the conversation until it is stored
  counter.update();
  autoGrow(input);
  stopTyping();
  const pending = { client_id: `c-${randomId(16)}`, body };
  state.conversation.pending.push(pending);
  saveConversation();
  renderPending(pending);
  emitSay(pending);
}

/** Upload a picked file (its message comes back in the answer, and as `said` to the colleague);
 * progress and refusals show above the composer, in the customer's language. */
async function attachFile(file) {
  const c = state.conversation;
  const refused = precheck(file);
  if (!c || refused) return showComposerError({ error: refused || "unauthenticated" });
  const showProgress = (fraction) => {
    ui.composerError.textContent = t("attaching", { name: file.name, percent: Math.round(fraction * 100) });
    ui.composerError.hidden = false;
  };
  showProgress(0);
  const { status, body } = await upload(`/api/v1/conversations/${c.id}/attachments`, file, {
    headers: { Authorization: `Bearer ${c.token}` }, clientId: `f-${randomId(16)}`,
    onProgress: showProgress });
  if (status === 201 && body && body.ok) {
    ui.composerError.hidden = true;
    renderMessage(body.message);
    return;
  }
  showComposerError(status === 0 ? { error: "offline" } : body || { error: "attachment_failed" });
}

function emitSay(pending) {
  sendUntilAnswered("say", { body: pending.body, client_id: pending.client_id }, pending, (ack) => {
    if (ack && ack.ok) renderMessage(ack.message);
    else if (ack && ack.error === "rate_limited") holdPending(pending, ack);
    else failPending(pending, ack);
  });
}

function flushPending() {
  for (const pending of state.conversation ? state.conversation.pending : []) emitSay(pending);
}

/* ---------- typing ---------- */

function showTheirTyping(typing, name = null) {
  if (!ui.typingIndicator) return;
  clearTimeout(state.theirTyping);
  ui.typingIndicator.hidden = !typing;
  if (!typing) return;
  // The one typing: a colleague invited in is not the person who has the chat.
  const who = firstName(name || (state.employee && state.employee.name)) || t("yourColleague");
  ui.typingIndicator.replaceChildren(dots(), ` ${t("typing", { name: who })}`);
  scrollToEnd(false);
  state.theirTyping = setTimeout(() => { ui.typingIndicator.hidden = true; }, TYPING_SHOWN_MS);
}

/* ---------- closing, rating, consent ---------- */

function endChat() {
  ui.endButton.disabled = true;
  act("close", {}).then((ack) => {
    ui.endButton.disabled = false;
    if (ack.ok) showClosed("customer", ack.conversation.feedback, ack.conversation.consent_question);
    else showComposerError(ack);
  });
}

function showComposerError(ack) {
  if (!ui.composerError) return;
  ui.composerError.textContent = errorText(ack);
  ui.composerError.hidden = false;
}

/** The chat is over: a rating only if someone answered and it was not given or skipped yet. */
function showClosed(by, feedback, consentQuestion) {
  state.status = "closed";
  ui.endButton.hidden = true;
  showTheirTyping(false);
  if (by && ui.messages && !ui.messages.querySelector(".mm-ended")) {
    const who = by === "customer" ? t("you") : (state.employee ? state.employee.name : t("yourColleague"));
    systemLine(t("ended", { who }), "mm-ended");
  }
  if (state.phase === "chat" && ui.status && !ui.status.querySelector("#mm-joined, #mm-answered")) {
    ui.status.replaceChildren();
  }
  if (state.phase === "rating" || state.phase === "ended") return;
  keepUnsent();
  if (feedback === "due") showRating(consentQuestion);
  else showEnded(feedback === "rated");
  scrollToEnd(true);
}

/** Words typed and not sent when the chat ended stay in the transcript, marked not sent, to copy
 * or to ask as a new question (the composer goes; its draft is not kept for an ended chat). */
function keepUnsent() {
  const input = document.getElementById("mm-input");
  const text = input ? input.value.trim() : "";
  drafts.forget();
  if (!text || !ui.messages) return;
  stopTyping();
  const again = el("button", { type: "button", id: "mm-unsent-ask", className: "mm-link" }, t("askUnsent"));
  again.addEventListener("click", () => {
    forgetConversation();
    showAsk(null, text);
  });
  ui.messages.appendChild(el("li", { id: "mm-unsent", className: "mm-msg mm-customer mm-failed" },
    el("span", { className: "mm-sr", text: `${t("you")}: ` }),
    el("div", { className: "mm-bubble", dir: "auto", text }),
    el("span", { className: "mm-meta", text: t("unsent") }),
    again));
}

function showRating(consentQuestion) {
  state.phase = "rating";
  const choice = { stars: 0, consent: null };
  const recorded = { consent: null }; // the consent answer the server already took from this form
  const stars = [1, 2, 3, 4, 5].map((n) => el("button", {
    type: "button", className: "mm-star", dataset: { stars: String(n) }, "aria-pressed": "false",
    "aria-label": n > 1 ? t("stars", { n }) : t("star"), text: "★",
  }));
  const paintStars = (upTo) => stars.forEach((b, i) => b.classList.toggle("mm-on", i < upTo));
  stars.forEach((button, i) => {
    button.addEventListener("click", () => {
      choice.stars = i + 1;
      stars.forEach((b, j) => b.setAttribute("aria-pressed", String(j === i)));
      paintStars(choice.stars);
    });
    button.addEventListener("mouseenter", () => paintStars(i + 1));
    button.addEventListener("mouseleave", () => paintStars(choice.stars));
  });
  const yes = el("button", { type: "button", id: "mm-consent-yes", className: "mm-choice", "aria-pressed": "false" }, t("consentYes"));
  const no = el("button", { type: "button", id: "mm-consent-no", className: "mm-choice", "aria-pressed": "false" }, t("consentNo"));
  for (const [button, granted] of [[yes, true], [no, false]]) {
    button.addEventListener("click", () => {
      choice.consent = granted;
      yes.setAttribute("aria-pressed", String(granted));
      no.setAttribute("aria-pressed", String(!granted));
    });
  }
  const comment = el("textarea", { id: "mm-comment", rows: "2", maxlength: "2000", placeholder: t("commentExample") });
  const error = el("p", { className: "mm-error", role: "alert", hidden: true });
  const send = el("button", { type: "submit", id: "mm-rate-send", className: "mm-primary" }, t("sendFeedback"));
  const skip = el("button", { type: "button", id: "mm-rate-skip", className: "mm-link" }, t("skip"));
  const form = el("form", { className: "mm-rating", novalidate: true },
    el("h2", { text: t("rateTitle") }),
    el("div", { className: "mm-stars", role: "group", "aria-label": t("yourRating") }, stars),
    el("label", { className: "mm-field", for: "mm-comment" }, `${t("anythingToAdd")} `, el("span", { className: "mm-optional", text: t("optional") })),
    comment,
    // Asked only in the words the server offered, and answered in its scope.
    consentQuestion && el("fieldset", { className: "mm-consent" },
      el("legend", { text: consentQuestion.wording }),
      el("div", { className: "mm-choices" }, yes, no)),
    error, el("div", { className: "mm-actions" }, send, skip));
  const finish = (action) => submitFeedback(action, { ...choice, comment: comment.value.trim() },
    { send, skip, error, recorded, scope: consentQuestion ? consentQuestion.scope : null });
  skip.addEventListener("click", () => finish("skip"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    finish("send");
  });
  ui.footer.replaceChildren(form);
}

/** Send what the customer chose, in order (feedback_steps.js); an error answer is said in the
 * form, which stays, and what the server already took is not sent again. */
async function submitFeedback(action, choice, { send, skip, error, recorded, scope }) {
  const { steps, then } = feedbackSteps(action, choice, { scope, consentSent: recorded.consent });
  error.hidden = true;
  send.disabled = skip.disabled = true;
  for (const [event, payload] of steps) {
    const ack = await act(event, payload);
    if (!ack || !ack.ok) {
      send.disabled = skip.disabled = false;
      error.textContent = errorText(ack);
      error.hidden = false;
      return;
    }
    if (event === "consent") recorded.consent = payload.granted;
  }
  send.disabled = skip.disabled = false;
  if (then === "chooseStars") {
    error.textContent = t("chooseStars");
    error.hidden = false;
    return;
  }
  showEnded(then === "thanks");
}

function showEnded(thanked) {
  state.phase = "ended";
  const again = el("button", { type: "button", id: "mm-new", className: "mm-secondary" }, t("askAgain"));
  again.addEventListener("click", () => {
    forgetConversation();
    showAsk();
  });
  ui.footer.replaceChildren(el("div", { className: "mm-thanks-panel" },
    el("p", { id: thanked ? "mm-thanks" : "mm-ended-note", className: "mm-thanks",
      text: thanked ? t("thanks") : t("chatEnded") }),
    el("p", { className: "mm-hint", text: thanked ? t("thanksHint") : t("endedHint") }),
    again));
}

/* ---------- the socket ---------- */

function connect() {
  const c = state.conversation;
  const socket = io(`${location.origin}/customer`, {
    transports: ["websocket"],
    auth: { conversation_id: c.id, token: c.token },
  });
  state.socket = socket;
  socket.on("connect", onConnect);
  socket.on("disconnect", (reason) => {
    if (reason !== "io client disconnect") setConnection("reconnecting");
    for (const p of c.pending) p.inflight = false;
  });
  socket.on("connect_error", (err) => {
    if (err && err.message === "unauthenticated") {
      forgetConversation();
      showAsk(t("goneConversation"));
      return;
    }
    retryIfUnavailable(socket, err);
    setConnection(navigator.onLine === false ? "offline" : "reconnecting");
  });
  socket.on("asking", (data) => {
    if (state.status === "closed") return;
    state.status = "offered";
    showAsking(data.employee, data.reason, data.answered_similar, data.rerouted, data.addressed);
  });
  socket.on("accepted", (data) => {
    state.status = "active";
    showJoined(data.employee);
    if (!state.open) tellHost("unread", Math.max(1, unread()));
  });
  socket.on("joined", (data) => { // a colleague took over, or joined beside them: who, and why them
    state.status = "active";
    if (data.purpose === "invite") {
      state.colleagues = [...state.colleagues.filter((c) => c.name !== data.employee.name), data.employee];
      systemLine(joinedBesideText(data.employee, data.reason, data.beside), "mm-colleague-joined");
      showJoined(data.beside || state.employee || data.employee);
      if (!state.open) tellHost("unread", Math.max(1, unread()));
      return;
    }
    systemLine(tookOverText(data.employee, data.reason), "mm-took-over");
    showJoined(data.employee);
    if (!state.open) tellHost("unread", Math.max(1, unread()));
  });
  socket.on("left", (data) => {
    state.status = "waiting";
    systemLine(t("left", { name: data.employee ? data.employee.name : t("yourColleague") }), "mm-left");
    state.employee = null;
    setHeader(null);
    showWaiting(true);
  });
  socket.on("colleague_left", (data) => { // the others stay: who is with the customer now
    state.colleagues = data.colleagues;
    const lead = data.lead && state.employee && data.lead.name !== state.employee.name ? data.lead : null;
    systemLine(colleagueLeftText(data.employee, lead), "mm-colleague-left");
    if (data.lead) showJoined(data.lead);
  });
  socket.on("said", (msg) => {
    renderMessage(msg);
    if (hasGap(state.seen)) healSoon(); // an event overtook another, or one was lost
    if (msg.author !== "employee") return;
    showTheirTyping(false);
    if (state.open && !document.hidden) markRead();
    else tellHost("unread", unread());
  });
  socket.on("typing", (data) => showTheirTyping(Boolean(data && data.typing),
    data && typeof data.employee_name === "string" ? data.employee_name : null));
  socket.on("unavailable", (data) => {
    state.status = "offline";
    state.queuedSeq = data.seq;
    showOffline(data);
  });
  socket.on("closed", async (data) => {
    const ack = await request("sync", { after_seq: contiguousSeq(state.seen) });
    if (ack.ok) for (const msg of ack.messages) renderMessage(msg);
    showClosed(data.by, ack.ok ? ack.conversation.feedback : null, ack.ok ? ack.conversation.consent_question : null);
  });
  clearInterval(state.heartbeat);
  state.heartbeat = setInterval(beat, CONFIG.widget_heartbeat_ms || HEARTBEAT_MS);
}

/** The heartbeat's answer says where the conversation stands: behind it, sync (a live event
 * lost while the message queue restarted shows up within one heartbeat, without a reload). */
async function beat() {
  const ack = await request("heartbeat", {});
  if (ack.ok && (behind(state.seen, ack.last_seq) || ack.status !== state.status)) heal();
}

/** Fetch what is missing from the highest contiguous seq, and the conversation's state. */
async function heal() {
  if (!state.conversation || !state.socket || !state.socket.connected) return;
  const ack = await request("sync", { after_seq: contiguousSeq(state.seen) });
  if (!ack.ok) return;
  for (const msg of ack.messages) renderMessage(msg);
  if (ack.conversation.status === "offline") state.queuedSeq = ack.conversation.queued_seq;
  if (ack.conversation.status !== state.status) applyConversation(ack.conversation);
}

const healSoon = healer(() => hasGap(state.seen), heal);

async function onConnect() {
  setConnection("connected");
  // Messages rendered in this page so far (up to the first hole); a fresh page rebuilds the
  // transcript from 0.
  const after = contiguousSeq(state.seen);
  const ack = await request("sync", { after_seq: after });
  if (!ack.ok) return;
  if (!after) {
    state.readSeq = Math.max(state.readSeq, ack.conversation.read_seq || 0);
    if (state.newMarkerAt === null && ack.conversation.unread) state.newMarkerAt = state.readSeq;
  }
  if (ack.conversation.status === "offline") state.queuedSeq = ack.conversation.queued_seq;
  for (const msg of ack.messages) renderMessage(msg);
  applyConversation(ack.conversation);
  markRead(); // also sends a read mark the server never confirmed
  if (!state.open || document.hidden) tellHost("unread", unread());
  flushPending();
}

/* ---------- start ---------- */

buildShell();
watchTarget(params); // a team or person chosen on the team page
if (RESUME) {
  showChat();
  showWaiting(false);
  resumeByLink(RESUME);
} else {
  state.conversation = loadConversation();
  if (state.conversation) {
    state.contact.name = state.conversation.name || "";
    showChat();
    showWaiting(false);
    connect();
  } else {
    showAsk();
  }
}
