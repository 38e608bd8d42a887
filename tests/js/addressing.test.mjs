// What the widget says about a question addressed from the team page (node --test): pure
// functions, no DOM.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CATALOGS, askingLine, fallbackLine, parseTarget, targetName, withinText } from "../../web/static/addressing.js";
import { LANGUAGES, setLanguage } from "../../web/static/texts.js";

const anouk = { name: "Anouk Janssens", title: "Bank reconciliation support specialist", team: "Customer Support" };

test("the ask form says whom the question is addressed to", () => {
  setLanguage("en");
  assert.equal(askingLine({ team: "developer" }), "Asking: the developers");
  assert.equal(askingLine({ person: 7, name: "Katrin V." }), "Asking: Katrin V.");
});

test("a person chosen within the team is said to be chosen within it", () => {
  setLanguage("en");
  assert.equal(withinText({ team: "developer", person: null, within: true }), "chosen within the developers, as you asked");
  assert.equal(withinText({ team: null, person: "Jonas", within: true }), "the one you asked for");
  assert.equal(withinText({ team: "developer", person: null, within: false }), "");
  assert.equal(withinText(null), "");
});

test("when nobody in the team can answer, the customer is told who helps instead", () => {
  setLanguage("en");
  const addressed = { team: "developer", person: null, within: false };
  assert.equal(fallbackLine(addressed, anouk),
    "None of the developers can answer right now. Anouk from Customer Support will help you.");
  assert.equal(fallbackLine({ team: null, person: "Jonas", within: false }, { name: "Eva Horváth" }),
    "Jonas cannot answer right now. Eva will help you.");
  assert.equal(fallbackLine(addressed, null), "None of the developers can answer right now.");
  assert.equal(fallbackLine({ ...addressed, within: true }, anouk), "");
});

test("the fallback is said in the widget's language", () => {
  setLanguage("nl");
  assert.equal(fallbackLine({ team: "developer", person: null, within: false }, anouk),
    "Geen van de developers kan nu antwoorden. Anouk van Customer Support helpt je verder.");
  setLanguage("de");
  assert.equal(askingLine({ team: "sales" }), "Frage an: das Vertriebsteam");
  setLanguage("fr");
  assert.match(fallbackLine({ team: "support", person: null, within: false }, anouk), /^Personne de l’équipe support/);
  setLanguage("en");
});

test("every language says everything English says, with the same placeholders", () => {
  assert.deepEqual(Object.keys(CATALOGS).sort(), [...LANGUAGES].sort());
  for (const language of LANGUAGES) {
    assert.deepEqual(Object.keys(CATALOGS[language]).sort(), Object.keys(CATALOGS.en).sort(), language);
    for (const [key, text] of Object.entries(CATALOGS[language])) {
      const wanted = (CATALOGS.en[key].match(/\{\w+\}/g) || []).sort();
      assert.deepEqual((text.match(/\{\w+\}/g) || []).sort(), wanted, `${language}.${key}`);
    }
  }
});

test("a target from a URL or a host page is a team key or a public id, nothing else", () => {
  assert.deepEqual(parseTarget("developer", null), { team: "developer" });
  assert.deepEqual(parseTarget(null, "12"), { person: 12 });
  assert.deepEqual(parseTarget(undefined, 12), { person: 12 });
  for (const [team, person] of [["<b>dev</b>", null], ["Developers", null], [null, "0"], [null, "1e3"],
    [null, -4], [null, 2 ** 31], [null, "12abc"], [{}, []], [null, null]]) {
    assert.equal(parseTarget(team, person), null, `${team} ${person}`);
  }
  setLanguage("en");
  assert.equal(targetName({ team: "unheard_of" }), "unheard_of");
});
