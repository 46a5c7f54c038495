// End-to-end: virtual-alexa turns utterances into requests using the real
// interaction model and POSTs them to the running skill at SKILL_URL.
// Run: SKILL_URL=http://127.0.0.1:8000/ node --test   (from e2e/)
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { QUICK_ROUTINE_STRETCHES, connect, ssml, coach, checkTurn } = require("./helpers");

// connect(), ssml(), coach() and checkTurn() live in helpers.js, shared with scenarios.test.js.

test("quick routine: launch, start it, next until done", { timeout: 30_000 }, async () => {
  const { alexa, sent } = connect();

  let reply = await alexa.launch();
  checkTurn(reply, "launch");
  assert.match(ssml(reply), /Shall we start the quick routine\?/);
  assert.equal(reply.response.shouldEndSession, false);

  reply = await alexa.utter("start the quick routine");
  checkTurn(reply, "start the quick routine");
  const { intent } = sent.at(-1).request;
  assert.equal(intent.name, "StartRoutineIntent");
  assert.equal(intent.slots.routine.value, "quick");
  const resolution = intent.slots.routine.resolutions.resolutionsPerAuthority[0];
  assert.equal(resolution.status.code, "ER_SUCCESS_MATCH");
  assert.equal(resolution.values[0].value.id, "quick");
  assert.match(ssml(reply), new RegExp(`Stretch 1 of ${QUICK_ROUTINE_STRETCHES}:`));
  assert.equal(coach(reply).routine, "quick");
  assert.equal(coach(reply).index, 0);

  let nexts = 0;
  while (!reply.response.shouldEndSession) {
    assert.ok(nexts < QUICK_ROUTINE_STRETCHES, `session still open after ${nexts} "next" turns`);
    const previous = reply;
    nexts += 1;
    // One step uses "ready", a sample our model adds to AMAZON.NextIntent.
    const phrase = nexts === 2 ? "ready" : "next";
    reply = await alexa.utter(phrase);
    const turn = `"${phrase}" (turn ${nexts})`;
    checkTurn(reply, turn);

    const request = sent.at(-1);
    assert.equal(request.request.intent.name, "AMAZON.NextIntent", `${turn} resolved to the wrong intent`);
    assert.equal(request.session.new, false, `${turn}: still the same session`);
    assert.deepEqual(request.session.attributes, previous.sessionAttributes, `${turn}: state sent back`);

    if (!reply.response.shouldEndSession) {
      assert.match(ssml(reply), new RegExp(`Stretch ${nexts + 1} of ${QUICK_ROUTINE_STRETCHES}:`), turn);
      assert.equal(coach(reply).index, nexts, `${turn}: coach index`);
    }
  }

  assert.equal(nexts, QUICK_ROUTINE_STRETCHES, "finishing takes one 'next' per stretch");
  assert.match(ssml(reply), /routine done/);
  assert.equal(reply.response.shouldEndSession, true);
  assert.equal(coach(reply).routine, null, "the finished routine is cleared from the state");
});

for (const answer of ["yes", "ready"]) {
  test(`"${answer}" after the welcome starts the quick routine`, { timeout: 30_000 }, async () => {
    const { alexa, sent } = connect();
    checkTurn(await alexa.launch(), "launch");
    const reply = await alexa.utter(answer);
    checkTurn(reply, answer);
    const expected = answer === "yes" ? "AMAZON.YesIntent" : "AMAZON.NextIntent";
    assert.equal(sent.at(-1).request.intent.name, expected);
    assert.match(ssml(reply), new RegExp(`Stretch 1 of ${QUICK_ROUTINE_STRETCHES}:`));
    assert.equal(coach(reply).routine, "quick");
  });
}
