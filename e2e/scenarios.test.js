// End-to-end scenarios beyond the happy path: moving around inside a routine,
// a how-to question, "that hurts" with the skip questions, and stop-then-resume
// across two sessions. virtual-alexa resolves each utterance with the real
// interaction model and POSTs it to the running skill at SKILL_URL.
// Run: SKILL_URL=http://127.0.0.1:8000/ node --test   (from e2e/)
//
// Every test makes its own connect(): a fresh VirtualAlexa, so a fresh user id,
// so no test sees another's saved progress or preferences in the shared server.
// Phrases avoid the words virtual-alexa turns into a LaunchRequest (ask, open,
// launch, tell, talk to), even inside other words.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { QUICK_ROUTINE_STRETCHES, connect, ssml, coach, stretchHeading, say } = require("./helpers");

const QUICK = ["knee_to_chest", "knee_rotation", "cat_cow", "childs_pose"];
assert.equal(QUICK.length, QUICK_ROUTINE_STRETCHES);

// Launches and starts the quick routine; returns the reply at stretch 1.
async function startQuickRoutine(connection) {
  await say(connection, null);
  const { reply } = await say(connection, "start the quick routine", "StartRoutineIntent");
  assert.match(ssml(reply), stretchHeading(1));
  assert.equal(coach(reply).index, 0);
  return reply;
}

// The reply is at stretch `number` (1-based) of the quick routine, session open.
function assertAtStretch(reply, number, turn) {
  assert.match(ssml(reply), stretchHeading(number), `${turn}: heading`);
  assert.equal(coach(reply).routine, "quick", `${turn}: routine`);
  assert.equal(coach(reply).index, number - 1, `${turn}: coach index`);
  assert.equal(coach(reply).stretch, QUICK[number - 1], `${turn}: coach stretch`);
  assert.equal(reply.response.shouldEndSession, false, `${turn}: session stays open`);
}

test("repeat, go back, start over and start again in the middle of the quick routine", { timeout: 30_000 }, async () => {
  const connection = connect();
  await startQuickRoutine(connection);

  let { reply } = await say(connection, "next", "AMAZON.NextIntent");
  assertAtStretch(reply, 2, "next");
  const stretchTwo = ssml(reply);

  ({ reply } = await say(connection, "repeat", "AMAZON.RepeatIntent"));
  assertAtStretch(reply, 2, "repeat");
  assert.equal(ssml(reply), stretchTwo, "repeat replays stretch 2 as first spoken");

  ({ reply } = await say(connection, "go back", "AMAZON.PreviousIntent"));
  assertAtStretch(reply, 1, "go back");

  ({ reply } = await say(connection, "next", "AMAZON.NextIntent"));
  assertAtStretch(reply, 2, "next after go back");
  ({ reply } = await say(connection, "next", "AMAZON.NextIntent"));
  assertAtStretch(reply, 3, "next to stretch 3");

  ({ reply } = await say(connection, "start over", "AMAZON.StartOverIntent"));
  assertAtStretch(reply, 1, "start over");
  assert.match(ssml(reply), /from the top/, "start over says it starts from the top");

  ({ reply } = await say(connection, "next", "AMAZON.NextIntent"));
  assertAtStretch(reply, 2, "next after start over");
  ({ reply } = await say(connection, "start again", "AMAZON.StartOverIntent"));
  assertAtStretch(reply, 1, "start again");
  assert.match(ssml(reply), /from the top/);
});

test("how do I do child's pose, outside a routine", { timeout: 30_000 }, async () => {
  const connection = connect();
  await say(connection, null);

  const { reply, request } = await say(connection, "how do I do child's pose", "HowToIntent");
  const slot = request.request.intent.slots.stretch;
  assert.equal(slot.value, "child's pose");
  const resolution = slot.resolutions.resolutionsPerAuthority[0];
  assert.equal(resolution.status.code, "ER_SUCCESS_MATCH");
  assert.equal(resolution.values[0].value.id, "childs_pose");

  assert.match(ssml(reply), /big toes together/, "explains child's pose");
  assert.equal(reply.response.shouldEndSession, false);
  assert.equal(coach(reply).routine, null, "asking how to do a stretch starts no routine");
});

test("that hurts, then skip it (yes) just for today (no)", { timeout: 30_000 }, async () => {
  const connection = connect();
  await startQuickRoutine(connection);

  let { reply } = await say(connection, "that hurts", "ThatHurtsIntent");
  assert.match(ssml(reply), /stop there/);
  assert.match(ssml(reply), /Would you like to skip knee to chest\?/);
  assert.equal(reply.response.shouldEndSession, false);
  assert.equal(coach(reply).index, 0, "still on stretch 1 while asking");

  ({ reply } = await say(connection, "yes", "AMAZON.YesIntent"));
  assert.match(ssml(reply), /Okay, we'll skip knee to chest\. Shall I leave it out of your routines from now on\?/);
  assert.equal(reply.response.shouldEndSession, false);

  ({ reply } = await say(connection, "no", "AMAZON.NoIntent"));
  assert.match(ssml(reply), /Okay, just for today\./);
  assertAtStretch(reply, 2, "no (just for today)");
  assert.ok(ssml(reply).indexOf("just for today") < ssml(reply).indexOf("Stretch 2 of"),
            "the answer comes before the next stretch");
  assert.deepEqual(coach(reply).prefs.skip, [], "skipped for today only: not left out of future routines");
});

test("stop in the middle, then a new session for the same user resumes there", { timeout: 30_000 }, async () => {
  const connection = connect();
  const { sent } = connection;
  await startQuickRoutine(connection);
  await say(connection, "next", "AMAZON.NextIntent");
  let { reply } = await say(connection, "next", "AMAZON.NextIntent");
  assertAtStretch(reply, 3, "second next");

  let request;
  ({ reply, request } = await say(connection, "stop", "AMAZON.StopIntent"));
  assert.match(ssml(reply), /I'll remember your place/);
  assert.equal(reply.response.shouldEndSession, true);
  const first = request.session;

  // Same VirtualAlexa: the ended session is gone, the user stays.
  ({ reply, request } = await say(connection, null));
  assert.equal(request.session.new, true, "launch opens a new session");
  assert.notEqual(request.session.sessionId, first.sessionId, "a different session id");
  assert.equal(request.session.user.userId, first.user.userId, "the same user as before");
  assert.equal(request.session.attributes, undefined, "nothing carried over in the session itself");
  assert.match(ssml(reply), /Welcome back\. You were on stretch 3 of 4, cat cow, in the quick routine\. Say resume to carry on/);
  assert.equal(reply.response.shouldEndSession, false);

  ({ reply } = await say(connection, "resume", "AMAZON.ResumeIntent"));
  assertAtStretch(reply, 3, "resume");
  assert.equal(sent.at(-1).session.sessionId, request.session.sessionId, "resume is in the new session");

  // Someone else on the same server has no place to resume.
  const stranger = connect();
  ({ reply, request } = await say(stranger, null));
  assert.notEqual(request.session.user.userId, first.user.userId);
  assert.doesNotMatch(ssml(reply), /You were on stretch/);
  assert.match(ssml(reply), /Shall we start the quick routine\?/);
});
