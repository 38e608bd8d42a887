// Internal notes in the console: their order among messages, merging, who may write, wording.
import assert from "node:assert/strict";
import { test } from "node:test";

import { NOTE_TEXTS, canWriteNote, mergeNotes, noteSeq, nt } from "../../web/static/notes.js";

const note = (id, afterSeq, body = `note ${id}`) => ({ id, after_seq: afterSeq, body, client_id: `n-${id}` });

test("a note sits after the message it followed and before the next one", () => {
  const order = [1, 2, noteSeq(note(1, 2)), 3].map(Number);
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.ok(noteSeq(note(1, 2)) > 2 && noteSeq(note(1, 2)) < 3);
  assert.notEqual(String(noteSeq(note(1, 2))), "2"); // never taken for message 2 itself
});

test("merging keeps one of each note in transcript order", () => {
  const known = [note(3, 2), note(1, 1)];
  const merged = mergeNotes(known, [note(2, 2), note(3, 2, "edited elsewhere"), note(4, 0)]);
  assert.deepEqual(merged.map((n) => n.id), [4, 1, 2, 3]);
  assert.equal(merged.find((n) => n.id === 3).body, "edited elsewhere");
  assert.deepEqual(known.map((n) => n.id), [3, 1]); // the known list is left as it was
});

test("only whoever has the conversation writes notes from the console", () => {
  assert.equal(canWriteNote({ employee_id: 7, status: "active" }, 7), true);
  assert.equal(canWriteNote({ employee_id: 7, status: "closed" }, 7), true);
  assert.equal(canWriteNote({ employee_id: 8, status: "active" }, 7), false);
  assert.equal(canWriteNote({ employee_id: null, status: "offline" }, 7), false);
  assert.equal(canWriteNote(null, 7), false);
});

test("every language says the same things, and says only staff see a note", () => {
  const keys = Object.keys(NOTE_TEXTS.en).sort();
  for (const [language, catalog] of Object.entries(NOTE_TEXTS)) {
    assert.deepEqual(Object.keys(catalog).sort(), keys, language);
  }
  assert.match(nt("banner"), /only staff/);
  assert.match(nt("banner", {}, "nl"), /alleen zichtbaar voor medewerkers/);
  assert.match(nt("banner", {}, "nl-BE"), /medewerkers/);
  assert.equal(nt("banner", {}, "xx"), nt("banner"));
  assert.equal(nt("notSaved", { reason: "offline" }, "fr"), "Note non enregistrée : offline");
});
