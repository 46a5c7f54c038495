"""Nothing about a health condition, a symptom or pain reaches the store or the logs.

Conversations go through the real Lambda entry point with a real SQLite store on a
temp file. Every log record is captured (at DEBUG, as text and as the JSON lines
:class:`skill.logs.JsonFormatter` writes), the store's rows are read raw after every
turn, and the database files are read as bytes at the end. None of them may hold an
intent name that tells about health, a condition's id, name or synonyms, a symptom
word, or any slot value that was sent.

Two small tests prove the detector works: with the intent name logged unchanged,
or with the session-only leave-out list stored, the same check finds the leak.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest

from skill.content import LIBRARY
from skill.engine.state import RECORD_FIELDS
from skill.logs import JsonFormatter
from skill.persistence.sqlite import SQLiteAdapter
from skill.skill_builder import build_lambda_handler
from skill_dev.envelopes import Session, resolved_slot

from .conftest import Conversation

HEALTH_INTENTS = ("ThatHurtsIntent", "RedFlagIntent", "HealthConditionIntent")
SYMPTOM_WORDS = ("pregnant", "osteoporosis", "surgery", "numb", "tingl", "bladder", "bowel", "pain", "hurt")


def condition_words() -> set[str]:
    found = set()
    for condition in LIBRARY.conditions.values():
        found |= {condition.id, condition.name, *condition.synonyms}
    return found


def condition_slot(spoken: str, condition_id: str | None) -> dict:
    canonical = LIBRARY.conditions[condition_id].name if condition_id else None
    return {"condition": resolved_slot(spoken, "HEALTH_CONDITION", canonical, condition_id)}


def part_slot(spoken: str, part_id: str | None) -> dict:
    return {"part": resolved_slot(spoken, "BODY_PART", part_id, part_id)}


class Recorder:
    """A conversation on the real Lambda handler that remembers every health slot value it sent."""

    def __init__(self, handler, adapter: SQLiteAdapter):
        self.convo = Conversation(handler, Session())
        self.adapter = adapter
        self.sent: set[str] = set()
        self.rows_seen: list[str] = []

    def send(self, intent: str | None, slots: dict | None = None) -> dict:
        if intent in HEALTH_INTENTS:  # what a person said about their health (a routine's name may be stored)
            for slot in (slots or {}).values():
                if isinstance(slot, str):
                    self.sent.add(slot)
                elif isinstance(slot, dict):
                    self.sent.add(slot["value"])
                    for resolution in slot.get("resolutions", {}).get("resolutionsPerAuthority", []):
                        for value in resolution.get("values", []):
                            self.sent |= {value["value"]["name"], value["value"]["id"]}
        if intent is None:
            response = self.convo.launch()
        else:
            response = self.convo.send(self.convo.session.intent(intent, slots))
        self.rows_seen += raw_rows(self.adapter.path)  # after every turn, not just at the end
        return response

    @property
    def speech(self) -> str:
        return self.convo.speech


def raw_rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [json.dumps(row) for row in db.execute("SELECT * FROM user_state").fetchall()]


def raw_bytes(path: Path) -> str:
    """The database files as bytes (the main file and the write-ahead log), decoded loosely."""
    chunks = []
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-journal")):
        if candidate.exists():
            chunks.append(candidate.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(chunks)


def log_texts(caplog) -> list[str]:
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    for line in lines:
        json.loads(line)  # each one is a JSON line
    return [*lines, caplog.text]


def leaks(texts, forbidden) -> list[tuple[str, str]]:
    """Every (term, excerpt) where a forbidden term appears, case-insensitively."""
    found = []
    for text in texts:
        lowered = text.lower()
        for term in forbidden:
            at = lowered.find(term.lower())
            if at >= 0:
                found.append((term, text[max(0, at - 60):at + 60]))
    return found


def forbidden_terms(sent: set[str]) -> set[str]:
    return {*HEALTH_INTENTS, *condition_words(), *SYMPTOM_WORDS, *sent}


# --- the conversations -------------------------------------------------------------------------

def pain_and_red_flag_in_a_routine(say: Recorder) -> None:
    say.send(None)
    say.send("ThatHurtsIntent")                               # outside a routine
    assert "Stop whatever is hurting" in say.speech
    say.send("StartRoutineIntent", {"routine": "quick"})
    say.send("ThatHurtsIntent")                               # mid-routine
    assert "stop there" in say.speech
    say.send("AMAZON.YesIntent")                              # skip it
    say.send("AMAZON.YesIntent")                              # and leave it out for good (a stretch id is stored)
    assert "leave knee to chest out from now on" in say.speech
    say.send("ThatHurtsIntent")
    say.send("AMAZON.NoIntent")                               # rest
    say.send("RedFlagIntent", part_slot("left leg", "leg"))   # mid-routine, with a part
    assert "urgent medical help" in say.speech and say.convo.ended


def red_flags_without_a_part_and_unresolved(say: Recorder) -> None:
    say.send("RedFlagIntent")                                 # one-shot, outside a routine, no slot
    assert "urgent medical help" in say.speech and say.convo.ended
    say.send("RedFlagIntent", part_slot("my private toe", None))
    assert say.convo.ended
    say.send("StartRoutineIntent", {"routine": "hips"})
    say.send("AMAZON.NextIntent")
    say.send("RedFlagIntent", {"part": "legs"})              # heard, no resolution
    assert "kept your place" in say.speech


def conditions_outside_and_inside(say: Recorder) -> None:
    say.send(None)
    say.send("HealthConditionIntent", condition_slot("pregnant", "pregnancy"))
    assert "I won't keep a note of it" in say.speech
    say.send("StartRoutineIntent", {"routine": "quick"})
    assert "quick routine: 2 stretches" in say.speech
    say.send("AMAZON.NextIntent")
    say.send("HealthConditionIntent", condition_slot("brittle bones", "osteoporosis"))   # empties the quick routine
    assert "nothing in the quick routine" in say.speech
    say.send("StartRoutineIntent", {"routine": "hips"})
    say.send("AMAZON.NextIntent")
    say.send("AMAZON.StopIntent")


def surgery_mid_routine_and_odd_values(say: Recorder) -> None:
    say.send("StartRoutineIntent", {"routine": "gentle"})
    say.send("AMAZON.NextIntent")
    say.send("HealthConditionIntent", condition_slot("a hip replacement", "surgery"))
    assert "pelvic tilts" in say.speech
    say.send("AMAZON.YesIntent")
    say.send("HealthConditionIntent", {"condition": "osteoporosis"})    # heard, no resolution
    say.send("HealthConditionIntent", {"condition": None})              # "is this safe for me"
    assert "I can't check your health" in say.speech
    say.send("HealthConditionIntent", condition_slot("my secret diagnosis", None))
    say.send("HealthConditionIntent", {"condition": "surgery on my back"})
    say.send("AMAZON.FallbackIntent")
    say.send("ThatHurtsIntent")
    say.send("AMAZON.StopIntent")


def every_spoken_condition(say: Recorder) -> None:
    say.send(None)
    for condition in LIBRARY.conditions.values():
        for spoken in condition.spoken_names:
            say.send("HealthConditionIntent", condition_slot(spoken, condition.id))
            assert "I won't keep a note of it" in say.speech, spoken
    say.send("StartRoutineIntent", {"routine": "gentle"})
    assert "nothing in the gentle routine for today" in say.speech  # all three together leave nothing
    say.send("AMAZON.StopIntent")


CONVERSATIONS = (pain_and_red_flag_in_a_routine, red_flags_without_a_part_and_unresolved,
                 conditions_outside_and_inside, surgery_mid_routine_and_odd_values, every_spoken_condition)


@pytest.fixture
def adapter(tmp_path):
    return SQLiteAdapter(tmp_path / "privacy.sqlite3")


def run_all(adapter, caplog) -> tuple[set[str], list[str]]:
    handler = build_lambda_handler(persistence=adapter)  # configures logging: set the level after it
    caplog.set_level(logging.DEBUG)
    sent: set[str] = set()
    rows: list[str] = []
    for conversation in CONVERSATIONS:
        recorder = Recorder(handler, adapter)
        conversation(recorder)
        sent |= recorder.sent
        rows += recorder.rows_seen
    return sent, rows


def test_nothing_about_health_reaches_the_store_or_the_logs(adapter, caplog):
    sent, rows = run_all(adapter, caplog)
    assert {"left leg", "pregnant", "brittle bones", "a hip replacement", "my secret diagnosis"} <= sent
    forbidden = forbidden_terms(sent)

    logs = log_texts(caplog)
    turns = [r for r in caplog.records if r.getMessage() == "turn"]
    assert len(turns) >= 40  # the turns really were logged, so there was something to look at
    assert {getattr(r, "intent", None) for r in turns} >= {"health (not logged)", "AMAZON.NextIntent"}
    assert leaks(logs, forbidden) == []

    final = raw_rows(adapter.path)
    assert len(final) == len(CONVERSATIONS) and rows
    assert leaks([*rows, *final, raw_bytes(adapter.path)], forbidden | {"leave_out_today"}) == []


def test_the_stored_record_has_exactly_the_documented_fields(adapter, caplog):
    run_all(adapter, caplog)
    with sqlite3.connect(adapter.path) as db:
        records = [json.loads(data) for (data,) in db.execute("SELECT data FROM user_state")]
    assert len(records) == len(CONVERSATIONS)
    for record in records:
        assert set(record) == {"v", "rev", *RECORD_FIELDS}
        assert record["v"] == 2
    skipped = [record["prefs"]["skip"] for record in records]
    assert ["knee_to_chest"] in skipped  # what the person asked to leave out for good: a stretch id, no reason


# --- the detector finds a leak when there is one ------------------------------------------------

def test_the_detector_catches_a_logged_intent_name(adapter, caplog, monkeypatch):
    import skill.interceptors

    monkeypatch.setattr(skill.interceptors, "loggable_intent", lambda name: name)
    handler = build_lambda_handler(persistence=adapter)
    caplog.set_level(logging.DEBUG)
    say = Recorder(handler, adapter)
    say.send("ThatHurtsIntent")
    say.send("HealthConditionIntent", condition_slot("pregnant", "pregnancy"))
    found = {term for term, _ in leaks(log_texts(caplog), forbidden_terms(say.sent))}
    assert {"ThatHurtsIntent", "HealthConditionIntent", "hurt"} <= found
    # ...and the slot value was still not logged: only the name leaked.
    assert "pregnant" not in found


def test_the_detector_catches_a_stored_leave_out_list(adapter, caplog, monkeypatch):
    import skill.engine.state

    monkeypatch.setattr(skill.engine.state, "RECORD_FIELDS", (*RECORD_FIELDS, "leave_out_today"))
    handler = build_lambda_handler(persistence=adapter)
    caplog.set_level(logging.DEBUG)
    say = Recorder(handler, adapter)
    say.send("StartRoutineIntent", {"routine": "quick"})
    say.send("HealthConditionIntent", condition_slot("pregnant", "pregnancy"))
    assert leaks(say.rows_seen, {"leave_out_today"})
    with sqlite3.connect(adapter.path) as db:
        (data,) = db.execute("SELECT data FROM user_state").fetchone()
    assert set(json.loads(data)) != {"v", "rev", *RECORD_FIELDS}
