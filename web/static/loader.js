/* Matchmaker widget loader: the one script a website includes.
 *
 *   <script src="https://HOST/widget.js" async></script>
 *   <script src="https://HOST/widget.js" data-lang="nl" async></script>  (force a language)
 *
 * It adds a launcher bubble and an iframe (served from HOST) that holds the whole widget.
 * The frame runs on our own origin, so the host page needs no CORS setup or third-party
 * cookies. The only global is window.Matchmaker.
 *
 *   Matchmaker.ask({ team: "developer" })  or  Matchmaker.ask({ person: 12 })
 *
 * opens the widget with the question addressed to a team or a public person of the team page
 * (GET /api/team lists them); the widget says so and the customer can clear it.
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
  const SCRIPT = document.currentScript;

  // The widget speaks the language of <script data-lang="nl">, else of the page (<html lang>),
  // else of the browser. The frame decides the same way from what is passed to it.
  const PAGE_LANGUAGE = (SCRIPT && SCRIPT.dataset.lang) || document.documentElement.lang || "";
  const LABELS = {
    en: { ask: "Ask a question", close: "Close the chat", unread: (n) => `Ask a question (${n} unread ${n === 1 ? "reply" : "replies"})`, frame: "Chat with us" },
    nl: { ask: "Stel een vraag", close: "Chat sluiten", unread: (n) => `Stel een vraag (${n} ongelezen ${n === 1 ? "antwoord" : "antwoorden"})`, frame: "Chat met ons" },
    fr: { ask: "Poser une question", close: "Fermer la discussion", unread: (n) => `Poser une question (${n} ${n === 1 ? "réponse non lue" : "réponses non lues"})`, frame: "Discutez avec nous" },
    de: { ask: "Eine Frage stellen", close: "Chat schließen", unread: (n) => `Eine Frage stellen (${n} ungelesene ${n === 1 ? "Antwort" : "Antworten"})`, frame: "Chatten Sie mit uns" },
  };
  const LABEL = (() => {
    for (const candidate of [PAGE_LANGUAGE, ...(navigator.languages || [])]) {
      const base = String(candidate || "").toLowerCase().split(/[-_]/)[0];
      if (LABELS[base]) return LABELS[base];
    }
    return LABELS.en;
  })();

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
#${LAUNCHER_ID} .mm-badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 5px;
  box-sizing:border-box;border-radius:10px;background:#b91c1c;border:2px solid #fff;display:none;
  font:700 11px/16px system-ui,sans-serif;color:#fff;text-align:center}
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

  // A constructed stylesheet is no inline <style>, so it applies on a site whose
  // Content-Security-Policy has no 'unsafe-inline' for styles (this demo site's among them).
  // Browsers without constructed stylesheets get a <style> element.
  function addStyle() {
    if (document.getElementById(STYLE_ID)) return;
    if ("adoptedStyleSheets" in document && typeof CSSStyleSheet.prototype.replaceSync === "function") {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      return;
    }
    const style = document.createElement("style");
    style.id = STYLE_ID;
    style.textContent = CSS;
    (document.head || document.documentElement).appendChild(style);
  }

  // A link from a reply mail ends in #mm-resume=<signed token>: the widget reopens that
  // conversation. The token is taken out of the address bar at once.
  const RESUME = (() => {
    const match = /(?:^#|&)mm-resume=([A-Za-z0-9._-]+)/.exec(location.hash);
    if (!match) return "";
    history.replaceState(null, "", location.pathname + location.search);
    return match[1];
  })();

  function frameUrl() {
    const lang = PAGE_LANGUAGE;
    const resume = RESUME ? `&resume=${encodeURIComponent(RESUME)}` : "";
    return `${ORIGIN}/widget?page=${encodeURIComponent(location.href)}&lang=${encodeURIComponent(lang)}${resume}`;
  }

  function makeFrame() {
    const frame = document.createElement("iframe");
    frame.id = FRAME_ID;
    frame.title = LABEL.frame;
    frame.src = frameUrl();
    frame.setAttribute("aria-hidden", "true");
    frame.inert = true; // closed: nothing inside can take focus or keys
    frame.dataset.open = "false";
    return frame;
  }

  function makeLauncher() {
    const button = document.createElement("button");
    button.id = LAUNCHER_ID;
    button.type = "button";
    button.setAttribute("aria-label", LABEL.ask);
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", FRAME_ID);
    button.appendChild(svgIcon(CHAT_ICON));
    const badge = document.createElement("span");
    badge.className = "mm-badge";
    badge.setAttribute("aria-hidden", "true");
    button.appendChild(badge);
    return button;
  }

  let frame = null;
  let launcher = null;

  function isOpen() {
    return frame !== null && frame.dataset.open === "true";
  }

  function setOpen(open, { focusLauncher = false } = {}) {
    if (!frame) return;
    frame.dataset.open = String(open);
    frame.setAttribute("aria-hidden", String(!open));
    frame.inert = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.replaceChild(svgIcon(open ? CLOSE_ICON : CHAT_ICON), launcher.firstChild);
    if (open) setUnread(0);
    else labelLauncher();
    frame.contentWindow?.postMessage({ matchmaker: open ? "opened" : "closed" }, ORIGIN);
    // Closing from inside the frame must not leave focus (and typing) in the hidden frame.
    if (!open && focusLauncher) launcher.focus();
    if (open) frame.focus();
  }

  let unread = 0;

  function setUnread(count) {
    unread = Number.isInteger(count) && count > 0 ? Math.min(count, 99) : 0;
    launcher.dataset.unread = String(unread > 0);
    launcher.querySelector(".mm-badge").textContent = unread ? String(unread) : "";
    labelLauncher();
  }

  function labelLauncher() {
    if (isOpen()) launcher.setAttribute("aria-label", LABEL.close);
    else if (unread) launcher.setAttribute("aria-label", LABEL.unread(unread));
    else launcher.setAttribute("aria-label", LABEL.ask);
  }

  // The frame talks back with a few plain messages; anything else is ignored.
  function onFrameMessage(event) {
    if (!frame || event.origin !== ORIGIN || event.source !== frame.contentWindow) return;
    const kind = event.data && event.data.matchmaker;
    if (kind === "close") setOpen(false, { focusLauncher: true });
    if (kind === "open") setOpen(true);
    if (kind === "unread" && !isOpen()) setUnread(event.data.count);
  }

  // A choice made before the frame has loaded is passed on when it has.
  let frameLoaded = false;
  let pendingAddress = null;

  function address(target) {
    const team = target && typeof target.team === "string" ? target.team : null;
    const person = target && Number.isInteger(target.person) ? target.person : null;
    if (team === null && person === null) return;
    const message = { matchmaker: "address", team, person };
    if (!frame || !frameLoaded) {
      pendingAddress = message;
      return;
    }
    frame.contentWindow.postMessage(message, ORIGIN);
    setOpen(true);
  }

  function onFrameLoad() {
    frameLoaded = true;
    if (!pendingAddress) return;
    frame.contentWindow.postMessage(pendingAddress, ORIGIN);
    pendingAddress = null;
    setOpen(true);
  }

  function mount() {
    if (document.getElementById(FRAME_ID)) return;
    addStyle();
    frame = makeFrame();
    frame.addEventListener("load", onFrameLoad, { once: true });
    launcher = makeLauncher();
    launcher.addEventListener("click", () => setOpen(!isOpen()));
    document.body.appendChild(frame);
    document.body.appendChild(launcher);
    window.addEventListener("message", onFrameMessage);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && isOpen()) setOpen(false, { focusLauncher: true });
    });
    if (RESUME) frame.addEventListener("load", () => setOpen(true), { once: true });
  }

  window.Matchmaker = Object.freeze({
    origin: ORIGIN,
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen()),
    ask: (target) => address(target),
  });

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
