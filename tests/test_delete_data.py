""""Delete my data": asked first, then the person's record is deleted from the store, on both real stores.

A yes deletes the whole record (place, preferences, progress) and ends the session; the next launch is a
first-time welcome. A no, or anything but a yes, keeps everything. The fresh state of the deleting reply is
never written back, a store that can't delete says so, and the log names only the deletion, never its content.
"""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest
from ask_sdk_core.exceptions import PersistenceException

from skill.engine import Coach, CoachState
from skill.engine.questions import ANSWERS, QUESTIONS, DeleteData
from skill.engine.reply import ForgetPerson
from skill.persistence.dynamodb import DynamoDbAdapter
from skill.persistence.sqlite import SQLiteAdapter
from skill.skill_builder import build_lambda_handler
from skill.speech import plain_text
from skill_dev.dynamodb_server import REGION
from skill_dev.interaction_model import model_path
from skill_dev.resolver import Resolver

from .conftest import Conversation

# The moto_server fixtures of the DynamoDB tests: one server for this module, a table per test.
from .test_persistence_dynamodb import aws_env, ddb, moto, stored_record, table  # noqa: F401

ASKED = "This deletes your place, preferences and progress. Shall I delete it?"
DONE = "Done. I've deleted your place, preferences and progress"
FIRST_WELCOME = "Welcome to Back Stretch Coach."
COACH = Coach("en-US")


# --- The dialogue (engine) ----------------------------------------------------------------------

def test_delete_my_data_asks_first_and_only_a_yes_deletes():
    for state in (CoachState(safety_said=True), COACH.start(CoachState(safety_said=True), "quick").state):
        asked = COACH.delete_data(state)
        assert plain_text(asked.speech) == ASKED and not asked.end_session and asked.reprompt
        assert asked.state.pending == DeleteData() and not asked.effects
        assert asked.state.routine == state.routine and asked.state.index == state.index

        yes = COACH.yes(asked.state)
        assert plain_text(yes.speech).startswith(DONE) and yes.end_session and yes.reprompt is None
        assert yes.effects == (ForgetPerson(),) and yes.state == CoachState()

        no = COACH.no(asked.state)
        assert plain_text(no.speech).startswith("Okay, I've kept everything.") and not no.end_session
        assert ForgetPerson() not in no.effects and no.state.pending is None
        assert no.state.routine == state.routine and no.state.index == state.index

        for not_a_yes in (COACH.next, COACH.resume):  # "okay", "continue", "keep going": asked again
            again = not_a_yes(asked.state)
            assert plain_text(again.speech).endswith(ASKED) and again.state.pending == DeleteData()
            assert ForgetPerson() not in again.effects


def test_the_question_is_registered_and_round_trips_through_the_session():
    assert QUESTIONS["delete"] is DeleteData and "yes please" in ANSWERS["delete"]
    state = COACH.delete_data(CoachState(safety_said=True)).state
    assert CoachState.from_session(json.loads(state.to_session())).pending == DeleteData()


# --- On a real SQLite store -----------------------------------------------------------------------

def _a_person_with_history(convo: Conversation) -> None:
    convo.launch()
    convo.say("StartRoutineIntent", routine="quick")
    convo.say("AMAZON.NextIntent")
    convo.say("LongerHoldsIntent")
    convo.say("AMAZON.StopIntent")


def _row(adapter: SQLiteAdapter, user_id: str):
    with sqlite3.connect(adapter.path) as connection:
        return connection.execute("SELECT data FROM user_state WHERE id = ?", (user_id,)).fetchone()


@pytest.fixture
def sqlite_store(tmp_path):
    return SQLiteAdapter(tmp_path / "state.sqlite3")


def test_yes_deletes_the_record_and_the_next_session_is_a_new_person(sqlite_store, caplog):
    convo = Conversation(build_lambda_handler(persistence=sqlite_store))
    _a_person_with_history(convo)
    user = convo.session.user_id
    record = json.loads(_row(sqlite_store, user)[0])
    assert record["routine"] == "quick" and record["prefs"]["hold_offset"] == 5

    convo.launch()
    convo.say("DeleteDataIntent")
    assert convo.speech.endswith(ASKED) and not convo.ended
    writes = sqlite_store.writes
    with caplog.at_level(logging.INFO):
        convo.say("AMAZON.YesIntent")
    assert convo.speech.startswith(DONE) and convo.ended and "reprompt" not in convo.last["response"]
    assert _row(sqlite_store, user) is None, "the record is gone"
    assert sqlite_store.writes == writes, "the fresh state was not written back"

    # Never log the deleted content: only that a record was deleted, with the user's hash.
    lines = [r for r in caplog.records if r.name.startswith("skill")]
    assert any(r.getMessage() == "record deleted at the person's request" for r in lines)
    logged = " ".join(json.dumps({k: str(v) for k, v in vars(r).items()}) for r in lines)
    assert user not in logged and "hold_offset" not in logged and '"routine"' not in logged

    convo.launch()  # a new session: the first-time welcome, with the safety note
    assert convo.speech.startswith(FIRST_WELCOME) and "Safety first" in convo.speech
    assert "Welcome back" not in convo.speech and convo.state.get("routine") is None


def test_no_keeps_everything(sqlite_store):
    convo = Conversation(build_lambda_handler(persistence=sqlite_store))
    _a_person_with_history(convo)
    before = _row(sqlite_store, convo.session.user_id)
    convo.launch()
    convo.say("DeleteDataIntent")
    convo.say("AMAZON.NoIntent")
    assert convo.speech.startswith("Okay, I've kept everything.") and not convo.ended
    convo.say("AMAZON.StopIntent")
    assert _row(sqlite_store, convo.session.user_id) == before
    convo.launch()
    assert convo.speech.startswith("Welcome back.")


def test_the_one_shot_from_the_privacy_policy_deletes(sqlite_store):
    """docs/privacy.md tells people to say "Alexa, tell back stretch coach to delete my data"."""
    convo = Conversation(build_lambda_handler(persistence=sqlite_store))
    _a_person_with_history(convo)
    resolver = Resolver.from_file(model_path("en-US"))
    resolution = resolver.resolve("Alexa, tell back stretch coach to delete my data", in_session=False)
    assert resolution.kind == "launch" and resolution.intent == "DeleteDataIntent"
    convo.send(convo.session.envelope(resolver.intent_request(resolution, convo.session.skill_id)))
    assert convo.speech.endswith(ASKED)
    convo.say("AMAZON.YesIntent")
    assert convo.ended and _row(sqlite_store, convo.session.user_id) is None


class FailingDelete(SQLiteAdapter):
    def delete_attributes(self, request_envelope) -> None:
        raise PersistenceException("SQLite delete failed: disk I/O error")


def test_a_store_that_cannot_delete_says_so_and_keeps_the_record(tmp_path):
    store = FailingDelete(tmp_path / "state.sqlite3")
    convo = Conversation(build_lambda_handler(persistence=store))
    _a_person_with_history(convo)
    before = _row(store, convo.session.user_id)
    convo.launch()
    convo.say("DeleteDataIntent")
    convo.say("AMAZON.YesIntent")
    assert convo.speech.startswith("Sorry, I couldn't delete your data just now") and convo.ended
    assert DONE not in convo.speech
    assert _row(store, convo.session.user_id) == before


def test_without_a_store_there_is_nothing_to_delete():
    convo = Conversation(build_lambda_handler(persistence=None))
    convo.launch()
    convo.say("DeleteDataIntent")
    convo.say("AMAZON.YesIntent")
    assert convo.speech.startswith(DONE) and convo.ended


# --- On the DynamoDB-compatible moto server -----------------------------------------------------------

def test_yes_deletes_the_item_in_dynamodb_and_the_next_session_is_a_new_person(moto, ddb, table):  # noqa: F811
    adapter = DynamoDbAdapter(table, endpoint_url=moto.endpoint_url, region_name=REGION)
    convo = Conversation(build_lambda_handler(persistence=adapter))
    _a_person_with_history(convo)
    user = convo.session.user_id
    assert stored_record(ddb, table, user)["routine"] == "quick"

    convo.launch()
    convo.say("DeleteDataIntent")
    writes = adapter.writes
    convo.say("AMAZON.YesIntent")
    assert convo.speech.startswith(DONE) and convo.ended
    assert ddb.get_item(TableName=table, Key={"id": {"S": user}}, ConsistentRead=True).get("Item") is None
    assert adapter.writes == writes

    convo.launch()
    assert convo.speech.startswith(FIRST_WELCOME) and "Welcome back" not in convo.speech
    assert stored_record(ddb, table, user)["routine"] is None  # a new person's record, from the first welcome
