// Shared by the end-to-end tests: a virtual Alexa talking to the skill at
// SKILL_URL with the real interaction model, and the checks every turn must pass.
"use strict";

const assert = require("node:assert/strict");
const path = require("node:path");
const { VirtualAlexa } = require("virtual-alexa");

const MODEL = path.join(__dirname, "..", "interaction_models", "en-US.json");
const QUICK_ROUTINE_STRETCHES = 4;

// A virtual Alexa talking to the skill, plus every request it sent.
// Each call is a new VirtualAlexa, so a new Alexa user id (amzn1.ask.account.<uuid>):
// the skill's saved state (SQLite, keyed by user id) is not shared between callers.
// One instance keeps its user id across sessions, so a later launch() on the same
// instance is the same person coming back.
function connect() {
  const url = process.env.SKILL_URL;
  assert.ok(url, "set SKILL_URL to the skill's endpoint, e.g. http://127.0.0.1:8000/");
  const alexa = VirtualAlexa.Builder().interactionModelFile(MODEL).skillURL(url).create();
  const sent = [];
  alexa.filter((request) => sent.push(structuredClone(request)));
  return { alexa, sent };
}

const ssml = (reply) => reply.response.outputSpeech.ssml;
// The coach state travels in the session attributes as one JSON string.
const coach = (reply) => JSON.parse(reply.sessionAttributes.coach);

// Matches the heading of stretch `number` (1-based) of the quick routine.
const stretchHeading = (number, total = QUICK_ROUTINE_STRETCHES) => new RegExp(`Stretch ${number} of ${total}:`);

// Checks every response must pass; `turn` names the step in failure messages.
function checkTurn(reply, turn) {
  const { outputSpeech, reprompt, shouldEndSession } = reply.response;
  assert.equal(outputSpeech?.type, "SSML", `${turn}: outputSpeech must be SSML`);
  assert.match(outputSpeech.ssml, /^<speak>[\s\S]+<\/speak>$/, `${turn}: SSML must be wrapped in <speak>`);
  assert.equal(typeof shouldEndSession, "boolean", `${turn}: shouldEndSession must be set`);
  if (!shouldEndSession) {
    assert.equal(reprompt?.outputSpeech?.type, "SSML", `${turn}: an open session needs a reprompt`);
    assert.match(reprompt.outputSpeech.ssml, /^<speak>[\s\S]+<\/speak>$/, `${turn}: reprompt SSML`);
  }
}

// One turn: `phrase` is uttered (null means launch()); the reply is checked with
// checkTurn and, for an utterance, the request must have resolved to `intent`.
// Returns the reply and the request virtual-alexa sent for it.
async function say(connection, phrase, intent) {
  const { alexa, sent } = connection;
  const before = sent.length;
  const reply = phrase === null ? await alexa.launch() : await alexa.utter(phrase);
  const turn = phrase === null ? "launch" : `"${phrase}"`;
  assert.equal(sent.length, before + 1, `${turn}: exactly one request sent`);
  const request = sent.at(-1);
  if (phrase === null) {
    assert.equal(request.request.type, "LaunchRequest", `${turn}: request type`);
  } else {
    assert.equal(request.request.type, "IntentRequest", `${turn}: request type`);
    if (intent) assert.equal(request.request.intent.name, intent, `${turn} resolved to the wrong intent`);
  }
  checkTurn(reply, turn);
  return { reply, request };
}

module.exports = { MODEL, QUICK_ROUTINE_STRETCHES, connect, ssml, coach, stretchHeading, checkTurn, say };
