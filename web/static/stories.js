/* "My stories": the credited colleague approves or declines a story's exact words. The page is
 * rendered by the server; this module only sends the answer (JSON, CSRF header) and reloads. */

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

/** Send one answer about a story; resolves to the server's JSON (ok or {error}). */
export async function answer(storyId, action, reason = "") {
  const response = await fetch(`/console/stories/${storyId}/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(action === "decline" ? { reason } : {}),
    credentials: "same-origin",
  });
  return response.json();
}

/** Count one copy of a story's post; resolves to the server's JSON ({ok, shares} or {error}). */
export async function countShare(storyId, channel = "copy") {
  const response = await fetch(`/console/stories/${storyId}/shares`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ channel }),
    credentials: "same-origin",
  });
  return response.json();
}

async function copyText(textarea) {
  try {
    await navigator.clipboard.writeText(textarea.value);
  } catch {
    textarea.select(); // no clipboard permission (an http page): the selection is there to copy
    document.execCommand("copy");
  }
}

async function share(box) {
  await copyText(box.querySelector("textarea"));
  box.querySelector(".share-copied").hidden = false;
  const result = await countShare(box.dataset.shareStory).catch(() => ({}));
  const count = box.querySelector(".share-count");
  if (result.ok) {
    count.dataset.count = String(result.shares);
    count.textContent = count.textContent.replace(/\d+/, String(result.shares));
  }
}

function wire(list) {
  list.addEventListener("click", async (event) => {
    const copy = event.target.closest("button[data-share]");
    if (copy) {
      await share(copy.closest("[data-share-story]"));
      return;
    }
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const item = button.closest("[data-story-id]");
    const reason = item.querySelector('input[name="reason"]')?.value || "";
    item.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    const result = await answer(item.dataset.storyId, button.dataset.action, reason).catch(() => ({}));
    if (result.ok) {
      window.location.reload();
      return;
    }
    document.getElementById("my-stories-error").hidden = false;
    item.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  });
}

const list = typeof document === "undefined" ? null : document.getElementById("my-stories");
if (list) wire(list);
