/* The employee console: requests offered to me, my live chats, my offline inbox.
 *
 * Talks to the /employee Socket.IO namespace (the session cookie signs it in). State is kept
 * per conversation so several chats run at once; after a reconnect every open chat re-syncs
 * from its last seq and unsent messages are retried with the same client_id (stored once).
 * Message and note bodies are rendered by richtext.js (markdown through DOMPurify, HTML typed by
 * anyone stays literal text); all other customer and chat text with textContent, never as HTML.
 */
import * as common from "./common.js";
import { LANGUAGE, ct } from "./console_texts.js";
import { createHandover } from "./handover.js";
import { createNotes } from "./notes.js";
import { changeLine, createParticipants, inChat } from "./participants.js";
import { renderRich } from "./richtext.js";
import { attachmentNode, paperclip, precheck, upload } from "./attachments.js";
import { behind, contiguousSeq, hasGap, healer } from "./seqs.js";
import { attachSnippets, recordSnippetUse, takeSnippetUse } from "./snippets.js";
import { errorText, setLanguage } from "./texts.js";

setLanguage(LANGUAGE); // shared pieces (counters, error codes) speak the console's language

(() => {
  const root = document.getElementById("console");
  if (!root) return;

  const { HEARTBEAT_MS, TYPING_SHOWN_MS, el, submitOnEnter, initials, randomId } = common;
  const CONFIG = common.readConfig();
  const MAX_MESSAGE = CONFIG.max_message_chars;
  const BASE_TITLE = document.title;

  const state = {
    me: { id: Number(root.dataset.employeeId), name: root.dataset.employeeName || "" },
    socket: null,
    offers: new Map(), // offer_id -> {offer, deadline, total, node}
    chats: new Map(), // conversation_id -> chat (see newChat)
    selected: null,
    askedPermission: false,
    audio: null,
  };
  const ui = {};

  const { request, act, emitQuietly, sendUntilAnswered } = common.socketClient(
    () => state.socket, { offlineMessage: ct("offline") });
  // My typing, per conversation: typingChanged(hasText, conversationId).
  const { changed: typingChanged, stop: stopTyping } = common.typingNotifier(
    (conversationId, typing) => emitQuietly("typing", { conversation_id: conversationId, typing }));
  // Internal notes (staff only): their own module, hooked into the composer, the pane and sync.
  const notesUi = createNotes({ el, renderRich, me: state.me, language: document.documentElement.lang || LANGUAGE,
    request, sendUntilAnswered, errorText, toast: (m, k) => toast(m, k), clockTime: (iso) => clockTime(iso),
    randomId, maxChars: MAX_MESSAGE, limitCounter: common.limitCounter, submitOnEnter, stopTyping,
    messages: () => ui.messages, selected: () => state.selected, scrollToEnd: (force) => scrollToEnd(force) });
  // Handing a chat to a colleague: its own module, hooked into the header, the requests and the socket.
  const handoverUi = createHandover({ el, ct, request, emitQuietly, errorText, toast: (m, k) => toast(m, k),
    clockTime: (iso) => clockTime(iso), beep: () => beep(),
    takeChat: (conv) => { upsertChat(conv, "live"); selectChat(conv.id); },
    dropChat: (id) => { // handed over: the chat is the colleague's now
      state.chats.delete(id);
      if (state.selected === id) { state.selected = null; renderEmptyPane(); }
      renderLists();
    } });
  handoverUi.onChange(() => { const chat = state.chats.get(state.selected); if (chat) renderPaneHeader(chat); });
  // Colleagues in a chat with me (invited in, or I was): the header's list and "Leave".
  const participantsUi = createParticipants({ el, ct, request, errorText, toast: (m, k) => toast(m, k), me: state.me });

  /* ---------- small helpers (text only; never innerHTML) ---------- */

  /** Python's isoformat may carry microseconds; keep milliseconds so every browser parses it. */
  function parseTime(iso) {
    if (!iso) return NaN;
    return Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"));
  }

  function clockTime(iso) {
    const t = parseTime(iso);
    return Number.isNaN(t) ? "" : new Date(t).toLocaleTimeString(LANGUAGE, { hour: "2-digit", minute: "2-digit" });
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : null;
    } catch {
      return null;
    }
  }

  function pageLabel(url) {
    const parsed = safeUrl(url);
    if (!parsed) return url || "";
    const path = parsed.pathname === "/" ? "" : parsed.pathname;
    return `${parsed.host}${path}`;
  }

  function customerName(conv) {
    return (conv && conv.customer_name) || ct("anonymous");
  }

  function toast(message, kind = "info") {
    const item = el("div", { className: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status", text: message });
    ui.toasts.appendChild(item);
    setTimeout(() => item.classList.add("toast-leaving"), 4500);
    setTimeout(() => item.remove(), 5000);
  }

  /* ---------- layout ---------- */

  function buildLayout() {
    ui.connection = el("div", { className: "conn", id: "connection", role: "status", dataset: { state: "connecting" } },
      el("span", { className: "conn-dot", "aria-hidden": "true" }), el("span", { className: "conn-text", text: ct("connecting") }));
    ui.available = el("input", { type: "checkbox", id: "available-toggle", role: "switch", disabled: true });
    ui.capacity = el("input", { type: "number", id: "capacity", min: "1", max: "20", step: "1", inputmode: "numeric", disabled: true });
    const toolbar = el("div", { className: "console-toolbar" },
      el("div", { className: "toolbar-me" },
        el("span", { className: "avatar", "aria-hidden": "true", text: initials(state.me.name) }),
        el("div", {}, el("strong", { text: state.me.name }), ui.connection)),
      el("div", { className: "toolbar-controls" },
        el("label", { className: "switch", for: "available-toggle" }, ui.available,
          el("span", { className: "switch-track", "aria-hidden": "true" }), ct("available")),
        el("label", { className: "capacity", for: "capacity" }, ct("capacity"), ui.capacity)));
    ui.offerList = el("div", { className: "offer-list", id: "offers" });
    ui.offerCount = el("span", { className: "count", text: "0" });
    ui.liveList = el("ul", { className: "chat-list", id: "live-chats" });
    ui.liveCount = el("span", { className: "count", text: "0" });
    ui.inboxList = el("ul", { className: "chat-list", id: "inbox" });
    ui.inboxCount = el("span", { className: "count", text: "0" });
    const side = el("aside", { className: "console-side", "aria-label": ct("side") },
      sideSection(ct("requests"), ui.offerCount, ui.offerList),
      sideSection(ct("liveChats"), ui.liveCount, ui.liveList),
      sideSection(ct("inbox"), ui.inboxCount, ui.inboxList));
    ui.offerList.before(handoverUi.offerList); // handover requests from colleagues
    ui.pane = el("section", { className: "console-pane", id: "chat-pane", "aria-label": ct("conversation") });
    ui.toasts = el("div", { className: "toasts", "aria-live": "polite" });
    root.replaceChildren(toolbar, el("div", { className: "console-main" }, side, ui.pane), ui.toasts);
    ui.available.addEventListener("change", onAvailabilityToggle);
    ui.capacity.addEventListener("change", onCapacityChange);
    renderEmptyPane();
  }

  function sideSection(title, count, list) {
    return el("section", { className: "side-section" },
      el("h2", {}, title, " ", count), list);
  }

  function setConnection(kind) {
    const texts = { connecting: ct("connecting"), connected: ct("connected"), reconnecting: ct("reconnecting"), signedout: ct("signedOut") };
    ui.connection.dataset.state = kind;
    ui.connection.querySelector(".conn-text").textContent = texts[kind];
    // Enabled again once `state` says where availability stands (see showAvailability).
    if (kind !== "connected") setControlsEnabled(false);
  }

  function setControlsEnabled(enabled) {
    ui.available.disabled = !enabled;
    ui.capacity.disabled = !enabled;
  }

  /* ---------- availability ---------- */

  function prepareAlerts() {
    // Both need a user gesture: ask once, on the first click of the toggle.
    if (!state.askedPermission && "Notification" in window && Notification.permission === "default") {
      state.askedPermission = true;
      try {
        Promise.resolve(Notification.requestPermission()).catch(() => {});
      } catch { /* old browsers */ }
    }
    try {
      state.audio = state.audio || new (window.AudioContext || window.webkitAudioContext)();
      state.audio.resume().catch(() => {});
    } catch {
      state.audio = null;
    }
  }

  async function onAvailabilityToggle() {
    prepareAlerts();
    await saveAvailability();
  }

  async function onCapacityChange() {
    const value = Number(ui.capacity.value);
    if (!Number.isInteger(value) || value < 1 || value > 20) {
      toast(ct("capacityRange"), "error");
      ui.capacity.value = String(state.me.capacity || 1);
      return;
    }
    await saveAvailability();
  }

  async function saveAvailability() {
    const capacity = Number(ui.capacity.value);
    const payload = { available: ui.available.checked };
    if (Number.isInteger(capacity) && capacity >= 1 && capacity <= 20) payload.capacity = capacity;
    const ack = await act("set_availability", payload);
    if (!ack.ok) {
      toast(errorText(ack), "error");
      showAvailability(state.me);
      return;
    }
    showAvailability(ack);
  }

  function showAvailability({ available, capacity }) {
    state.me.available = Boolean(available);
    state.me.capacity = capacity;
    ui.available.checked = state.me.available;
    if (capacity) ui.capacity.value = String(capacity);
    root.dataset.available = String(state.me.available);
    setControlsEnabled(state.socket !== null && state.socket.connected);
  }

  /* ---------- offers ---------- */

  function addOffer(offer, fresh) {
    if (state.offers.has(offer.offer_id)) return;
    const offered = parseTime(offer.offered_at);
    const expires = parseTime(offer.expires_at);
    const total = Math.max(1000, expires - offered || 30000);
    // A fresh offer starts its full time now, whatever the clocks say; an old one uses the server's.
    const deadline = fresh ? Date.now() + total : Math.min(expires, Date.now() + total);
    const entry = { offer, deadline, total, node: offerCard(offer) };
    state.offers.set(offer.offer_id, entry);
    // Shown: the server learns this console is alive for it (an offer nobody acknowledges
    // moves on to the next colleague after a few seconds).
    emitQuietly("seen_offer", { offer_id: offer.offer_id });
    ui.offerList.appendChild(entry.node);
    tickOffer(entry);
    renderCounts();
  }

  function offerCard(offer) {
    const page = offer.page_url ? pageLabel(offer.page_url) : "";
    const accept = el("button", { type: "button", className: "button primary accept-offer" }, ct("accept"));
    const decline = el("button", { type: "button", className: "button decline-offer" }, ct("decline"));
    accept.addEventListener("click", () => acceptOffer(offer.offer_id, accept, decline));
    decline.addEventListener("click", () => declineOffer(offer.offer_id, accept, decline));
    return el("article", { className: "offer-card", dataset: { offerId: String(offer.offer_id) }, "aria-label": ct("newRequest") },
      el("div", { className: "offer-top" },
        el("span", { className: "offer-label", text: ct("newRequest") }),
        el("span", { className: "countdown", "aria-live": "off" })),
      el("p", { className: "offer-question", text: offer.question }),
      offerWhy(offer),
      offer.previous ? el("p", { className: "offer-previous", text:
        ct("continues", { name: offer.previous.name, count: offer.messages }) }) : null,
      el("p", { className: "offer-meta" },
        el("span", { text: offer.customer_name || ct("anonymous") }),
        page ? el("span", { className: "offer-page", title: offer.page_url, text: page }) : null),
      el("div", { className: "offer-progress", "aria-hidden": "true" }, el("span")),
      el("div", { className: "offer-actions" }, accept, decline));
  }

  /** Why I was asked: my profile's words; if a question I answered before decided, a link to
   * that conversation of mine (its words are never copied into the offer). */
  function offerWhy(offer) {
    const parts = [offer.reason, offer.answered_similar ? ct("answeredSimilar") : ""].filter(Boolean);
    if (!parts.length) return null;
    const why = el("p", { className: "offer-why" }, el("strong", { text: `${ct("whyYou")} ` }), parts.join(" · "));
    if (offer.similar_conversation) {
      const link = el("button", { type: "button", className: "link similar-link" }, ct("openIt"));
      link.addEventListener("click", () => openPast(offer.similar_conversation.conversation_id));
      why.append(" (", link, ")");
    }
    return why;
  }

  /** One of my earlier conversations, read-only in the pane (not listed on the side). */
  async function openPast(conversationId) {
    const ack = await request("sync", { conversation_id: conversationId, after_seq: 0 });
    if (!ack.ok) return toast(errorText(ack), "error");
    const chat = upsertChat(ack.conversation, state.chats.get(conversationId)?.list || "past");
    chat.loaded = true;
    for (const msg of ack.messages) addMessage(chat, msg);
    notesUi.synced(conversationId, ack.notes);
    selectChat(conversationId);
  }

  function tickOffer(entry) {
    const left = Math.max(0, entry.deadline - Date.now());
    if (entry.deadline - Date.now() < -5000 && !entry.reconciled) {
      entry.reconciled = true; // long past its time and no offer_closed: ask the server
      refreshState();
    }
    entry.node.querySelector(".countdown").textContent = left > 0 ? ct("secondsLeft", { n: Math.ceil(left / 1000) }) : ct("expiring");
    entry.node.querySelector(".offer-progress span").style.width = `${(100 * left) / entry.total}%`;
    entry.node.classList.toggle("offer-urgent", left < Math.min(10000, entry.total / 3));
  }

  function removeOffer(offerId) {
    const entry = state.offers.get(offerId);
    if (!entry) return;
    entry.node.remove();
    state.offers.delete(offerId);
    renderCounts();
  }

  async function acceptOffer(offerId, accept, decline) {
    accept.disabled = decline.disabled = true;
    const ack = await act("accept", { offer_id: offerId });
    removeOffer(offerId);
    if (!ack.ok) {
      toast(errorText(ack), "error");
      return;
    }
    upsertChat(ack.conversation, "live");
    selectChat(ack.conversation.id);
  }

  async function declineOffer(offerId, accept, decline) {
    accept.disabled = decline.disabled = true;
    const ack = await act("decline", { offer_id: offerId });
    removeOffer(offerId);
    if (!ack.ok) toast(errorText(ack), "error");
  }

  function alertNewOffer(offer) {
    beep();
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    try {
      const note = new Notification(ct("newQuestion"), { body: offer.question.slice(0, 180), tag: `offer-${offer.offer_id}` });
      note.onclick = () => { window.focus(); note.close(); };
    } catch { /* some browsers allow notifications only from a service worker */ }
  }

  function beep() {
    try {
      const ctx = state.audio || (state.audio = new (window.AudioContext || window.webkitAudioContext)());
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.setValueAtTime(880, ctx.currentTime);
      osc.frequency.setValueAtTime(1320, ctx.currentTime + 0.09);
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.15, ctx.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.26);
    } catch { /* autoplay policy or no audio: the card is enough */ }
  }

  /* ---------- chats: state ---------- */

  function newChat(conv, list) {
    return { conv, list, messages: [], seen: new Set(), lastSeq: 0, loaded: false, syncing: false,
      pending: [], unread: 0, typing: false, typingTimer: null, draft: "", endedBy: null };
  }

  function upsertChat(conv, list) {
    let chat = state.chats.get(conv.id);
    if (!chat) {
      chat = newChat(conv, list);
      state.chats.set(conv.id, chat);
    } else {
      chat.conv = { ...chat.conv, ...conv };
      if (list) chat.list = list;
    }
    renderLists();
    if (state.selected === conv.id) renderPaneHeader(chat);
    return chat;
  }

  function listFor(conv) {
    return conv.status === "offline" ? "inbox" : "live";
  }

  function applyState(ack) {
    showAvailability(ack.me);
    const open = new Set(ack.offers.map((o) => o.offer_id));
    for (const id of [...state.offers.keys()]) if (!open.has(id)) removeOffer(id);
    for (const offer of ack.offers) addOffer(offer, false);
    const listed = new Set();
    for (const conv of ack.conversations) { upsertChat(conv, "live"); listed.add(conv.id); }
    for (const conv of ack.inbox) { upsertChat(conv, "inbox"); listed.add(conv.id); }
    for (const [id, chat] of [...state.chats]) {
      if (listed.has(id) || chat.list === "past") continue;
      if (!chat.loaded && id !== state.selected) state.chats.delete(id);
      else if (chat.conv.status !== "closed") syncChat(chat); // it moved on while I was away
    }
    renderLists();
  }

  /* ---------- chats: lists ---------- */

  function renderLists() {
    const live = [];
    const inbox = [];
    for (const chat of state.chats.values()) {
      if (chat.list !== "past") (chat.list === "inbox" ? inbox : live).push(chat);
    }
    ui.liveList.replaceChildren(...(live.length ? live.map((c) => chatItem(c, "chat-item")) : [emptyNote(ct("noLive"), "li")]));
    ui.inboxList.replaceChildren(...(inbox.length ? inbox.map((c) => chatItem(c, "inbox-item")) : [emptyNote(ct("nothingWaiting"), "li")]));
    renderCounts();
  }

  function renderCounts() {
    const live = [...state.chats.values()].filter((c) => c.list === "live" && c.conv.status === "active").length;
    const inbox = [...state.chats.values()].filter((c) => c.list === "inbox").length;
    ui.offerCount.textContent = String(state.offers.size);
    ui.liveCount.textContent = String(live);
    ui.inboxCount.textContent = String(inbox);
    if (!state.offers.size && !ui.offerList.querySelector(".empty")) {
      ui.offerList.appendChild(emptyNote(state.me.available ? ct("noRequests") : ct("switchOn")));
    } else if (state.offers.size) {
      ui.offerList.querySelectorAll(".empty").forEach((n) => n.remove());
    } else {
      ui.offerList.querySelector(".empty").textContent = state.me.available ? ct("noRequests") : ct("switchOn");
    }
    const unread = [...state.chats.values()].reduce((n, c) => n + c.unread, 0) + state.offers.size;
    document.title = unread ? `(${unread}) ${BASE_TITLE}` : BASE_TITLE;
  }

  function emptyNote(text, tag = "p") {
    return el(tag, { className: "empty", text });
  }

  /** The chat went to a colleague (I was away too long); I may still read it. */
  function movedOn(conv) {
    return ["waiting", "offered", "active"].includes(conv.status) && !inChat(conv, state.me.id);
  }

  function chatBadge(conv) {
    if (conv.status === "closed") return el("span", { className: "status closed", text: ct("ended") });
    if (movedOn(conv)) return el("span", { className: "status closed", text: ct("movedOn") });
    if (conv.customer_present === false) return el("span", { className: "status away", text: ct("leftPage") });
    return null;
  }

  function chatItem(chat, className) {
    const conv = chat.conv;
    const closed = conv.status === "closed" || movedOn(conv);
    const preview = chat.typing ? ct("typingShort") : lastPreview(chat);
    const button = el("button", { type: "button", className: "chat-open", "aria-current": state.selected === conv.id ? "true" : null },
      el("span", { className: "avatar avatar-small", "aria-hidden": "true", text: initials(customerName(conv)) }),
      el("span", { className: "chat-text" },
        el("span", { className: "chat-name" }, el("span", { text: customerName(conv) }), chatBadge(conv)),
        el("span", { className: chat.typing ? "chat-preview is-typing" : "chat-preview", text: preview })),
      chat.unread ? el("span", { className: "unread", "aria-label": ct("unread", { n: chat.unread }), text: String(chat.unread) }) : null);
    button.addEventListener("click", () => selectChat(conv.id));
    return el("li", { className: `${className}${closed ? " is-closed" : ""}${chat.unread ? " has-unread" : ""}`, dataset: { conversationId: String(conv.id) } }, button);
  }

  function lastPreview(chat) {
    const last = chat.messages[chat.messages.length - 1];
    return last ? last.body : chat.conv.question;
  }

  /* ---------- chats: messages ---------- */

  function addMessage(chat, msg) {
    if (chat.seen.has(msg.seq)) return false;
    chat.seen.add(msg.seq);
    chat.lastSeq = Math.max(chat.lastSeq, msg.seq);
    const at = chat.messages.findIndex((m) => m.seq > msg.seq);
    if (at === -1) chat.messages.push(msg);
    else chat.messages.splice(at, 0, msg);
    if (msg.author === "employee" && msg.client_id) {
      chat.pending = chat.pending.filter((p) => p.client_id !== msg.client_id);
    }
    if (state.selected === chat.conv.id) paneInsert(chat, msg);
    return true;
  }

  async function syncChat(chat) {
    if (chat.syncing) return;
    chat.syncing = true;
    // Until the whole transcript was loaded once, live events may have skipped ahead: from 0;
    // then from the highest contiguous seq (a message that overtook another leaves no hole).
    const ack = await request("sync", { conversation_id: chat.conv.id, after_seq: chat.loaded ? contiguousSeq(chat.seen) : 0 });
    chat.syncing = false;
    if (!ack.ok) {
      if (state.selected === chat.conv.id) toast(errorText(ack), "error");
      return;
    }
    chat.loaded = true;
    for (const msg of ack.messages) addMessage(chat, msg);
    notesUi.synced(chat.conv.id, ack.notes);
    upsertChat(ack.conversation, chat.list);
    if (state.selected === chat.conv.id) refreshPane(chat);
    flushPending(chat);
  }

  /** Upload a picked file into this chat: progress and refusals as toasts; the message comes
   * back in the answer (and to the customer as `said`). */
  async function attachFile(chat, file) {
    const refused = precheck(file);
    if (refused) return toast(errorText({ error: refused }), "error");
    const note = el("div", { className: "toast toast-info", role: "status" }); // one, updated
    const progress = (fraction) => {
      note.textContent = ct("attaching", { name: file.name, percent: Math.round(fraction * 100) });
    };
    progress(0);
    ui.toasts.appendChild(note);
    const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
    const { status, body } = await upload(`/console/conversations/${chat.conv.id}/attachments`,
      file, { headers: { "X-CSRFToken": csrf }, clientId: `f-${randomId(16)}`,
        onProgress: progress });
    note.remove();
    if (status === 201 && body && body.ok) {
      addMessage(chat, body.message);
      renderLists();
      return toast(ct("attached", { name: body.message.body }));
    }
    toast(errorText(status === 0 ? { error: "offline" } : body || { error: "attachment_failed" }), "error");
  }

  function sendMessage(chat, body, snippetId = null) {
    const pending = { client_id: `e-${randomId(16)}`, body, snippet_id: snippetId };
    chat.pending.push(pending);
    if (state.selected === chat.conv.id) paneInsertPending(pending);
    emitSay(chat, pending);
  }

  function emitSay(chat, pending) {
    const payload = { conversation_id: chat.conv.id, body: pending.body, client_id: pending.client_id };
    sendUntilAnswered("say", payload, pending, (ack) => {
      if (ack && ack.ok) {
        if (pending.snippet_id) recordSnippetUse(pending.snippet_id, chat.conv.id, pending.client_id);
        addMessage(chat, ack.message);
        renderLists();
      } else {
        failPending(chat, pending, ack);
      }
    });
  }

  function flushPending(chat) {
    for (const pending of chat.pending) emitSay(chat, pending);
  }

  function failPending(chat, pending, ack) {
    chat.pending = chat.pending.filter((p) => p !== pending);
    const node = state.selected === chat.conv.id ? pendingNode(pending.client_id) : null;
    if (node) {
      node.classList.replace("msg-pending", "msg-failed");
      node.querySelector(".msg-meta").textContent = ct("notSent", { reason: errorText(ack) });
    } else {
      toast(ct("messageNotSent", { reason: errorText(ack) }), "error");
    }
  }

  /* ---------- the conversation pane ---------- */

  function selectChat(id) {
    const chat = state.chats.get(id);
    if (!chat) return;
    const previous = ui.input ? state.chats.get(ui.inputFor) : null;
    if (previous) previous.draft = ui.input.value;
    stopTyping();
    state.selected = id;
    chat.unread = 0;
    renderLists();
    renderPane(chat);
    if (!chat.loaded) syncChat(chat);
  }

  function renderEmptyPane() {
    ui.input = null;
    ui.messages = null;
    ui.pane.replaceChildren(el("div", { className: "pane-empty" },
      el("div", { className: "pane-empty-icon", "aria-hidden": "true" }),
      el("h2", { text: ct("noConversation") }),
      el("p", { text: ct("noConversationHint") })));
  }

  function renderPane(chat) {
    ui.paneHeader = el("header", { className: "pane-header" });
    ui.messages = el("ol", { className: "messages", id: "chat-messages", "aria-label": ct("messages"), "aria-live": "polite" });
    ui.typing = el("div", { className: "typing", hidden: true });
    // Focusable, so the conversation can be scrolled with the keyboard too.
    ui.scroller = el("div", { className: "pane-scroll", tabindex: "0", role: "region", "aria-label": ct("conversation") },
      ui.messages, ui.typing);
    ui.footer = el("div", { className: "pane-footer" });
    ui.pane.replaceChildren(ui.paneHeader, ui.scroller, ui.footer);
    renderPaneHeader(chat);
    if (!chat.loaded) ui.messages.appendChild(el("li", { className: "loading", text: ct("loading") }));
    for (const msg of chat.messages) paneInsert(chat, msg, true);
    for (const pending of chat.pending) paneInsertPending(pending);
    notesUi.renderAll(chat.conv.id);
    renderEnded(chat);
    renderTyping(chat);
    renderFooter(chat);
    ui.scroller.scrollTop = ui.scroller.scrollHeight;
  }

  /** Bring an open pane up to date without rebuilding it (the reply being typed stays). */
  function refreshPane(chat) {
    ui.messages?.querySelector(".loading")?.remove();
    renderPaneHeader(chat);
    if (ui.footerStatus !== footerKey(chat.conv)) renderFooter(chat);
    renderEnded(chat);
  }

  function renderPaneHeader(chat) {
    if (!ui.paneHeader) return;
    const conv = chat.conv;
    const page = safeUrl(conv.page_url);
    const closeButton = conv.status === "closed" || movedOn(conv) ? null
      : participantsUi.leaves(conv)
        ? el("button", { type: "button", id: "chat-leave", className: "button", onclick: () => leaveChat(chat) }, ct("leaveChat"))
        : el("button", { type: "button", id: "chat-close", className: "button", onclick: () => closeChat(chat) }, ct("endChat"));
    const presence = conv.status !== "closed" && !movedOn(conv) && conv.customer_present !== undefined
      ? el("span", { className: `presence ${conv.customer_present ? "here" : "away"}`, id: "customer-presence",
        text: conv.customer_present ? ct("onPage") : ct("leftPage") })
      : null;
    ui.paneHeader.replaceChildren(
      el("div", { className: "pane-title" },
        el("h2", { className: "pane-question", text: conv.question }),
        el("p", { className: "pane-meta" },
          el("span", { className: "pane-customer", text: customerName(conv) }),
          conv.customer_email ? el("a", { className: "pane-email", href: `mailto:${conv.customer_email}`, text: conv.customer_email }) : null,
          page ? el("a", { className: "pane-page", href: page.href, target: "_blank", rel: "noopener noreferrer", title: page.href, text: pageLabel(conv.page_url) }) : null,
          el("span", { className: `status ${conv.status}`, text: movedOn(conv) ? ct("movedOn") : statusLabel(conv.status) }),
          presence)),
      ...(closeButton ? [closeButton] : []));
    participantsUi.decorate(conv, ui.paneHeader.querySelector(".pane-meta"));
    handoverUi.decorate(conv, ui.paneHeader, conv.employee_id === state.me.id && !movedOn(conv),
      inChat(conv, state.me.id) && !movedOn(conv));
  }

  function statusLabel(status) {
    return ct(`status_${status}`);
  }

  /** What happens to a reply the customer is not there to read. */
  function replyNote(conv) {
    const who = customerName(conv);
    if (conv.customer_email && CONFIG.mail) return ct("replyByMail", { who, email: conv.customer_email });
    if (conv.customer_email) return ct("replyMailYourself", { who, email: conv.customer_email });
    return ct("replyWhenBack", { who });
  }

  function footerNote(conv) {
    if (conv.status === "offline") return ct("nobodyWasFree", { note: replyNote(conv) });
    if (conv.customer_present === false) return ct("customerLeft", { who: customerName(conv), note: replyNote(conv) });
    return null;
  }

  function renderFooter(chat) {
    const hadFocus = ui.input !== null && ui.input !== undefined && document.activeElement === ui.input;
    if (ui.input && ui.inputFor === chat.conv.id) chat.draft = ui.input.value;
    ui.footerStatus = footerKey(chat.conv);
    if (chat.conv.status === "closed" || movedOn(chat.conv)) {
      ui.input = null;
      ui.footer.replaceChildren(el("p", { className: "pane-note", id: "pane-ended",
        text: chat.conv.status === "closed" ? ct("hasEnded") : ct("wentOn") }));
      const noteBox = notesUi.endedComposer(chat.conv); // notes are allowed after the chat
      if (noteBox) ui.footer.appendChild(noteBox);
      return;
    }
    const note = footerNote(chat.conv);
    const offlineNote = note ? el("p", { className: "pane-note", id: "pane-note", text: note }) : null;
    ui.input = el("textarea", { id: "chat-input", rows: "2", dir: "auto",
      placeholder: ct("replyTo", { who: customerName(chat.conv) }), "aria-label": ct("yourReply") });
    const counter = common.limitCounter(ui.input, MAX_MESSAGE, "chat-input-count");
    ui.input.value = chat.draft || "";
    ui.inputFor = chat.conv.id;
    const send = el("button", { type: "submit", id: "chat-send", className: "button primary" }, ct("send"));
    const clip = paperclip(el, { id: "chat-attach", label: ct("attach"),
      onPick: (file) => attachFile(chat, file) });
    const form = el("form", { className: "composer" }, clip.button, clip.input, ui.input, send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitReply(chat);
    });
    attachSnippets(ui.input, form, chat.conv.id); // "/" and a few words: approved replies
    submitOnEnter(ui.input, () => form.requestSubmit());
    notesUi.attach(form, ui.input, chat.conv, ui.input.placeholder, ui.input.getAttribute("aria-label"));
    ui.input.addEventListener("input", () => typingChanged(
      ui.input.value.trim() !== "" && !notesUi.active(chat.conv.id), chat.conv.id)); // a note is not typing
    ui.counter = counter;
    ui.footer.replaceChildren(...[offlineNote, form, counter.node].filter(Boolean));
    counter.update();
    if (hadFocus) ui.input.focus();
  }

  /** What the footer depends on: it is rebuilt only when this changes. */
  function footerKey(conv) {
    // the note too: it names the customer and says whether a reply is mailed (their address
    // may come after the pane was drawn: left in the widget, or with the loaded conversation)
    return `${conv.status}:${movedOn(conv)}:${conv.customer_present}:${footerNote(conv) || ""}`;
  }

  function submitReply(chat) {
    if (notesUi.active(chat.conv.id)) { // the composer is in note mode: staff only
      if (notesUi.send(chat.conv.id, ui.input, ui.counter)) chat.draft = "";
      return;
    }
    const body = ui.input.value.trim();
    if (!body) return;
    if (!ui.counter.ok()) {
      toast(ct("shortenMessage", { max: MAX_MESSAGE.toLocaleString(LANGUAGE) }), "error");
      return;
    }
    ui.input.value = "";
    ui.counter.update();
    chat.draft = "";
    stopTyping();
    sendMessage(chat, body, takeSnippetUse(chat.conv.id, body));
  }

  function messageNode(chat, msg) {
    if (msg.author === "system") {
      return el("li", { className: "msg msg-system", dataset: { seq: String(msg.seq) }, text: msg.body });
    }
    const who = msg.author === "customer" ? customerName(chat.conv)
      : msg.employee_id && msg.employee_id !== state.me.id ? (msg.employee_name || ct("aColleague")) : ct("you");
    const body = el("div", { className: "msg-body rich", dir: "auto" }, msg.attachment
      ? attachmentNode(el, msg.attachment, { language: LANGUAGE, download: ct("download") })
      : renderRich(msg.body));
    return el("li", { className: `msg msg-${msg.author}`, dataset: { seq: String(msg.seq) } },
      el("span", { className: "msg-author", text: who }), body,
      el("span", { className: "msg-meta", text: clockTime(msg.at) }));
  }

  function paneInsert(chat, msg, bulk) {
    if (!ui.messages) return;
    ui.messages.querySelector(".loading")?.remove();
    if (ui.messages.querySelector(`[data-seq="${msg.seq}"]`)) return;
    if (msg.client_id) pendingNode(msg.client_id)?.remove();
    const later = Array.from(ui.messages.children).find((n) => (n.dataset.seq ? Number(n.dataset.seq) > msg.seq : true));
    ui.messages.insertBefore(messageNode(chat, msg), later || null);
    if (!bulk) scrollToEnd(msg.author === "employee");
  }

  function paneInsertPending(pending) {
    if (!ui.messages) return;
    ui.messages.appendChild(el("li", { className: "msg msg-employee msg-pending", dataset: { clientId: pending.client_id } },
      el("span", { className: "msg-author", text: ct("you") }), el("div", { className: "msg-body rich", dir: "auto" }, renderRich(pending.body)),
      el("span", { className: "msg-meta", text: ct("sending") })));
    scrollToEnd(true);
  }

  function pendingNode(clientId) {
    return ui.messages ? Array.from(ui.messages.querySelectorAll(".msg-pending")).find((n) => n.dataset.clientId === clientId) : null;
  }

  function scrollToEnd(force) {
    common.scrollToEnd(ui.scroller, force, 160);
  }

  function renderEnded(chat) {
    if (!ui.messages || !chat.endedBy || ui.messages.querySelector(".msg-ended")) return;
    const who = chat.endedBy === "employee" ? ct("you") : customerName(chat.conv);
    ui.messages.appendChild(el("li", { className: "msg msg-system msg-ended", text: ct("endedBy", { who }) }));
  }

  /** I step out; a colleague stays with the customer: the chat is no longer in my lists. */
  async function leaveChat(chat) {
    if (await participantsUi.leave(chat.conv)) dropChat(chat.conv.id);
  }

  function dropChat(id) {
    state.chats.delete(id);
    if (state.selected === id) { state.selected = null; renderEmptyPane(); }
    renderLists();
  }

  /** Someone joined or left one of my chats (or I left it, in another tab). */
  function onParticipantsChanged(data) {
    const chat = state.chats.get(data.conversation_id);
    if (!chat) return refreshState();
    if (data.change === "left" && data.employee_id === state.me.id) return dropChat(data.conversation_id);
    if (data.change === "joined") handoverUi.settle(data.conversation_id);
    upsertChat({ ...chat.conv, participants: data.participants, employee_id: data.lead_id }, chat.list);
    const line = changeLine(data, state.me.id, ct);
    if (line && state.selected === data.conversation_id) { paneEvent(line); renderFooter(chat); }
  }

  async function closeChat(chat) {
    const ack = await act("close", { conversation_id: chat.conv.id });
    if (!ack.ok) toast(errorText(ack), "error");
    else markClosed(chat, "employee");
  }

  function markClosed(chat, by) {
    if (chat.conv.status === "closed" && chat.endedBy) return;
    chat.conv = { ...chat.conv, status: "closed" };
    chat.endedBy = by;
    chat.typing = false;
    renderLists();
    if (state.selected !== chat.conv.id) {
      if (by === "customer") toast(ct("endedBy", { who: customerName(chat.conv) }));
      return;
    }
    renderPaneHeader(chat);
    renderEnded(chat);
    renderTyping(chat);
    renderFooter(chat);
    scrollToEnd(true);
  }

  /* ---------- typing ---------- */

  function customerTyping(data) {
    const chat = state.chats.get(data.conversation_id);
    if (!chat) return;
    clearTimeout(chat.typingTimer);
    chat.typing = Boolean(data.typing);
    chat.typingWho = data.author === "employee" ? data.employee_name || ct("aColleague") : null; // a colleague in the chat
    if (chat.typing) {
      chat.typingTimer = setTimeout(() => customerTyping({ conversation_id: chat.conv.id, typing: false }), TYPING_SHOWN_MS);
    }
    renderLists();
    if (state.selected === chat.conv.id) renderTyping(chat);
  }

  function renderTyping(chat) {
    if (!ui.typing) return;
    ui.typing.hidden = !chat.typing;
    ui.typing.textContent = chat.typing ? ct("isTyping", { who: chat.typingWho || customerName(chat.conv) }) : "";
    if (chat.typing) scrollToEnd(false);
  }

  /* ---------- server events ---------- */

  function onSaid(msg) {
    const chat = state.chats.get(msg.conversation_id);
    if (!chat) {
      refreshState(); // a conversation we do not list yet (e.g. a reply in an older inbox item)
      return;
    }
    const added = addMessage(chat, msg);
    if (chat.loaded && hasGap(chat.seen)) {
      chat.healSoon = chat.healSoon || healer(() => hasGap(chat.seen), () => syncChat(chat));
      chat.healSoon();
    }
    if (msg.author === "customer") customerTyping({ conversation_id: chat.conv.id, typing: false });
    if (added && msg.author !== "employee" && (state.selected !== chat.conv.id || document.hidden)) {
      chat.unread += 1;
    }
    renderLists();
  }

  function onAssigned(conv) {
    for (const [id, entry] of [...state.offers]) if (entry.offer.conversation_id === conv.id) removeOffer(id);
    upsertChat(conv, "live");
  }

  function onOfferClosed({ offer_id: offerId, outcome }) {
    if (!state.offers.has(offerId)) return;
    removeOffer(offerId);
    if (outcome === "expired") toast(ct("timedOut"));
    if (outcome === "withdrawn") toast(ct("withdrawn"));
    if (outcome === "unreachable") toast(ct("unreachable"));
  }

  function onInbox(conv) {
    const known = state.chats.has(conv.id);
    upsertChat(conv, listFor(conv));
    if (!known) toast(ct("newInInbox", { who: customerName(conv) }));
  }

  /** The customer left the page or came back: said in the list, the header and the chat. */
  function onCustomerPresence({ conversation_id: id, present }) {
    const chat = state.chats.get(id);
    if (!chat) return;
    upsertChat({ ...chat.conv, customer_present: present }, chat.list);
    const who = customerName(chat.conv);
    if (state.selected === id) {
      paneEvent(present ? ct("isBack", { who }) : ct("leftThePage", { who }));
      refreshPane(chat);
    } else if (!present) {
      toast(ct("leftThePage", { who }));
    }
  }

  /** The customer left their address (and name) in the widget: where a reply goes. */
  function onCustomerDetails({ conversation_id: id, customer_name, customer_email }) {
    const chat = state.chats.get(id);
    if (!chat) return;
    upsertChat({ ...chat.conv, customer_name, customer_email }, chat.list);
    if (state.selected === id) refreshPane(chat);
  }

  /** My console was gone too long: the chat went on to a colleague. */
  function onMovedOn({ conversation_id: id }) {
    const chat = state.chats.get(id);
    if (!chat) return;
    upsertChat({ ...chat.conv, status: "waiting", employee_id: null }, chat.list);
    if (state.selected === id) refreshPane(chat);
    toast(ct("awayTooLong"));
  }

  /** Someone answered a question from the general queue: it is theirs now. */
  function onClaimed({ conversation_id: id }) {
    const chat = state.chats.get(id);
    if (!chat || chat.list !== "inbox" || chat.conv.employee_id === state.me.id) return;
    if (state.selected !== id) {
      state.chats.delete(id);
      renderLists();
    }
  }

  /** A line in the open chat about something that happened (not a stored message). */
  function paneEvent(text) {
    if (!ui.messages) return;
    const now = new Date().toLocaleTimeString(LANGUAGE, { hour: "2-digit", minute: "2-digit" });
    ui.messages.appendChild(el("li", { className: "msg msg-system msg-event", text: `${text} ${now}` }));
    scrollToEnd(false);
  }

  let refreshTimer = null;
  function refreshState() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(loadState, 300);
  }

  async function loadState() {
    const ack = await request("state", {});
    if (ack.ok) applyState(ack);
    else toast(errorText(ack), "error");
  }

  /** The heartbeat's answer lists open offers and where each live chat stands: an offer or a
   * message whose event was lost on the way (the message queue restarting) shows up within one
   * heartbeat, without a reload. */
  async function beat() {
    const ack = await request("heartbeat", {});
    if (!ack.ok) return;
    const open = new Set(ack.offers);
    if (ack.offers.some((id) => !state.offers.has(id)) || [...state.offers.keys()].some((id) => !open.has(id))
        || ack.conversations.some((c) => !state.chats.has(c.id))) {
      loadState();
    }
    const live = new Set(ack.conversations.map((c) => c.id));
    for (const cursor of ack.conversations) {
      const chat = state.chats.get(cursor.id);
      if (chat && chat.loaded && (behind(chat.seen, cursor.last_seq) || chat.conv.status !== cursor.status)) syncChat(chat);
    }
    for (const chat of state.chats.values()) { // live here, not there: its `closed` was lost
      if (chat.loaded && chat.conv.status === "active" && !live.has(chat.conv.id)) syncChat(chat);
    }
  }

  async function onConnect() {
    setConnection("connected");
    await loadState();
    handoverUi.load();
    for (const chat of state.chats.values()) {
      if (chat.loaded || chat.conv.id === state.selected) syncChat(chat);
    }
  }

  function connect() {
    const socket = io(`${location.origin}/employee`, { transports: ["websocket"] });
    state.socket = socket;
    socket.on("connect", onConnect);
    socket.on("disconnect", () => {
      setConnection("reconnecting");
      for (const chat of state.chats.values()) for (const p of chat.pending) p.inflight = false;
    });
    socket.on("connect_error", (err) => {
      if (err && err.message === "unauthenticated") return signedOut();
      common.retryIfUnavailable(socket, err);
      setConnection("reconnecting");
    });
    socket.on("offered", (offer) => {
      addOffer(offer, true);
      alertNewOffer(offer);
    });
    socket.on("offer_closed", onOfferClosed);
    socket.on("assigned", onAssigned);
    socket.on("said", onSaid);
    socket.on("typing", customerTyping);
    socket.on("closed", ({ conversation_id: id, by }) => {
      const chat = state.chats.get(id);
      if (chat) markClosed(chat, by);
    });
    socket.on("inbox", onInbox);
    socket.on("customer_presence", onCustomerPresence);
    socket.on("customer_details", onCustomerDetails);
    socket.on("left", onMovedOn);
    socket.on("claimed", onClaimed);
    socket.on("noted", (note) => notesUi.add(note.conversation_id, [note]));
    socket.on("participants_changed", onParticipantsChanged);
    handoverUi.listen(socket);
    setInterval(beat, CONFIG.console_heartbeat_ms || HEARTBEAT_MS);
    setInterval(() => state.offers.forEach(tickOffer), 1000);
  }

  function signedOut() {
    setConnection("signedout");
    ui.pane.replaceChildren(el("div", { className: "pane-empty" },
      el("h2", { text: ct("sessionEnded") }),
      el("p", {}, ...signInAgain())));
  }

  /** "Please sign in again to receive questions." with the link where the language puts it. */
  function signInAgain() {
    const [before, after] = ct("signInAgain", { link: "\u0000" }).split("\u0000");
    return [before, el("a", { href: "/login", text: ct("signInLink") }), after];
  }

  document.addEventListener("visibilitychange", () => {
    const chat = state.chats.get(state.selected);
    if (!document.hidden && chat && chat.unread) {
      chat.unread = 0;
      renderLists();
    }
  });

  buildLayout();
  setConnection("connecting");
  connect();
})();
