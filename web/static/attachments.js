/* Attachments, shared by the widget and the console: a paperclip button, the upload (an
 * XMLHttpRequest with FormData: fetch cannot report upload progress), and how a message's file is
 * shown (an image as a thumbnail whose alt text is its name, a PDF as a download link with its
 * size). The links are signed and expire (docs/attachments.md): a sync brings fresh ones.
 * The texts are the caller's (widget: texts.js; console: console_texts.js).
 */

export const MAX_BYTES = 10 * 1024 * 1024; // the server's limit: refused here before sending
export const ACCEPT = "image/png,image/jpeg,image/webp,image/gif,application/pdf,.pdf";

/** A byte count as people read it: 812 B, 14 kB, 2.4 MB (in the page's language). */
export function formatSize(bytes, language = "en") {
  const units = [["MB", 1024 * 1024], ["kB", 1024]];
  for (const [unit, size] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      const digits = value < 10 ? 1 : 0;
      return `${value.toLocaleString(language, { maximumFractionDigits: digits })} ${unit}`;
    }
  }
  return `${bytes} B`;
}

/** The error code a file is refused with before it is sent (null: send it). */
export function precheck(file) {
  if (!file || file.size === 0) return "attachment_empty";
  if (file.size > MAX_BYTES) return "attachment_too_large";
  return null;
}

/** A paperclip button with its hidden file input; onPick(file) when one is chosen. */
export function paperclip(el, { id, label, onPick }) {
  const input = el("input", { type: "file", accept: ACCEPT, hidden: true, id: `${id}-file`,
    tabindex: "-1" });
  const button = el("button", { type: "button", id, className: "mm-attach", title: label,
    "aria-label": label }, el("span", { className: "mm-attach-icon", "aria-hidden": "true" }));
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    const [file] = input.files;
    input.value = ""; // the same file can be picked again after an error
    if (file) onPick(file);
  });
  return { button, input };
}

/** Send a file; resolves to {status, body} (status 0: the server could not be reached).
 * onProgress(fraction) while it goes up. */
export function upload(url, file, { headers = {}, clientId, onProgress } = {}) {
  const form = new FormData();
  form.append("file", file, file.name);
  if (clientId) form.append("client_id", clientId);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      resolve({ status: xhr.status, body });
    });
    xhr.addEventListener("error", () => resolve({ status: 0, body: null }));
    xhr.send(form);
  });
}

/** How a message's file shows: a thumbnail that opens the image, or a download link. */
export function attachmentNode(el, attachment, { language = "en", download = "Download" } = {}) {
  if (attachment.image) {
    const img = el("img", { src: attachment.url, alt: attachment.name, loading: "lazy",
      className: "mm-thumb", decoding: "async" });
    if (attachment.width && attachment.height) {
      img.width = Math.min(attachment.width, 240);
      img.height = Math.round(img.width * attachment.height / attachment.width);
    }
    return el("a", { href: attachment.url, target: "_blank", rel: "noopener noreferrer",
      className: "mm-attachment mm-attachment-image" }, img);
  }
  return el("a", { href: attachment.url, download: attachment.name, rel: "noopener noreferrer",
    className: "mm-attachment mm-attachment-file", title: download },
  el("span", { className: "mm-file-icon", "aria-hidden": "true" }),
  el("span", { className: "mm-file-name", text: attachment.name }),
  el("span", { className: "mm-file-size", text: ` (${formatSize(attachment.size, language)})` }));
}
