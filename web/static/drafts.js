/* The customer's unsent words in the widget's composer, kept for one conversation in this tab
 * (sessionStorage: a reload or another page of the site brings them back, closing the tab or
 * another tab does not). Where storage is refused (some private modes) they live in memory, as
 * the widget's other keys do. Tested with node --test. */

const DRAFT_KEY = "matchmaker.draft";

/** getStorage() returns the Storage to use (it may throw, or the calls on it may). */
export function draftKeeper(getStorage) {
  const memory = new Map();

  function read() {
    try {
      return getStorage().getItem(DRAFT_KEY);
    } catch {
      return memory.get(DRAFT_KEY) ?? null;
    }
  }

  function write(value) {
    try {
      if (value === null) getStorage().removeItem(DRAFT_KEY);
      else getStorage().setItem(DRAFT_KEY, value);
    } catch {
      if (value === null) memory.delete(DRAFT_KEY);
      else memory.set(DRAFT_KEY, value);
    }
  }

  /** Nothing kept any more (sent, the conversation ended or was forgotten). */
  function forget() {
    write(null);
    memory.delete(DRAFT_KEY);
  }

  /** Keep what is in the composer now, for this conversation (blank: nothing to keep). */
  function keep(conversationId, text) {
    if (!Number.isInteger(conversationId) || typeof text !== "string" || !text.trim()) return forget();
    write(JSON.stringify({ conversation_id: conversationId, text }));
  }

  /** The words kept for this conversation, or "" (one kept for another conversation goes). */
  function restore(conversationId) {
    const raw = read();
    if (raw === null) return "";
    try {
      const kept = JSON.parse(raw);
      if (kept && kept.conversation_id === conversationId && typeof kept.text === "string") return kept.text;
    } catch {
      /* unreadable: nothing to bring back */
    }
    forget();
    return "";
  }

  return { keep, restore, forget };
}
