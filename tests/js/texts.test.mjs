// The widget's wording and counters, tested once (node --test): pure functions, no DOM.
import assert from "node:assert/strict";
import { test } from "node:test";

import { counterState, emailNoted, offlineText, reasonText, t } from "../../web/static/texts.js";

const dana = { name: "Dana Dev", title: "Backend developer" };

test("nobody fitting is never called nobody free", () => {
  const { headline } = offlineText({ why: "nobody_fits", best: null, mail: true });
  assert.match(headline, /knows this topic well enough/);
  assert.doesNotMatch(headline, /not available/);
});

test("nobody free names who knows it best", () => {
  const { headline, promise } = offlineText({ why: "nobody_free", best: dana, mail: true });
  assert.equal(headline, "Dana Dev (Backend developer), who knows this best, is not available right now.");
  assert.match(promise, /Dana will answer you by e-mail/);
});

test("without mail the widget promises no e-mail", () => {
  for (const why of ["nobody_fits", "nobody_free", "employee_left"]) {
    const { promise } = offlineText({ why, best: why === "nobody_fits" ? null : dana, mail: false });
    assert.doesNotMatch(promise, /by e-mail/);
    assert.match(promise, /come back to this page/);
  }
  assert.doesNotMatch(emailNoted("pat@example.org", false), /e-mail you/);
  assert.match(emailNoted("pat@example.org", true), /we will e-mail you at pat@example.org/);
});

test("an employee who left is said so", () => {
  assert.match(offlineText({ why: "employee_left", best: dana, mail: true }).headline, /Dana Dev had to leave/);
});

test("the counter says the limit before sending and how much is too much", () => {
  assert.deepEqual(counterState(10, 4000), { text: "10 / 4,000", over: false, near: false });
  assert.equal(counterState(3700, 4000).near, true);
  assert.deepEqual(counterState(10000, 4000), {
    text: "6,000 characters too many (the limit is 4,000)", over: true, near: false });
});

test("the reason joins curated words and the generic history note", () => {
  assert.equal(reasonText("webhook signing", false), "webhook signing");
  assert.equal(reasonText("webhook signing", true), "webhook signing · has answered similar questions");
  assert.equal(reasonText("", true), "has answered similar questions");
});

test("placeholders are filled and unknown ones kept", () => {
  assert.equal(t("joined", { name: "Dana" }), "Dana joined the chat");
  assert.equal(t("asking", {}), "Asking {name}");
});

test("every widget language says everything English says", async () => {
  const { CATALOGS, LANGUAGES } = await import("../../web/static/texts.js");
  assert.deepEqual(Object.keys(CATALOGS).sort(), [...LANGUAGES].sort());
  const keys = Object.keys(CATALOGS.en).sort();
  for (const language of LANGUAGES) {
    assert.deepEqual(Object.keys(CATALOGS[language]).sort(), keys, language);
    for (const [key, text] of Object.entries(CATALOGS[language])) {
      const wanted = (CATALOGS.en[key].match(/\{\w+\}/g) || []).sort();
      assert.deepEqual((text.match(/\{\w+\}/g) || []).sort(), wanted, `${language}.${key} placeholders`);
    }
  }
});

test("the console says everything in every language that it says in English", async () => {
  const { CATALOGS } = await import("../../web/static/console_texts.js");
  const { LANGUAGES } = await import("../../web/static/texts.js");
  assert.deepEqual(Object.keys(CATALOGS).sort(), [...LANGUAGES].sort());
  const keys = Object.keys(CATALOGS.en);
  for (const language of LANGUAGES) {
    assert.deepEqual(Object.keys(CATALOGS[language]), keys, language); // every key, in EN's order
    for (const [key, text] of Object.entries(CATALOGS[language])) {
      assert.equal(typeof text, typeof CATALOGS.en[key], `${language}.${key} type`);
      if (typeof text !== "string") continue;
      const wanted = (CATALOGS.en[key].match(/\{\w+\}/g) || []).sort();
      assert.deepEqual((text.match(/\{\w+\}/g) || []).sort(), wanted, `${language}.${key} placeholders`);
    }
  }
});

test("the widget's language: the page's, then the browser's, then English", async () => {
  const { pickLanguage } = await import("../../web/static/texts.js");
  assert.equal(pickLanguage("nl-BE", ["fr-FR"]), "nl");
  assert.equal(pickLanguage("", ["pl-PL", "fr-BE", "en"]), "fr");
  assert.equal(pickLanguage("es", ["pl"]), "en");
  assert.equal(pickLanguage(null, [], "en"), "en");
});

test("Dutch numbers and sentences", async () => {
  const texts = await import("../../web/static/texts.js");
  texts.setLanguage("nl");
  assert.equal(texts.counterState(10000, 4000).text, "6.000 tekens te veel (de limiet is 4.000)");
  assert.equal(texts.offlineText({ why: "nobody_free", best: { name: "Anouk Janssens", title: "Support" }, mail: true }).headline,
    "Anouk Janssens (Support), die dit het best weet, is nu niet beschikbaar.");
  assert.equal(texts.errorText({ error: "invalid_email", message: "that e-mail address does not look right" }),
    "Dat e-mailadres lijkt niet te kloppen.");
  assert.equal(texts.errorText({ error: "brand_new_code", message: "english only" }), "Er ging iets mis. Probeer het opnieuw.");
  texts.setLanguage("en");
  assert.equal(texts.errorText({ error: "brand_new_code", message: "english only" }), "English only.");
});
