// End-to-end scenarios beyond the happy path, in natural phrasings: moving around
// inside a routine, a how-to question, skipping after pain, a red-flag symptom, a
// question that survives a mishearing, a "no" that names a routine, and stopping
// for today then resuming in a new session. virtual-alexa resolves each utterance with the real
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

  assert.match(ssml(reply), /big toes touching/, "explains child's pose");
  assert.equal(reply.response.shouldEndSession, false);
  assert.equal(coach(reply).routine, null, "asking how to do a stretch starts no routine");
});

test("ouch that hurts, skip it, then next goes on to the following stretch", { timeout: 30_000 }, async () => {
  const connection = connect();
  await startQuickRoutine(connection);

  let { reply } = await say(connection, "ouch that hurts", "ThatHurtsIntent");
  assert.match(ssml(reply), /stop there/);
  assert.match(ssml(reply), /Would you like to skip knee to chest, try an easier version, or stop for today\?/);
  assert.equal(reply.response.shouldEndSession, false);
  assert.equal(coach(reply).index, 0, "still on stretch 1 while asking");

  ({ reply } = await say(connection, "yes please", "AMAZON.YesIntent"));
  assert.match(ssml(reply), /Okay, skipping knee to chest\. Shall I leave knee to chest out of your routines from now on\?/);
  assert.equal(coach(reply).index, 1, "the skip moved on at once");
  assert.doesNotMatch(ssml(reply), /Stretch \d of/, "no stretch is narrated while the side question waits");

  ({ reply } = await say(connection, "next", "AMAZON.NextIntent"));
  assertAtStretch(reply, 2, "next passes over the side question");
  assert.doesNotMatch(ssml(reply), /knee to chest/, "the stretch that hurt is not replayed");
  assert.deepEqual(coach(reply).prefs.skip, [], "not left out of future routines");

  ({ reply } = await say(connection, "okay i'm ready", "AMAZON.NextIntent"));
  assertAtStretch(reply, 3, "ready after the skip");
});

test("a red-flag symptom mid-routine stops it and sends the person to urgent help", { timeout: 30_000 }, async () => {
  const connection = connect();
  await startQuickRoutine(connection);
  await say(connection, "next", "AMAZON.NextIntent");

  const { reply, request } = await say(connection, "my leg's gone numb", "RedFlagIntent");
  assert.match(ssml(reply), /Please stop now/);
  assert.match(ssml(reply), /urgent medical help/);
  assert.equal(reply.response.shouldEndSession, true, "the routine ends here");
  assert.equal(request.request.intent.name, "RedFlagIntent");
  assert.equal(reply.response.card?.title, "Please get medical help today");

  // The place is kept (not the symptom): the next launch offers to carry on from stretch 2.
  const { reply: again } = await say(connection, null);
  assert.match(ssml(again), /Carry on with knee rotations, stretch 2 of 4\?/);
  assert.doesNotMatch(JSON.stringify(again.sessionAttributes), /numb|tingl|symptom/i);
});

test("the welcome question survives a mishearing and a side question", { timeout: 30_000 }, async () => {
  const connection = connect();
  let { reply } = await say(connection, null);
  assert.match(ssml(reply), /Shall we start the quick routine\?/);

  reply = await connection.alexa.intend("AMAZON.FallbackIntent"); // what Alexa sends for a line it can't place
  assert.match(ssml(reply), /Sorry, I didn't catch that\. Shall we start the quick routine\?/);

  ({ reply } = await say(connection, "how much longer", "HowManyLeftIntent"));
  assert.match(ssml(reply), /Shall we start the quick routine\?/);

  ({ reply } = await say(connection, "yeah let's do it", "AMAZON.YesIntent"));
  assertAtStretch(reply, 1, "yes after the fallback and the side question");
});

test("no, start the gentle routine: a no that names a routine starts it", { timeout: 30_000 }, async () => {
  const connection = connect();
  let { reply } = await say(connection, null);
  assert.match(ssml(reply), /Shall we start the quick routine\?/);

  let request;
  ({ reply, request } = await say(connection, "no start the gentle routine", "StartRoutineIntent"));
  assert.equal(request.request.intent.slots.routine.resolutions.resolutionsPerAuthority[0].values[0].value.id,
               "gentle");
  assert.match(ssml(reply), /Let's do the gentle routine: 5 stretches/);
  assert.equal(coach(reply).routine, "gentle");

  // A bare routine name answers "which one would you like?".
  ({ reply } = await say(connection, "what routines are there", "ListRoutinesIntent"));
  assert.match(ssml(reply), /Which one would you like\? Or say next to carry on with pelvic tilts\./);
  ({ reply } = await say(connection, "hips", "StartRoutineIntent"));
  assert.match(ssml(reply), /Let's do the hips routine/);
  assert.equal(coach(reply).routine, "hips");
});

test("that's enough for today in the middle, then a new session for the same user resumes there", { timeout: 30_000 }, async () => {
  const connection = connect();
  const { sent } = connection;
  await startQuickRoutine(connection);
  await say(connection, "next", "AMAZON.NextIntent");
  let { reply } = await say(connection, "next", "AMAZON.NextIntent");
  assertAtStretch(reply, 3, "second next");

  let request;
  ({ reply, request } = await say(connection, "that's enough for today", "AMAZON.StopIntent"));
  assert.match(ssml(reply), /You got as far as stretch 3 of 4, cat cow, in the quick routine\./);
  assert.match(ssml(reply), /I'll remember your place/);
  assert.equal(reply.response.shouldEndSession, true);
  const first = request.session;

  // Same VirtualAlexa: the ended session is gone, the user stays.
  ({ reply, request } = await say(connection, null));
  assert.equal(request.session.new, true, "launch opens a new session");
  assert.notEqual(request.session.sessionId, first.sessionId, "a different session id");
  assert.equal(request.session.user.userId, first.user.userId, "the same user as before");
  assert.equal(request.session.attributes, undefined, "nothing carried over in the session itself");
  assert.match(ssml(reply), /Welcome back\. Carry on with cat cow, stretch 3 of 4\?/);
  assert.equal(reply.response.shouldEndSession, false);

  ({ reply } = await say(connection, "let's carry on", "AMAZON.ResumeIntent"));
  assertAtStretch(reply, 3, "let's carry on");
  assert.equal(sent.at(-1).session.sessionId, request.session.sessionId, "resume is in the new session");

  // Someone else on the same server has no place to resume.
  const stranger = connect();
  ({ reply, request } = await say(stranger, null));
  assert.notEqual(request.session.user.userId, first.user.userId);
  assert.doesNotMatch(ssml(reply), /Carry on with/);
  assert.match(ssml(reply), /Shall we start the quick routine\?/);
});
