"""Session attributes and stored records are input: they can't poison the store or stop the skill.

Also the store's privacy (file modes), a store that won't open at start, and
preferences changed while the store was down.
"""

from __future__ import annotations

import json
import os
import stat
import urllib.request
from datetime import datetime, timezone

import pytest
from ask_sdk_core.exceptions import PersistenceException

from skill.engine.state import LATEST_TIME, MAX_RECORD_BYTES, CoachState, decode_record
from skill.persistence.sqlite import SQLiteAdapter
from skill.skill_builder import build_lambda_handler
from skill_dev.envelopes import Session
from skill_dev.gunicorn import GunicornServer

from .alexa_rules import assert_valid
from .conftest import Conversation

#: What a crafted session could carry before the fields were bounded (each was stored as it came).
POISON = {
    "routine": "zumba", "stretch": "moonwalk", "index": 999, "updated": 253402300800 * 10,
    "prefs": {"hold_offset": -60, "missing": ["x" * 50] * 2000, "skip": ["cat_cow", "nope"],
              "continuous": True, "detail": "auto"},
    "history": [["2026-11-29", "marathon"]] * 200 + [["9999-12-31", "quick"], ["1900-01-01", "quick"],
                                                     ["2026-02-30", "quick"], ["2026-11-28", "quick"]],
    "practice": [["cat_cow", 5], ["x" * 60, 99]], "last": "howto:" + "z" * 100, "notice": "<speak>",
    "safety_said": True, "timeline_at": -5,
}


def stored(adapter: SQLiteAdapter, session: Session) -> dict:
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    envelope = DefaultSerializer().deserialize(json.dumps(session.launch()), RequestEnvelope)
    return adapter.get_attributes(envelope)


def test_crafted_session_attributes_cannot_poison_the_store(tmp_path):
    adapter = SQLiteAdapter(tmp_path / "state.sqlite3")
    convo = Conversation(build_lambda_handler(persistence=adapter))
    convo.launch()
    convo.session.attributes = {**convo.session.attributes, "coach": json.dumps(POISON),
                                "store": {"loaded": True, "dirty": True, "rev": 99}}
    convo.say("LongerHoldsIntent")  # a turn that writes
    record = stored(adapter, convo.session)
    size = len(json.dumps(record))
    assert size < MAX_RECORD_BYTES / 2, size  # the crafted session would have stored about 115 KB
    state, problem = decode_record(record)
    assert problem is None
    assert state.routine is None and state.stretch is None
    assert -10 <= state.prefs.hold_offset <= 20 and state.prefs.missing == () and state.prefs.skip == ("cat_cow",)
    assert state.history == (("2026-11-28", "quick"),)  # only real dates, known routines
    assert 0 <= state.updated <= LATEST_TIME
    # And every later turn still works, inside Alexa's response size.
    convo.session.new = True
    convo.session.attributes = {}
    convo.launch()
    assert len(json.dumps(convo.last)) < 24 * 1024 and not convo.ended


@pytest.mark.parametrize("updated", [253402300800 * 1000, -86400 * 365 * 80, 2**62])
def test_a_time_far_in_the_future_or_before_1970_does_not_break_later_launches(tmp_path, updated):
    adapter = SQLiteAdapter(tmp_path / "state.sqlite3")
    convo = Conversation(build_lambda_handler(persistence=adapter))
    convo.say("StartRoutineIntent", routine="quick")
    convo.session.attributes["coach"] = json.dumps({**json.loads(convo.session.attributes["coach"]),
                                                    "updated": updated, "history": [["2026-11-28", "hips"]]})
    convo.say("AMAZON.NextIntent")
    convo.session.end()
    convo.launch()  # used to fail (a year past 9999) or wipe history (before 1970)
    assert not convo.ended and "Welcome back" in convo.speech
    assert ["2026-11-28", "hips"] in stored(adapter, convo.session)["history"]


def test_a_new_sessions_store_flags_cannot_skip_the_read_and_overwrite_the_record(tmp_path):
    adapter = SQLiteAdapter(tmp_path / "state.sqlite3")
    first = Conversation(build_lambda_handler(persistence=adapter))
    first.say("StartRoutineIntent", routine="hips")
    first.say("AMAZON.NextIntent")
    forged = Session(user_id=first.session.user_id)
    rev = stored(adapter, first.session)["rev"]  # even with the right revision guessed
    forged.attributes = {"coach": CoachState(safety_said=True).to_session(),
                         "store": {"loaded": True, "dirty": True, "rev": rev}}
    response = build_lambda_handler(persistence=adapter)(forged.intent("LongerHoldsIntent"), None)
    assert_valid(response)
    record = stored(adapter, first.session)
    assert record["routine"] == "hips" and record["index"] == 1  # the real record was read, not replaced


def test_the_sqlite_file_and_its_folder_are_private(tmp_path):
    adapter = SQLiteAdapter(tmp_path / "new" / "folder" / "state.sqlite3")
    Conversation(build_lambda_handler(persistence=adapter)).say("LongerHoldsIntent")
    assert stat.S_IMODE(os.stat(adapter.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(adapter.path.parent).st_mode) == 0o700
    for extra in ("-wal", "-shm"):
        path = adapter.path.with_name(adapter.path.name + extra)
        if path.exists():
            assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, extra


class ReadOutage(SQLiteAdapter):
    """The real SQLite store, with reads failing while ``down`` (a store outage at the start of a session)."""

    down = False

    def get_attributes(self, request_envelope):
        if self.down:
            raise PersistenceException("store unreachable")
        return super().get_attributes(request_envelope)


def test_preferences_changed_during_a_store_outage_are_kept_when_it_comes_back(tmp_path):
    adapter = ReadOutage(tmp_path / "state.sqlite3")
    handler = build_lambda_handler(persistence=adapter)
    earlier = Conversation(handler)
    earlier.say("StartRoutineIntent", routine="quick")
    earlier.say("AMAZON.NextIntent")
    convo = Conversation(handler, Session(user_id=earlier.session.user_id,
                                          clock=datetime.now(timezone.utc).replace(microsecond=0)))
    adapter.down = True
    convo.launch()
    convo.say("LongerHoldsIntent")  # said while the store is down
    convo.say("MissingEquipmentIntent", equipment="foam roller")
    assert convo.last["sessionAttributes"]["store"]["loaded"] is False
    adapter.down = False
    convo.say("WhereAmIIntent")  # the store is back: read, merge, write
    record = stored(adapter, convo.session)
    assert record["prefs"]["hold_offset"] == 5 and record["prefs"]["missing"] == ["foam_roller"]
    assert record["routine"] == "quick" and record["index"] == 1  # and the stored place is kept


def test_a_store_that_cannot_be_opened_leaves_the_server_answering_and_health_degraded(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store's folder should be")
    server = GunicornServer(tmp_path, env={"SQLITE_PATH": str(blocked / "state.sqlite3"), "PERSISTENCE": "sqlite"})
    server.start()
    try:
        with urllib.request.urlopen(f"{server.url}/health", timeout=5) as response:
            assert json.loads(response.read()) == {"status": "degraded", "store": "unavailable"}
        request = urllib.request.Request(f"{server.url}/", data=json.dumps(Session().launch()).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.loads(response.read())
        assert_valid(body)
        assert "Welcome to Back Stretch Coach" in body["response"]["outputSpeech"]["ssml"]
        assert "store unavailable; answering without persistence" in server.log()
    finally:
        server.stop()
