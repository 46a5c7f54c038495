"""The Flask endpoint over a real HTTP socket (werkzeug's server on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from skill.web import create_app
from skill_dev.envelopes import Session

from .alexa_rules import assert_valid


@pytest.fixture
def serve():
    servers = []

    def start(config) -> str:
        server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


def post(url: str, body: bytes, content_type="application/json", headers=None):
    request = urllib.request.Request(url + "/", data=body, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


OPEN = {"VERIFY_SIGNATURE": False, "VERIFY_TIMESTAMP": False}


def test_health(serve):
    url = serve(OPEN)
    with urllib.request.urlopen(url + "/health", timeout=5) as response:
        assert response.status == 200 and json.loads(response.read()) == {"status": "ok"}


def test_verification_on_rejects_an_unsigned_request(serve):
    url = serve({"SKILL_ID": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"})  # both verifications on
    status, body = post(url, json.dumps(Session().launch()).encode())
    assert status == 400 and "signature" in body["error"]


def test_production_mode_refuses_to_start_without_a_skill_id(monkeypatch):
    from skill.web import ConfigurationError

    monkeypatch.delenv("SKILL_ID", raising=False)
    monkeypatch.delenv("ALLOW_ANY_SKILL_ID", raising=False)
    with pytest.raises(ConfigurationError, match="SKILL_ID is not set"):
        create_app({})
    assert create_app({"ALLOW_ANY_SKILL_ID": True}).config["VERIFY_SIGNATURE"] is True
    assert create_app({"VERIFY_SIGNATURE": False}) is not None  # local use: no signatures, no skill id needed


def test_timestamp_verification_rejects_a_stale_request(serve):
    url = serve({"VERIFY_SIGNATURE": False})
    session = Session()
    session.advance(-3600)
    status, body = post(url, json.dumps(session.launch()).encode())
    assert status == 400 and "timestamp" in body["error"]


def test_verification_off_serves_a_conversation(serve):
    url = serve(OPEN)
    session = Session()
    status, body = post(url, json.dumps(session.launch()).encode())
    assert status == 200
    assert_valid(body)
    session.absorb(body)
    status, body = post(url, json.dumps(session.intent("AMAZON.YesIntent")).encode())
    assert status == 200 and "Stretch 1 of 4" in body["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe", b'"just a string"', b'{"request": 5}'])
def test_malformed_bodies_get_400_with_a_json_error(serve, raw):
    status, body = post(serve(OPEN), raw)
    assert status == 400 and isinstance(body.get("error"), str)


def test_unknown_request_type_gets_a_spoken_answer(serve):
    status, body = post(serve(OPEN), json.dumps(Session().envelope({"type": "Future.Thing"})).encode())
    assert status == 200
    assert_valid(body)


def test_request_for_another_skill_is_rejected(serve):
    url = serve({**OPEN, "SKILL_ID": "amzn1.ask.skill.ours"})
    status, body = post(url, json.dumps(Session(skill_id="amzn1.ask.skill.theirs").launch()).encode())
    assert status == 400 and "another skill" in body["error"]
    status, _ = post(url, json.dumps(Session(skill_id="amzn1.ask.skill.ours").launch()).encode())
    assert status == 200


def test_the_app_starts_without_the_broken_webservice_support_package():
    code = ("import sys, skill.web; app = skill.web.app; "
            "assert 'ask_sdk_webservice_support' not in sys.modules; "
            "assert 'flask_ask_sdk' not in sys.modules; print(type(app).__name__)")
    env = {**os.environ, "SKILL_ID": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Flask"


# --- The factory's configuration ---------------------------------------------------


def test_configuration_comes_from_defaults_then_the_environment_then_the_test_config(monkeypatch):
    from skill.web import DEFAULTS

    monkeypatch.setenv("ASK_SDK_VERIFY_TIMESTAMP", "false")
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.from-env")
    monkeypatch.delenv("ASK_SDK_VERIFY_SIGNATURE", raising=False)
    config = create_app({"VERIFY_SIGNATURE": False, "PERSISTENCE_ADAPTER": None}).config
    assert config["VERIFY_SIGNATURE"] is False  # the test config
    assert config["VERIFY_TIMESTAMP"] is False  # the environment
    assert config["SKILL_ID"] == "amzn1.ask.skill.from-env"  # the environment
    assert config["MAX_CONTENT_LENGTH"] == DEFAULTS["MAX_CONTENT_LENGTH"]  # the defaults


@pytest.mark.parametrize("name", ["ASK_SDK_VERIFY_SIGNATURE", "ASK_SDK_VERIFY_TIMESTAMP", "ALLOW_ANY_SKILL_ID"])
def test_a_flag_that_is_neither_true_nor_false_refuses_to_start(monkeypatch, name):
    from skill.web import ConfigurationError

    monkeypatch.setenv(name, "flase")
    with pytest.raises(ConfigurationError, match=name):
        create_app(OPEN)


def test_one_configuration_error_for_the_whole_app(monkeypatch):
    import skill.persistence
    import skill.web

    assert skill.web.ConfigurationError is skill.persistence.ConfigurationError
    monkeypatch.setenv("PERSISTENCE", "floppy")
    with pytest.raises(skill.web.ConfigurationError, match="PERSISTENCE"):
        create_app(OPEN)


def test_reading_the_envelope_refuses_with_a_status():
    from skill.web import MAX_JSON_DEPTH, Refused, parse_envelope

    assert parse_envelope(b'{"request": {"type": "LaunchRequest"}}')["request"]["type"] == "LaunchRequest"
    for raw, status in ((b"{", 400), (b"[]", 400), (b'{"request": {}}', 400),
                        (b'{"a":' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1), 400)):
        with pytest.raises(Refused) as refused:
            parse_envelope(raw)
        assert refused.value.status == status


def test_one_test_for_another_skills_request():
    from ask_sdk_core.exceptions import AskSdkException

    from skill.dispatch import is_another_skills_request

    assert is_another_skills_request(AskSdkException("Skill ID Verification failed!!"))
    assert not is_another_skills_request(AskSdkException("Unable to find a suitable request handler"))
    assert not is_another_skills_request(ValueError("skill id"))
