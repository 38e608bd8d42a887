/* Handing a live chat over to a colleague, in the employee console.
 *
 * A "Hand over" button in the chat's header opens a panel with the colleagues the matcher
 * suggests for the conversation so far (name, team, why them, how busy); choose one, or up to
 * three (the first to accept takes it), add a note, send. While it waits the panel counts down
 * and can be cancelled; the outcome is shown (who declined, who did not answer). Handover
 * requests to me appear with the other requests, with a preview, the note and a countdown.
 * Socket.IO: suggest_colleagues, hand_over, cancel_handover, accept_handover,
 * decline_handover, seen_handover, handover_state; handover_offered, handover_closed,
 * handover_answered, handed_over, handover_failed. Text is rendered with textContent only.
 *
 * Inviting a colleague to join beside me (participants.js shows who is in the chat) is the same
 * request with purpose "invite": an "Invite" button for anyone in the chat, the same picker and
 * offer card with other words, sent as `invite`; it ends when they join (settle).
 */

export const MAX_COLLEAGUES = 3;

/** Python's isoformat may carry microseconds; keep milliseconds so every browser parses it. */
function parseTime(iso) {
  return iso ? Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1")) : NaN;
}

/** When an offer or a request runs out, on this browser's clock: a fresh one gets its whole
 * time from now (whatever the clocks say); one loaded later keeps the server's deadline. */
export function deadlineOf(item, fresh, now = Date.now()) {
  const total = Math.max(1000, parseTime(item.expires_at) - parseTime(item.requested_at) || 30000);
  const deadline = fresh ? now + total : Math.min(parseTime(item.expires_at), now + total);
  return { deadline, total };
}

/** How each colleague asked answered, grouped: {declined: [names], unanswered: [names]}. */
export function summarizeAnswers(answers) {
  const names = (outcome) => answers.filter((a) => outcome(a.outcome)).map((a) => a.employee.name);
  return {
    declined: names((o) => o === "declined"),
    unanswered: names((o) => o === null || o === "expired" || o === "withdrawn"),
  };
}

/** Whether one more colleague may be ticked. */
export function canChooseMore(chosen) {
  return chosen.size < MAX_COLLEAGUES;
}

export function createHandover({ el, ct, request, emitQuietly, errorText, toast, clockTime,
  takeChat, dropChat, beep }) {
  const pending = new Map(); // conversation_id -> {handover, deadline, total, outcome}
  const offers = new Map(); // handover_id -> {offer, deadline, total, node}
  const panels = new Map(); // conversation_id -> open panel state {suggestions, chosen, note}
  const offerList = el("div", { className: "handover-offers", id: "handover-offers" });
  let box = null; // the panel under the open chat's header
  let shownFor = null;

  /* ---------- the requester: the button, the panel, the pending state ---------- */

  /** The chat header's button and the box below it (called whenever the header is drawn). */
  function decorate(conv, header, mine, inside = mine) {
    shownFor = conv.id;
    if (!box || !box.isConnected) box = el("section", { className: "handover-box", id: "handover-box", "aria-live": "polite" });
    header.after(box);
    if (inside && conv.status === "active" && !pending.has(conv.id) && !panels.has(conv.id)) {
      const invite = el("button", { type: "button", id: "invite", className: "button" }, ct("invite"));
      invite.addEventListener("click", () => openPanel(conv.id, "invite"));
      header.appendChild(invite);
      if (mine) {
        const button = el("button", { type: "button", id: "hand-over", className: "button" }, ct("handOver"));
        button.addEventListener("click", () => openPanel(conv.id, "hand_over"));
        header.appendChild(button);
      }
    }
    renderBox();
  }

  async function openPanel(conversationId, purpose = "hand_over") {
    panels.set(conversationId, { suggestions: null, chosen: new Set(), note: "", purpose });
    rerender();
    const ack = await request("suggest_colleagues", { conversation_id: conversationId, purpose });
    const panel = panels.get(conversationId);
    if (!panel) return;
    if (!ack.ok) {
      panels.delete(conversationId);
      toast(errorText(ack), "error");
    } else {
      panel.suggestions = ack.suggestions;
    }
    rerender();
  }

  function closePanel(conversationId) {
    panels.delete(conversationId);
    rerender();
  }

  let rerender = () => renderBox();
  /** console.js redraws the header after a change of panel state (the button comes and goes). */
  function onChange(fn) { rerender = fn; }

  function renderBox() {
    if (!box || shownFor === null) return;
    const waiting = pending.get(shownFor);
    const panel = panels.get(shownFor);
    if (waiting) box.replaceChildren(...pendingView(shownFor, waiting));
    else if (panel) box.replaceChildren(...panelView(shownFor, panel));
    else box.replaceChildren();
    box.hidden = !waiting && !panel;
  }

  function panelView(conversationId, panel) {
    const inviting = panel.purpose === "invite";
    const title = el("h3", { className: "handover-title", text: ct(inviting ? "inviteTitle" : "handOverTitle") });
    if (panel.suggestions === null) return [title, el("p", { className: "handover-hint", text: ct("findingColleagues") })];
    const close = el("button", { type: "button", className: "button handover-close" }, ct("close"));
    close.addEventListener("click", () => closePanel(conversationId));
    if (!panel.suggestions.length) return [title, el("p", { className: "handover-hint", text: ct(inviting ? "nobodyToInvite" : "nobodyToHandTo") }), close];
    const list = el("ul", { className: "handover-suggestions" },
      ...panel.suggestions.map((s) => suggestionItem(panel, s)));
    const note = el("textarea", { id: "handover-note", rows: "2", maxlength: "500",
      placeholder: ct("handOverNote"), "aria-label": ct("handOverNote") });
    note.value = panel.note;
    note.addEventListener("input", () => { panel.note = note.value; });
    const send = el("button", { type: "submit", id: "handover-send", className: "button primary",
      disabled: panel.chosen.size === 0 }, ct(inviting ? "inviteSend" : "handOverSend"));
    const form = el("form", { className: "handover-form" }, list, note,
      el("div", { className: "handover-actions" }, send, close));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      sendHandover(conversationId, panel, send);
    });
    return [title, el("p", { className: "handover-hint", text: ct(inviting ? "inviteHint" : "handOverHint", { max: MAX_COLLEAGUES }) }), form];
  }

  function suggestionItem(panel, s) {
    const tickBox = el("input", { type: "checkbox", value: String(s.employee_id),
      checked: panel.chosen.has(s.employee_id),
      disabled: !panel.chosen.has(s.employee_id) && !canChooseMore(panel.chosen) });
    tickBox.addEventListener("change", () => {
      if (tickBox.checked) panel.chosen.add(s.employee_id);
      else panel.chosen.delete(s.employee_id);
      renderBox();
    });
    const who = [s.employee.title, s.employee.team].filter(Boolean).join(" · ");
    const why = [s.reason, s.answered_similar ? ct("answeredSimilarColleague") : ""].filter(Boolean).join(" · ");
    return el("li", { className: "handover-suggestion", dataset: { employeeId: String(s.employee_id) } },
      el("label", {}, tickBox,
        el("span", { className: "handover-who" }, el("strong", { text: s.employee.name }), who ? ` · ${who}` : ""),
        why ? el("span", { className: "handover-why", text: `${ct("why")} ${why}` }) : null,
        el("span", { className: "handover-load", text: ct("availableLoad", { load: s.load, capacity: s.capacity }) })));
  }

  async function sendHandover(conversationId, panel, button) {
    button.disabled = true;
    const ack = await request(panel.purpose === "invite" ? "invite" : "hand_over", { conversation_id: conversationId,
      employee_ids: [...panel.chosen], note: panel.note.trim() || null });
    if (!ack.ok) {
      button.disabled = false;
      toast(errorText(ack), "error");
      if (String(ack.error || "").startsWith("colleague_")) openPanel(conversationId); // who is free now
      return;
    }
    panels.delete(conversationId);
    setPending(ack.handover, true);
    rerender();
  }

  function setPending(handover, fresh) {
    pending.set(handover.conversation_id, { handover, ...deadlineOf(handover, fresh) });
  }

  function pendingView(conversationId, waiting) {
    const { handover } = waiting;
    if (waiting.outcome) return failedView(conversationId, waiting);
    const names = handover.answers.filter((a) => a.outcome === null).map((a) => a.employee.name);
    const declined = summarizeAnswers(handover.answers).declined;
    const cancel = el("button", { type: "button", id: "handover-cancel", className: "button" }, ct("cancelHandover"));
    cancel.addEventListener("click", () => cancelHandover(handover.handover_id, cancel));
    const left = Math.max(0, waiting.deadline - Date.now());
    return [
      el("p", { className: "handover-waiting", id: "handover-waiting",
        text: ct(handover.purpose === "invite" ? "waitingToJoin" : "waitingFor", { names: names.join(", ") }) }),
      declined.length ? el("p", { className: "handover-declined", text: ct("declinedBy", { names: declined.join(", ") }) }) : null,
      el("p", { className: "handover-countdown countdown", text: left > 0 ? ct("secondsLeft", { n: Math.ceil(left / 1000) }) : ct("expiring") }),
      el("div", { className: "handover-actions" }, cancel),
    ].filter(Boolean);
  }

  function failedView(conversationId, waiting) {
    const { declined, unanswered } = summarizeAnswers(waiting.handover.answers);
    const why = waiting.outcome === "cancelled" ? ct("handoverCancelled")
      : [declined.length ? ct("declinedBy", { names: declined.join(", ") }) : "",
        unanswered.length ? ct("didNotAnswer", { names: unanswered.join(", ") }) : ""].filter(Boolean).join(" ");
    const dismiss = el("button", { type: "button", className: "button" }, ct("close"));
    dismiss.addEventListener("click", () => { pending.delete(conversationId); rerender(); });
    const nobody = waiting.handover.purpose === "invite" ? ct("nobodyJoined") : ct("nobodyTookOver");
    return [el("p", { className: "handover-failed", id: "handover-failed", role: "status" },
      nobody, " ", why), el("div", { className: "handover-actions" }, dismiss)];
  }

  async function cancelHandover(handoverId, button) {
    button.disabled = true;
    const ack = await request("cancel_handover", { handover_id: handoverId });
    if (!ack.ok) {
      button.disabled = false;
      toast(errorText(ack), "error");
    }
  }

  function onAnswered(data) {
    const waiting = pending.get(data.conversation_id);
    if (!waiting) return;
    for (const answer of waiting.handover.answers) {
      if (answer.employee_id === data.employee_id && answer.outcome === null) answer.outcome = data.outcome;
    }
    if (data.conversation_id === shownFor) renderBox();
  }

  function onFailed(data) {
    const waiting = pending.get(data.conversation_id) || { handover: { ...data, answers: [] } };
    waiting.handover = { ...waiting.handover, answers: data.answers, outcome: data.outcome };
    waiting.outcome = data.outcome;
    pending.set(data.conversation_id, waiting);
    if (data.outcome === "conversation_closed") pending.delete(data.conversation_id);
    else if (data.outcome === "moved_on") { // the chat is no longer mine: nothing stays with me
      pending.delete(data.conversation_id);
      toast(ct("handoverMovedOn"));
    } else if (data.outcome !== "cancelled") {
      toast(waiting.handover.purpose === "invite" ? ct("nobodyJoined") : ct("nobodyTookOver"));
    }
    rerender();
  }

  /** A colleague joined the chat (participants_changed): my invite for it is over. */
  function settle(conversationId) {
    if (!pending.has(conversationId) || pending.get(conversationId).outcome) return;
    pending.delete(conversationId);
    rerender();
  }

  function onHandedOver(data) {
    pending.delete(data.conversation_id);
    panels.delete(data.conversation_id);
    toast(ct("handedOverTo", { name: data.employee.name }));
    dropChat(data.conversation_id);
  }

  /* ---------- a colleague asks me ---------- */

  function addOffer(offer, fresh) {
    if (offers.has(offer.handover_id)) return;
    const entry = { offer, ...deadlineOf(offer, fresh), node: offerCard(offer) };
    offers.set(offer.handover_id, entry);
    emitQuietly("seen_handover", { handover_id: offer.handover_id });
    offerList.appendChild(entry.node);
    tick(entry);
    if (fresh) beep();
  }

  function offerCard(offer) {
    const accept = el("button", { type: "button", className: "button primary accept-handover" }, ct("accept"));
    const decline = el("button", { type: "button", className: "button decline-handover" }, ct("decline"));
    accept.addEventListener("click", () => answer(offer, "accept_handover", accept, decline));
    decline.addEventListener("click", () => answer(offer, "decline_handover", accept, decline));
    const inviting = offer.purpose === "invite";
    const asks = ct(inviting ? "asksYouToJoin" : "asksYou", { name: offer.requester ? offer.requester.name : ct("aColleague") });
    const label = ct(inviting ? "inviteRequest" : "handoverRequest");
    return el("article", { className: `offer-card handover-card${inviting ? " invite-card" : ""}`,
      dataset: { handoverId: String(offer.handover_id) }, "aria-label": label },
    el("div", { className: "offer-top" },
      el("span", { className: "offer-label", text: label }),
      el("span", { className: "countdown", "aria-live": "off" })),
    el("p", { className: "handover-asks", text: asks }),
    offer.note ? el("blockquote", { className: "handover-note", text: offer.note }) : null,
    el("p", { className: "offer-question", text: offer.question }),
    offer.reason ? el("p", { className: "offer-why" }, el("strong", { text: `${ct("whyYou")} ` }), offer.reason) : null,
    el("ol", { className: "handover-preview", "aria-label": ct("latestMessages") },
      ...offer.recent.map((m) => el("li", { className: `msg-${m.author}` },
        el("span", { className: "msg-author", text: m.author === "customer" ? (offer.customer_name || ct("anonymous")) : (m.employee_name || ct("aColleague")) }),
        el("span", { text: ` ${m.body}` }), el("span", { className: "msg-meta", text: ` ${clockTime(m.at)}` })))),
    el("div", { className: "offer-progress", "aria-hidden": "true" }, el("span")),
    el("div", { className: "offer-actions" }, accept, decline));
  }

  async function answer(offer, event, accept, decline) {
    accept.disabled = decline.disabled = true;
    const ack = await request(event, { handover_id: offer.handover_id });
    removeOffer(offer.handover_id);
    if (!ack.ok) return toast(errorText(ack), "error");
    if (event === "accept_handover") takeChat(ack.conversation);
  }

  function removeOffer(handoverId) {
    const entry = offers.get(handoverId);
    if (!entry) return;
    entry.node.remove();
    offers.delete(handoverId);
  }

  function onClosed({ handover_id: handoverId, outcome }) {
    if (!offers.has(handoverId)) return;
    removeOffer(handoverId);
    if (outcome === "expired") toast(ct("handoverTimedOut"));
    if (outcome === "withdrawn") toast(ct("handoverWithdrawn"));
  }

  function tick(entry) {
    const left = Math.max(0, entry.deadline - Date.now());
    entry.node.querySelector(".countdown").textContent = left > 0 ? ct("secondsLeft", { n: Math.ceil(left / 1000) }) : ct("expiring");
    entry.node.querySelector(".offer-progress span").style.width = `${(100 * left) / entry.total}%`;
    entry.node.classList.toggle("offer-urgent", left < Math.min(10000, entry.total / 3));
  }

  /* ---------- wiring ---------- */

  async function load() {
    const ack = await request("handover_state", {});
    if (!ack.ok) return;
    const open = new Set(ack.offers.map((o) => o.handover_id));
    for (const id of [...offers.keys()]) if (!open.has(id)) removeOffer(id);
    for (const offer of ack.offers) addOffer(offer, false);
    for (const [id, waiting] of [...pending]) if (!waiting.outcome) pending.delete(id);
    for (const handover of ack.pending) setPending(handover, false);
    renderBox();
  }

  function listen(socket) {
    socket.on("handover_offered", (offer) => addOffer(offer, true));
    socket.on("handover_closed", onClosed);
    socket.on("handover_answered", onAnswered);
    socket.on("handover_failed", onFailed);
    socket.on("handed_over", onHandedOver);
    setInterval(() => {
      offers.forEach(tick);
      if (pending.has(shownFor) && !pending.get(shownFor).outcome) renderBox();
    }, 1000);
  }

  return { decorate, listen, load, offerList, onChange, settle, count: () => offers.size };
}
