#!/usr/bin/env node
// What virtual-alexa (the version in e2e/node_modules) makes of each utterance,
// given an interaction model. No server is needed: requests go to the local
// stub in stub_skill.js.
//
// Input (stdin), one JSON object:
//   {"model": "<path to an interaction model JSON, relative to the current directory>",
//    "utterances": ["...", ...]}
// Output (stdout), one JSON array with one entry per utterance, in input order:
//   {"utterance": u, "type": "IntentRequest", "intent": name,
//    "slots": {slotName: {"value": v, "id": resolvedId or null}}}
//        slots: only those that got a value; id is the slot type value's id when
//        virtual-alexa's entity resolution says ER_SUCCESS_MATCH (the first match
//        if several), otherwise null (e.g. AMAZON.* slot types);
//   {"utterance": u, "type": "LaunchRequest"}
//        virtual-alexa turned it into a launch: it contains "ask", "open",
//        "launch", "tell" or "talk to" anywhere, even inside a word ("tell me
//        about ..."). "<one of those> ... to X" is resolved as the utterance X;
//   {"utterance": u, "error": message}
//        virtual-alexa threw, e.g. "Unable to match utterance: ...".
//   One more case comes from virtual-alexa itself: the exact utterance "exit"
//   becomes {"utterance": "exit", "type": "SessionEndedRequest"}.
// Exit status: 0 when every utterance has an entry (errors included); 2 for
// unusable input (bad JSON, a missing model file, an utterance that is not a string).
//
// Session state: resolution in virtual-alexa 0.7.8 depends only on the model and
// the words (not on session state), but utterances normally arrive mid-conversation,
// so every utterance is sent inside an open session: one VirtualAlexa is created,
// launch() opens the session, and each utterance follows in that same session. The
// stub always answers shouldEndSession false with no attributes or directives, so
// nothing carries over from one utterance to the next; if a request ends the
// session ("exit"), a new launch() opens another before the next utterance.
//
// Usage: node e2e/resolve_utterances.js < input.json > output.json
"use strict";

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = "1"; // virtual-alexa loads aws-sdk v2

const fs = require("node:fs");
const path = require("node:path");
const { VirtualAlexa } = require("virtual-alexa");

const STUB = path.join(__dirname, "stub_skill.handler");

function fail(message) {
  process.stderr.write(`resolve_utterances: ${message}\n`);
  process.exit(2);
}

function readInput() {
  let input;
  try {
    input = JSON.parse(fs.readFileSync(0, "utf8"));
  } catch (error) {
    fail(`stdin is not JSON: ${error.message}`);
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) fail("stdin must be a JSON object");
  if (typeof input.model !== "string" || !input.model) fail('"model" must be the path of an interaction model');
  if (!Array.isArray(input.utterances)) fail('"utterances" must be an array of strings');
  const bad = input.utterances.findIndex((u) => typeof u !== "string");
  if (bad !== -1) fail(`utterances[${bad}] is not a string`);
  const model = path.resolve(input.model);
  if (!fs.existsSync(model)) fail(`no interaction model at ${model}`);
  return { model, utterances: input.utterances };
}

// {slotName: {value, id}} for the slots that got a value.
function slotsOf(intent) {
  const slots = {};
  for (const [name, slot] of Object.entries(intent.slots || {})) {
    if (slot.value === undefined || slot.value === null || slot.value === "") continue;
    const authority = slot.resolutions?.resolutionsPerAuthority?.[0];
    const id = authority?.status?.code === "ER_SUCCESS_MATCH" ? authority.values?.[0]?.value?.id ?? null : null;
    slots[name] = { value: slot.value, id };
  }
  return slots;
}

function entryFor(utterance, request) {
  if (request.request.type === "IntentRequest") {
    const { intent } = request.request;
    return { utterance, type: "IntentRequest", intent: intent.name, slots: slotsOf(intent) };
  }
  return { utterance, type: request.request.type };
}

async function main() {
  const { model, utterances } = readInput();
  let alexa;
  try {
    alexa = VirtualAlexa.Builder().interactionModelFile(model).handler(STUB).create();
  } catch (error) {
    fail(`virtual-alexa cannot load ${model}: ${error.message}`);
  }
  let last = null;
  alexa.filter((request) => { last = request; });

  const results = [];
  for (const utterance of utterances) {
    if (!alexa.context().activeSession() || alexa.context().session().isNew()) {
      await alexa.launch(); // an open session, as in the middle of a conversation
    }
    last = null;
    try {
      await alexa.utter(utterance); // throws (synchronously) when nothing matches
    } catch (error) {
      results.push({ utterance, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    results.push(last ? entryFor(utterance, last) : { utterance, error: "virtual-alexa sent no request" });
  }
  // One entry per line: still one JSON array, but easy to diff and grep.
  const lines = results.map((entry) => JSON.stringify(entry));
  process.stdout.write(lines.length ? `[\n${lines.join(",\n")}\n]\n` : "[]\n");
}

main().catch((error) => fail(error.stack || String(error)));
