"""Persistence on a real SQLite file: resume, cost per conversation, sharing, failures."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import urllib.request

import pytest

from skill.persistence.sqlite import SQLiteAdapter
from skill.skill_builder import build_lambda_handler
from skill_dev.envelopes import Session

from .conftest import Conversation
from .servers import GunicornServer


@pytest.fixture
def adapter(tmp_path):
    return SQLiteAdapter(tmp_path / "state.sqlite3")


def stored(adapter, session) -> object:
    return adapter.get_attributes(_envelope(session))


def _envelope(session):
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    return DefaultSerializer().deserialize(json.dumps(session.launch()), RequestEnvelope)


def test_save_and_load_on_a_real_file(adapter):
    session = Session()
    envelope = _envelope(session)
    assert adapter.get_attributes(envelope) == {}
    adapter.save_attributes(envelope, {"v": 2, "index": 3, "prefs": {"skip": ["cat_cow"]}})
    assert SQLiteAdapter(adapter.path).get_attributes(envelope) == {"v": 2, "index": 3, "prefs": {"skip": ["cat_cow"]}}
    adapter.delete_attributes(envelope)
    assert adapter.get_attributes(envelope) == {}


def test_quick_routine_costs_one_read_and_writes_only_on_change(adapter):
    convo = Conversation(build_lambda_handler(persistence=adapter))
    convo.launch()  # first time: safety note remembered -> write
    writes = {"launch": adapter.writes}
    convo.say("StartRoutineIntent", routine="quick")
    for question in ("WhereAmIIntent", "HowManyLeftIntent", "AMAZON.HelpIntent", "ListRoutinesIntent"):
        before = adapter.writes
        convo.say(question)
        assert adapter.writes == before, f"{question} changed nothing but wrote"
    while not convo.ended:
        convo.say("AMAZON.NextIntent")
    assert adapter.reads == 1
    # launch, start, three nexts to stretches 2-4, and the finish (history).
    assert writes["launch"] == 1 and adapter.writes == 6
    largest = max(len(json.dumps(r.get("sessionAttributes") or {})) for r in convo.responses)
    print(f"quick routine: {adapter.reads} read, {adapter.writes} writes; largest session attributes {largest} bytes")
    assert largest < 2048
    record = stored(adapter, convo.session)
    assert record["routine"] is None and record["history"][-1][1] == "quick" and record["safety_said"] is True


def test_stop_in_the_middle_then_resume_in_a_new_session(adapter):
    handler = build_lambda_handler(persistence=adapter)
    convo = Conversation(handler)
    convo.say("StartRoutineIntent", routine="hips")
    convo.say("AMAZON.NextIntent")
    convo.say("AMAZON.StopIntent")
    assert convo.ended and convo.session.new  # the session is over
    convo.launch()
    assert "Welcome back. Carry on with piriformis stretch, stretch 2 of 5?" in convo.speech
    convo.say("AMAZON.ResumeIntent")
    assert "Stretch 2 of 5: piriformis stretch." in convo.speech
    assert adapter.reads == 2  # one per session


def test_preferences_survive_sessions(adapter):
    handler = build_lambda_handler(persistence=adapter)
    convo = Conversation(handler)
    convo.launch()
    convo.say("LongerHoldsIntent")
    convo.say("MissingEquipmentIntent", equipment="foam roller")
    convo.say("AMAZON.StopIntent")
    convo.say("StartRoutineIntent", routine="mid back")
    assert "use a firm rolled-up towel for the foam roller back extension" in convo.speech
    assert "Stretch 1 of 4: foam roller back extension" in convo.speech  # kept, with the towel
    convo.say("AMAZON.NextIntent")
    convo.say("AMAZON.NextIntent")
    assert "Your right side: hold for 35 seconds" in convo.speech  # thread the needle: 30 s + 5
    prefs = stored(adapter, convo.session)["prefs"]
    assert {**prefs, "changed": None} == {"hold_offset": 5, "missing": ["foam_roller"], "skip": [],
                                          "continuous": False, "detail": "auto", "changed": None}
    assert set(prefs["changed"]) == {"hold_offset", "missing"}  # when each was set, for merging devices


def test_two_processes_share_one_file(tmp_path):
    path = tmp_path / "shared.sqlite3"
    SQLiteAdapter(path)
    script = textwrap.dedent(f"""
        import json, sys
        from skill.persistence import StoreConflict
        from skill.persistence.sqlite import SQLiteAdapter
        from skill_dev.envelopes import Session
        from ask_sdk_core.serialize import DefaultSerializer
        from ask_sdk_model import RequestEnvelope
        adapter = SQLiteAdapter({str(path)!r})
        name = sys.argv[1]
        serializer = DefaultSerializer()
        def envelope(uid):
            return serializer.deserialize(json.dumps(Session(user_id=uid).launch()), RequestEnvelope)
        shared = envelope("amzn1.ask.account.shared")
        conflicts = 0
        for i in range(200):
            adapter.save_attributes(envelope(f"amzn1.ask.account.{{name}}-{{i}}"), {{"v": 2, "index": i}})
            while True:  # read, add one, compare-and-swap: a lost update would lose a count
                current = adapter.get_attributes(shared) or {{"rev": 0, "count": 0}}
                try:
                    adapter.save_attributes(shared, {{"v": 2, "rev": current["rev"] + 1, "count": current["count"] + 1,
                                                     "writer": name}})
                    break
                except StoreConflict:
                    conflicts += 1
        print(adapter.writes - conflicts, file=sys.stdout)
    """)
    workers = [subprocess.Popen([sys.executable, "-c", script, name], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for name in ("a", "b")]
    outputs = [w.communicate(timeout=120) for w in workers]
    for worker, (out, err) in zip(workers, outputs, strict=False):
        assert worker.returncode == 0, err
        assert out.strip() == "400"
    rows = dict(sqlite3.connect(path).execute("SELECT id, data FROM user_state").fetchall())
    assert len(rows) == 401
    for name in ("a", "b"):
        for i in range(200):
            assert json.loads(rows[f"amzn1.ask.account.{name}-{i}"]) == {"v": 2, "index": i}
    shared = json.loads(rows["amzn1.ask.account.shared"])
    assert shared["count"] == 400 and shared["rev"] == 400  # no write lost between the two processes


@pytest.mark.parametrize("raw", ['{"v": 2, "index": 3, "prefs": {"ski', '{"v": 99}', '{"v": 2, "index": "three"}',
                                 '"just text"', "[1, 2]"])
def test_bad_stored_data_gives_a_fresh_start(adapter, raw):
    convo = Conversation(build_lambda_handler(persistence=adapter))
    with sqlite3.connect(adapter.path) as db:
        db.execute("INSERT INTO user_state (id, data) VALUES (?, ?)", (convo.session.user_id, raw))
    convo.launch()
    assert convo.speech.startswith("I couldn't read your saved progress, so we're starting fresh.")
    assert "Welcome to Back Stretch Coach" in convo.speech
    convo.say("AMAZON.YesIntent")
    assert "Stretch 1 of 4" in convo.speech and "couldn't read" not in convo.speech
    assert stored(adapter, convo.session)["v"] == 2  # replaced by a good record


def test_store_outage_mid_routine_answers_from_the_session_and_saves_later(tmp_path, caplog):
    adapter = SQLiteAdapter(tmp_path / "state.sqlite3", busy_timeout=0.2)
    convo = Conversation(build_lambda_handler(persistence=adapter))
    convo.say("StartRoutineIntent", routine="quick")
    blocker = sqlite3.connect(adapter.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock: writes now fail for real
    try:
        convo.say("AMAZON.NextIntent")
        assert "Stretch 2 of 4" in convo.speech
        assert convo.last["sessionAttributes"]["store"]["dirty"] is True
        assert "store write failed" in caplog.text
        assert stored(adapter, convo.session)["index"] == 0  # not saved yet
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    convo.say("WhereAmIIntent")  # changes nothing, but the earlier change is still unsaved
    assert convo.last["sessionAttributes"]["store"]["dirty"] is False
    assert stored(adapter, convo.session)["index"] == 1


def test_resume_across_a_restart_of_the_web_server(tmp_path):
    server = GunicornServer(tmp_path, env={"SQLITE_PATH": str(tmp_path / "web.sqlite3")}, workers=2)
    session = Session()

    def say(envelope):
        request = urllib.request.Request(f"{server.url}/", data=json.dumps(envelope).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.loads(response.read())
        session.absorb(body)
        return body["response"]["outputSpeech"]["ssml"]

    server.start()
    try:
        say(session.launch())
        say(session.intent("AMAZON.YesIntent"))
        assert "Stretch 2 of 4" in say(session.intent("AMAZON.NextIntent"))
    finally:
        server.stop()
    session.end()  # the speaker timed out while the server was down
    server.start()
    try:
        assert "Carry on with knee rotations, stretch 2 of 4?" in say(session.launch())
        assert "Stretch 2 of 4: knee rotations." in say(session.intent("AMAZON.ResumeIntent"))
    finally:
        server.stop()
