// A do-nothing Lambda-style skill for resolve_utterances.js: virtual-alexa needs
// something to send each request to, and this keeps the session open
// (shouldEndSession false) without attributes, directives or audio, so the
// session state it leaves behind is the same after every request.
"use strict";

exports.handler = async (_event, _context) => ({
  version: "1.0",
  response: {
    outputSpeech: { type: "PlainText", text: "OK." },
    reprompt: { outputSpeech: { type: "PlainText", text: "OK." } },
    shouldEndSession: false,
  },
});
