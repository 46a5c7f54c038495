"""The DynamoDB store against a real DynamoDB-compatible server (moto_server on 127.0.0.1).

The server runs in its own process, started and stopped by this module
(see :mod:`skill_dev.dynamodb_server`); nothing here talks to AWS. Every test uses
its own table, so tests don't see each other's records.
"""

from __future__ import annotations

import json
import logging
import socket
import time
import uuid
from decimal import Decimal

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from boto3.dynamodb.types import TypeDeserializer

from skill.engine.state import SCHEMA_VERSION, CoachState, Preferences, decode_record
from skill.persistence import StoreConflict
from skill.persistence.dynamodb import DynamoDbAdapter, from_dynamo, to_dynamo
from skill.skill_builder import build_lambda_handler
from skill_dev.dynamodb_server import REGION, MotoServer, client_environment, create_table, dynamodb_client
from skill_dev.envelopes import Session

from .conftest import Conversation

FRESH_START = "I couldn't read your saved progress, so we're starting fresh"
UNHANDLED = "unhandled error in skill"


# --- Fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def aws_env():
    """Dummy credentials and a region for every boto3 client made in this module (the adapter reads the env)."""
    with pytest.MonkeyPatch.context() as patch:
        client_environment(patch)
        yield


@pytest.fixture(scope="module")
def moto(aws_env, tmp_path_factory):
    """One moto_server for the module; it is terminated by its PID however the module ends."""
    server = MotoServer(tmp_path_factory.mktemp("moto"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def ddb(moto):
    return dynamodb_client(moto.endpoint_url)


def _table_name() -> str:
    return f"bsc-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def table(ddb):
    name = _table_name()
    create_table(ddb, name)
    return name


@pytest.fixture
def adapter(moto, table):
    return DynamoDbAdapter(table, endpoint_url=moto.endpoint_url, region_name=REGION)


def envelope_for(session: Session) -> RequestEnvelope:
    """The SDK's RequestEnvelope for a launch in ``session`` (what the adapter gets from the SDK)."""
    return DefaultSerializer().deserialize(json.dumps(session.launch()), RequestEnvelope)


def stored_record(ddb, table: str, user_id: str):
    """The ``attributes`` of a user's item, read straight from the server, as plain Python (None if no item)."""
    item = ddb.get_item(TableName=table, Key={"id": {"S": user_id}}, ConsistentRead=True).get("Item")
    if item is None:
        return None
    return from_dynamo(TypeDeserializer().deserialize(item["attributes"]))


def _no_unhandled_errors(caplog) -> None:
    errors = [r for r in caplog.records if r.getMessage() == UNHANDLED]
    assert not errors, f"the skill's error handler ran: {errors[0].exc_text}"


def realistic_state() -> CoachState:
    return CoachState(routine="quick", index=2, stretch="cat_cow", side=1, updated=1_764_000_000,
                      safety_said=True, equipment_noted=True,
                      prefs=Preferences(hold_offset=-10, missing=("foam_roller", "stretch_band"),
                                        skip=("back_extension",), continuous=True),
                      history=(("2026-11-20", "quick"), ("2026-11-21", "hips"), ("2026-11-23", "quick")))


# --- 1. Create, load, save, and numbers both ways ----------------------------------------------

def test_created_table_is_on_demand_with_string_key(ddb, table):
    description = ddb.describe_table(TableName=table)["Table"]
    assert description["TableStatus"] == "ACTIVE"
    assert description["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert description["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"},
                                                   {"AttributeName": "account", "AttributeType": "S"}]
    assert [(i["IndexName"], i["KeySchema"], i["Projection"]) for i in description["GlobalSecondaryIndexes"]] == [
        ("account", [{"AttributeName": "account", "KeyType": "HASH"}], {"ProjectionType": "KEYS_ONLY"})]
    assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_unknown_user_loads_as_empty_dict(adapter):
    assert adapter.get_attributes(envelope_for(Session())) == {}
    assert adapter.reads == 1 and adapter.writes == 0


def test_item_without_attributes_loads_as_empty_dict(adapter, ddb, table):
    session = Session()
    ddb.put_item(TableName=table, Item={"id": {"S": session.user_id}})
    assert adapter.get_attributes(envelope_for(session)) == {}


def test_realistic_record_round_trips(adapter, ddb, table):
    session = Session()
    record = realistic_state().record()
    adapter.save_attributes(envelope_for(session), record)

    loaded = adapter.get_attributes(envelope_for(session))
    assert loaded == record
    assert decode_record(loaded) == (realistic_state(), None)
    assert type(loaded["index"]) is int and type(loaded["updated"]) is int and type(loaded["v"]) is int
    assert type(loaded["prefs"]["hold_offset"]) is int and loaded["prefs"]["hold_offset"] == -10
    assert loaded["prefs"]["continuous"] is True and loaded["safety_said"] is True
    assert loaded["stretch"] == "cat_cow" and loaded["v"] == SCHEMA_VERSION
    assert adapter.reads == 1 and adapter.writes == 1

    # On the server: one item keyed by the Alexa user id, the record as a map, numbers as N.
    item = ddb.get_item(TableName=table, Key={"id": {"S": session.user_id}}, ConsistentRead=True)["Item"]
    assert set(item) == {"id", "rev", "account", "expires", "attributes"} and item["rev"] == {"N": "1"}
    assert item["account"] == {"S": session.user_id}  # the key of the account index (a disabled skill)
    assert item["attributes"]["M"]["index"] == {"N": "2"}
    assert item["attributes"]["M"]["prefs"]["M"]["missing"] == {"L": [{"S": "foam_roller"}, {"S": "stretch_band"}]}
    # Another user sees nothing of it.
    assert adapter.get_attributes(envelope_for(Session())) == {}


def test_save_replaces_the_whole_record(adapter):
    session = Session()
    adapter.save_attributes(envelope_for(session), {"v": 2, "rev": 1, "routine": "quick", "index": 3})
    adapter.save_attributes(envelope_for(session), {"v": 2, "rev": 2, "routine": None})
    assert adapter.get_attributes(envelope_for(session)) == {"v": 2, "rev": 2, "routine": None}
    with pytest.raises(StoreConflict):  # a write based on an older revision is refused
        adapter.save_attributes(envelope_for(session), {"v": 2, "rev": 2, "routine": "hips"})
    assert adapter.get_attributes(envelope_for(session))["routine"] is None


def test_numbers_come_back_as_int_and_float_not_decimal(adapter):
    session = Session()
    values = {
        "int": 7, "zero": 0, "negative": -42, "big": 2**53 + 1, "float": 2.5, "small": 1e-07, "third": 1 / 3,
        "negative_float": -0.125, "true": True, "false": False, "none": None, "text": "knee rotations",
        "list": [1, 2.75, "x", [3, 0.5, {"deep": 9.25}], True, None],
        "map": {"a": 1, "b": {"c": [0.1, 2], "d": {"e": 10**20}}},
        "empty_list": [], "empty_map": {},
    }
    adapter.save_attributes(envelope_for(session), values)
    loaded = adapter.get_attributes(envelope_for(session))

    assert loaded == values

    def no_decimals(value, path="$"):
        assert not isinstance(value, Decimal), f"Decimal at {path}"
        if isinstance(value, dict):
            for key, item in value.items():
                no_decimals(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                no_decimals(item, f"{path}[{index}]")

    no_decimals(loaded)
    assert type(loaded["int"]) is int and type(loaded["big"]) is int and loaded["big"] == 2**53 + 1
    assert type(loaded["float"]) is float and type(loaded["small"]) is float and loaded["third"] == 1 / 3
    assert type(loaded["list"][1]) is float and type(loaded["list"][3][2]["deep"]) is float
    assert type(loaded["map"]["b"]["c"][0]) is float and type(loaded["map"]["b"]["c"][1]) is int
    assert loaded["true"] is True and loaded["false"] is False and loaded["none"] is None


def test_whole_floats_come_back_equal(adapter):
    # DynamoDB has one number type: 2.0 is stored as "2.0" and comes back as the int 2 (equal, not the same type).
    session = Session()
    adapter.save_attributes(envelope_for(session), {"x": 2.0, "y": [3.0]})
    assert adapter.get_attributes(envelope_for(session)) == {"x": 2, "y": [3]}


def test_to_dynamo():
    assert to_dynamo(2.5) == Decimal("2.5") and isinstance(to_dynamo(2.5), Decimal)
    assert to_dynamo(0.1) == Decimal("0.1")  # via str(): no binary noise like 0.1000000000000000055511151231257827
    assert to_dynamo(7) == 7 and type(to_dynamo(7)) is int
    assert to_dynamo(True) is True and to_dynamo(False) is False and to_dynamo(None) is None
    assert to_dynamo("1.5") == "1.5"
    assert to_dynamo({"a": [1.5, {"b": 0.25}], "c": (1, 2.0)}) == {
        "a": [Decimal("1.5"), {"b": Decimal("0.25")}], "c": [1, Decimal("2.0")]}
    record = realistic_state().record()
    assert to_dynamo(record) == record  # a record has no floats: unchanged


def test_from_dynamo():
    assert from_dynamo(Decimal("3")) == 3 and type(from_dynamo(Decimal("3"))) is int
    assert from_dynamo(Decimal("2.0")) == 2 and type(from_dynamo(Decimal("2.0"))) is int
    assert from_dynamo(Decimal("1E+2")) == 100 and type(from_dynamo(Decimal("1E+2"))) is int
    assert from_dynamo(Decimal("-0.5")) == -0.5 and type(from_dynamo(Decimal("-0.5"))) is float
    assert from_dynamo(Decimal("9007199254740993")) == 2**53 + 1
    assert from_dynamo(True) is True and from_dynamo(None) is None and from_dynamo("x") == "x"
    nested = from_dynamo({"a": [Decimal("1"), {"b": Decimal("0.25")}], "c": {"d": [Decimal("7.5")]}})
    assert nested == {"a": [1, {"b": 0.25}], "c": {"d": [7.5]}}
    assert type(nested["a"][0]) is int and type(nested["a"][1]["b"]) is float
    for value in (2.5, 0.1, 1 / 3, -7, 10**20, 1e-07):
        assert from_dynamo(to_dynamo(value)) == value


# --- 2. A missing table ------------------------------------------------------------------------

def test_missing_table_is_a_clear_persistence_error(moto):
    name = _table_name()
    adapter = DynamoDbAdapter(name, endpoint_url=moto.endpoint_url, region_name=REGION)
    envelope = envelope_for(Session())
    for action in (lambda: adapter.get_attributes(envelope), lambda: adapter.save_attributes(envelope, {"v": 2})):
        with pytest.raises(PersistenceException) as caught:
            action()
        message = str(caught.value)
        assert repr(name) in message and "does not exist" in message, message


def test_missing_table_still_lets_the_skill_answer(moto, caplog):
    caplog.set_level(logging.WARNING)
    adapter = DynamoDbAdapter(_table_name(), endpoint_url=moto.endpoint_url, region_name=REGION)
    convo = Conversation(build_lambda_handler(persistence=adapter))
    convo.launch()
    assert "Back Stretch Coach" in convo.speech and not convo.ended
    convo.say("StartRoutineIntent", routine="quick")
    assert "Stretch 1 of 4" in convo.speech
    # Every turn retried the read (never saved over a record it could not read).
    assert adapter.reads == 2 and adapter.writes == 0
    assert any("does not exist" in str(getattr(r, "error", "")) for r in caplog.records)
    _no_unhandled_errors(caplog)


@pytest.fixture
def silent_endpoint():
    """A loopback port that accepts connections and never answers (a hung store)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def test_read_timeout_is_a_persistence_error(aws_env, silent_endpoint):
    import boto3
    from botocore.config import Config

    client = boto3.client("dynamodb", endpoint_url=silent_endpoint, region_name=REGION,
                          config=Config(connect_timeout=0.5, read_timeout=0.3, retries={"total_max_attempts": 1}))
    adapter = DynamoDbAdapter("any-table", client=client)
    with pytest.raises(PersistenceException, match="read failed: ReadTimeoutError"):
        adapter.get_attributes(envelope_for(Session()))


# --- 3. A routine across two sessions ------------------------------------------------------------

def test_routine_resumes_in_a_new_session(adapter, ddb, table, caplog):
    caplog.set_level(logging.WARNING)
    convo = Conversation(build_lambda_handler(persistence=adapter))
    first_session = convo.session.session_id

    convo.launch()
    assert not convo.ended
    convo.say("StartRoutineIntent", routine="quick")
    assert "Stretch 1 of 4" in convo.speech
    convo.say("AMAZON.NextIntent")
    assert "Stretch 2 of 4" in convo.speech and "knee rotations" in convo.speech
    writes = adapter.writes
    convo.say("AMAZON.StopIntent")
    assert convo.ended
    assert adapter.writes == writes, "stop changed nothing stored, so nothing was written"
    assert adapter.reads == 1, "one read in the first session"
    assert 1 <= adapter.writes <= 4

    record = stored_record(ddb, table, convo.session.user_id)
    assert record["routine"] == "quick" and record["index"] == 1 and record["stretch"] == "knee_rotation"
    assert decode_record(record)[1] is None

    # The Conversation's session ended itself: the next launch is a new session for the same user.
    assert convo.session.new and convo.session.session_id != first_session and convo.session.attributes == {}
    convo.launch()
    assert "Welcome back. Carry on with knee rotations, stretch 2 of 4?" in convo.speech
    assert not convo.ended and convo.reprompt
    convo.say("AMAZON.ResumeIntent")
    assert "Stretch 2 of 4" in convo.speech and "knee rotations" in convo.speech
    assert convo.state["index"] == 1 and convo.state["routine"] == "quick"
    assert adapter.reads == 2, "one read in each session"
    _no_unhandled_errors(caplog)


# --- 4. A real outage mid-routine -----------------------------------------------------------------

@pytest.fixture
def own_moto(aws_env, tmp_path):
    """A moto_server of this test's own, since the test stops it and starts it again."""
    server = MotoServer(tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_store_outage_mid_routine_is_survived_and_caught_up(own_moto, caplog):
    caplog.set_level(logging.WARNING)
    ddb = dynamodb_client(own_moto.endpoint_url)
    table = _table_name()
    create_table(ddb, table)
    adapter = DynamoDbAdapter(table, endpoint_url=own_moto.endpoint_url, region_name=REGION)
    convo = Conversation(build_lambda_handler(persistence=adapter))
    user = convo.session.user_id

    convo.launch()
    convo.say("StartRoutineIntent", routine="quick")
    assert "Stretch 1 of 4" in convo.speech
    assert stored_record(ddb, table, user)["index"] == 0
    reads, writes = adapter.reads, adapter.writes

    # The outage: the server process is terminated by its PID.
    pid, port = own_moto.pid, own_moto.port
    own_moto.stop()
    assert not own_moto.running and _refuses_connections(port), f"moto_server {pid} still answers"

    started = time.monotonic()
    convo.say("AMAZON.NextIntent")  # Conversation checks the response against Alexa's rules
    elapsed = time.monotonic() - started
    assert "Stretch 2 of 4" in convo.speech and "knee rotations" in convo.speech and not convo.ended
    store = convo.last["sessionAttributes"]["store"]
    assert store["loaded"] is True and store["dirty"] is True
    assert convo.state["index"] == 1 and convo.state["stretch"] == "knee_rotation"
    assert adapter.reads == reads, "the record was already read this session"
    assert adapter.writes == writes + 1, "the write was tried"
    assert elapsed < 8, f"an answer during the outage took {elapsed:.1f}s; Alexa waits about 8s"
    assert any(r.getMessage() == "store write failed; will retry next turn" for r in caplog.records)
    _no_unhandled_errors(caplog)

    # The store comes back on the same port, empty (moto keeps data in memory): the table is recreated.
    own_moto.start()
    assert own_moto.port == port and own_moto.pid != pid
    create_table(ddb, table)
    assert stored_record(ddb, table, user) is None

    convo.say("AMAZON.NextIntent")
    assert "Stretch 3 of 4" in convo.speech
    # The table was recreated empty: merged and written as revision 1.
    assert convo.last["sessionAttributes"]["store"] == {"loaded": True, "dirty": False, "rev": 1}
    record = stored_record(ddb, table, user)
    assert record["routine"] == "quick" and record["index"] == 2 and record["stretch"] == convo.state["stretch"]
    assert adapter.get_attributes(envelope_for(convo.session)) == record
    _no_unhandled_errors(caplog)


# --- 5. Bad stored data -----------------------------------------------------------------------------

BAD_RECORDS = {
    "newer schema version": {"M": {"v": {"N": "99"}, "routine": {"S": "quick"}, "index": {"N": "1"}}},
    "field of the wrong type": {"M": {"v": {"N": "2"}, "routine": {"S": "quick"}, "index": {"S": "three"}}},
    "a string, not a map": {"S": "quick routine, stretch 3"},
    "a list, not a map": {"L": [{"N": "2"}, {"S": "quick"}]},
    "no schema version": {"M": {"routine": {"S": "quick"}, "index": {"N": "1"}}},
}


@pytest.mark.parametrize("attributes", list(BAD_RECORDS.values()), ids=list(BAD_RECORDS))
def test_unreadable_stored_record_starts_fresh(adapter, ddb, table, attributes, caplog):
    caplog.set_level(logging.WARNING)
    convo = Conversation(build_lambda_handler(persistence=adapter))
    user = convo.session.user_id
    ddb.put_item(TableName=table, Item={"id": {"S": user}, "attributes": attributes})

    convo.launch()  # checked against Alexa's rules
    assert FRESH_START in convo.speech and not convo.ended
    assert convo.state.get("routine") is None
    assert any(r.getMessage() == "stored record unreadable, starting fresh" for r in caplog.records)
    _no_unhandled_errors(caplog)

    # The fresh record replaced the bad one, and the notice is given only once.
    fresh, problem = decode_record(stored_record(ddb, table, user))
    assert problem is None and fresh.routine is None
    convo.session.end()
    convo.launch()
    assert FRESH_START not in convo.speech


# --- The client is made at import (Lambda's init phase), and only when DynamoDB is chosen -----------

_IMPORT_PROBE = """
import json, sys, time
sys.path.insert(0, "lambda")
started = time.process_time()
import lambda_function
from skill.persistence.dynamodb import DynamoDbAdapter
adapters = [obj for obj in __import__("gc").get_objects() if isinstance(obj, DynamoDbAdapter)]
print(json.dumps({"boto3": "boto3" in sys.modules, "clients": [a._client is not None for a in adapters]}))
"""


def _probe(env: dict) -> dict:
    import os
    import subprocess
    import sys as _sys

    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("AWS_", "DYNAMODB_", "PERSISTENCE", "SQLITE_PATH"))}
    from pathlib import Path

    result = subprocess.run([_sys.executable, "-c", _IMPORT_PROBE], cwd=Path(__file__).resolve().parent.parent,
                            env={**base, **env}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_dynamodb_the_client_is_made_at_import_not_at_the_first_invoke(tmp_path):
    probe = _probe({"PERSISTENCE": "dynamodb", "DYNAMODB_TABLE": "bsc-probe", "AWS_REGION": REGION,
                    "DYNAMODB_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "x",
                    "AWS_SECRET_ACCESS_KEY": "x"})
    assert probe == {"boto3": True, "clients": [True]}  # made in the init phase, with no network call


def test_without_dynamodb_nothing_of_boto3_is_imported(tmp_path):
    probe = _probe({"SQLITE_PATH": str(tmp_path / "probe.sqlite3")})
    assert probe == {"boto3": False, "clients": []}


def test_without_a_region_the_import_still_succeeds_and_answers_without_a_store(tmp_path):
    probe = _probe({"PERSISTENCE": "dynamodb", "DYNAMODB_TABLE": "bsc-probe"})
    assert probe["clients"] == []  # the store could not be made: degraded, not a failed import


def test_a_snapstart_restore_drops_the_client_so_no_connection_or_credential_is_reused(moto, table):
    adapter = DynamoDbAdapter(table, endpoint_url=moto.endpoint_url, region_name=REGION, eager=True)
    before = adapter.client
    adapter.forget_client()  # what the after-restore hook calls
    assert adapter._client is None
    session = Session()
    adapter.save_attributes(envelope_for(session), {"v": 2, "rev": 1})
    assert adapter.client is not before and adapter.get_attributes(envelope_for(session))["rev"] == 1


def test_after_a_restore_hook_the_log_salt_is_new_unless_set(monkeypatch):
    """SnapStart would otherwise give every restored environment the salt made at init."""
    from skill.persistence import keys

    monkeypatch.delenv("LOG_SALT", raising=False)
    before = keys.log_id("amzn1.ask.account.someone")
    keys._new_salt()  # what the after-restore hook runs
    assert keys.log_id("amzn1.ask.account.someone") != before
    monkeypatch.setenv("LOG_SALT", "fixed")
    keys._new_salt()
    assert keys.log_id("amzn1.ask.account.someone") == keys.log_id("amzn1.ask.account.someone")
