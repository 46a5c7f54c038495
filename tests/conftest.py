"""Shared fixtures: an in-process conversation over real request envelopes."""

from __future__ import annotations

import json
import os
import tempfile  # noqa: E402

import pytest

os.environ.setdefault("ASK_SDK_VERIFY_SIGNATURE", "true")
# Anything that builds a store from the environment writes here, never into the work tree.
os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(prefix="bsc-tests-"), "skill.sqlite3")
os.environ.pop("DYNAMODB_TABLE", None)
os.environ.pop("PERSISTENCE", None)

from skill.skill_builder import build_lambda_handler  # noqa: E402
from skill_dev.envelopes import Session  # noqa: E402

from .alexa_rules import assert_valid, plain  # noqa: E402


def session_state(response: dict) -> dict:
    """The coach state a response carries in its session attributes (a JSON string)."""
    value = (response.get("sessionAttributes") or {}).get("coach")
    return json.loads(value) if isinstance(value, str) else (value or {})


class Conversation:
    """Talks to the skill through its Lambda handler, like Alexa would.

    Every response is checked against Alexa's rules as it arrives.
    """

    def __init__(self, handler, session: Session | None = None):
        self.handler = handler
        self.session = session or Session()
        self.responses: list[dict] = []

    def send(self, envelope: dict, check: bool = True) -> dict:
        response = self.handler(envelope, None)
        if check:
            assert_valid(response)
        self.responses.append(response)
        self.session.absorb(response)
        return response

    def launch(self) -> dict:
        return self.send(self.session.launch())

    def say(self, intent: str, **slots) -> dict:
        return self.send(self.session.intent(intent, slots))

    @property
    def last(self) -> dict:
        return self.responses[-1]

    @property
    def speech(self) -> str:
        return plain(self.last["response"]["outputSpeech"]["ssml"])

    @property
    def reprompt(self) -> str:
        reprompt = (self.last["response"].get("reprompt") or {}).get("outputSpeech") or {}
        return plain(reprompt.get("ssml", ""))

    @property
    def ended(self) -> bool:
        return self.last["response"].get("shouldEndSession") is True

    @property
    def state(self) -> dict:
        return session_state(self.last)


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    from skill.persistence.sqlite import SQLiteAdapter

    return SQLiteAdapter(tmp_path_factory.mktemp("store") / "skill.sqlite3")


@pytest.fixture(scope="session")
def lambda_handler(store):
    return build_lambda_handler(persistence=store)


@pytest.fixture
def convo(lambda_handler):
    return Conversation(lambda_handler)


# --- A live HTTP endpoint: the real Flask app under gunicorn, in its own process ---

from .servers import GunicornServer  # noqa: E402


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serves ``skill.web:app`` over HTTP on 127.0.0.1 and yields its base URL.

    Request verification is off (test clients send no signature) and SKILL_ID
    is unset, so requests for any skill id are answered. Alexa requests go to
    ``f"{live_server}/"``; ``live_server.log()`` is gunicorn's output.
    """
    server = GunicornServer(tmp_path_factory.mktemp("live_server"))
    try:
        yield server.start()
    finally:
        server.stop()


#: Tests that take seconds: walks of every state, node (virtual-alexa, apl-suggester), real servers
#: (gunicorn, waitress, moto_server), building the Lambda bundle, the SAM transform. `make test-fast`
#: leaves them out while you work; `make test` (and CI) runs everything.
SLOW_MODULES = {"test_resolver_agreement", "test_lambda_bundle", "test_load", "test_e2e_virtual_alexa", "test_serve",
                "test_two_devices", "test_persistence_dynamodb", "test_template", "test_certification",
                "test_screens_engine"}
SLOW_TESTS = {
    "test_every_document_is_valid_by_amazons_validator_and_every_response_within_the_limits",
    "test_every_response_is_valid_for_alexa", "test_every_slot_value_and_synonym_resolves_in_every_slotted_sample",
    "test_the_corpus_resolves_with_virtual_alexa", "test_resume_across_a_restart_of_the_web_server",
    "test_the_web_endpoint_answers_4xx_or_a_valid_response", "test_the_validator_reports_a_broken_document",
    "test_a_script_over_http_against_the_real_endpoint",
}


def pytest_collection_modifyitems(items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module in SLOW_MODULES or getattr(item, "originalname", item.name) in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
