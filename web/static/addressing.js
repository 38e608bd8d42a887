/* A question addressed from the team page, in the customer's words: pure functions from the
 * target and the server's `addressed` ({team, person, within}) to sentences, in the widget's four
 * languages (no DOM, so tests/js checks them). The widget's language is texts.js's. */

import { fill, language } from "./texts.js";

const TEAMS = ["developer", "sales", "support", "management", "other"];

const EN = {
  askingTarget: "Asking: {target}",
  clearTarget: "Ask anyone instead",
  team_developer: "the developers",
  team_sales: "the sales team",
  team_support: "the support team",
  team_management: "the management",
  team_other: "the team",
  withinTeam: "chosen within {target}, as you asked",
  withinPerson: "the one you asked for",
  nobody_developer: "None of the developers can answer right now.",
  nobody_sales: "Nobody from the sales team can answer right now.",
  nobody_support: "Nobody from the support team can answer right now.",
  nobody_management: "Nobody from the management can answer right now.",
  nobody_other: "Nobody from the team can answer right now.",
  nobodyPerson: "{name} cannot answer right now.",
  helps: "{name} from {team} will help you.",
  helpsPlain: "{name} will help you.",
};

const NL = {
  askingTarget: "Vraag aan: {target}",
  clearTarget: "Laat iedereen antwoorden",
  team_developer: "de developers",
  team_sales: "het salesteam",
  team_support: "het supportteam",
  team_management: "het management",
  team_other: "het team",
  withinTeam: "gekozen binnen {target}, zoals je vroeg",
  withinPerson: "degene die je vroeg",
  nobody_developer: "Geen van de developers kan nu antwoorden.",
  nobody_sales: "Niemand van het salesteam kan nu antwoorden.",
  nobody_support: "Niemand van het supportteam kan nu antwoorden.",
  nobody_management: "Niemand van het management kan nu antwoorden.",
  nobody_other: "Niemand van het team kan nu antwoorden.",
  nobodyPerson: "{name} kan nu niet antwoorden.",
  helps: "{name} van {team} helpt je verder.",
  helpsPlain: "{name} helpt je verder.",
};

const FR = {
  askingTarget: "Question pour : {target}",
  clearTarget: "Laisser répondre n’importe qui",
  team_developer: "les développeurs",
  team_sales: "l’équipe commerciale",
  team_support: "l’équipe support",
  team_management: "la direction",
  team_other: "l’équipe",
  withinTeam: "choisi comme demandé parmi : {target}",
  withinPerson: "la personne que vous avez demandée",
  nobody_developer: "Aucun des développeurs ne peut répondre pour le moment.",
  nobody_sales: "Personne de l’équipe commerciale ne peut répondre pour le moment.",
  nobody_support: "Personne de l’équipe support ne peut répondre pour le moment.",
  nobody_management: "Personne de la direction ne peut répondre pour le moment.",
  nobody_other: "Personne de l’équipe ne peut répondre pour le moment.",
  nobodyPerson: "{name} ne peut pas répondre pour le moment.",
  helps: "{name} ({team}) va vous aider.",
  helpsPlain: "{name} va vous aider.",
};

const DE = {
  askingTarget: "Frage an: {target}",
  clearTarget: "Jeder darf antworten",
  team_developer: "die Entwickler",
  team_sales: "das Vertriebsteam",
  team_support: "das Support-Team",
  team_management: "die Geschäftsleitung",
  team_other: "das Team",
  withinTeam: "wie gewünscht ausgewählt aus: {target}",
  withinPerson: "die Person, nach der Sie gefragt haben",
  nobody_developer: "Keiner der Entwickler kann gerade antworten.",
  nobody_sales: "Niemand aus dem Vertriebsteam kann gerade antworten.",
  nobody_support: "Niemand aus dem Support-Team kann gerade antworten.",
  nobody_management: "Niemand aus der Geschäftsleitung kann gerade antworten.",
  nobody_other: "Niemand aus dem Team kann gerade antworten.",
  nobodyPerson: "{name} kann gerade nicht antworten.",
  helps: "{name} ({team}) hilft Ihnen weiter.",
  helpsPlain: "{name} hilft Ihnen weiter.",
};

export const CATALOGS = Object.freeze({ en: EN, nl: NL, fr: FR, de: DE });

function say(key, vars = {}) {
  const catalog = CATALOGS[language()] || EN;
  return fill(catalog[key] ?? EN[key] ?? key, vars);
}

/** A target from untrusted input (URL parameters, a host page's message): {team}, {person}
 * or null. Only a team key or a public id: the server decides whether it is public. */
export function parseTarget(team, person) {
  if (typeof team === "string" && /^[a-z_]{1,20}$/.test(team)) return { team };
  const id = typeof person === "string" && /^[1-9]\d{0,9}$/.test(person) ? Number(person) : person;
  if (Number.isInteger(id) && id > 0 && id < 2 ** 31) return { person: id };
  return null;
}

/** How the widget names a target: "the developers", or the person's public name. */
export function targetName(target) {
  if (!target) return "";
  if (target.team) return TEAMS.includes(target.team) ? say(`team_${target.team}`) : target.team;
  return target.name || "";
}

/** The line above the question box: "Asking: the developers". */
export function askingLine(target) {
  return say("askingTarget", { target: targetName(target) });
}

export function clearLabel() {
  return say("clearTarget");
}

/** Why this person, said relative to the customer's choice ("" when they made none, or when
 * the person is not within it: then fallbackLine says so). */
export function withinText(addressed) {
  if (!addressed || !addressed.within) return "";
  if (addressed.team) return say("withinTeam", { target: targetName({ team: addressed.team }) });
  return say("withinPerson");
}

/** Nobody within the choice can answer now: who the question went to instead. person: the
 * one asked now ({name, title, team}), or null when it waits for a later answer. */
export function fallbackLine(addressed, person) {
  if (!addressed || addressed.within) return "";
  let nobody;
  if (addressed.team) {
    nobody = say(TEAMS.includes(addressed.team) ? `nobody_${addressed.team}` : "nobody_other");
  } else {
    nobody = say("nobodyPerson", { name: addressed.person || "" });
  }
  if (!person) return nobody;
  const name = String(person.name || "").trim().split(/\s+/)[0];
  const team = person.team || person.title;
  return `${nobody} ${team ? say("helps", { name, team }) : say("helpsPlain", { name })}`;
}
