/* The widget's choice of whom to ask, from the team page: "Asking: the developers", with a way
 * to clear it. The target comes from ?team= / ?person= or from the host page's
 * Matchmaker.ask({team} | {person}) (a message from the parent window); it is checked against
 * the public team (GET /api/team) before it is shown, and sent with the question. */

import { el } from "./common.js";
import { askingLine, clearLabel, parseTarget } from "./addressing.js";

let target = null; // {team} | {person, name}: public, as the team page lists it
let asked = 0; // a newer choice wins over a slower check of an older one
const slot = el("div", { className: "mm-target", id: "mm-target", hidden: true });

/** The public team ({teams: [{key, people: [{id, name}]}]}), or null when unreachable. */
async function publicTeam() {
  try {
    const response = await fetch("/api/team", { headers: { Accept: "application/json" } });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

async function choose(wanted) {
  const mine = ++asked;
  if (!wanted) return show(null);
  const team = await publicTeam();
  if (mine !== asked) return;
  const teams = (team && team.teams) || [];
  if (wanted.team) return show(teams.some((t) => t.key === wanted.team) ? { team: wanted.team } : null);
  const person = teams.flatMap((t) => t.people).find((p) => p.id === wanted.person);
  return show(person ? { person: person.id, name: person.name } : null);
}

function show(chosen) {
  target = chosen;
  slot.hidden = !target;
  if (!target) return slot.replaceChildren();
  const clear = el("button", { type: "button", className: "mm-link mm-target-clear", id: "mm-target-clear",
    onclick: () => { asked += 1; show(null); } }, clearLabel());
  return slot.replaceChildren(el("p", { className: "mm-target-line", id: "mm-target-line", text: askingLine(target) }), clear);
}

/** Start listening: the page's own parameters first, then the host page's choices. */
export function watchTarget(params) {
  const fromUrl = parseTarget(params.get("team"), params.get("person"));
  if (fromUrl) choose(fromUrl);
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || !event.data || event.data.matchmaker !== "address") return;
    const wanted = parseTarget(event.data.team, event.data.person);
    if (wanted) choose(wanted);
  });
}

/** The element the ask form shows the choice in (kept up to date here). */
export function targetSlot() {
  return slot;
}

/** What the question carries: {team} or {person}, or nothing. */
export function targetFields() {
  if (!target) return {};
  return target.team ? { team: target.team } : { person: target.person };
}

/** The question went out with the choice: the next one starts without it. */
export function targetUsed() {
  asked += 1;
  show(null);
}
