/* The customer widget, inside the iframe served at /widget.
 *
 * Ask a question over HTTP, then chat over the /customer Socket.IO namespace with the
 * colleague who accepted it. Every message carries a client_id so a retry after a dropped
 * connection is stored once; every rendered message is keyed by its seq so none shows twice.
 * All chat text goes through textContent: HTML typed by anyone stays literal text.
 */
(() => {
  "use strict";

  const VISITOR_KEY = "matchmaker.visitor";
  const CONVERSATION_KEY = "matchmaker.conversation";
  const MAX_QUESTION = 2000;
  const common = window.MatchmakerCommon; // common.js
  const { MAX_MESSAGE, TYPING_SHOWN_MS, el, linkified, submitOnEnter, initials, randomId } = common;

  const root = document.getElementById("mm-widget");
  const params = new URLSearchParams(location.search);
  const PAGE_URL = params.get("page") || "";
  const LANGUAGE = params.get("lang") || "en";
  const EMBEDDED = window.parent !== window;

  const state = {
    conversation: null, // {id, token, last_seq, name, pending: [{client_id, body}]}
    socket: null,
    seen: new Set(),
    phase: "ask", // ask | chat | rating | thanks
    status: null,
    employee: null,
    asking: null,
    contact: { name: "", email: "" },
    theirTyping: null,
  };
  const ui = {};

  const { request, emitQuietly, sendUntilAnswered } = common.socketClient(
    () => state.socket, { offlineMessage: "You are offline; try again in a moment" });
  // My typing: one conversation, so no key.
  const { changed: typingChanged, stop: stopTyping } = common.typingNotifier(
    (_, typing) => emitQuietly("typing", { typing }));

  /* ---------- small helpers (text only; never innerHTML) ---------- */

  function firstName(name) {
    return String(name || "").trim().split(/\s+/)[0] || "Your colleague";
  }

  function clockTime(iso) {
    const date = iso ? new Date(iso) : new Date();
    return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function sentence(message) {
    return common.sentence(message, "Something went wrong. Please try again.");
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

  function visitorId() {
    let id = readStore(VISITOR_KEY);
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      id = randomId(24);
      writeStore(VISITOR_KEY, id);
    }
    return id;
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
    Object.assign(state, { conversation: null, socket: null, seen: new Set(), status: null,
      employee: null, asking: null });
    writeStore(CONVERSATION_KEY, null);
  }

  /* ---------- talking to the host page ---------- */

  function tellHost(kind) {
    if (EMBEDDED) window.parent.postMessage({ matchmaker: kind }, "*"); // no data, just a nudge
  }

  window.addEventListener("message", (event) => {
    if (event.source === window.parent && event.data && event.data.matchmaker === "opened") {
      focusMain();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") tellHost("close");
  });

  function focusMain() {
    const target = document.getElementById("mm-input") || document.getElementById("mm-question");
    if (target && !target.disabled) target.focus({ preventScroll: true });
  }

  /* ---------- frame: header, connection bar, body ---------- */

  function buildShell() {
    ui.avatar = el("div", { className: "mm-avatar mm-avatar-brand", "aria-hidden": "true" });
    ui.title = el("h1", { className: "mm-title", text: "Ask us anything" });
    ui.subtitle = el("p", { className: "mm-subtitle", text: "Answered live by the colleague who knows best" });
    ui.endButton = el("button", { type: "button", id: "mm-close", className: "mm-header-button",
      hidden: true, onclick: endChat }, "End chat");
    const minimise = el("button", { type: "button", className: "mm-icon-button",
      "aria-label": "Minimise", title: "Minimise", hidden: !EMBEDDED, onclick: () => tellHost("close") },
    el("span", { "aria-hidden": "true", className: "mm-minimise-bar" }));
    const header = el("header", { className: "mm-header" }, ui.avatar,
      el("div", { className: "mm-heading" }, ui.title, ui.subtitle), ui.endButton, minimise);
    ui.conn = el("div", { className: "mm-conn", role: "status", hidden: true });
    ui.body = el("div", { className: "mm-body" });
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
      ui.title.textContent = "Ask us anything";
      ui.subtitle.textContent = "Answered live by the colleague who knows best";
      ui.subtitle.removeAttribute("title");
    }
  }

  function setConnection(kind) {
    const texts = { reconnecting: "Reconnecting…", offline: "You are offline. Messages will be sent when you are back." };
    ui.conn.hidden = !texts[kind];
    ui.conn.textContent = texts[kind] || "";
    ui.conn.dataset.kind = kind;
  }

  /* ---------- the ask form ---------- */

  function showAsk(notice) {
    state.phase = "ask";
    setHeader(null);
    ui.endButton.hidden = true;
    const error = el("p", { className: "mm-error", id: "mm-ask-error", role: "alert", hidden: !notice, text: notice || "" });
    const question = el("textarea", { id: "mm-question", name: "question", rows: "4", required: true,
      maxlength: String(MAX_QUESTION), placeholder: "e.g. Can I send Peppol e-invoices from the API?",
      "aria-describedby": "mm-ask-error" });
    const name = el("input", { id: "mm-name", name: "name", type: "text", autocomplete: "name", maxlength: "120" });
    const email = el("input", { id: "mm-email", name: "email", type: "email", autocomplete: "email", maxlength: "254" });
    name.value = state.contact.name;
    email.value = state.contact.email;
    const button = el("button", { id: "mm-ask", type: "submit", className: "mm-primary" }, "Ask");
    const form = el("form", { className: "mm-ask", novalidate: true },
      el("div", { className: "mm-intro" },
        el("h2", { text: "Talk to the people behind the product" }),
        el("p", { text: "Ask in your own words. We find the developer, sales or support colleague best placed to answer — and they reply here, live." })),
      el("label", { className: "mm-field", for: "mm-question" }, "What would you like to know?"),
      question,
      el("div", { className: "mm-row" },
        el("div", {}, el("label", { className: "mm-field", for: "mm-name" }, "Name ", el("span", { className: "mm-optional", text: "(optional)" })), name),
        el("div", {}, el("label", { className: "mm-field", for: "mm-email" }, "E-mail ", el("span", { className: "mm-optional", text: "(optional)" })), email)),
      error, button,
      el("p", { className: "mm-fineprint", text: "We use your name and e-mail only to answer you." }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      ask({ question, name, email, button, error });
    });
    submitOnEnter(question, () => form.requestSubmit());
    ui.body.replaceChildren(form);
    if (!EMBEDDED || document.hasFocus()) question.focus({ preventScroll: true });
  }

  async function ask({ question, name, email, button, error }) {
    const text = question.value.trim();
    const showError = (message) => {
      error.textContent = sentence(message);
      error.hidden = false;
    };
    if (!text) return showError("Please type your question first");
    error.hidden = true;
    button.disabled = true;
    button.textContent = "Finding the right person…";
    state.contact = { name: name.value.trim(), email: email.value.trim() };
    try {
      const response = await fetch("/api/conversations", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ question: text, visitor_id: visitorId(), name: state.contact.name,
          email: state.contact.email, page_url: PAGE_URL, language: LANGUAGE }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(body.message || `The server answered ${response.status}`);
      started(body);
    } catch (err) {
      showError(err instanceof TypeError ? "We could not reach the server. Check your connection and try again" : err.message);
      button.disabled = false;
      button.textContent = "Ask";
    }
  }

  function started(body) {
    // last_seq 0: the first sync brings the question itself back as the first message.
    state.conversation = { id: body.id, token: body.token, last_seq: 0, name: state.contact.name, pending: [] };
    saveConversation();
    showChat();
    applyConversation(body);
    connect();
  }

  /* ---------- the chat ---------- */

  function showChat() {
    state.phase = "chat";
    ui.endButton.hidden = false;
    ui.status = el("div", { className: "mm-status", id: "mm-status", "aria-live": "polite" });
    ui.messages = el("ol", { id: "mm-messages", className: "mm-messages", "aria-label": "Messages", "aria-live": "polite" });
    ui.typingIndicator = el("div", { className: "mm-typing", id: "mm-typing", hidden: true, "aria-live": "polite" });
    ui.footer = el("div", { className: "mm-footer" });
    const scroller = el("div", { className: "mm-scroll" }, ui.status, ui.messages, ui.typingIndicator);
    ui.scroller = scroller;
    ui.body.replaceChildren(el("div", { className: "mm-chat" }, scroller, ui.footer));
    showComposer();
    for (const pending of state.conversation.pending) renderPending(pending);
  }

  function showComposer() {
    const input = el("textarea", { id: "mm-input", rows: "1", placeholder: "Write a message…",
      "aria-label": "Your message", maxlength: String(MAX_MESSAGE) });
    const send = el("button", { id: "mm-send", type: "submit", className: "mm-send", "aria-label": "Send" },
      el("span", { className: "mm-send-icon", "aria-hidden": "true" }));
    ui.composerError = el("p", { className: "mm-error", role: "alert", hidden: true });
    const form = el("form", { className: "mm-composer" }, input, send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      sendFromComposer(input);
    });
    submitOnEnter(input, () => form.requestSubmit());
    input.addEventListener("input", () => {
      autoGrow(input);
      typingChanged(input.value.trim() !== "");
    });
    ui.footer.replaceChildren(ui.composerError, form);
  }

  function autoGrow(textarea) {
    textarea.style.height = "auto";
    textarea.style.height = `${Math.min(textarea.scrollHeight, 120)}px`;
  }

  function scrollToEnd(force) {
    common.scrollToEnd(ui.scroller, force, 120);
  }

  /* The banner above the messages says who is being asked, who joined, or what to do now. */

  function showAsking(person, reason) {
    state.asking = person;
    const text = [`Asking `, el("strong", { text: person.name }), `, ${person.title}`];
    if (reason) text.push(` — ${reason}`);
    ui.status.replaceChildren(el("div", { className: "mm-banner mm-banner-asking" },
      el("div", { className: "mm-avatar mm-avatar-small", "aria-hidden": "true", text: initials(person.name) }),
      el("div", {}, el("p", { id: "mm-asking" }, ...text),
        el("p", { className: "mm-hint" }, el("span", { className: "mm-dots", "aria-hidden": "true" }, el("i"), el("i"), el("i")),
          " Usually answers within a minute"))));
  }

  function showWaiting() {
    ui.status.replaceChildren(el("div", { className: "mm-banner" },
      el("p", { className: "mm-hint" }, el("span", { className: "mm-dots", "aria-hidden": "true" }, el("i"), el("i"), el("i")),
        " Finding the colleague best placed to answer…")));
  }

  function showJoined(person) {
    state.employee = person;
    setHeader(person);
    ui.status.replaceChildren(el("div", { className: "mm-banner mm-banner-joined" },
      el("p", { id: "mm-joined" }, el("strong", { text: person.name }), " joined the chat")));
  }

  function showOffline(best, emailLeft) {
    state.employee = best;
    if (best) setHeader(best);
    const who = best ? `${best.name} (${best.title})` : "a colleague";
    const banner = el("div", { className: "mm-banner mm-banner-offline" },
      el("p", { id: "mm-offline", text: `Nobody is free right now. Leave your e-mail and ${who} will answer you.` }));
    ui.status.replaceChildren(banner);
    if (emailLeft) banner.appendChild(offlineDone());
    else banner.appendChild(offlineForm(banner));
  }

  function offlineDone() {
    const name = state.employee ? state.employee.name : "we";
    return el("p", { id: "mm-offline-done", className: "mm-done", text: `Thanks — ${name} will e-mail you.` });
  }

  function offlineForm(banner) {
    const email = el("input", { id: "mm-offline-email", type: "email", required: true, autocomplete: "email",
      placeholder: "you@company.com", "aria-label": "Your e-mail" });
    email.value = state.contact.email;
    const button = el("button", { id: "mm-offline-send", type: "submit", className: "mm-primary mm-compact" }, "Send");
    const error = el("p", { className: "mm-error", role: "alert", hidden: true });
    const form = el("form", { className: "mm-offline-form", novalidate: true }, email, button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      button.disabled = true;
      const ack = await request("leave_email", { email: email.value.trim(), name: state.contact.name || state.conversation.name || "" });
      button.disabled = false;
      if (!ack.ok) {
        error.textContent = sentence(ack.message);
        error.hidden = false;
        return;
      }
      state.contact.email = email.value.trim();
      form.replaceWith(offlineDone());
      error.remove();
    });
    const wrap = document.createDocumentFragment();
    wrap.append(form, error);
    return wrap;
  }

  function applyConversation(conv) {
    state.status = conv.status;
    if (conv.status === "closed") return showClosed(null, conv.rated);
    if (conv.status === "active" && conv.employee) return showJoined(conv.employee);
    if (conv.status === "offline") return showOffline(conv.employee, conv.email_left);
    if (conv.asking) return showAsking(conv.asking, conv.reason);
    return showWaiting();
  }

  /* ---------- messages ---------- */

  function renderMessage(msg) {
    if (!ui.messages || state.seen.has(msg.seq)) return;
    state.seen.add(msg.seq);
    settlePending(msg);
    const item = messageElement(msg);
    const later = Array.from(ui.messages.children).find((node) =>
      node.dataset.seq ? Number(node.dataset.seq) > msg.seq : true);
    ui.messages.insertBefore(item, later || null);
    if (state.conversation && msg.seq > state.conversation.last_seq) {
      state.conversation.last_seq = msg.seq;
      saveConversation();
    }
    scrollToEnd(msg.author === "customer");
  }

  function messageElement(msg) {
    const item = el("li", { className: `mm-msg mm-${msg.author}`, dataset: { seq: String(msg.seq) } });
    if (msg.author === "system") {
      item.textContent = msg.body;
      return item;
    }
    const bubble = el("div", { className: "mm-bubble" });
    bubble.appendChild(linkified(msg.body));
    const who = msg.author === "customer" ? "You" : firstName(state.employee && state.employee.name);
    item.append(el("span", { className: "mm-sr", text: `${who}: ` }), bubble,
      el("span", { className: "mm-meta", text: clockTime(msg.at) }));
    return item;
  }

  function renderPending(pending) {
    const item = el("li", { className: "mm-msg mm-customer mm-pending", dataset: { clientId: pending.client_id } },
      el("div", { className: "mm-bubble", text: pending.body }),
      el("span", { className: "mm-meta", text: "Sending…" }));
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

  function failPending(pending, message) {
    state.conversation.pending = state.conversation.pending.filter((p) => p !== pending);
    saveConversation();
    const node = pendingElement(pending.client_id);
    if (!node) return;
    node.classList.replace("mm-pending", "mm-failed");
    node.querySelector(".mm-meta").textContent = `Not sent: ${sentence(message)}`;
  }

  function sendFromComposer(input) {
    const body = input.value.trim();
    if (!body) return;
    if (body.length > MAX_MESSAGE) {
      ui.composerError.textContent = `Please keep a message under ${MAX_MESSAGE} characters.`;
      ui.composerError.hidden = false;
      return;
    }
    ui.composerError.hidden = true;
    input.value = "";
    autoGrow(input);
    stopTyping();
    const pending = { client_id: `c-${randomId(16)}`, body };
    state.conversation.pending.push(pending);
    saveConversation();
    renderPending(pending);
    emitSay(pending);
  }

  function emitSay(pending) {
    sendUntilAnswered("say", { body: pending.body, client_id: pending.client_id }, pending, (ack) => {
      if (ack && ack.ok) renderMessage(ack.message);
      else failPending(pending, ack && ack.message);
    });
  }

  function flushPending() {
    for (const pending of state.conversation ? state.conversation.pending : []) emitSay(pending);
  }

  /* ---------- typing ---------- */

  function showTheirTyping(typing) {
    if (!ui.typingIndicator) return;
    clearTimeout(state.theirTyping);
    ui.typingIndicator.hidden = !typing;
    if (!typing) return;
    ui.typingIndicator.replaceChildren(el("span", { className: "mm-dots", "aria-hidden": "true" }, el("i"), el("i"), el("i")),
      ` ${state.employee ? state.employee.name : "Your colleague"} is typing…`);
    scrollToEnd(false);
    state.theirTyping = setTimeout(() => { ui.typingIndicator.hidden = true; }, TYPING_SHOWN_MS);
  }

  /* ---------- closing, rating, consent ---------- */

  function endChat() {
    ui.endButton.disabled = true;
    request("close", {}).then((ack) => {
      ui.endButton.disabled = false;
      if (ack.ok) showClosed("customer", false);
      else showComposerError(ack.message);
    });
  }

  function showComposerError(message) {
    if (!ui.composerError) return;
    ui.composerError.textContent = sentence(message);
    ui.composerError.hidden = false;
  }

  function showClosed(by, rated) {
    state.status = "closed";
    ui.endButton.hidden = true;
    showTheirTyping(false);
    if (by && ui.messages && !ui.messages.querySelector(".mm-ended")) {
      const who = by === "customer" ? "You" : (state.employee ? state.employee.name : "Your colleague");
      ui.messages.appendChild(el("li", { className: "mm-msg mm-system mm-ended", text: `${who} ended the chat.` }));
    }
    if (state.phase === "chat" && ui.status && !ui.status.querySelector("#mm-joined, #mm-offline")) {
      ui.status.replaceChildren();
    }
    if (rated) showThanks();
    else if (state.phase !== "rating" && state.phase !== "thanks") showRating();
    scrollToEnd(true);
  }

  function showRating() {
    state.phase = "rating";
    const choice = { stars: 0, consent: null };
    const stars = [1, 2, 3, 4, 5].map((n) => el("button", {
      type: "button", className: "mm-star", dataset: { stars: String(n) }, "aria-pressed": "false",
      "aria-label": `${n} star${n > 1 ? "s" : ""}`, text: "★",
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
    const yes = el("button", { type: "button", id: "mm-consent-yes", className: "mm-choice", "aria-pressed": "false" }, "Yes, you may");
    const no = el("button", { type: "button", id: "mm-consent-no", className: "mm-choice", "aria-pressed": "false" }, "No, thanks");
    for (const [button, granted] of [[yes, true], [no, false]]) {
      button.addEventListener("click", () => {
        choice.consent = granted;
        yes.setAttribute("aria-pressed", String(granted));
        no.setAttribute("aria-pressed", String(!granted));
      });
    }
    const comment = el("textarea", { id: "mm-comment", rows: "2", maxlength: "2000", placeholder: "What made it helpful — or not?" });
    const error = el("p", { className: "mm-error", role: "alert", hidden: true });
    const send = el("button", { type: "submit", id: "mm-rate-send", className: "mm-primary" }, "Send feedback");
    const form = el("form", { className: "mm-rating", novalidate: true },
      el("h2", { text: "How was this conversation?" }),
      el("div", { className: "mm-stars", role: "group", "aria-label": "Your rating" }, stars),
      el("label", { className: "mm-field", for: "mm-comment" }, "Anything to add? ", el("span", { className: "mm-optional", text: "(optional)" })),
      comment,
      el("fieldset", { className: "mm-consent" },
        el("legend", { text: "May we quote this conversation (without your personal details)?" }),
        el("div", { className: "mm-choices" }, yes, no)),
      error, send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitRating(choice, comment.value.trim(), send, error);
    });
    ui.footer.replaceChildren(form);
  }

  async function submitRating(choice, comment, send, error) {
    if (!choice.stars) {
      error.textContent = "Please choose from 1 to 5 stars.";
      error.hidden = false;
      return;
    }
    error.hidden = true;
    send.disabled = true;
    let ack = await request("rate", { stars: choice.stars, comment });
    if (ack.ok && choice.consent !== null) {
      ack = await request("consent", { granted: choice.consent, scope: "quote_anonymised" });
    }
    send.disabled = false;
    if (!ack.ok) {
      error.textContent = sentence(ack.message);
      error.hidden = false;
      return;
    }
    showThanks();
  }

  function showThanks() {
    state.phase = "thanks";
    const again = el("button", { type: "button", id: "mm-new", className: "mm-secondary" }, "Ask something else");
    again.addEventListener("click", () => {
      forgetConversation();
      showAsk();
    });
    ui.footer.replaceChildren(el("div", { className: "mm-thanks-panel" },
      el("p", { id: "mm-thanks", className: "mm-thanks", text: "Thank you!" }),
      el("p", { className: "mm-hint", text: "Your feedback helps us send every question to the right person." }),
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
        showAsk("That conversation is no longer available. Ask again and we will find someone.");
        return;
      }
      setConnection(navigator.onLine === false ? "offline" : "reconnecting");
    });
    socket.on("asking", (data) => {
      if (state.status === "closed") return;
      state.status = "offered";
      showAsking(data.employee, data.reason);
    });
    socket.on("accepted", (data) => {
      state.status = "active";
      showJoined(data.employee);
      tellHost("unread");
    });
    socket.on("said", (msg) => {
      renderMessage(msg);
      if (msg.author === "employee") {
        showTheirTyping(false);
        tellHost("unread");
      }
    });
    socket.on("typing", (data) => showTheirTyping(Boolean(data && data.typing)));
    socket.on("unavailable", (data) => {
      state.status = "offline";
      showOffline(data.best, false);
    });
    socket.on("closed", (data) => showClosed(data.by, false));
  }

  async function onConnect() {
    setConnection("connected");
    // Messages rendered in this page so far; a fresh page rebuilds the transcript from 0.
    const after = state.seen.size ? Math.max(...state.seen) : 0;
    const ack = await request("sync", { after_seq: after });
    if (!ack.ok) return;
    for (const msg of ack.messages) renderMessage(msg);
    if (state.phase === "chat" || ack.conversation.status === "closed") applyConversation(ack.conversation);
    flushPending();
  }

  /* ---------- start ---------- */

  buildShell();
  visitorId(); // one stable id per browser, created on first load
  state.conversation = loadConversation();
  if (state.conversation) {
    state.contact.name = state.conversation.name || "";
    showChat();
    showWaiting();
    connect();
  } else {
    showAsk();
  }
})();
