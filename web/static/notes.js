/* Internal notes in the employee console: a "Note" toggle in the composer (the box turns yellow
 * and says only staff can see it), notes inline in the chat in their own style, and a note box
 * under a chat that has ended. Notes travel as `note` / `noted` on /employee and come back with
 * every `sync`; the customer's widget never receives one (the server never sends it there).
 * Note text is rendered by deps.renderRich (richtext.js: markdown through DOMPurify, HTML typed
 * stays literal text), labels with textContent.
 */
import { fill } from "./texts.js";

const EN = {
  toggle: "Note",
  toggleTitle: "Write an internal note: only colleagues see it, never the customer",
  banner: "Internal note · only staff can see this",
  placeholder: "Internal note for colleagues (the customer never sees it)…",
  inputLabel: "Internal note",
  save: "Save note",
  you: "You",
  formerColleague: "a former colleague",
  saving: "Saving…",
  notSaved: "Note not saved: {reason}",
  shorten: "Please shorten your note to {max} characters; nothing was saved.",
  afterEnded: "Add an internal note to this ended chat",
};

const NL = {
  toggle: "Notitie",
  toggleTitle: "Schrijf een interne notitie: alleen collega's zien ze, nooit de klant",
  banner: "Interne notitie · alleen zichtbaar voor medewerkers",
  placeholder: "Interne notitie voor collega's (de klant ziet ze nooit)…",
  inputLabel: "Interne notitie",
  save: "Notitie bewaren",
  you: "Jij",
  formerColleague: "een voormalige collega",
  saving: "Wordt bewaard…",
  notSaved: "Notitie niet bewaard: {reason}",
  shorten: "Maak je notitie korter dan {max} tekens; er is niets bewaard.",
  afterEnded: "Voeg een interne notitie toe aan deze beëindigde chat",
};

const FR = {
  toggle: "Note",
  toggleTitle: "Écrire une note interne : seuls les collègues la voient, jamais le client",
  banner: "Note interne · visible uniquement par l'équipe",
  placeholder: "Note interne pour les collègues (le client ne la voit jamais)…",
  inputLabel: "Note interne",
  save: "Enregistrer la note",
  you: "Vous",
  formerColleague: "un ancien collègue",
  saving: "Enregistrement…",
  notSaved: "Note non enregistrée : {reason}",
  shorten: "Raccourcissez votre note à {max} caractères ; rien n'a été enregistré.",
  afterEnded: "Ajouter une note interne à cette conversation terminée",
};

const DE = {
  toggle: "Notiz",
  toggleTitle: "Eine interne Notiz schreiben: nur Kolleginnen und Kollegen sehen sie, nie der Kunde",
  banner: "Interne Notiz · nur für Mitarbeitende sichtbar",
  placeholder: "Interne Notiz für Kolleginnen und Kollegen (der Kunde sieht sie nie)…",
  inputLabel: "Interne Notiz",
  save: "Notiz speichern",
  you: "Sie",
  formerColleague: "eine ehemalige Kollegin oder ein ehemaliger Kollege",
  saving: "Wird gespeichert…",
  notSaved: "Notiz nicht gespeichert: {reason}",
  shorten: "Bitte kürzen Sie Ihre Notiz auf {max} Zeichen; es wurde nichts gespeichert.",
  afterEnded: "Diesem beendeten Gespräch eine interne Notiz hinzufügen",
};

export const NOTE_TEXTS = { en: EN, nl: NL, fr: FR, de: DE };

/** A notes sentence in `language` (else English) with {name} placeholders filled in. */
export function nt(key, vars = {}, language = "en") {
  const catalog = NOTE_TEXTS[String(language).slice(0, 2)] || EN;
  return fill(catalog[key] ?? EN[key] ?? key, vars);
}

/** Where a note sits among the chat's messages (ordered by data-seq): right after the message
 * it followed, before the next one. */
export function noteSeq(note) {
  return note.after_seq + 0.5;
}

/** Known notes plus incoming ones: one per id, in transcript order (after_seq, then id). */
export function mergeNotes(known, incoming) {
  const byId = new Map(known.map((n) => [n.id, n]));
  for (const note of incoming) byId.set(note.id, note);
  return [...byId.values()].sort((a, b) => a.after_seq - b.after_seq || a.id - b.id);
}

/** Whether I may write notes in this conversation from the console: it is (or was, until it
 * ended) mine, or I was invited into it and am still there (participants). */
export function canWriteNote(conv, myId) {
  return Boolean(conv) && (conv.employee_id === myId
    || (conv.participants || []).some((p) => p.employee_id === myId));
}

/**
 * The console's notes. deps: { el, renderRich, me, language, request, sendUntilAnswered, errorText, toast,
 * clockTime, randomId, maxChars, limitCounter, submitOnEnter, stopTyping,
 * messages: () => the open chat's <ol> or null, selected: () => its conversation id,
 * scrollToEnd(force) }.
 */
export function createNotes(deps) {
  const { el } = deps;
  const text = (key, vars) => nt(key, vars, deps.language);
  const notes = new Map(); // conversation_id -> [note] in transcript order
  const pending = new Map(); // conversation_id -> [{client_id, body, inflight, attempt}]
  const modeOn = new Set(); // conversations whose composer writes notes

  function listOf(map, id) {
    if (!map.has(id)) map.set(id, []);
    return map.get(id);
  }

  function author(note) {
    if (note.employee_id === deps.me.id) return text("you");
    return note.employee ? note.employee.name : text("formerColleague");
  }

  function noteNode(note) {
    return el("li", { className: "note", dataset: { seq: String(noteSeq(note)), noteId: String(note.id) } },
      el("span", { className: "note-label", text: text("banner") }),
      el("span", { className: "note-author", text: author(note) }),
      el("div", { className: "note-body rich", dir: "auto" }, deps.renderRich(note.body)),
      el("span", { className: "note-meta", text: deps.clockTime(note.at) }));
  }

  function pendingNode(item) {
    return el("li", { className: "note note-pending", dataset: { clientId: item.client_id } },
      el("span", { className: "note-label", text: text("banner") }),
      el("span", { className: "note-author", text: text("you") }),
      el("div", { className: "note-body rich", dir: "auto" }, deps.renderRich(item.body)),
      el("span", { className: "note-meta", text: text("saving") }));
  }

  function shown(conversationId) {
    const list = deps.messages();
    return list && deps.selected() === conversationId ? list : null;
  }

  function place(list, note) {
    if (list.querySelector(`[data-note-id="${note.id}"]`)) return;
    list.querySelector(`.note-pending[data-client-id="${CSS.escape(note.client_id)}"]`)?.remove();
    const key = noteSeq(note);
    const later = Array.from(list.children).find((n) => (n.dataset.seq ? Number(n.dataset.seq) > key
      : n.classList.contains("msg-pending") || n.classList.contains("note-pending")));
    list.insertBefore(noteNode(note), later || null);
  }

  /** Notes from a sync or an ack or a `noted` event: kept, shown if the chat is open. */
  function add(conversationId, incoming) {
    if (!incoming.length) return;
    notes.set(conversationId, mergeNotes(notes.get(conversationId) || [], incoming));
    const stored = new Set(incoming.map((n) => n.client_id));
    pending.set(conversationId, (pending.get(conversationId) || []).filter((p) => !stored.has(p.client_id)));
    const list = shown(conversationId);
    if (!list) return;
    for (const note of incoming) place(list, note);
    deps.scrollToEnd(false);
  }

  /** After a sync: its notes, then any note still unsaved goes again (same client_id). */
  function synced(conversationId, incoming) {
    add(conversationId, incoming || []);
    for (const item of pending.get(conversationId) || []) emitNote(conversationId, item);
  }

  /** The open chat's pane was rebuilt: its notes (and unsaved ones) go back in. */
  function renderAll(conversationId) {
    const list = shown(conversationId);
    if (!list) return;
    for (const note of notes.get(conversationId) || []) place(list, note);
    for (const item of pending.get(conversationId) || []) list.appendChild(pendingNode(item));
  }

  function emitNote(conversationId, item) {
    const payload = { conversation_id: conversationId, body: item.body, client_id: item.client_id };
    deps.sendUntilAnswered("note", payload, item, (ack) => {
      if (ack && ack.ok) return add(conversationId, [ack.note]);
      pending.set(conversationId, (pending.get(conversationId) || []).filter((p) => p !== item));
      const node = shown(conversationId)?.querySelector(`.note-pending[data-client-id="${CSS.escape(item.client_id)}"]`);
      if (node) {
        node.classList.replace("note-pending", "note-failed");
        node.querySelector(".note-meta").textContent = text("notSaved", { reason: deps.errorText(ack) });
      } else {
        deps.toast(text("notSaved", { reason: deps.errorText(ack) }), "error");
      }
    });
  }

  /** Save the text of `input` as a note; false when the counter says it is too long. */
  function send(conversationId, input, counter) {
    const body = input.value.trim();
    if (!body) return true;
    if (!counter.ok()) {
      deps.toast(text("shorten", { max: deps.maxChars.toLocaleString(deps.language) }), "error");
      return false;
    }
    input.value = "";
    counter.update();
    const item = { client_id: `n-${deps.randomId(16)}`, body };
    listOf(pending, conversationId).push(item);
    const list = shown(conversationId);
    if (list) {
      list.appendChild(pendingNode(item));
      deps.scrollToEnd(true);
    }
    emitNote(conversationId, item);
    return true;
  }

  function banner() {
    return el("p", { className: "note-banner", role: "status", text: text("banner") });
  }

  /** The toggle in a chat's composer (only where I may write notes). */
  function attach(form, input, conv, replyPlaceholder, replyLabel) {
    if (!canWriteNote(conv, deps.me.id)) return;
    const id = conv.id;
    const toggle = el("button", { type: "button", className: "button note-toggle", id: "note-toggle",
      title: text("toggleTitle"), "aria-pressed": "false" }, text("toggle"));
    const sendButton = form.querySelector('button[type="submit"]');
    const sendLabel = sendButton ? sendButton.textContent : "";
    let shownBanner = null;
    function show() {
      const on = modeOn.has(id);
      toggle.setAttribute("aria-pressed", String(on));
      form.classList.toggle("is-note", on);
      input.placeholder = on ? text("placeholder") : replyPlaceholder;
      input.setAttribute("aria-label", on ? text("inputLabel") : replyLabel);
      if (sendButton) sendButton.textContent = on ? text("save") : sendLabel;
      if (on && !shownBanner) form.before((shownBanner = banner()));
      if (!on && shownBanner) shownBanner = (shownBanner.remove(), null);
    }
    toggle.addEventListener("click", () => {
      if (modeOn.has(id)) modeOn.delete(id);
      else {
        modeOn.add(id);
        deps.stopTyping(); // the customer is never told someone is typing a note
      }
      show();
      input.focus();
    });
    form.prepend(toggle);
    show();
  }

  /** Whether the composer of this conversation writes a note now. */
  function active(conversationId) {
    return modeOn.has(conversationId);
  }

  /** A note box under a chat that has ended (notes are allowed after the chat, by whoever had
   * it); null where I may not write. */
  function endedComposer(conv) {
    if (conv.status !== "closed" || !canWriteNote(conv, deps.me.id)) return null;
    const input = el("textarea", { id: "note-input", rows: "2", dir: "auto", placeholder: text("placeholder"), "aria-label": text("inputLabel") });
    const counter = deps.limitCounter(input, deps.maxChars, "note-input-count");
    const form = el("form", { className: "composer is-note", id: "note-form" }, input,
      el("button", { type: "submit", className: "button primary", id: "note-save" }, text("save")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(conv.id, input, counter);
    });
    deps.submitOnEnter(input, () => form.requestSubmit());
    return el("div", { className: "note-after" },
      el("p", { className: "note-banner", text: text("afterEnded") }), form, counter.node);
  }

  return { add, synced, renderAll, send, attach, active, endedComposer };
}
