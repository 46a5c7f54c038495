"""The chat simulator end to end: scripts, sessions, HTTP, audio preview, a readable console."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from skill.skill_builder import build_lambda_handler
from skill_dev.audio import wav_seconds
from skill_dev.chat import NEAREST_THRESHOLD, Chat, InProcess
from skill_dev.resolver import Resolver

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample_conversation.txt"
MODEL = ROOT / "interaction_models" / "en-US.json"


def run_chat(*args, tmp_path, env=None, stdin=None, cwd=ROOT):
    environment = {**os.environ, "SQLITE_PATH": str(tmp_path / "chat.sqlite3"), **(env or {})}
    if cwd == ROOT and "--log-file" not in args:  # not var/chat.log in the work tree
        args = (*args, "--log-file", str(tmp_path / "chat.log"))
    return subprocess.run([sys.executable, "-m", "skill_dev.cli", "chat", *args], cwd=cwd, env=environment,
                          input=stdin, capture_output=True, text=True, timeout=120)


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
    assert "[session stays open · about 2 min" in text and "of pauses]" in text


def test_timeout_ends_the_session_and_the_same_user_resumes(tmp_path):
    chat, out = chat_in_process(tmp_path)
    for line in ("open back stretch coach", "yes", "next", ""):
        chat.handle(line)
    assert chat.session.new and "[session timed out" in out.getvalue()
    turn = chat.handle("open back stretch coach")
    assert "Carry on with knee rotations, stretch 2 of 4?" in turn.spoken.text


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


def _sound_cues_ssml() -> str:
    from skill import narration, ssml
    from skill.speech import Pause, Say

    return ssml.render([Say("Three. Two. One."), Pause(0.5), narration.HOLD_END_SOUND, Say("And release."),
                        narration.SWITCH_SOUND, Say("Switch sides."), Pause(2.0)])


def test_the_transcript_names_each_sound_and_counts_its_time():
    from skill import narration
    from skill_dev.readable import readable

    spoken = readable(_sound_cues_ssml())
    assert spoken.text == ("Three. Two. One. [pause 0.5 s] [sound: end of hold] And release. "
                           "[sound: switch sides] Switch sides. [pause 2 s]")
    assert spoken.sound_seconds == narration.HOLD_END_SOUND.seconds + narration.SWITCH_SOUND.seconds
    assert spoken.pause_seconds == 2.5 and spoken.seconds == pytest.approx(spoken.speech_seconds + 5.0)
    assert "of sounds" in spoken.summary()


def test_the_chat_shows_the_sounds_and_leaves_them_out_after_no_sounds(tmp_path):
    chat, _ = chat_in_process(tmp_path)
    chat.handle("open back stretch coach")
    first = chat.handle("yes")  # knee to chest: a chime at the end of each hold
    assert "[sound: end of hold] And release." in first.spoken.text
    assert "no more chimes" in chat.handle("can you stop the beeping").spoken.text
    again = chat.handle("repeat")
    assert "Stretch 1 of 4" in again.spoken.text and "[sound" not in again.spoken.text
    assert "And release." in again.spoken.text
    assert "Chimes are back on" in chat.handle("bring back the chimes").spoken.text


def test_the_audio_preview_plays_a_stand_in_tone_as_long_as_each_clip(tmp_path):
    _require_espeak()
    import wave

    from skill import narration
    from skill_dev.audio import render_wav, tone

    with_clips = render_wav(_sound_cues_ssml(), tmp_path / "clips.wav")
    silent = render_wav(_sound_cues_ssml().replace(f'<audio src="{narration.HOLD_END_SOUND.url}"/>',
                                                   '<break time="1s"/>')
                        .replace(f'<audio src="{narration.SWITCH_SOUND.url}"/>', '<break time="1500ms"/>'),
                        tmp_path / "breaks.wav")
    with wave.open(str(with_clips), "rb") as handle:
        params, frames = handle.getparams(), handle.readframes(handle.getnframes())
    with wave.open(str(silent), "rb") as handle:
        assert (params.nchannels, params.sampwidth, params.framerate) == (
            handle.getnchannels(), handle.getsampwidth(), handle.getframerate())  # espeak-ng's own format
    for sound, pitch in ((narration.HOLD_END_SOUND, 880.0), (narration.SWITCH_SOUND, 660.0)):
        stand_in = tone(sound.seconds, pitch, params.framerate, params.nchannels, params.sampwidth)
        assert len(stand_in) == round(sound.seconds * params.framerate) * params.nchannels * params.sampwidth
        assert stand_in in frames and any(stand_in)  # the tone itself, not silence
    # True to time: as long as the same response with each clip as a silence of its allowed length.
    assert wav_seconds(with_clips) == pytest.approx(wav_seconds(silent), abs=0.3)


def test_without_espeak_the_preview_says_how_to_install_it(tmp_path):
    env = {"PATH": str(Path(sys.executable).parent)}  # python, but no espeak-ng
    path = tmp_path / "s.txt"
    path.write_text("open back stretch coach\n")
    result = run_chat("--script", str(path), "--audio", str(tmp_path / "a"), tmp_path=tmp_path, env=env)
    assert result.returncode == 0
    assert "apt-get install espeak-ng" in result.stderr


# --- a readable console ------------------------------------------------------------------

TYPED = "open back stretch coach\nyes\npurple monkey dishwasher\n"


def json_lines(text: str) -> list[dict]:
    """The lines of ``text`` that are JSON objects, as the skill's log lines are."""
    found = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            found.append(value)
    return found


def test_typed_lines_keep_the_log_lines_off_the_console_and_in_the_log_file(tmp_path):
    log = tmp_path / "logs" / "chat.log"  # its folder is created as needed
    result = run_chat("--log-file", str(log), stdin=TYPED, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "alexa> Welcome to Back Stretch Coach" in result.stdout
    assert json_lines(result.stdout) == [] and json_lines(result.stderr) == []
    assert result.stderr.count(str(log)) == 1
    turns = [record for record in json_lines(log.read_text()) if record.get("message") == "turn"]
    assert [turn["request_type"] for turn in turns] == ["LaunchRequest", "IntentRequest", "IntentRequest"]


def test_the_log_file_defaults_to_var_chat_log_under_the_working_directory(tmp_path):
    result = run_chat("--model", str(MODEL), stdin="open back stretch coach\n", tmp_path=tmp_path, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "var/chat.log" in result.stderr and json_lines(result.stderr) == []
    assert json_lines((tmp_path / "var" / "chat.log").read_text())


def test_verbose_shows_the_log_lines_on_stderr_and_never_on_stdout(tmp_path):
    log = tmp_path / "chat.log"
    result = run_chat("--verbose", "--log-file", str(log), stdin=TYPED, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [record["request_type"] for record in json_lines(result.stderr) if record.get("message") == "turn"] \
        == ["LaunchRequest", "IntentRequest", "IntentRequest"]
    assert json_lines(result.stdout) == [] and not log.exists()


def test_a_script_also_keeps_the_log_lines_off_the_console(tmp_path):
    script = tmp_path / "s.txt"
    script.write_text("open back stretch coach\nyes\n")
    result = run_chat("--script", str(script), "--log-file", str(tmp_path / "chat.log"), tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json_lines(result.stdout) == [] and json_lines(result.stderr) == []
    assert json_lines((tmp_path / "chat.log").read_text())


@pytest.mark.parametrize("width", [44, 72])
def test_the_console_wraps_to_the_terminal_width(tmp_path, width):
    result = run_chat("--log-file", str(tmp_path / "chat.log"), stdin=TYPED, tmp_path=tmp_path,
                      env={"COLUMNS": str(width)})
    lines = result.stdout.splitlines()
    assert lines and max(map(len, lines)) <= width
    answer = next(i for i, line in enumerate(lines) if line.startswith("alexa> Before your first routine"))
    assert re.match(r" {7}\S", lines[answer + 1])  # continued under the text after "alexa> "


def test_wrapped_answers_keep_their_words_and_whole_pause_markers(tmp_path):
    chat, out = chat_in_process(tmp_path, width=40)
    chat.handle("open back stretch coach")
    turn = chat.handle("yes")
    lines = out.getvalue().splitlines()
    assert max(map(len, lines)) <= 40
    start = lines.index(next(line for line in lines if line.startswith("alexa> Before your first routine")))
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith(" " * len("alexa> ")):
            break
        block.append(line)
    assert len(block) > 10
    assert " ".join(line[len("alexa> "):] for line in block) == turn.spoken.text
    pieces = [piece for line in block for piece in re.findall(r"\[pause[^\]]*\]?", line)]
    assert pieces and all(re.fullmatch(r"\[pause [\d.]+ s\]", piece) for piece in pieces)


def _longest_sample() -> tuple[str, str]:
    """The model's longest sample without slots, and its intent: typos in it stay nearest to it."""
    model = json.loads(MODEL.read_text())["interactionModel"]["languageModel"]
    return max(((sample, intent["name"]) for intent in model["intents"] for sample in intent.get("samples", [])
                if "{" not in sample), key=lambda pair: len(pair[0]))


def test_a_near_miss_names_the_nearest_sample_and_its_intent(tmp_path):
    chat, out = chat_in_process(tmp_path, width=1000)  # the message on one line
    sample, intent = _longest_sample()
    words = sample.split()
    longest = max(words, key=len)
    near_miss = " ".join(word[:-1] if word is longest else word for word in words)  # a typo
    chat.handle("open back stretch coach")
    turn = chat.handle(near_miss)
    assert not turn.resolution.matched
    assert f'no sample matched "{near_miss}"; nearest: "{sample}" → {intent}, similarity 0.9' in out.getvalue()


def test_a_nonsense_line_is_said_to_be_outside_the_model(tmp_path):
    chat, out = chat_in_process(tmp_path, width=1000)
    chat.handle("open back stretch coach")
    chat.handle("purple monkey dishwasher")
    text = out.getvalue()
    assert "probably outside the model's domain" in text and "nearest:" not in text


TINY_MODEL = {"interactionModel": {"languageModel": {
    "invocationName": "tiny",
    "types": [{"name": "STRETCH", "values": [{"name": {"value": "cat cow", "synonyms": ["cat camel"]}},
                                            {"name": {"value": "child's pose"}}]}],
    "intents": [{"name": "ListIntent", "samples": ["list the routines"]},
                {"name": "HowToIntent", "slots": [{"name": "stretch", "type": "STRETCH"}],
                 "samples": ["how do I do the {stretch}"]},
                {"name": "RoutineIntent", "slots": [{"name": "stretch", "type": "STRETCH"}],
                 "samples": ["{stretch} routine"]},
                {"name": "AMAZON.StopIntent", "samples": []}]}}}


@pytest.mark.parametrize("line, sample, intent", [
    ("list all the routines", "list the routines", "ListIntent"),
    ("how do i make the cat camel", "how do I do the {stretch}", "HowToIntent"),  # a synonym fills the slot
    ("how do i make the childs pose", "how do I do the {stretch}", "HowToIntent"),  # apostrophes don't count
    ("stop it", "stop", "AMAZON.StopIntent"),  # the built-in phrasings count too
])
def test_nearest_finds_the_closest_sample(line, sample, intent):
    nearest = Resolver(TINY_MODEL).nearest(line)
    assert nearest is not None and nearest[:2] == (sample, intent)
    assert 0.7 < nearest[2] < 1


def test_nearest_scores_a_slot_by_the_value_the_line_holds():
    resolver = Resolver(TINY_MODEL)
    with_value = resolver.nearest("how do i make the cat cow")
    without = resolver.nearest("how do i make the cobra")
    assert with_value[2] > NEAREST_THRESHOLD > without[2]
    # A slot is no free wildcard: "{stretch} routine" does not swallow "list all the".
    assert resolver.nearest("list all the routine")[1] == "ListIntent"


def test_nearest_of_nonsense_is_below_the_threshold():
    resolver = Resolver.from_file(MODEL)
    for line in ("purple monkey dishwasher", "what is the weather in paris", "order a pizza"):
        assert resolver.nearest(line)[2] < NEAREST_THRESHOLD


def test_with_a_screen_each_answer_in_a_routine_shows_a_screen_line_and_tap_presses_a_button(tmp_path):
    chat, out = chat_in_process(tmp_path, screen="HUB_LANDSCAPE_SMALL", width=400)
    chat.run_script(["start the quick routine", "/tap next", "/tap pause", "stop", "list routines", "/tap start hips"])
    lines = out.getvalue().splitlines()
    screens = [line.strip() for line in lines if line.strip().startswith("[screen:")]
    assert len(screens) == 6
    assert screens[0].startswith("[screen: Quick routine · Stretch 1 of 4 · Knee to chest · picture: back")
    assert "countdowns 30 s" in screens[0] and screens[0].endswith("buttons Back Pause Next Easier]")
    assert "Stretch 2 of 4" in screens[1]
    assert "Paused." in screens[2] and "buttons Back Resume Next Easier]" in screens[2]
    assert screens[3].startswith("[screen: See you next time") and "buttons" not in screens[3]
    assert screens[4].startswith("[screen: Routines") and "Start hips" in screens[4]
    assert screens[5].startswith("[screen: Hips routine · Stretch 1 of")
    assert any(line.startswith("you> [taps next]") for line in lines)


def test_without_a_screen_there_is_no_screen_line_and_tap_says_why(tmp_path):
    chat, out = chat_in_process(tmp_path, width=400)
    chat.run_script(["start the quick routine", "/tap next"])
    assert "[screen:" not in out.getvalue()
    assert "/tap needs a screen" in out.getvalue()
