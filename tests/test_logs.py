"""Logs are JSON lines with the request id and type, and hold no user ids, tokens or slot values."""

from __future__ import annotations

import io
import json
import logging

from skill.logs import JsonFormatter
from skill.persistence.keys import log_id
from skill_dev.envelopes import Session, resolved_slot

from .conftest import Conversation

SECRET_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-access-token"


def captured_conversation(lambda_handler):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    try:
        session = Session(user_id="amzn1.ask.account.PRIVATE-PERSON-0001")
        convo = Conversation(lambda_handler, session)
        convo.launch()
        envelope = session.intent("HowToIntent", {"stretch": resolved_slot("my secret stretch", "STRETCH_NAME",
                                                                           None, None)})
        envelope["context"]["System"]["apiAccessToken"] = SECRET_TOKEN
        convo.send(envelope)
        convo.say("StartRoutineIntent", routine="zumba-private")
        convo.send(session.envelope({"type": "Some.Future.Request"}))
        convo.send(session.session_ended("ERROR"), check=False)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    return session, [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_line_is_json_with_request_id_and_type(lambda_handler):
    _, lines = captured_conversation(lambda_handler)
    requests = [line for line in lines if line["message"] == "turn"]
    assert len(requests) >= 4
    for line in requests:
        assert line["request_id"].startswith("amzn1.echo-api.request.")
        assert line["request_type"] in {"LaunchRequest", "IntentRequest", "SessionEndedRequest"}
        assert line["level"] == "INFO" and line["time"]


def test_no_user_ids_tokens_or_slot_values_in_the_logs(lambda_handler):
    session, lines = captured_conversation(lambda_handler)
    text = json.dumps(lines)
    assert session.user_id not in text and "PRIVATE-PERSON" not in text
    assert SECRET_TOKEN not in text and "secret-access-token" not in text
    assert "my secret stretch" not in text and "zumba-private" not in text
    hashed = {line.get("user") for line in lines if line.get("user")}
    assert hashed == {log_id(session.user_id)} and len(next(iter(hashed))) == 16


def test_an_exception_is_one_json_line_with_its_type():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.json")
    logger.addHandler(handler)
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed", extra={"request_id": "r1"})
    finally:
        logger.removeHandler(handler)
    (line,) = stream.getvalue().splitlines()
    data = json.loads(line)
    assert data["error_type"] == "ValueError" and data["request_id"] == "r1" and "boom" in data["exception"]
