"""Every response the skill can produce follows Alexa's rules.

Not a sample: the state space is small enough to walk. Every routine, every
position in it, every pending question and pause flag, plus the states
outside a routine, crossed with every request the model can produce (each
intent, with every slot value, no value and an unmatched one) and the other
request types. Each goes through the Lambda handler as a real envelope.

Requests Alexa plays no answer to (SessionEndedRequest, System.ExceptionEncountered, and the
AudioPlayer and PlaybackController requests of interfaces the skill does not declare) must get an
empty response that leaves the session attributes as they were; every other request, a spoken one.

Health policy, on the same walk: no response invites the person to tell the skill about a condition or
symptom (tests/alexa_rules.py, ``health_invitations``; the policy and its check are in
tests/test_certification.py).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

from skill.content import LIBRARY
from skill.engine import Coach, CoachState, plan_for
from skill.engine.questions import (
    QUESTIONS,
    ChooseRoutine,
    DeleteData,
    GoOn,
    HurtOptions,
    LeaveOut,
    NextPart,
    OfferReminder,
    ReminderTime,
    ResetPreferences,
    Resume,
    StartRoutine,
)
from skill.engine.state import Preferences
from skill.skill_builder import build_lambda_handler
from skill_dev.envelopes import Session, resolved_slot

from .alexa_rules import expects_empty_response, response_health_invitations, response_problems

MODEL = json.loads((Path(__file__).resolve().parent.parent / "interaction_models" / "en-US.json").read_text())
LANGUAGE_MODEL = MODEL["interactionModel"]["languageModel"]


PREFERENCES = (
    Preferences(),
    Preferences(hold_offset=20, missing=("foam_roller", "massage_ball", "stretch_band")),
    Preferences(hold_offset=-10, skip=("knee_to_chest", "cat_cow", "piriformis")),
    Preferences(detail="brief", continuous=True),
)


#: Invitations to disclose health information that another issue removes, exempt here until its branch lands:
#: issue 22 rewrites HealthConditionIntent's general answer (phrase "health_general") so it invites nothing.
#: Exact sentences, so any other invitation, or a reworded one, still fails. Remove when issue 22 is merged.
KNOWN_ELSEWHERE = {"if you're pregnant, have osteoporosis, or had back or hip surgery recently, tell me, and i'll "
                   "leave out the stretches to avoid today."}


def all_states():
    """Every kind of state: outside and inside each routine, each place, each question, odd preferences."""
    history = (("2026-11-22", "quick"), ("2026-11-23", "hips"))
    outside = [CoachState(pending=pending, last=last, safety_said=said, notice=notice, history=history)
               for pending in (None, StartRoutine(), StartRoutine("hips"), ResetPreferences(), Resume(),
                               ChooseRoutine(), ChooseRoutine("hips"), ChooseRoutine(carry_on=True),
                               DeleteData(), ReminderTime(), OfferReminder("18:00"), OfferReminder("99:99"))
               for last in (None, "routines", "stretches", "help", "howto:cat_cow")
               for said in (False, True) for notice in (None, "reset")]
    outside += [CoachState(prefs=prefs, safety_said=True) for prefs in PREFERENCES]
    outside.append(CoachState(prefs=Preferences(skip=tuple(LIBRARY.stretches)), safety_said=True))
    # A health condition mentioned this session: stretches left out for now, some routines empty.
    for condition in LIBRARY.conditions.values():
        outside.append(CoachState(safety_said=True, leave_out_today=condition.leave_out))
        outside += [CoachState(routine=routine, index=1, safety_said=True, leave_out_today=condition.leave_out,
                               pending=GoOn()) for routine in LIBRARY.routines]
    inside = []
    for prefs in PREFERENCES:
        for routine in LIBRARY.routines.values():
            plan = plan_for(LIBRARY, routine.id, prefs)
            for index, stretch in enumerate(plan.stretches):
                # Every question and pause at every place; odd preferences change the plan, not the questions.
                questions = (None, StartRoutine(), Resume(), ResetPreferences(), HurtOptions(stretch.id),
                             LeaveOut(stretch.id), LeaveOut(plan.stretches[index - 1].id), GoOn(), NextPart(),
                             ChooseRoutine("hips"), ChooseRoutine(carry_on=True), DeleteData())
                variants = itertools.product(questions, (False, True)) if prefs == Preferences() else [(None, False)]
                for pending, paused in variants:
                    inside.append(CoachState(routine=routine.id, index=index, stretch=stretch.id, pending=pending,
                                             paused=paused, safety_said=True, prefs=prefs, updated=1_700_000_000))
    hands_free = []
    for routine in LIBRARY.routines.values():
        part = Coach("en-US").hands_free(CoachState(safety_said=True), routine.id).state
        for elapsed in (-10, 0, 30, 100, 10_000):  # backwards, at the start, mid-part, later, implausible
            hands_free.append(replace(part, timeline_at=part.timeline_at - elapsed))
    return outside + inside + hands_free


def all_requests(session: Session, with_slot_values: bool):
    """Every request the model can produce: launch, each intent bare, and (optionally) every slot value.

    A slot value only matters to the intent that carries it, so the slot-value
    variants run in every place of every routine but not under every pending
    question; a question is answered (or dropped) the same way whatever slot
    value arrives with an unrelated intent.
    """
    types = {t["name"]: t["values"] for t in LANGUAGE_MODEL["types"]}
    yield session.launch()
    for intent in LANGUAGE_MODEL["intents"]:
        yield session.intent(intent["name"])
        for slot in intent.get("slots") or []:
            yield session.intent(intent["name"], {slot["name"]: resolved_slot("zumba", slot["type"], None, None)})
            yield session.intent(intent["name"], {slot["name"]: None})
            if not with_slot_values:
                continue
            if slot["type"] == "AMAZON.TIME":  # what Alexa sends: a time, a part of the day, or words it kept
                for heard in ("08:00", "23:45", "EV", "half past six in the evening", "99:99"):
                    yield session.intent(intent["name"], {slot["name"]: heard})
                continue
            for value in types[slot["type"]]:
                canonical = value["name"]["value"]
                yield session.intent(intent["name"], {slot["name"]: resolved_slot(
                    canonical, slot["type"], canonical, value["id"])})
    yield session.intent("NotInTheModelIntent")
    for other in ("CanFulfillIntentRequest", "Alexa.Presentation.APL.UserEvent", "Connections.Response",
                  "Messaging.MessageReceived", "SomeFuture.Request"):
        yield session.envelope({"type": other})
    # Alexa's answers to the reminders permission question (and one with a token that isn't ours).
    for status, token in (("ACCEPTED", "daily-reminder:08:00"), ("DENIED", "daily-reminder:08:00"),
                          ("NOT_ANSWERED", None), ("ACCEPTED", "something-else")):
        yield session.permission_answer(status, token)
    # Requests Alexa plays no answer to: each must get an empty response.
    yield session.session_ended()
    yield session.session_ended("ERROR")
    yield session.envelope({"type": "System.ExceptionEncountered",
                            "error": {"type": "INVALID_RESPONSE", "message": "The response is invalid."},
                            "cause": {"requestId": "amzn1.echo-api.request.0"}})
    for undeclared in ("AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackFailed",
                       "AudioPlayer.PlaybackNearlyFinished", "PlaybackController.NextCommandIssued",
                       "PlaybackController.PlayCommandIssued",
                       "AudioPlayer.SomeFutureEvent"):
        yield session.envelope({"type": undeclared, "token": "t", "offsetInMilliseconds": 0})


def test_the_walk_asks_every_kind_of_question():
    asked = {type(state.pending) for state in all_states() if state.pending is not None}
    assert asked == set(QUESTIONS.values())


def test_every_response_is_valid_for_alexa():
    # No store: what is checked here is every response, and the store can't change one.
    lambda_handler = build_lambda_handler(persistence=None)
    checked, empty, failures, invitations = 0, 0, [], {}
    for state in all_states():
        session = Session()
        session.new = False
        session.attributes = {"coach": state.to_session()}
        for envelope in all_requests(session, with_slot_values=not state.pending and not state.paused):
            response = lambda_handler(envelope, None)
            kind = envelope["request"]["type"]
            checked += 1
            problems = response_problems(response, kind)
            if expects_empty_response(kind):
                empty += 1
                if response.get("sessionAttributes") not in (None, envelope["session"]["attributes"]):
                    problems.append("session attributes changed")
            if problems:
                failures.append((state, envelope["request"], problems))
            for sentence in set(response_health_invitations(response)) - KNOWN_ELSEWHERE:
                invitations.setdefault(sentence, envelope["request"].get("intent", envelope["request"]))
    assert not failures, failures[:3]
    assert not invitations, f"responses that invite health disclosure (sentence: request): {invitations}"
    assert checked > 20000 and empty > 1000
    print(f"checked {checked} responses, {empty} of them empty")
