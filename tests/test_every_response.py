"""Every response the skill can produce follows Alexa's rules.

Not a sample: the state space is small enough to walk. Every routine, every
position in it, every pending question and pause flag, plus the states
outside a routine, crossed with every request the model can produce (each
intent, with every slot value, no value and an unmatched one) and the other
request types. Each goes through the Lambda handler as a real envelope.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from skill.content import LIBRARY
from skill.devtools.envelopes import Session, resolved_slot
from skill.engine import CoachState

from .alexa_rules import response_problems

MODEL = json.loads((Path(__file__).resolve().parent.parent / "interaction_models" / "en-US.json").read_text())
LANGUAGE_MODEL = MODEL["interactionModel"]["languageModel"]


def all_states():
    outside = [CoachState(pending=pending, last=last, safety_said=said)
               for pending in (None, "start") for last in (None, "routines", "stretches", "help", "howto:cat_cow")
               for said in (False, True)]
    inside = []
    for routine in LIBRARY.routines.values():
        for index, stretch_id in enumerate(routine.stretch_ids):
            for pending, paused in itertools.product((None, "start", f"skip:{stretch_id}"), (False, True)):
                inside.append(CoachState(routine=routine.id, index=index, pending=pending, paused=paused,
                                         safety_said=True))
    return outside + inside


def all_requests(session: Session):
    types = {t["name"]: t["values"] for t in LANGUAGE_MODEL["types"]}
    yield session.launch()
    for intent in LANGUAGE_MODEL["intents"]:
        slots = intent.get("slots") or []
        yield session.intent(intent["name"])
        for slot in slots:
            for value in types[slot["type"]]:
                canonical = value["name"]["value"]
                yield session.intent(intent["name"], {slot["name"]: resolved_slot(
                    canonical, slot["type"], canonical, value["id"])})
            yield session.intent(intent["name"], {slot["name"]: resolved_slot("zumba", slot["type"], None, None)})
            yield session.intent(intent["name"], {slot["name"]: None})
    yield session.intent("NotInTheModelIntent")
    for other in ("CanFulfillIntentRequest", "Alexa.Presentation.APL.UserEvent", "Connections.Response",
                  "Messaging.MessageReceived", "SomeFuture.Request"):
        yield session.envelope({"type": other})


def test_every_response_is_valid_for_alexa(lambda_handler):
    checked, failures = 0, []
    for state in all_states():
        session = Session()
        session.new = False
        session.attributes = {"coach": state.to_dict()}
        for envelope in all_requests(session):
            response = lambda_handler(envelope, None)
            if envelope["request"]["type"] == "SessionEndedRequest":
                continue
            checked += 1
            problems = response_problems(response)
            if problems:
                failures.append((state, envelope["request"], problems))
    assert not failures, failures[:3]
    assert checked > 5000
    print(f"checked {checked} responses")
