"""Shared fixtures: an in-process conversation over real request envelopes."""

from __future__ import annotations

import os

import pytest

import tempfile  # noqa: E402

os.environ.setdefault("ASK_SDK_VERIFY_SIGNATURE", "true")
# Anything that builds a store from the environment writes here, never into the work tree.
os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(prefix="bsc-tests-"), "skill.sqlite3")
os.environ.pop("DYNAMODB_TABLE", None)
os.environ.pop("PERSISTENCE", None)

from skill.devtools.envelopes import Session  # noqa: E402
from skill.skill_builder import build_lambda_handler  # noqa: E402

from .alexa_rules import assert_valid, plain  # noqa: E402


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
        return (self.last.get("sessionAttributes") or {}).get("coach", {})


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

import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from importlib.metadata import version as _dist_version  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


class LiveServer(str):
    """The server's base URL, ``http://127.0.0.1:PORT`` (no trailing slash), and its log."""

    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _gunicorn_command() -> list[str]:
    # Port 0: the kernel picks a free port and gunicorn logs it, so there is no race for it.
    command = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1",
               "--access-logfile", "-"]
    major, minor = (int(part) for part in _dist_version("gunicorn").split(".")[:2])
    if (major, minor) >= (25, 1):
        # Otherwise every gunicorn claims the same control socket, ~/.gunicorn/gunicorn.ctl.
        command.append("--no-control-socket")
    return [*command, "skill.web:app"]


def _wait_until_serving(process: subprocess.Popen, log_path: Path, timeout: float = 30.0) -> str:
    """The base URL once GET /health answers; fails with gunicorn's log if it never does."""
    deadline = time.monotonic() + timeout
    url = None
    while time.monotonic() < deadline:
        log = log_path.read_text(encoding="utf-8", errors="replace")
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with code {process.returncode}:\n{log}")
        if url is None and (match := _LISTENING.search(log)):
            url = f"http://127.0.0.1:{match.group(1)}"
        if url is not None:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                    if response.status == 200:
                        return url
            except OSError:  # not accepting yet (URLError and HTTPError are OSErrors)
                pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer GET /health within {timeout:.0f}s:\n{log_path.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM to gunicorn's master, by its PID; it stops its worker
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serves ``skill.web:app`` over HTTP on 127.0.0.1 and yields its base URL.

    Request verification is off (test clients send no signature) and SKILL_ID
    is unset, so requests for any skill id are answered. Alexa requests go to
    ``f"{live_server}/"``; ``live_server.log()`` is gunicorn's output.
    """
    log_path = tmp_path_factory.mktemp("live_server") / "gunicorn.log"
    env = {**os.environ, "ASK_SDK_VERIFY_SIGNATURE": "false", "ASK_SDK_VERIFY_TIMESTAMP": "false",
           "PYTHONUNBUFFERED": "1"}
    env.pop("SKILL_ID", None)
    with log_path.open("wb") as log:
        process = subprocess.Popen(_gunicorn_command(), cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        server = LiveServer(_wait_until_serving(process, log_path))
        server.log_path = log_path
        yield server
    finally:
        _stop(process)
