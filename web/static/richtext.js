/* Chat text rendered rich, safely: **bold**, *italic*, `code`, code blocks, lists, quotes, links.
 *
 * marked turns the text into HTML under richtext_rules.js (raw HTML escaped, no images, http(s)
 * and mailto links only); DOMPurify, an instance of our own, keeps only the allowed tags and
 * href, and every link opens in a new tab with rel="noopener noreferrer nofollow". Both are
 * vendored same-origin ES modules (`make vendor`), so the pages' CSP stays script-src 'self'.
 */

import { Marked } from "./vendor/marked.esm.js";
import createDOMPurify from "./vendor/purify.es.mjs";
import { LINK_REL, SANITIZE, allowedHref, markdownRenderer } from "./richtext_rules.js";

const toHtml = markdownRenderer(Marked);
const purifier = createDOMPurify(window);

purifier.addHook("afterSanitizeAttributes", (node) => {
  if (node.nodeName !== "A") return;
  if (!allowedHref(node.getAttribute("href"))) {
    node.removeAttribute("href"); // an <a> without href is plain text
    return;
  }
  node.setAttribute("target", "_blank");
  node.setAttribute("rel", LINK_REL);
});

/** A message's text as a fragment of allowed elements (give its container dir="auto"). */
export function renderRich(text) {
  return purifier.sanitize(toHtml(text), { ...SANITIZE, RETURN_DOM_FRAGMENT: true });
}
