/* What the widget says, in one place: pure functions from state to sentences (no DOM), so the
 * wording is tested once (tests/js) and a translation only has to replace the catalog.
 *
 * The offline wording follows what the server will really do: `mail` says whether an SMTP server
 * is configured, `why` why nobody can chat now (nobody_fits | nobody_free | employee_left).
 */

export const EN = {
  title: "Ask us anything",
  subtitle: "Answered live by the colleague who knows best",
  finding: "Finding the colleague best placed to answer…",
  findingAgain: "Finding another colleague to take over…",
  usuallyAnswers: "Usually answers within a minute",
  asking: "Asking {name}",
  seesHistory: "They will see the conversation so far.",
  answeredSimilar: "has answered similar questions",
  joined: "{name} joined the chat",
  answered: "{name} answered your question",
  left: "{name} had to leave the chat.",
  ended: "{who} ended the chat.",
  you: "You",
  yourColleague: "Your colleague",
  colleague: "a colleague",
  nobodyFits: "We could not find a colleague who knows this topic well enough to answer it live.",
  nobodyFree: "{who}, who knows this best, is not available right now.",
  employeeLeft: "{who} had to leave, and nobody else who knows this is free right now.",
  promiseMail: "Leave your e-mail and {who} will answer you by e-mail. The answer will also show here.",
  promiseMailAnyone: "Leave your e-mail and the right colleague will answer you by e-mail. The answer will also show here.",
  promiseHere: "{who} will answer here: come back to this page later to read it. Leave your e-mail if {who} may also write to you.",
  promiseHereAnyone: "A colleague will answer here: come back to this page later to read it. Leave your e-mail if we may also write to you.",
  doneMail: "Thanks — we will e-mail you at {email} as soon as there is an answer.",
  doneHere: "Thanks — {email} is noted. The answer will show here.",
  newMessages: "New",
  counter: "{length} / {max}",
  tooLong: "{over} characters too many (the limit is {max})",
};

/** A sentence from the catalog with {name} placeholders filled in. */
export function t(key, vars = {}, catalog = EN) {
  const text = catalog[key] ?? EN[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function firstName(name) {
  return String(name || "").trim().split(/\s+/)[0] || "";
}

/** "— webhook delivery and signing · has answered similar questions" (curated words only). */
export function reasonText(reason, answeredSimilar) {
  const parts = [reason, answeredSimilar ? t("answeredSimilar") : ""].filter(Boolean);
  return parts.join(" · ");
}

/** The offline banner: {headline, promise}. view: {why, best, mail} (best: a person or null). */
export function offlineText({ why, best, mail }) {
  const who = best ? best.name : "";
  const first = best ? firstName(best.name) : "";
  let headline;
  if (why === "nobody_fits" || !best) headline = t("nobodyFits");
  else if (why === "employee_left") headline = t("employeeLeft", { who });
  else headline = t("nobodyFree", { who: best.title ? `${who} (${best.title})` : who });
  let promise;
  if (mail) promise = first ? t("promiseMail", { who: first }) : t("promiseMailAnyone");
  else promise = first ? t("promiseHere", { who: first }) : t("promiseHereAnyone");
  return { headline, promise };
}

/** After the address is left: what will happen with it. */
export function emailNoted(email, mail) {
  return t(mail ? "doneMail" : "doneHere", { email });
}

/**
 * The character counter under a text box: {text, over, near}. over: past the limit (sending is
 * refused, nothing is cut); near: within 10% of it.
 */
export function counterState(length, max) {
  const over = Math.max(0, length - max);
  return {
    text: over ? t("tooLong", { over: over.toLocaleString("en"), max: max.toLocaleString("en") })
      : t("counter", { length: length.toLocaleString("en"), max: max.toLocaleString("en") }),
    over: over > 0,
    near: !over && length >= max * 0.9,
  };
}

/** How many of these messages an employee wrote after seq readSeq. */
export function unreadCount(messages, readSeq) {
  return messages.filter((m) => m.author === "employee" && m.seq > readSeq).length;
}
