"""Property: whatever arrives, the answer is a 4xx or a valid Alexa response.

Hypothesis generates request envelopes, well-formed and mutated, and sends
them to the Flask app (over its WSGI interface) and to the Lambda handler.
The suite runs a quick profile; a longer one is a documented command:

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_properties.py
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.engine import CoachState
from skill.engine.state import LATEST_TIME, MAX_RECORD_BYTES, decode_record
from skill.persistence.sqlite import SQLiteAdapter
from skill.skill_builder import build_lambda_handler
from skill.web import create_app
from skill_dev.envelopes import Session

from .alexa_rules import expects_empty_response, response_problems
from .test_every_response import LANGUAGE_MODEL

settings.register_profile("ci", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

INTENTS = [i["name"] for i in LANGUAGE_MODEL["intents"]]
SLOT_VALUES = [v["name"]["value"] for t in LANGUAGE_MODEL["types"] for v in t["values"]]
REQUEST_TYPES = ["LaunchRequest", "IntentRequest", "SessionEndedRequest", "CanFulfillIntentRequest",
                 "Alexa.Presentation.APL.UserEvent", "Connections.Response", "Messaging.MessageReceived",
                 "AudioPlayer.PlaybackStarted", "System.ExceptionEncountered", "Some.Future.Request"]

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                      st.text(max_size=30))
any_json = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)

slot_value = st.one_of(st.sampled_from(SLOT_VALUES), st.text(max_size=20), any_json)
slots = st.one_of(
    st.dictionaries(st.sampled_from(["routine", "stretch", "equipment", "other"]),
                    st.one_of(st.fixed_dictionaries({"name": st.text(max_size=10), "value": slot_value}), any_json),
                    max_size=3),
    any_json)
timestamps = st.one_of(st.integers(-2**63, 2**63), st.integers(0, 4_200_000_000), st.floats(), any_json)
ids = st.one_of(st.sampled_from(["quick", "hips", "cat_cow", "childs_pose", "foam_roller", "zumba", ""]),
                st.text(max_size=70), any_json)
id_lists = st.one_of(st.lists(ids, max_size=80), any_json)
dates = st.one_of(st.dates().map(lambda d: d.isoformat()), st.text(min_size=10, max_size=10), any_json)
#: Every field of the coach state, each with values of the right shape, the wrong shape, and out of range.
STATE_FIELDS = {
    "routine": ids, "index": st.one_of(st.integers(-5, 2000), any_json), "stretch": ids,
    "side": st.one_of(st.integers(-2, 3), any_json), "updated": timestamps, "paused": any_json,
    "pending": st.one_of(st.sampled_from(["start", "resume", "reset", "continue", "skip:cat_cow",
                                          "skip_forever:cat_cow", "start:hips", "start:" + "x" * 200]),
                         st.fixed_dictionaries({"q": st.sampled_from(["start", "choose", "hurt", "leave_out",
                                                                      "go_on", "next_part", "reminder_time",
                                                                      "offer_reminder", "bogus"])},
                                               optional={"routine": any_json, "stretch": any_json,
                                                         "default": any_json, "carry_on": any_json,
                                                         "time": st.one_of(st.sampled_from(
                                                             ["08:00", "99:99", "x" * 100]), any_json)}),
                         any_json),
    "last": st.one_of(st.sampled_from(["routines", "howto:cat_cow", "howto:nope"]), any_json),
    "safety_said": any_json, "checks_said": any_json, "equipment_noted": any_json,
    "prefs": st.one_of(st.fixed_dictionaries({}, optional={
        "hold_offset": st.one_of(st.integers(-10**6, 10**6), any_json), "missing": id_lists, "skip": id_lists,
        "continuous": any_json, "detail": st.one_of(st.sampled_from(["auto", "brief", "full", "loud"]), any_json),
        "changed": st.one_of(st.dictionaries(st.sampled_from(["hold_offset", "skip", "x"]), timestamps), any_json)}),
        any_json),
    "history": st.one_of(st.lists(st.tuples(dates, ids).map(list), max_size=300), any_json),
    "notice": any_json, "hands_free": any_json, "timeline_at": timestamps,
    "timeline": st.one_of(st.lists(st.lists(st.integers(-5, 10**8), min_size=3, max_size=3), max_size=60),
                          any_json),
    "leave_out_today": id_lists,
    "practice": st.one_of(st.lists(st.tuples(ids, st.integers(-5, 10**4)).map(list), max_size=120), any_json),
    "time_zone": st.one_of(st.sampled_from(["America/Los_Angeles", "Europe/London", "Mars/Base", "../../etc",
                                            "x" * 100, ""]), any_json),
    "zone_checked": st.one_of(st.integers(-5, 2**40), any_json), "reminder_asked": any_json,
}
assert set(STATE_FIELDS) == set(CoachState().to_dict()) - {"v"}
coach_state = st.one_of(st.fixed_dictionaries({}, optional=STATE_FIELDS), any_json)


@st.composite
def envelopes(draw):
    session = Session(locale=draw(st.sampled_from(["en-US", "en-GB", "en-IN", "fr-FR", ""])))
    kind = draw(st.sampled_from(REQUEST_TYPES))
    request = {"type": kind}
    if kind in ("IntentRequest", "CanFulfillIntentRequest"):
        request["intent"] = {"name": draw(st.one_of(st.sampled_from(INTENTS), st.text(max_size=20))),
                             "slots": draw(slots)}
    if kind == "SessionEndedRequest":
        request["reason"] = draw(st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS", "BOGUS"]))
    session.new = draw(st.booleans())
    session.attributes = draw(st.one_of(st.fixed_dictionaries({"coach": coach_state.map(json.dumps)}),
                                        st.fixed_dictionaries({"coach": coach_state}),
                                        any_json.filter(lambda a: isinstance(a, dict))))
    envelope = session.envelope(request)
    # Mutations: drop or replace parts of the envelope.
    for path in draw(st.lists(st.sampled_from([
            ("request",), ("session",), ("context",), ("version",), ("request", "type"), ("request", "locale"),
            ("request", "timestamp"), ("request", "requestId"), ("session", "attributes"), ("session", "user"),
            ("context", "System"), ("session", "new")]), max_size=2, unique=True)):
        target = envelope
        for key in path[:-1]:
            target = target.get(key) if isinstance(target, dict) else None
        if isinstance(target, dict):
            if draw(st.booleans()):
                target.pop(path[-1], None)
            else:
                target[path[-1]] = draw(any_json)
    return envelope


APP = create_app({"VERIFY_SIGNATURE": False, "VERIFY_TIMESTAMP": False, "PERSISTENCE_ADAPTER": None})
CLIENT = APP.test_client()


def assert_valid_or_silent(response: dict, envelope: dict) -> None:
    body = response.get("response") or {}
    if "outputSpeech" not in body:
        kind = (envelope.get("request") or {}).get("type") if isinstance(envelope.get("request"), dict) else None
        assert expects_empty_response(kind), f"no speech for {kind}"  # SessionEnded, ExceptionEncountered, AudioPlayer
        return
    assert not response_problems(response), response_problems(response)


@given(envelopes())
def test_the_web_endpoint_answers_4xx_or_a_valid_response(envelope):
    result = CLIENT.post("/", data=json.dumps(envelope), content_type="application/json")
    assert result.status_code == 200 or 400 <= result.status_code < 500, result.status_code
    if result.status_code == 200:
        assert_valid_or_silent(result.get_json(), envelope)
    else:
        assert set(result.get_json()) == {"error"}


@given(envelopes())
def test_the_lambda_handler_always_answers_validly(lambda_handler, envelope):
    assert_valid_or_silent(lambda_handler(envelope, None), envelope)


@given(st.binary(max_size=300))
def test_random_bytes_get_a_4xx(body):
    result = CLIENT.post("/", data=body, content_type="application/json")
    assert 400 <= result.status_code < 500 or result.status_code == 200


STORE_DIR = __import__("tempfile").mkdtemp(prefix="bsc-properties-")
STORE = SQLiteAdapter(os.path.join(STORE_DIR, "properties.sqlite3"))
STORED_HANDLER = build_lambda_handler(persistence=STORE)


@given(coach_state, st.sampled_from(["LongerHoldsIntent", "AMAZON.NextIntent", "StartRoutineIntent",
                                     "ProgressIntent", "AMAZON.StopIntent"]), st.booleans())
def test_whatever_state_a_session_carries_the_stored_record_is_sane(state, intent, as_string):
    """Session attributes are input: the record they lead to is readable, small, in range, and usable."""
    session = Session()
    session.new = False
    session.attributes = {"coach": json.dumps(state) if as_string else state,
                          "store": {"loaded": True, "dirty": True, "rev": 0}}
    response = STORED_HANDLER(session.envelope({"type": "IntentRequest", "intent": {"name": intent, "slots": {}}}),
                              None)
    assert_valid_or_silent(response, {"request": {"type": "IntentRequest"}})
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    record = STORE.get_attributes(DefaultSerializer().deserialize(json.dumps(session.launch()), RequestEnvelope))
    if not record:
        return
    assert len(json.dumps(record)) <= MAX_RECORD_BYTES
    decoded, problem = decode_record(record)
    assert problem is None, problem
    assert 0 <= decoded.updated <= LATEST_TIME
    again = Session(user_id=session.user_id)
    assert_valid_or_silent(STORED_HANDLER(again.launch(), None), {"request": {"type": "LaunchRequest"}})
