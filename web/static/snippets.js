/* Snippets in the employee console: typing "/" at the start of the composer, then a few words,
 * opens a picker of approved replies (found by words and by meaning, the conversation's
 * language first). Up/Down move, Enter inserts, Escape closes; the text goes into the composer,
 * where it can still be edited. When a message that came from a snippet is sent and stored,
 * its use is recorded (once per message: the server keys it by the message's client_id).
 *
 * The trigger parsing and the list logic are pure functions (tests/js/snippets.test.mjs);
 * snippet text is rendered with textContent only, never as HTML.
 */
import { el } from "./common.js";
import { LANGUAGE } from "./console_texts.js";
import { fill } from "./texts.js";

const MAX_QUERY = 200; // as the search endpoint accepts
const DEBOUNCE_MS = 150;
const KEPT_SHARE = 0.5; // a sent message "came from" a snippet if it keeps this share of its words

const EN = {
  label: "Snippets",
  hint: "Snippets: ↑ ↓ to choose, Enter to insert, Esc to close",
  searching: "Searching snippets…",
  none: "No snippet matches “{query}”.",
  noneYet: "No snippets yet: marketing adds them.",
  failed: "Snippets could not be loaded.",
  count: "{n} snippets",
  one: "1 snippet",
};
const NL = {
  label: "Snippets",
  hint: "Snippets: ↑ ↓ om te kiezen, Enter om in te voegen, Esc om te sluiten",
  searching: "Snippets zoeken…",
  none: "Geen snippet past bij “{query}”.",
  noneYet: "Nog geen snippets: marketing voegt ze toe.",
  failed: "De snippets konden niet worden geladen.",
  count: "{n} snippets",
  one: "1 snippet",
};
const FR = {
  label: "Réponses types",
  hint: "Réponses types : ↑ ↓ pour choisir, Entrée pour insérer, Échap pour fermer",
  searching: "Recherche de réponses types…",
  none: "Aucune réponse type ne correspond à « {query} ».",
  noneYet: "Pas encore de réponses types : le marketing les ajoute.",
  failed: "Les réponses types n’ont pas pu être chargées.",
  count: "{n} réponses types",
  one: "1 réponse type",
};
const DE = {
  label: "Textbausteine",
  hint: "Textbausteine: ↑ ↓ zum Auswählen, Enter zum Einfügen, Esc zum Schließen",
  searching: "Textbausteine werden gesucht…",
  none: "Kein Textbaustein passt zu „{query}“.",
  noneYet: "Noch keine Textbausteine: Das Marketing fügt sie hinzu.",
  failed: "Die Textbausteine konnten nicht geladen werden.",
  count: "{n} Textbausteine",
  one: "1 Textbaustein",
};
export const SNIPPET_TEXTS = Object.freeze({ en: EN, nl: NL, fr: FR, de: DE });

function st(key, vars = {}) {
  return fill((SNIPPET_TEXTS[LANGUAGE] || EN)[key] ?? EN[key], vars);
}

/* ---------- pure logic ---------- */

/**
 * What the employee is looking for, when the composer holds a snippet trigger: "/" as the very
 * first character, then words on the same line ("" for a bare "/"). null when it is no trigger:
 * no leading "/", a second "/" right after it ("//" starts a message with a slash), a space
 * right after it, a new line, or more than a search would take.
 */
export function snippetQuery(text) {
  if (typeof text !== "string" || !text.startsWith("/")) return null;
  const rest = text.slice(1);
  if (/^[/\s]/.test(rest) || rest.includes("\n") || rest.length > MAX_QUERY) return null;
  return rest.trim().replace(/\s+/g, " ");
}

/** The option to highlight after a key: Down/Up wrap around, Home/End jump; -1 when empty. */
export function moveActive(active, count, key) {
  if (count <= 0) return -1;
  if (key === "ArrowDown") return active < 0 ? 0 : (active + 1) % count;
  if (key === "ArrowUp") return active < 0 ? count - 1 : (active - 1 + count) % count;
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  return Math.min(Math.max(active, 0), count - 1);
}

function words(text) {
  return new Set(String(text).toLowerCase().match(/[\p{L}\p{N}]+/gu) || []);
}

/** Whether a message still says what the inserted snippet said (edited a little, not replaced). */
export function cameFromSnippet(body, snippetBody) {
  const wanted = words(snippetBody);
  if (!wanted.size) return false;
  const kept = words(body);
  let shared = 0;
  for (const word of wanted) if (kept.has(word)) shared += 1;
  return shared / wanted.size >= KEPT_SHARE;
}

/** The search URL for a query, in a conversation. */
export function searchUrl(query, conversationId) {
  const params = new URLSearchParams({ q: query });
  if (conversationId) params.set("conversation", String(conversationId));
  return `/console/snippets?${params}`;
}

/* ---------- recording a use ---------- */

const inserted = new Map(); // conversation id -> {id, body}: the snippet last inserted there

/** The snippet the message about to be sent came from (or null); forgets it either way. */
export function takeSnippetUse(conversationId, body) {
  const last = inserted.get(conversationId);
  inserted.delete(conversationId);
  return last && cameFromSnippet(body, last.body) ? last.id : null;
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

/** Record that the stored message `clientId` came from the snippet (retried a few times; the
 * server counts it once whatever happens). */
export async function recordSnippetUse(snippetId, conversationId, clientId, attempt = 0) {
  try {
    const response = await fetch(`/console/snippets/${encodeURIComponent(snippetId)}/uses`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ conversation_id: conversationId, client_id: clientId }),
    });
    if (response.ok || (response.status < 500 && response.status !== 429)) return;
  } catch { /* offline for a moment: try again below */ }
  if (attempt < 3) setTimeout(() => recordSnippetUse(snippetId, conversationId, clientId, attempt + 1), 2000 * (attempt + 1));
}

/* ---------- the picker ---------- */

let pickers = 0;

/**
 * Give a composer its snippet picker. textarea: the composer; form: its form (the keys are
 * caught there, before the composer's own Enter-sends); conversationId: where it is.
 */
export function attachSnippets(textarea, form, conversationId) {
  const id = `snippet-list-${++pickers}`;
  const list = el("ul", { className: "snippet-list", id, role: "listbox", "aria-label": st("label") });
  const status = el("p", { className: "snippet-status", role: "status", "aria-live": "polite" });
  const box = el("div", { className: "snippet-picker", hidden: true }, el("p", { className: "snippet-hint", text: st("hint") }), list, status);
  form.classList.add("has-snippets");
  form.prepend(box);
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", id);
  const picker = { results: [], active: -1, query: null, dismissed: null, timer: null, asked: 0, controller: null };

  function open() {
    return !box.hidden;
  }

  function close(dismiss) {
    clearTimeout(picker.timer);
    picker.controller?.abort();
    picker.dismissed = dismiss ? snippetQuery(textarea.value) : null;
    box.hidden = true;
    picker.results = [];
    picker.active = -1;
    list.replaceChildren();
    textarea.removeAttribute("aria-activedescendant");
  }

  function render() {
    list.replaceChildren(...picker.results.map((snippet, index) => {
      const option = el("li", { id: `${id}-${snippet.id}`, role: "option", className: "snippet-option",
        "aria-selected": String(index === picker.active), dataset: { snippetId: String(snippet.id) } },
      el("span", { className: "snippet-title", text: snippet.title }),
      el("span", { className: "snippet-language", lang: snippet.language, text: snippet.language.toUpperCase() }),
      el("span", { className: "snippet-body", text: snippet.body }));
      option.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the composer
      option.addEventListener("click", () => choose(index));
      return option;
    }));
    const active = picker.results[picker.active];
    if (active) {
      textarea.setAttribute("aria-activedescendant", `${id}-${active.id}`);
      document.getElementById(`${id}-${active.id}`)?.scrollIntoView({ block: "nearest" });
    } else {
      textarea.removeAttribute("aria-activedescendant");
    }
  }

  function say(text) {
    status.textContent = text;
  }

  async function search(query) {
    const asked = ++picker.asked;
    picker.controller?.abort();
    picker.controller = new AbortController();
    say(st("searching"));
    let answer = null;
    try {
      const response = await fetch(searchUrl(query, conversationId), { credentials: "same-origin", signal: picker.controller.signal });
      answer = await response.json();
    } catch (error) {
      if (error.name === "AbortError") return;
    }
    if (asked !== picker.asked || snippetQuery(textarea.value) !== query) return; // typed on meanwhile
    if (!answer || !answer.ok) {
      picker.results = [];
      picker.active = -1;
      render();
      say(st("failed"));
      return;
    }
    picker.results = answer.snippets;
    picker.active = answer.snippets.length ? 0 : -1;
    render();
    if (!answer.snippets.length) say(query ? st("none", { query }) : st("noneYet"));
    else say(answer.snippets.length === 1 ? st("one") : st("count", { n: answer.snippets.length }));
  }

  function update() {
    const query = snippetQuery(textarea.value);
    if (query === null) {
      if (open() || picker.dismissed !== null) close(false);
      return;
    }
    if (query === picker.dismissed) return; // closed with Escape: stays closed for this text
    picker.dismissed = null;
    box.hidden = false;
    if (query === picker.query && picker.results.length) return;
    picker.query = query;
    clearTimeout(picker.timer);
    picker.timer = setTimeout(() => search(query), DEBOUNCE_MS);
  }

  function choose(index) {
    const snippet = picker.results[index];
    if (!snippet) return;
    inserted.set(conversationId, { id: snippet.id, body: snippet.body });
    close(false);
    picker.query = null;
    textarea.value = snippet.body;
    textarea.focus();
    textarea.setSelectionRange(snippet.body.length, snippet.body.length);
    textarea.dispatchEvent(new Event("input", { bubbles: true })); // counter, typing, drafts
  }

  textarea.addEventListener("input", update);
  textarea.addEventListener("blur", () => setTimeout(() => { if (document.activeElement !== textarea) close(true); }, 150));
  form.addEventListener("keydown", (event) => {
    if (event.target !== textarea || !open() || event.isComposing) return;
    if (["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key) && picker.results.length) {
      picker.active = moveActive(picker.active, picker.results.length, event.key);
      render();
    } else if (event.key === "Enter" && !event.shiftKey) {
      choose(picker.active); // nothing highlighted yet: nothing is sent either (Esc, then Enter)
    } else if (event.key === "Escape") {
      close(true);
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation(); // Enter inserts here: the composer's Enter-sends never sees it
  }, true);
  update(); // a draft that is a trigger already
}
