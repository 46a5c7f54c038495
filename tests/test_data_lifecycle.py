"""What happens to people's records over time: disabling the skill deletes them, and idle ones expire.

* ``AlexaSkillEvent.SkillDisabled`` (the manifest subscribes to SKILL_DISABLED) deletes the account's record
  and every recognised person's record on it (``<user id>#person:<person id>``), through one store method
  (``delete_account``), on real SQLite and on a real DynamoDB-compatible server (moto_server), and leaves
  other accounts alone;
* records not saved for 18 months expire: DynamoDB's time to live (every save writes ``expires``; the
  template turns TTL on for that attribute), and the SQLite store's sweep (when the store opens, then at most
  once a day on a write).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import uuid

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.persistence import ACCOUNT_INDEX, EXPIRES_ATTRIBUTE, IDLE_EXPIRY_DAYS
from skill.persistence.dynamodb import DynamoDbAdapter
from skill.persistence.sqlite import SWEEP_INTERVAL_SECONDS, SQLiteAdapter
from skill.skill_builder import build_lambda_handler
from skill_dev.dynamodb_server import REGION, MotoServer, client_environment, create_table, dynamodb_client
from skill_dev.envelopes import Session

from .conftest import Conversation

DAY = 86400


def _envelope(session: Session) -> RequestEnvelope:
    return DefaultSerializer().deserialize(json.dumps(session.launch()), RequestEnvelope)


def _people(account: str) -> list[Session]:
    """The account itself and two recognised people on it (the same user id, each with a person id)."""
    return [Session(user_id=account), Session(user_id=account, person="amzn1.ask.person.A"),
            Session(user_id=account, person="amzn1.ask.person.B")]


def _use_the_skill(handler, session: Session) -> None:
    """A real conversation that stores a place: start the quick routine, go on one stretch, stop."""
    convo = Conversation(handler, session)
    convo.launch()
    convo.say("StartRoutineIntent", routine="quick")
    convo.say("AMAZON.NextIntent")
    convo.say("AMAZON.StopIntent")


def _disable(handler, session: Session) -> dict:
    return handler(session.skill_disabled(), None)


def _check_disabling_deletes_the_account(store) -> None:
    """Everyone on one account uses the skill, as does someone on another account; the first account disables it."""
    handler = build_lambda_handler(persistence=store)
    account = f"amzn1.ask.account.{uuid.uuid4().hex}"
    people = _people(account)
    # A user id that starts with the first one's, so a prefix match would wrongly take it too.
    others = [Session(user_id=f"{account}X"), Session(user_id=f"{account}X", person="amzn1.ask.person.A")]
    for session in people + others:
        _use_the_skill(handler, session)
    assert all(store.get_attributes(_envelope(s)) for s in people + others), "every record was stored"

    response = _disable(handler, Session(user_id=account))
    assert response["response"] == {} and "sessionAttributes" not in response  # a skill event: nothing said

    assert all(store.get_attributes(_envelope(s)) == {} for s in people), "the account's records are gone"
    assert all(store.get_attributes(_envelope(s)) for s in others), "another account's records are kept"
    # Disabling again (Alexa may deliver an event twice) finds nothing and is no error.
    assert _disable(handler, Session(user_id=account))["response"] == {}


# --- SkillDisabled on SQLite ---------------------------------------------------------------------

def test_disabling_the_skill_deletes_every_record_of_the_account_in_sqlite(tmp_path):
    _check_disabling_deletes_the_account(SQLiteAdapter(tmp_path / "s.sqlite3"))


def test_a_failed_delete_is_logged_as_an_error_and_never_answered_with_speech(tmp_path, caplog):
    class Unavailable(SQLiteAdapter):
        def delete_account(self, account):
            raise sqlite3.OperationalError("disk I/O error")

    handler = build_lambda_handler(persistence=Unavailable(tmp_path / "s.sqlite3"))
    with caplog.at_level(logging.INFO):
        response = _disable(handler, Session())
    assert response["response"] == {}
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        "records not deleted after the skill was disabled; they expire instead"]


def test_without_a_store_a_disabled_skill_gets_an_empty_answer():
    assert _disable(build_lambda_handler(persistence=None), Session())["response"] == {}


# --- SkillDisabled on DynamoDB (moto_server) -------------------------------------------------------

@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        client_environment(patch)
        server = MotoServer(tmp_path_factory.mktemp("moto"))
        try:
            yield server.start()
        finally:
            server.stop()


@pytest.fixture
def dynamodb(moto):
    client = dynamodb_client(moto.endpoint_url)
    table = f"bsc-life-{uuid.uuid4().hex[:12]}"
    create_table(client, table)
    return client, table


def test_disabling_the_skill_deletes_every_record_of_the_account_in_dynamodb(moto, dynamodb):
    client, table = dynamodb
    adapter = DynamoDbAdapter(table, endpoint_url=moto.endpoint_url, region_name=REGION)
    _check_disabling_deletes_the_account(adapter)
    assert client.scan(TableName=table)["Count"] == 2  # only the other account's two records are left


def test_delete_account_reads_every_page_of_the_index(moto, dynamodb):
    """More records than one Query page (moto pages at 1 MB like DynamoDB; a small Limit forces pages here)."""
    _, table = dynamodb
    adapter = DynamoDbAdapter(table, endpoint_url=moto.endpoint_url, region_name=REGION)
    account = f"amzn1.ask.account.{uuid.uuid4().hex}"
    sessions = [Session(user_id=account, person=f"amzn1.ask.person.{n}") for n in range(7)]
    for session in sessions:
        adapter.save_attributes(_envelope(session), {"v": 2, "rev": 1})
    paginate = adapter.client.get_paginator("query").paginate
    pages = []

    class SmallPages:
        def paginate(self, **kwargs):
            for page in paginate(**kwargs, PaginationConfig={"PageSize": 2}):
                pages.append(page)
                yield page

    adapter.client.get_paginator = lambda name: SmallPages()
    assert adapter.delete_account(account) == 8  # the account's own key, and seven people
    assert len(pages) >= 4
    assert all(adapter.get_attributes(_envelope(s)) == {} for s in sessions)


# --- Expiry: DynamoDB's time to live ------------------------------------------------------------------

def test_every_dynamodb_save_moves_the_expiry_18_months_ahead(moto, dynamodb):
    client, table = dynamodb
    now = [1_800_000_000.0]
    adapter = DynamoDbAdapter(table, endpoint_url=moto.endpoint_url, region_name=REGION, clock=lambda: now[0])
    session = Session()

    def expires() -> int:
        item = client.get_item(TableName=table, Key={"id": {"S": session.user_id}}, ConsistentRead=True)["Item"]
        return int(item[EXPIRES_ATTRIBUTE]["N"])

    adapter.save_attributes(_envelope(session), {"v": 2, "rev": 1})
    assert expires() == 1_800_000_000 + 548 * DAY and IDLE_EXPIRY_DAYS == 548
    now[0] += 30 * DAY
    adapter.save_attributes(_envelope(session), {"v": 2, "rev": 2})
    assert expires() == 1_800_000_000 + (30 + 548) * DAY
    description = client.describe_table(TableName=table)["Table"]
    assert [index["IndexName"] for index in description["GlobalSecondaryIndexes"]] == [ACCOUNT_INDEX]


# --- Expiry: the SQLite sweep -----------------------------------------------------------------------

def _age_record(path, key: str, days: float) -> None:
    """Make a stored record look last saved ``days`` ago (the ``updated`` column is a Julian day number)."""
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE user_state SET updated = julianday('now') - ? WHERE id = ?", (days, key))


def test_the_sqlite_store_sweeps_records_idle_for_18_months_when_it_opens(tmp_path):
    path = tmp_path / "s.sqlite3"
    store = SQLiteAdapter(path)
    old, recent = Session(), Session()
    for session in (old, recent):
        store.save_attributes(_envelope(session), {"v": 2, "rev": 1})
    _age_record(path, old.user_id, IDLE_EXPIRY_DAYS + 1)
    _age_record(path, recent.user_id, IDLE_EXPIRY_DAYS - 1)

    reopened = SQLiteAdapter(path)  # a restart of the web endpoint, or a new worker
    assert reopened.get_attributes(_envelope(old)) == {}
    assert reopened.get_attributes(_envelope(recent)) == {"v": 2, "rev": 1}


def test_the_sqlite_store_sweeps_again_at_most_once_a_day_on_a_write(tmp_path):
    path = tmp_path / "s.sqlite3"
    now = [time.time()]
    store = SQLiteAdapter(path, clock=lambda: now[0])
    idle, active = Session(), Session()
    store.save_attributes(_envelope(idle), {"v": 2, "rev": 1})
    _age_record(path, idle.user_id, IDLE_EXPIRY_DAYS + 1)

    now[0] += SWEEP_INTERVAL_SECONDS - 60  # within the day: a write does not sweep
    store.save_attributes(_envelope(active), {"v": 2, "rev": 1})
    assert store.get_attributes(_envelope(idle)) == {"v": 2, "rev": 1}

    now[0] += 120  # a day after the last sweep: the next write sweeps
    store.save_attributes(_envelope(active), {"v": 2, "rev": 2})
    assert store.get_attributes(_envelope(idle)) == {}
    assert store.get_attributes(_envelope(active)) == {"v": 2, "rev": 2}
    assert store.sweep() == 0  # nothing left to expire


def test_a_save_keeps_a_record_from_expiring(tmp_path):
    """The clock runs from the last save: a record used within 18 months is never swept."""
    path = tmp_path / "s.sqlite3"
    store = SQLiteAdapter(path)
    session = Session()
    store.save_attributes(_envelope(session), {"v": 2, "rev": 1})
    _age_record(path, session.user_id, IDLE_EXPIRY_DAYS + 1)
    store.save_attributes(_envelope(session), {"v": 2, "rev": 2})
    assert store.sweep() == 0 and store.get_attributes(_envelope(session)) == {"v": 2, "rev": 2}


# --- The web endpoint's timestamp check lets late skill events through --------------------------------

def test_a_skill_event_may_arrive_up_to_an_hour_late_a_spoken_request_may_not():
    """Amazon delivers skill events up to an hour after their timestamp (the ASK SDK for Java allows 1 h for
    them, 150 s for everything else): a SkillDisabled refused as stale would leave the records behind."""
    from datetime import datetime, timedelta, timezone

    from skill.verification import TimestampVerifier, VerificationError

    now = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
    verifier = TimestampVerifier(now=lambda: now)

    def envelope(kind: str, minutes_ago: float) -> dict:
        session = Session(clock=now - timedelta(minutes=minutes_ago))
        return session.skill_disabled() if kind == "event" else session.launch()

    verifier.verify({}, b"", envelope("event", 59))
    with pytest.raises(VerificationError):
        verifier.verify({}, b"", envelope("event", 61))
    verifier.verify({}, b"", envelope("launch", 2))
    with pytest.raises(VerificationError):
        verifier.verify({}, b"", envelope("launch", 3))
