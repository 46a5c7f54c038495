"""A habit: the day in the person's own time zone, daily reminders by voice, one record per recognised person.

Amazon's Settings and Reminders APIs can't be reached from here: the tests start the stand-in
(skill_dev/alexa_api.py, over TLS on 127.0.0.1) and point each request's apiEndpoint at it. Everything
else is real: the Lambda entry point, the ASK SDK's service clients, a SQLite store.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest

from skill.engine import Coach, CoachState
from skill.engine.habits import local_today, parse_time_of_day
from skill.persistence.sqlite import SQLiteAdapter
from skill.services import API_TIMEOUT_SECONDS
from skill.skill_builder import build_lambda_handler
from skill_dev.alexa_api import AlexaApiStandIn
from skill_dev.envelopes import Session

from .alexa_rules import assert_valid

TOKEN = "test-api-token"
LA = "America/Los_Angeles"
#: 18:00 in Los Angeles on 1 December is 02:00 UTC on 2 December.
EVENING_LA = datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def api(monkeypatch):
    with AlexaApiStandIn(tls=True) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_file)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        server.grant(TOKEN, permissions=set())  # a valid token, no reminders permission yet
        yield server


@pytest.fixture
def handler(tmp_path):
    return build_lambda_handler(persistence=SQLiteAdapter(tmp_path / "s.sqlite3"))


def session(api, when: datetime = EVENING_LA, **more) -> Session:
    s = Session(api_endpoint=api.endpoint, api_token=TOKEN, clock=when, **more)
    api.time_zones[s.device_id] = LA
    return s


def turn(handler, s: Session, envelope: dict) -> dict:
    response = handler(envelope, None)
    request_type = envelope["request"]["type"]
    assert_valid(response, request_type)
    s.absorb(response)
    return response


def through(handler, s: Session, response: dict) -> dict:
    """Say next until the routine is done (a bounded number of times)."""
    for _ in range(40):
        if "routine done" in speech(response):
            return response
        response = turn(handler, s, s.intent("AMAZON.NextIntent"))
    raise AssertionError(f"the routine never finished: {speech(response)[:300]}")


def speech(response: dict) -> str:
    return (response["response"].get("outputSpeech") or {}).get("ssml", "")


def stored(tmp_path, s: Session) -> dict:
    import sqlite3

    row = sqlite3.connect(tmp_path / "s.sqlite3").execute("SELECT data FROM user_state WHERE id = ?",
                                                          (s.user_id,)).fetchone()
    return json.loads(row[0]) if row else {}


# --- the time zone ------------------------------------------------------------------------------------

def test_the_time_zone_is_read_once_kept_and_read_again_a_week_later(api, handler, tmp_path):
    s = session(api)
    turn(handler, s, s.launch())
    turn(handler, s, s.intent("AMAZON.HelpIntent"))
    assert len(api.requests_to("/v2/devices/", "GET")) == 1
    assert stored(tmp_path, s)["time_zone"] == LA
    s.end()
    s.advance(3 * 86400)
    turn(handler, s, s.launch())
    assert len(api.requests_to("/v2/devices/", "GET")) == 1, "kept: no call within the week"
    s.end()
    s.advance(5 * 86400)
    turn(handler, s, s.launch())
    assert len(api.requests_to("/v2/devices/", "GET")) == 2, "read again after a week"
    call = api.requests_to("/v2/devices/", "GET")[0]
    assert call.path == f"/v2/devices/{s.device_id}/settings/System.timeZone"
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_failed_read_falls_back_to_utc_and_is_tried_again_the_next_day(api, handler, tmp_path):
    s = session(api)
    api.fail_next("/v2/devices/", 500)
    response = turn(handler, s, s.launch())
    assert "Welcome" in speech(response)
    assert stored(tmp_path, s).get("time_zone") is None
    turn(handler, s, s.intent("AMAZON.HelpIntent"))
    s.end()
    turn(handler, s, s.launch())
    assert len(api.requests_to("/v2/devices/", "GET")) == 1, "not again the same day"
    s.end()
    s.advance(86400)
    turn(handler, s, s.launch())
    assert len(api.requests_to("/v2/devices/", "GET")) == 2
    assert stored(tmp_path, s)["time_zone"] == LA


def test_a_slow_settings_api_costs_at_most_the_timeout(api, handler, tmp_path):
    s = session(api)
    api.delay_next("/v2/devices/", 5)
    started = time.monotonic()
    response = turn(handler, s, s.launch())
    elapsed = time.monotonic() - started
    assert "Welcome" in speech(response)
    assert elapsed < API_TIMEOUT_SECONDS + 1.0, elapsed
    assert stored(tmp_path, s).get("time_zone") is None


def test_no_token_or_an_unknown_zone_means_utc_without_a_call(api, handler, tmp_path):
    s = Session(api_endpoint=api.endpoint, api_token=None, clock=EVENING_LA)
    turn(handler, s, s.launch())
    assert api.requests_to("/v2/devices/") == []
    s2 = session(api)
    api.time_zones[s2.device_id] = "Mars/Olympus_Mons"
    turn(handler, s2, s2.launch())
    assert stored(tmp_path, s2).get("time_zone") is None


# --- streaks in local time ------------------------------------------------------------------------------

def quick_routines_at(state: CoachState, *moments: datetime) -> CoachState:
    """The quick routine done from start to end at each moment, one after the other."""
    for moment in moments:
        coach = Coach("en-US", moment)
        reply = coach.start(state, "quick")
        while reply.state.routine:
            reply = coach.next(reply.state)
        state = reply.state
    return state


def test_two_local_days_are_two_days_even_within_one_utc_day():
    """6 pm in California one evening (02:00 UTC the next day) and noon the next day: two local days."""
    evening = datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc)   # 1 Dec, 18:00 in LA
    noon = datetime(2026, 12, 2, 20, 0, tzinfo=timezone.utc)     # 2 Dec, 12:00 in LA
    assert local_today(evening, LA).isoformat() == "2026-12-01"
    assert local_today(noon, LA).isoformat() == "2026-12-02"
    assert local_today(evening, None) == local_today(noon, None)  # in UTC it was one day
    state = quick_routines_at(CoachState(safety_said=True, checks_said=True, time_zone=LA, reminder_asked=True),
                              evening, noon)
    assert [day for day, _ in state.history] == ["2026-12-01", "2026-12-02"]
    progress = Coach("en-US", noon).how_am_i_doing(state)
    assert "2 day streak" in " ".join(getattr(s, "text", "") for s in progress.speech)


def test_in_utc_the_same_two_routines_make_one_day():
    evening, noon = datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc), datetime(2026, 12, 2, 20, 0, tzinfo=timezone.utc)
    state = quick_routines_at(CoachState(safety_said=True, checks_said=True, reminder_asked=True), evening, noon)
    assert [day for day, _ in state.history] == ["2026-12-02", "2026-12-02"]


# --- reminders --------------------------------------------------------------------------------------------

def test_without_permission_alexa_is_asked_to_ask_then_a_yes_creates_a_daily_reminder(api, handler):
    s = session(api)
    turn(handler, s, s.launch())
    asked = turn(handler, s, s.intent("SetReminderIntent", {"time": "08:00"}))
    directive = asked["response"]["directives"][0]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["payload"]["permissionScope"] == "alexa::alerts:reminders:skill:readwrite"
    assert "permission" in speech(asked)
    assert api.reminders(TOKEN) == []
    api.grant(TOKEN)  # the person said yes to Alexa
    done = turn(handler, s, s.permission_answer("ACCEPTED", directive["token"]))
    assert "every day at 8 AM" in speech(done)
    (reminder,) = api.reminders(TOKEN)
    assert reminder["trigger"]["timeZoneId"] == LA
    assert reminder["trigger"]["recurrence"]["recurrenceRules"] == ["FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0"]
    spoken = reminder["alertInfo"]["spokenInfo"]["content"][0]
    # Names the skill, never the wake word: a reminder that says "Alexa" can wake the devices around it.
    assert spoken["locale"] == "en-US" and "Back Stretch Coach" in spoken["text"]
    assert "alexa" not in spoken["text"].lower()


def test_a_denied_or_unanswered_permission_sets_nothing_and_says_so(api, handler):
    for status, words in (("DENIED", "allow reminders for Back Stretch Coach in the Alexa app"),
                          ("NOT_ANSWERED", "no reminder for now")):
        s = session(api)
        turn(handler, s, s.launch())
        asked = turn(handler, s, s.intent("SetReminderIntent", {"time": "18:30"}))
        answer = turn(handler, s, s.permission_answer(status, asked["response"]["directives"][0]["token"]))
        assert words in speech(answer)
    assert api.reminders(TOKEN) == []


def test_with_permission_a_spoken_time_sets_it_at_once_and_it_can_be_listed_and_cancelled(api, handler):
    api.grant(TOKEN)
    s = session(api)
    turn(handler, s, s.launch())
    done = turn(handler, s, s.intent("SetReminderIntent", {"time": "half past six in the evening"}))
    assert "every day at 6:30 PM" in speech(done)
    listed = turn(handler, s, s.intent("ListRemindersIntent"))
    assert "6:30 PM" in speech(listed)
    cancelled = turn(handler, s, s.intent("CancelReminderIntent"))
    assert "cancelled" in speech(cancelled)
    assert api.reminders(TOKEN) == []
    assert "don't have a stretch reminder" in speech(turn(handler, s, s.intent("ListRemindersIntent")))


def test_no_time_asks_for_one_and_the_answer_sets_it(api, handler):
    api.grant(TOKEN)
    s = session(api)
    turn(handler, s, s.launch())
    asked = turn(handler, s, s.intent("SetReminderIntent"))
    assert "What time each day" in speech(asked)
    done = turn(handler, s, s.intent("SetReminderIntent", {"time": "07:15"}))
    assert "7:15 AM" in speech(done)


@pytest.mark.parametrize("status, body, words", [
    (500, None, "couldn't reach the reminders service"),
    (503, None, "couldn't reach the reminders service"),
    (429, None, "couldn't reach the reminders service"),
    (403, {"code": "MAX_REMINDERS_EXCEEDED", "message": "full"}, "as many reminders as Alexa allows"),
])
def test_server_errors_and_a_full_list_get_a_clear_answer(api, handler, status, body, words):
    api.grant(TOKEN)
    s = session(api)
    turn(handler, s, s.launch())
    api.fail_next("/v1/alerts/reminders", status, body)
    response = turn(handler, s, s.intent("SetReminderIntent", {"time": "08:00"}))
    assert words in speech(response)
    assert response["response"]["shouldEndSession"] is False


def test_a_revoked_permission_is_understood_when_listing_and_cancelling(api, handler):
    s = session(api)
    turn(handler, s, s.launch())
    for intent in ("ListRemindersIntent", "CancelReminderIntent"):
        assert "Reminders aren't allowed" in speech(turn(handler, s, s.intent(intent)))


def test_a_slow_reminders_api_is_given_up_after_the_timeout(api, handler):
    api.grant(TOKEN)
    s = session(api)
    turn(handler, s, s.launch())
    api.delay_next("/v1/alerts/reminders", 5)
    started = time.monotonic()
    response = turn(handler, s, s.intent("SetReminderIntent", {"time": "08:00"}))
    assert time.monotonic() - started < API_TIMEOUT_SECONDS + 1.0
    assert "couldn't reach" in speech(response)


def test_after_a_second_routine_a_reminder_is_offered_once_and_a_no_is_remembered(api, handler, tmp_path):
    s = session(api)
    turn(handler, s, s.launch())
    for number in (1, 2):
        response = through(handler, s, turn(handler, s, s.intent("StartRoutineIntent", {"routine": "quick"})))
        if number == 1:
            assert response["response"]["shouldEndSession"] is True
            turn(handler, s, s.launch())
    assert "remind you to stretch every day at 6 PM" in speech(response)  # 18:00 in Los Angeles
    declined = turn(handler, s, s.intent("AMAZON.NoIntent"))
    assert "won't ask again" in speech(declined) and declined["response"]["shouldEndSession"] is True
    assert stored(tmp_path, s)["reminder_asked"] is True
    turn(handler, s, s.launch())
    response = through(handler, s, turn(handler, s, s.intent("StartRoutineIntent", {"routine": "quick"})))
    assert "remind" not in speech(response)


@pytest.mark.parametrize("value, expected", [
    ("08:00", (8, 0)), ("20:30", (20, 30)), ("EV", (18, 0)), ("MO", (8, 0)), ("eight am", (8, 0)),
    ("seven thirty in the morning", (7, 30)), ("half past six in the evening", (18, 30)), ("noon", (12, 0)),
    ("quarter to nine", (8, 45)), ("12 am", (0, 0)), ("at 9 pm", (21, 0)), ("25:00", None), ("banana", None),
    ("", None), (None, None), ("99 pm", None),
])
def test_times_alexa_sends_and_words_a_test_client_passes_through(value, expected):
    assert parse_time_of_day(value) == expected


# --- recognised speakers ------------------------------------------------------------------------------

PERSON_A, PERSON_B = "amzn1.ask.person.AAAA", "amzn1.ask.person.BBBB"


def test_each_recognised_person_keeps_their_own_place_and_is_greeted_by_name(api, handler):
    account = "amzn1.ask.account.shared"
    a = session(api, user_id=account, person=PERSON_A)
    turn(handler, a, a.launch())
    turn(handler, a, a.intent("StartRoutineIntent", {"routine": "hips"}))
    turn(handler, a, a.intent("AMAZON.StopIntent"))
    b = session(api, user_id=account, person=PERSON_B)
    b.device_id = a.device_id
    first = turn(handler, b, b.launch())
    assert "Welcome to Back Stretch Coach" in speech(first), "B is new: A's place is A's"
    turn(handler, b, b.intent("AMAZON.StopIntent"))
    again = session(api, user_id=account, person=PERSON_A)
    back = turn(handler, again, again.launch())
    assert f'<alexa:name type="first" personId="{PERSON_A}"/>' in speech(back)
    assert "Welcome back" in speech(back)
    carry_on = turn(handler, again, again.intent("AMAZON.YesIntent"))
    assert "Stretch 1 of 5" in speech(carry_on)  # the hips routine A started
    anyone = session(api, user_id=account)
    unrecognised = turn(handler, anyone, anyone.launch())
    assert "alexa:name" not in speech(unrecognised) and "Welcome to Back Stretch Coach" in speech(unrecognised)


def test_an_odd_person_id_is_never_put_in_the_speech(api, handler):
    s = session(api, person='amzn1.ask.person.x"/><audio src="x')
    turn(handler, s, s.launch())
    turn(handler, s, s.intent("AMAZON.StopIntent"))
    s2 = session(api, user_id=s.user_id, person=s.person)
    response = turn(handler, s2, s2.launch())
    assert "alexa:name" not in speech(response) and "audio" not in speech(response)


