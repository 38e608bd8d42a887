/* Matchmaker widget loader: the one script a website includes.
 *
 *   <script src="https://HOST/widget.js" async></script>
 *
 * It adds a launcher bubble and an iframe (served from HOST) that holds the whole widget.
 * The frame runs on our own origin, so the host page needs no CORS setup or third-party
 * cookies. The only global is window.Matchmaker.
 */
(() => {
  "use strict";

  if (window.Matchmaker) return; // included twice: the first copy wins

  const FRAME_ID = "matchmaker-widget-frame";
  const LAUNCHER_ID = "matchmaker-launcher";
  const STYLE_ID = "matchmaker-widget-style";
  const SVG_NS = "http://www.w3.org/2000/svg";

  function scriptOrigin() {
    const current = document.currentScript;
    if (current && current.src) return new URL(current.src, location.href).origin;
    const scripts = Array.from(document.getElementsByTagName("script"));
    const mine = scripts.reverse().find((s) => /\/widget\.js(\?|#|$)/.test(s.src || ""));
    return mine ? new URL(mine.src, location.href).origin : location.origin;
  }

  const ORIGIN = scriptOrigin();

  // Host-page styles, scoped to our two ids so they never touch the site's own elements.
  const CSS = `
#${LAUNCHER_ID}{all:initial;box-sizing:border-box;position:fixed;right:24px;bottom:24px;z-index:2147483000;width:60px;height:60px;
  border:0;border-radius:50%;padding:0;cursor:pointer;color:#fff;background:#4f46e5;
  box-shadow:0 10px 30px rgba(49,46,129,.35),0 2px 6px rgba(15,23,42,.2);
  display:flex;align-items:center;justify-content:center;
  transition:transform .18s ease,box-shadow .18s ease,background-color .18s ease}
#${LAUNCHER_ID}:hover{transform:translateY(-2px) scale(1.03);background:#4338ca}
#${LAUNCHER_ID}:focus-visible{outline:3px solid #a5b4fc;outline-offset:3px}
#${LAUNCHER_ID} svg{width:28px;height:28px;pointer-events:none}
#${LAUNCHER_ID} .mm-badge{position:absolute;top:4px;right:4px;width:14px;height:14px;
  border-radius:50%;background:#ef4444;border:2px solid #fff;display:none}
#${LAUNCHER_ID}[data-unread="true"] .mm-badge{display:block}
#${FRAME_ID}{all:initial;box-sizing:border-box;display:block;position:fixed;right:24px;bottom:100px;z-index:2147483000;width:380px;height:560px;
  max-height:calc(100vh - 124px);border:0;border-radius:16px;background:#fff;
  box-shadow:0 24px 60px rgba(15,23,42,.25),0 4px 14px rgba(15,23,42,.12);
  opacity:0;transform:translateY(12px) scale(.98);transform-origin:bottom right;
  transition:opacity .18s ease,transform .18s ease;visibility:hidden}
#${FRAME_ID}[data-open="true"]{opacity:1;transform:none;visibility:visible}
@media (max-width:480px){
  #${FRAME_ID}{right:0;bottom:0;width:100vw;height:100%;max-height:none;border-radius:0}
  #${FRAME_ID}[data-open="true"]+#${LAUNCHER_ID}{display:none}
}
@media (prefers-reduced-motion:reduce){#${LAUNCHER_ID},#${FRAME_ID}{transition:none}}`;

  function svgIcon(paths) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("fill", "none");
    svg.setAttribute("stroke", "currentColor");
    svg.setAttribute("stroke-width", "2");
    svg.setAttribute("stroke-linecap", "round");
    svg.setAttribute("stroke-linejoin", "round");
    svg.setAttribute("aria-hidden", "true");
    for (const d of paths) {
      const path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    }
    return svg;
  }

  const CHAT_ICON = ["M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z", "M8.5 12h.01M12 12h.01M15.5 12h.01"];
  const CLOSE_ICON = ["M6 6l12 12", "M18 6L6 18"];

  function addStyle() {
    if (document.getElementById(STYLE_ID)) return;
    const style = document.createElement("style");
    style.id = STYLE_ID;
    style.textContent = CSS;
    (document.head || document.documentElement).appendChild(style);
  }

  function frameUrl() {
    const lang = document.documentElement.lang || "";
    return `${ORIGIN}/widget?page=${encodeURIComponent(location.href)}&lang=${encodeURIComponent(lang)}`;
  }

  function makeFrame() {
    const frame = document.createElement("iframe");
    frame.id = FRAME_ID;
    frame.title = "Ask Lumen Ledger";
    frame.src = frameUrl();
    frame.setAttribute("aria-hidden", "true");
    frame.dataset.open = "false";
    return frame;
  }

  function makeLauncher() {
    const button = document.createElement("button");
    button.id = LAUNCHER_ID;
    button.type = "button";
    button.setAttribute("aria-label", "Ask a question");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", FRAME_ID);
    button.appendChild(svgIcon(CHAT_ICON));
    const badge = document.createElement("span");
    badge.className = "mm-badge";
    button.appendChild(badge);
    return button;
  }

  let frame = null;
  let launcher = null;

  function isOpen() {
    return frame !== null && frame.dataset.open === "true";
  }

  function setOpen(open) {
    if (!frame) return;
    frame.dataset.open = String(open);
    frame.setAttribute("aria-hidden", String(!open));
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? "Close the chat" : "Ask a question");
    launcher.replaceChild(svgIcon(open ? CLOSE_ICON : CHAT_ICON), launcher.firstChild);
    if (open) {
      launcher.dataset.unread = "false";
      frame.contentWindow?.postMessage({ matchmaker: "opened" }, ORIGIN);
    }
  }

  // The frame talks back with a few plain messages; anything else is ignored.
  function onFrameMessage(event) {
    if (!frame || event.origin !== ORIGIN || event.source !== frame.contentWindow) return;
    const kind = event.data && event.data.matchmaker;
    if (kind === "close") setOpen(false);
    if (kind === "open") setOpen(true);
    if (kind === "unread" && !isOpen()) launcher.dataset.unread = "true";
  }

  function mount() {
    if (document.getElementById(FRAME_ID)) return;
    addStyle();
    frame = makeFrame();
    launcher = makeLauncher();
    launcher.addEventListener("click", () => setOpen(!isOpen()));
    document.body.appendChild(frame);
    document.body.appendChild(launcher);
    window.addEventListener("message", onFrameMessage);
  }

  window.Matchmaker = Object.freeze({
    origin: ORIGIN,
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen()),
  });

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
