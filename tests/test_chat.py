"""The chat simulator end to end: scripts, sessions, HTTP, audio preview."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from skill.devtools.audio import wav_seconds
from skill.devtools.chat import Chat, InProcess
from skill.devtools.resolver import Resolver
from skill.skill_builder import build_lambda_handler

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample_conversation.txt"
MODEL = ROOT / "interaction_models" / "en-US.json"


def run_chat(*args, tmp_path, env=None):
    environment = {**os.environ, "SQLITE_PATH": str(tmp_path / "chat.sqlite3"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "skill.devtools.cli", "chat", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def chat_in_process(tmp_path, **kwargs) -> tuple[Chat, io.StringIO]:
    from skill.persistence.sqlite import SQLiteAdapter

    out = io.StringIO()
    handler = build_lambda_handler(persistence=SQLiteAdapter(tmp_path / "c.sqlite3"))
    chat = Chat(InProcess(handler), Resolver.from_file(MODEL), out=out,
                start=datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc), **kwargs)
    return chat, out


def test_the_readme_sample_conversation_runs_from_launch_to_completion(tmp_path):
    result = run_chat("--script", str(SAMPLE), tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout
    assert "And that's the quick routine done." in result.stdout


def test_the_readme_points_at_the_checked_script():
    readme = (ROOT / "README.md").read_text()
    assert "examples/sample_conversation.txt" in readme


def test_a_script_over_http_against_the_real_endpoint(tmp_path, live_server):
    result = run_chat("--script", str(SAMPLE), "--url", f"{live_server}/", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr + live_server.log()


@pytest.mark.parametrize("script, reason", [
    ("open back stretch coach\npurple monkey dishwasher\n", "matched no sample utterance"),
    ("open back stretch coach\nexpect: something the skill never says\n", "expected"),
])
def test_a_failing_line_makes_the_script_fail(tmp_path, script, reason):
    path = tmp_path / "bad.txt"
    path.write_text(script)
    result = run_chat("--script", str(path), tmp_path=tmp_path)
    assert result.returncode == 1 and reason in result.stdout and "1 failed" in result.stdout


def test_a_skill_that_does_not_answer_fails_the_script(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("open back stretch coach\n")
    result = run_chat("--script", str(path), "--url", "http://127.0.0.1:9/", tmp_path=tmp_path)
    assert result.returncode == 1 and "no answer from" in result.stdout


def test_what_is_printed(tmp_path):
    chat, out = chat_in_process(tmp_path)
    chat.handle("open back stretch coach")
    chat.handle("yes")
    text = out.getvalue()
    assert "→ LaunchRequest" in text and "→ AMAZON.YesIntent" in text
    assert "[pause 2 s]" in text and "[pause 20 s]" not in text  # chained breaks shown as one pause
    assert "(reprompt) Say next when you're ready" in text
    assert "[session stays open · about 1 min" in text and "of pauses]" in text


def test_timeout_ends_the_session_and_the_same_user_resumes(tmp_path):
    chat, out = chat_in_process(tmp_path)
    for line in ("open back stretch coach", "yes", "next", ""):
        chat.handle(line)
    assert chat.session.new and "[session timed out" in out.getvalue()
    turn = chat.handle("open back stretch coach")
    assert "You were on stretch 2 of 4" in turn.spoken.text


def test_hands_free_through_the_simulator_clock(tmp_path):
    chat, _ = chat_in_process(tmp_path)
    chat.handle("open back stretch coach")
    first = chat.handle("start the quick routine hands free")
    assert "Ready for the next part?" in first.spoken.text
    last = chat.handle("yes")  # heard to the end: the next part
    assert "quick routine done" in last.spoken.text
    assert "Stretch 3 of 4" in last.spoken.text


def test_barge_in_with_after(tmp_path):
    chat, _ = chat_in_process(tmp_path)
    chat.handle("start the full routine hands free")
    turn = chat.handle("/after 5 repeat")
    assert turn.spoken.text.count("Stretch 1 of 13") == 1


def test_an_unknown_locale_is_a_clear_error(tmp_path):
    result = run_chat("--locale", "xx-XX", "--script", str(SAMPLE), tmp_path=tmp_path)
    assert result.returncode == 2 and "no interaction model for xx-XX" in result.stderr


def _require_espeak():
    if shutil.which("espeak-ng") is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("espeak-ng is missing on CI: `make test` installs it")
        pytest.skip("espeak-ng is not installed")


def test_audio_preview_of_one_stretch_lasts_its_planned_time(tmp_path):
    _require_espeak()
    chat, _ = chat_in_process(tmp_path, audio_dir=tmp_path / "audio")
    chat.handle("open back stretch coach")
    chat.handle("yes")
    stretch = chat.handle("next")  # one whole stretch: knee rotations, with its paced reps
    planned, measured = stretch.spoken.seconds, wav_seconds(stretch.audio)
    print(f"knee rotations: planned {planned:.1f} s, espeak-ng WAV {measured:.1f} s")
    assert measured == pytest.approx(planned, rel=0.10)


def test_without_espeak_the_preview_says_how_to_install_it(tmp_path):
    env = {"PATH": str(Path(sys.executable).parent)}  # python, but no espeak-ng
    path = tmp_path / "s.txt"
    path.write_text("open back stretch coach\n")
    result = run_chat("--script", str(path), "--audio", str(tmp_path / "a"), tmp_path=tmp_path, env=env)
    assert result.returncode == 0
    assert "apt-get install espeak-ng" in result.stderr
