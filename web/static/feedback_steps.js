/* What the widget sends when the customer presses Send or Skip under a closed chat's rating and
 * consent question. The consent answer is its own decision: it is sent whether or not they rate
 * (first, so a rating that fails cannot take it down with it), once per choice, in the scope the
 * widget was offered. Rating stays optional. Pure: tested with node --test. */

/**
 * The events to send, in order, and what to show after they all succeed:
 * `{steps: [[event, payload], ...], then: "thanks" | "ended" | "chooseStars"}`.
 * action: "send" | "skip"; choice: {stars: 0-5, comment, consent: true | false | null};
 * scope: the offered consent_question's scope (none: no consent is asked);
 * consentSent: the answer the server already has from this form (null: none yet).
 */
export function feedbackSteps(action, choice, { scope = null, consentSent = null } = {}) {
  const steps = [];
  if (scope && choice.consent !== null && choice.consent !== consentSent) {
    steps.push(["consent", { granted: choice.consent, scope }]);
  }
  if (action === "skip") return { steps: [...steps, ["skip_rating", {}]], then: "ended" };
  if (choice.stars) {
    return { steps: [...steps, ["rate", { stars: choice.stars, comment: choice.comment || "" }]], then: "thanks" };
  }
  // No stars. Words in the comment box are only kept with a rating: the form stays open and
  // asks for stars (or Skip), rather than dropping them without a word. Otherwise pressing Send
  // with only a consent answer is the customer saying they are done: the rating is skipped, not
  // asked again (optional means not nagged), and they are thanked for the answer they gave.
  if ((choice.comment || "").trim() || choice.consent === null) return { steps, then: "chooseStars" };
  return { steps: [...steps, ["skip_rating", {}]], then: "thanks" };
}
