// Colleagues in one chat: the console's pure pieces and the widget's lines (node --test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { ct } from "../../web/static/console_texts.js";
import { canWriteNote } from "../../web/static/notes.js";
import { changeLine, inChat, othersIn } from "../../web/static/participants.js";
import { colleagueLeftText, joinedBesideText, setLanguage, teamText } from "../../web/static/texts.js";

const person = (name, title = null) => ({ name, title, team: null });
const conv = {
  employee_id: 1,
  status: "active",
  participants: [
    { employee_id: 1, employee: person("Sophie Brennan"), lead: true },
    { employee_id: 2, employee: person("Jonas Vermeulen"), lead: false },
  ],
};

test("an invited colleague is in the chat and may write notes in it; others are not", () => {
  assert.equal(inChat(conv, 2), true);
  assert.equal(inChat(conv, 3), false);
  assert.equal(canWriteNote(conv, 2), true);
  assert.equal(canWriteNote(conv, 3), false);
  assert.deepEqual(othersIn(conv, 2), ["Sophie Brennan"]);
});

test("the chat says who joined, who left and who holds it now (nothing when I left)", () => {
  const joined = { change: "joined", employee_id: 2, employee: person("Jonas Vermeulen"), lead_id: 1, participants: conv.participants };
  assert.equal(changeLine(joined, 1, ct), "Jonas Vermeulen joined the chat.");
  const left = { change: "left", employee_id: 1, employee: person("Sophie Brennan"), lead_id: 2,
    participants: [{ employee_id: 2, employee: person("Jonas Vermeulen"), lead: true },
      { employee_id: 3, employee: person("Dana Dev"), lead: false }] };
  assert.equal(changeLine(left, 3, ct), "Sophie Brennan left the chat. Jonas Vermeulen holds it now.");
  assert.equal(changeLine(left, 2, ct), "Sophie Brennan left the chat.");
  assert.equal(changeLine(left, 1, ct), null);
});

test("the widget names who joined beside whom, who left and everyone in the chat", () => {
  setLanguage("en");
  assert.equal(joinedBesideText(person("Jonas Vermeulen", "Developer"), "webhooks", person("Sophie Brennan")),
    "Jonas Vermeulen (Developer) joined Sophie Brennan in the conversation: webhooks");
  assert.equal(colleagueLeftText(person("Sophie Brennan"), person("Jonas Vermeulen")),
    "Sophie Brennan left the chat; Jonas Vermeulen is with you now.");
  assert.equal(teamText(person("Sophie Brennan"), [person("Jonas Vermeulen")]),
    "Sophie Brennan and Jonas Vermeulen are in the chat with you");
  setLanguage("nl");
  assert.equal(colleagueLeftText(person("Jonas Vermeulen"), null), "Jonas Vermeulen heeft de chat verlaten.");
  setLanguage("en");
});
