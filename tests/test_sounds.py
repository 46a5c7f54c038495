"""Sound cues by choice: "no sounds" takes the chimes out of every narration, for good; "sounds on" brings them back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from skill import narration, ssml
from skill.content import LIBRARY
from skill.engine import Coach, CoachState
from skill.engine.state import Preferences, decode_record, merge_records, stamp_preferences, with_prefs
from skill.localization import phrases_for
from skill.persistence.sqlite import SQLiteAdapter
from skill.skill_builder import build_lambda_handler
from skill.speech import Sound, duration, plain_text
from skill_dev.resolver import Resolver

from .conftest import Conversation
from .test_narration import measured_seconds, timed_slices

ROOT = Path(__file__).resolve().parent.parent
P = phrases_for("en-US")
T0 = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)
QUIET = Preferences(sounds=False)


def clips(segments) -> list[Sound]:
    return [s for s in segments if isinstance(s, Sound)]


def every_narration(stretch, sounds: bool):
    """The stretch in every form the coach narrates it: full, brief, easier, one hold a side, the variant alone."""
    yield narration.stretch(stretch, P, 1, 4, sounds=sounds)
    yield narration.stretch(stretch, P, 2, 4, brief=True, sounds=sounds)
    yield narration.stretch(stretch, P, 3, 4, easier=True, tempo=1.25, sounds=sounds)
    yield narration.stretch(stretch, P, 4, 4, hold_seconds=20, repeats=1, missing=stretch.equipment, sounds=sounds)
    yield narration.easier(stretch, P, sounds=sounds)


# --- narration ------------------------------------------------------------------------------------

@pytest.mark.parametrize("stretch", LIBRARY.stretches.values(), ids=lambda s: s.id)
def test_with_sounds_off_no_stretch_has_a_clip(stretch):
    for segments in every_narration(stretch, sounds=False):
        assert clips(segments) == []
        assert "<audio" not in ssml.render(segments)


@pytest.mark.parametrize("stretch", LIBRARY.stretches.values(), ids=lambda s: s.id)
def test_with_sounds_off_only_the_clips_go_and_their_time_with_them(stretch):
    for on, off in zip(every_narration(stretch, True), every_narration(stretch, False), strict=True):
        assert [s for s in on if not isinstance(s, Sound)] == list(off)  # every word and pause stays
        assert duration(on) - duration(off) == pytest.approx(sum(c.seconds for c in clips(on)))
    assert narration.stretch_seconds(stretch, P, sounds=False) == pytest.approx(
        duration(narration.stretch(stretch, P, 1, 1, sounds=False)))


@pytest.mark.parametrize("stretch", [s for s in LIBRARY.stretches.values() if s.timing.timed], ids=lambda s: s.id)
def test_with_sounds_off_holds_still_last_their_time(stretch):
    slices = timed_slices(narration.stretch(stretch, P, 1, 4, sounds=False))
    assert len(slices) == stretch.timing.sides * stretch.timing.repeats
    for timed in slices:
        assert measured_seconds(timed) == pytest.approx(stretch.timing.hold_seconds, abs=0.5)
    longer = timed_slices(narration.stretch(stretch, P, 1, 4, hold_seconds=stretch.timing.hold_seconds + 10,
                                            sounds=False))
    assert all(measured_seconds(t) == pytest.approx(stretch.timing.hold_seconds + 10, abs=0.5) for t in longer)


def test_the_switch_still_says_switch_sides_without_its_chime():
    steps = LIBRARY.stretch("piriformis").switch
    assert narration.switch(steps, P)[0] == narration.SWITCH_SOUND
    quiet = narration.switch(steps, P, sounds=False)
    assert clips(quiet) == [] and quiet[0].text == "Switch sides."


# --- the coach, in every routine -------------------------------------------------------------------

def step_by_step(routine_id: str, prefs: Preferences) -> list:
    coach = Coach("en-US", T0)
    reply = coach.start(CoachState(safety_said=True, checks_said=True, prefs=prefs), routine_id)
    replies = [reply]
    while not reply.end_session:
        reply = coach.next(reply.state)
        replies.append(reply)
    return replies


def hands_free(routine_id: str, prefs: Preferences) -> list:
    reply = Coach("en-US", T0).hands_free(CoachState(safety_said=True, checks_said=True, prefs=prefs), routine_id)
    clock, replies = 0.0, [reply]
    while not reply.end_session:
        clock += sum(length for _, _, length in reply.state.timeline) / 1000 + 3  # heard to the end, then "yes"
        reply = Coach("en-US", T0 + timedelta(seconds=clock)).turn(Coach.yes, reply.state)
        replies.append(reply)
    return replies


@pytest.mark.parametrize("routine_id", LIBRARY.routines)
@pytest.mark.parametrize("mode", [step_by_step, hands_free], ids=["step", "hands_free"])
def test_with_sounds_off_no_routine_plays_a_clip_in_either_mode(routine_id, mode):
    loud = mode(routine_id, Preferences())
    assert any("<audio" in ssml.render(r.speech) for r in loud)  # the same walk with sounds has them
    quiet = mode(routine_id, QUIET)
    for reply in quiet:
        assert reply.state.prefs.sounds is False
        assert "<audio" not in ssml.render(reply.speech), routine_id
        assert reply.reprompt is None or "<audio" not in ssml.render(reply.reprompt)
    for reply in quiet:  # a hands-free timeline is measured on what is played: no clip time in it
        if reply.state.timeline:
            assert sum(length for _, _, length in reply.state.timeline) / 1000 == pytest.approx(
                duration(reply.speech), abs=0.01 * len(reply.state.timeline))


def test_with_sounds_off_make_it_easier_plays_no_clip():
    coach = Coach("en-US", T0)
    started = coach.start(CoachState(safety_said=True, checks_said=True, prefs=QUIET), "quick")
    easier = coach.easier(started.state)
    assert "easier way" in plain_text(easier.speech)
    assert "<audio" not in ssml.render(easier.speech)


def test_with_sounds_off_a_whole_routine_is_shorter_by_its_clips_only():
    loud, quiet = step_by_step("quick", Preferences()), step_by_step("quick", QUIET)
    assert len(loud) == len(quiet)
    for on, off in zip(loud, quiet, strict=True):
        played = clips(ssml.within_clip_limit(on.speech))
        assert duration(ssml.within_clip_limit(on.speech)) - duration(off.speech) == pytest.approx(
            sum(c.seconds for c in played))


def test_the_coach_turns_sounds_off_and_on_and_carries_on():
    coach = Coach("en-US", T0)
    started = coach.start(CoachState(safety_said=True, checks_said=True), "quick")
    off = coach.sounds_off(started.state)
    assert off.state.prefs.sounds is False and off.state.index == started.state.index
    said = plain_text(off.speech)
    assert "no more chimes" in said and "knee to chest" in said  # then how to carry on
    assert "<audio" not in ssml.render(coach.next(off.state).speech)
    on = coach.sounds_on(off.state)
    assert on.state.prefs.sounds is True and "Chimes are back on." in plain_text(on.speech)
    assert "<audio" in ssml.render(coach.next(on.state).speech)


# --- what is stored ----------------------------------------------------------------------------------

def test_sounds_are_stored_only_when_off_and_read_back():
    assert "sounds" not in Preferences().to_dict()
    state = CoachState(prefs=QUIET)
    assert state.record()["prefs"]["sounds"] is False
    assert decode_record(state.record()) == (CoachState(prefs=QUIET), None)
    assert CoachState.from_session(state.to_session()).prefs.sounds is False


def test_a_record_from_before_sounds_existed_means_sounds_on():
    record = {"v": 2, "routine": "quick", "index": 1, "prefs": {"hold_offset": 5, "missing": [], "skip": [],
                                                                "continuous": False, "detail": "brief"}}
    state, problem = decode_record(record)
    assert problem is None and state.prefs.sounds is True and state.prefs.hold_offset == 5
    assert CoachState.from_dict({"prefs": {"hold_offset": 5}}).prefs.sounds is True


@pytest.mark.parametrize("garbage", ["off", 0, 1, None, [], {}, "false"])
def test_a_garbage_sounds_value_reads_as_the_default(garbage):
    # Like every preference: a session's odd preferences fall back to the defaults; a stored record with a
    # field of the wrong type is unreadable, so the person gets a fresh start (and is told so).
    assert CoachState.from_dict({"prefs": {"sounds": garbage}}).prefs.sounds is True
    state, problem = decode_record({"v": 2, "prefs": {"sounds": garbage}})
    assert state.prefs.sounds is True and problem and "prefs" in problem


def test_two_devices_merge_sounds_by_the_latest_change():
    start = CoachState()
    kitchen = stamp_preferences(start, with_prefs(start, sounds=False), 1_800_000_100)
    assert dict(kitchen.prefs.changed) == {"sounds": 1_800_000_100}
    bedroom = stamp_preferences(start, with_prefs(start, hold_offset=5), 1_800_000_000)
    assert merge_records(kitchen, bedroom).prefs == Preferences(
        hold_offset=5, sounds=False, changed=(("hold_offset", 1_800_000_000), ("sounds", 1_800_000_100)))
    later = stamp_preferences(kitchen, with_prefs(kitchen, sounds=True), 1_800_000_200)
    assert merge_records(kitchen, later).prefs.sounds is True and merge_records(later, kitchen).prefs.sounds is True


# --- through the Lambda handler ----------------------------------------------------------------------

def test_no_sounds_then_sounds_on_by_voice(tmp_path):
    resolver = Resolver.from_file(ROOT / "interaction_models" / "en-US.json")
    assert resolver.resolve("no sounds").intent == "SoundsOffIntent"
    assert resolver.resolve("sounds on").intent == "SoundsOnIntent"
    convo = Conversation(build_lambda_handler(persistence=SQLiteAdapter(tmp_path / "s.sqlite3")))
    convo.say("StartRoutineIntent", routine="quick")
    convo.say("SoundsOffIntent")
    assert "Okay, no more chimes. I'll still say when to switch and release." in convo.speech
    assert "knee to chest" in convo.speech  # and how to carry on
    assert convo.state["prefs"]["sounds"] is False
    convo.say("AMAZON.NextIntent")
    assert "Stretch 2 of 4" in convo.speech and "<audio" not in convo.last["response"]["outputSpeech"]["ssml"]
    convo.say("SoundsOnIntent")
    assert "Chimes are back on." in convo.speech and "sounds" not in convo.state["prefs"]
    convo.say("AMAZON.RepeatIntent")  # knee rotations again: a chime before "switch sides"
    assert "Stretch 2 of 4" in convo.speech and "<audio" in convo.last["response"]["outputSpeech"]["ssml"]


def test_no_sounds_is_remembered_in_a_new_session(tmp_path):
    adapter = SQLiteAdapter(tmp_path / "s.sqlite3")
    convo = Conversation(build_lambda_handler(persistence=adapter))
    convo.launch()
    convo.say("SoundsOffIntent")
    convo.say("AMAZON.StopIntent")
    assert convo.ended and convo.session.new
    # Another process, another session: only the store knows.
    again = Conversation(build_lambda_handler(persistence=SQLiteAdapter(adapter.path)), convo.session)
    again.launch()
    again.say("StartRoutineIntent", routine="quick")
    assert "Stretch 1 of 4" in again.speech
    assert "<audio" not in again.last["response"]["outputSpeech"]["ssml"]
    assert again.state["prefs"]["sounds"] is False
    again.say("AMAZON.NextIntent")
    assert "<audio" not in again.last["response"]["outputSpeech"]["ssml"]
