/* Marking a story passage in a transcript: words selected inside the message are sent as the
 * marked part (start, end in the message's text); no selection marks the whole message. */

/** The selection's [start, end) inside body (an element holding the message's text), or null. */
export function selectedRange(body, selection) {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(body);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  const end = start + range.toString().length;
  return end > start ? [start, end] : null;
}

for (const form of document.querySelectorAll("form[data-mark-seq]")) {
  form.addEventListener("submit", () => {
    const body = form.closest("li").querySelector(".body");
    const chosen = body ? selectedRange(body, window.getSelection()) : null;
    form.elements.start.value = chosen ? String(chosen[0]) : "";
    form.elements.end.value = chosen ? String(chosen[1]) : "";
  });
}
