/* What chat text may become when rendered rich: the marked configuration and the link rule.
 *
 * Pure (no DOM, no imports): richtext.js hands it the vendored marked, the node tests the same
 * marked from frontend/node_modules. Raw HTML is never parsed as HTML (`<b>x</b>` stays those
 * characters), images never load (they become links), headings, tables, rules and link
 * definitions stay the text that was typed, and a link goes anywhere only over http(s) or mailto.
 * DOMPurify (richtext.js) then keeps only SANITIZE's tags, whatever this lets through.
 */

const SCHEMES = new Set(["http:", "https:", "mailto:"]);

/** Tags and attributes a rendered message may keep, for DOMPurify; nothing else survives. */
export const SANITIZE = Object.freeze({
  ALLOWED_TAGS: ["p", "br", "strong", "em", "code", "pre", "a", "ul", "ol", "li", "blockquote", "del"],
  ALLOWED_ATTR: ["href"],
  ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
});

/** What every link opens with: a new tab that cannot reach back, with no referrer or endorsement. */
export const LINK_REL = "noopener noreferrer nofollow";

/** Whether a link may point at `url`: an absolute http(s) or mailto URL, parsed as a browser would. */
export function allowedHref(url) {
  let parsed;
  try {
    parsed = new URL(String(url));
  } catch {
    return false; // relative, empty or malformed: nothing to go to
  }
  return SCHEMES.has(parsed.protocol);
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// A tokenizer that finds nothing: what it would have matched is read as ordinary text.
const none = () => undefined;

/** The marked extension: GFM with autolinks, newlines kept as line breaks, the rest as above. */
export const MARKED_OPTIONS = Object.freeze({
  gfm: true,
  breaks: true,
  async: false,
  tokenizer: { html: none, tag: none, heading: none, lheading: none, table: none, hr: none, def: none },
  renderer: {
    link(token) {
      return allowedHref(token.href) ? false : escapeHtml(token.raw); // false: marked's own <a>
    },
    image(token) { // never an <img> (a tracking pixel loads by itself): a link to it instead
      if (!allowedHref(token.href)) return escapeHtml(token.raw);
      return `<a href="${escapeHtml(token.href)}">${escapeHtml(token.text || token.href)}</a>`;
    },
  },
});

/** The text as typed, escaped, its lines kept: what a message becomes when marked gives up. */
export function plainHtml(text) {
  return `<p>${escapeHtml(text).replace(/\r?\n/g, "<br>")}</p>\n`;
}

/** A markdown-to-HTML function over a marked `Marked` class; its HTML still goes through DOMPurify. */
export function markdownRenderer(Marked) {
  const marked = new Marked(MARKED_OPTIONS);
  return (text) => {
    const source = String(text ?? "");
    try {
      return marked.parse(source);
    } catch {
      // e.g. "> " typed 2,000 times nests blockquotes past the stack: one odd message must not
      // stop the chat from rendering, so it shows as typed.
      return plainHtml(source);
    }
  };
}
