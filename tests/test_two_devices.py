"""One person, two Echos, both in a session: nothing either device did is lost.

The bedroom finishes the gentle routine and says "make holds longer"; the
kitchen, whose session read the record before all that, then finishes the
hips routine. Its write used to replace the record whole, erasing the gentle
routine, the streak it made and the preference. Now every write is a
compare-and-swap on the record's revision, and a conflict re-reads, merges
and writes again. Checked on SQLite and on DynamoDB (moto_server), through
the Lambda entry point and over HTTP (gunicorn).
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from skill.content import LIBRARY
from skill.engine import progress
from skill.engine.state import decode_record
from skill.persistence.dynamodb import DynamoDbAdapter
from skill.persistence.sqlite import SQLiteAdapter
from skill.skill_builder import build_lambda_handler
from skill_dev.dynamodb_server import REGION, MotoServer, client_environment, create_table, dynamodb_client
from skill_dev.envelopes import Session
from skill_dev.gunicorn import GunicornServer

from .alexa_rules import assert_valid

TODAY = datetime(2026, 11, 30, 19, 0, tzinfo=timezone.utc)
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        client_environment(patch)
        server = MotoServer(tmp_path_factory.mktemp("moto"))
        try:
            server.start()
            yield server
        finally:
            server.stop()


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request, tmp_path):
    """(adapter for in-process use and reading back, environment for a server process)."""
    if request.param == "sqlite":
        path = tmp_path / "two-devices.sqlite3"
        return SQLiteAdapter(path), {"SQLITE_PATH": str(path), "PERSISTENCE": "sqlite"}
    moto = request.getfixturevalue("moto")
    table = f"bsc-two-{uuid.uuid4().hex[:10]}"
    create_table(dynamodb_client(moto.endpoint_url), table)
    env = {"PERSISTENCE": "dynamodb", "DYNAMODB_TABLE": table, "DYNAMODB_ENDPOINT_URL": moto.endpoint_url,
           "AWS_REGION": REGION}
    return DynamoDbAdapter(table, endpoint_url=moto.endpoint_url, region_name=REGION), env


@pytest.fixture(params=["lambda", "http"])
def send(request, store, tmp_path):
    """How a request reaches the skill: the Lambda handler in-process, or POSTed to gunicorn."""
    adapter, env = store
    if request.param == "lambda":
        handler = build_lambda_handler(persistence=adapter)
        yield lambda envelope: handler(envelope, None)
        return
    import os

    server = GunicornServer(tmp_path, env={**env, **{k: v for k, v in os.environ.items() if k.startswith("AWS_")}},
                            workers=2)
    server.start()
    try:
        def post(envelope):
            request = urllib.request.Request(f"{server.url}/", data=json.dumps(envelope).encode(), method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        yield post
    finally:
        server.stop()


class Device:
    """One Echo: its own device id and sessions, the same Alexa user."""

    def __init__(self, send, user_id: str, clock: datetime):
        self.send = send
        self.session = Session(user_id=user_id, clock=clock)

    def say(self, intent: str | None, **slots) -> dict:
        envelope = self.session.launch() if intent is None else self.session.intent(intent, slots)
        response = self.send(envelope)
        assert_valid(response)
        self.session.absorb(response)
        return response

    def finish(self, routine: str) -> dict:
        response = self.say("StartRoutineIntent", routine=routine)
        for _ in range(20):  # bounded
            if response["response"]["shouldEndSession"] or "routine done" in json.dumps(response):
                break
            response = self.say("AMAZON.NextIntent")
        assert "routine done" in json.dumps(response)
        if not response["response"]["shouldEndSession"]:  # a second routine: the one-time reminder offer
            assert "remind you to stretch every day" in json.dumps(response)
            assert self.say("AMAZON.NoIntent")["response"]["shouldEndSession"] is True
        return response  # the answer that finished the routine


def stored(adapter, user_id):
    raw = adapter.get_attributes(_envelope(user_id))
    state, problem = decode_record(raw)
    assert problem is None, problem
    return state, raw


def _envelope(user_id):
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    return DefaultSerializer().deserialize(json.dumps(Session(user_id=user_id).launch()), RequestEnvelope)


def test_two_interleaved_sessions_of_one_person_lose_nothing(store, send):
    adapter, _ = store
    user = f"amzn1.ask.account.{uuid.uuid4().hex}"
    # Yesterday, on the bedroom Echo: the quick routine (the start of a streak).
    Device(send, user, YESTERDAY).finish("quick")

    bedroom, kitchen = Device(send, user, TODAY), Device(send, user, TODAY + timedelta(minutes=1))
    bedroom.say(None)
    kitchen.say(None)  # both sessions have read the record now
    bedroom.say("LongerHoldsIntent")
    done = bedroom.finish("gentle")
    assert "2 days in a row" in json.dumps(done)  # the streak made on the bedroom Echo
    kitchen.say("ShorterInstructionsIntent")
    kitchen.finish("hips")  # its session read the record before the bedroom's writes

    state, raw = stored(adapter, user)
    days = {(day, routine) for day, routine in state.history}
    assert days == {(YESTERDAY.date().isoformat(), "quick"), (TODAY.date().isoformat(), "gentle"),
                    (TODAY.date().isoformat(), "hips")}
    assert progress.streak(state.history, TODAY.date()) == 2  # survived the other device's write
    assert state.prefs.hold_offset == 5 and state.prefs.detail == "brief"  # each device's preference kept
    assert raw["rev"] >= 4

    # The next session anywhere sees all of it.
    later = Device(send, user, TODAY + timedelta(hours=1))
    later.say(None)
    response = later.say("ProgressIntent")
    assert "3 routines in the last 7 days" in json.dumps(response) and "2 day streak" in json.dumps(response)


def test_the_place_follows_the_latest_change_and_history_is_a_union(store, send):
    adapter, _ = store
    user = f"amzn1.ask.account.{uuid.uuid4().hex}"
    bedroom, kitchen = Device(send, user, TODAY), Device(send, user, TODAY + timedelta(minutes=5))
    bedroom.say(None)
    kitchen.say(None)
    bedroom.say("StartRoutineIntent", routine="hips")
    kitchen.say("StartRoutineIntent", routine="mid back")
    kitchen.say("AMAZON.NextIntent")  # the kitchen moved last, and later in time
    bedroom.say("AMAZON.NextIntent")  # an older clock: its place does not win
    state, _ = stored(adapter, user)
    assert state.routine == "mid_back" and state.index == 1
    assert LIBRARY.routine("mid_back").stretch_ids[1] == state.stretch
