"""Hands-free mode: parts within Alexa's limits, timelines that add up, barge-in that knows where you are."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

import pytest

from skill import ssml
from skill.content import LIBRARY
from skill.engine import Coach, CoachState
from skill.engine.coach import PART_MAX_SECONDS
from skill.engine.questions import HurtOptions, NextPart
from skill.engine.state import Preferences
from skill.narration import SOUND_SECONDS
from skill.speech import SECONDS_PER_WORD, plain_text

from .alexa_rules import ssml_problems

T0 = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)


def coach(seconds_after: float = 0.0) -> Coach:
    return Coach("en-US", T0 + timedelta(seconds=seconds_after))


def words(reply) -> str:
    return plain_text(reply.speech)


def ssml_seconds(markup: str) -> float:
    """A response's length measured on its SSML: breaks, sound clips at their allowed time, words at the rate."""
    text = re.sub(r"<[^>]+>", " ", markup)
    clips = sum(SOUND_SECONDS[url] for url in re.findall(r'<audio src="([^"]+)"/>', markup))
    return (sum(ssml.break_seconds(markup)) + clips
            + len(re.findall(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?", text)) * SECONDS_PER_WORD)


def first_part(routine="quick", prefs: Preferences | None = None):
    return coach().hands_free(CoachState(safety_said=True, prefs=prefs or Preferences()), routine)


def all_parts(routine):
    reply, clock, parts = first_part(routine), 0.0, []
    while True:
        parts.append(reply)
        if reply.end_session:
            return parts
        clock += sum(length for _, _, length in reply.state.timeline) / 1000 + 3  # heard to the end, then "yes"
        next_coach = coach(clock)
        reply = next_coach.turn(Coach.yes, reply.state)


@pytest.mark.parametrize("routine", LIBRARY.routines)
def test_every_part_of_every_routine_stays_within_alexas_limits(routine):
    parts = all_parts(routine)
    covered = []
    for reply in parts:
        markup = ssml.render(reply.speech)
        assert not ssml_problems(markup)
        assert len(markup) <= 8000
        assert ssml_seconds(markup) <= PART_MAX_SECONDS + 60  # the stretches, plus the lead and the closing
        assert max(ssml.break_seconds(markup)) <= 10
        if not reply.end_session:
            assert reply.reprompt and "next part" in words(reply)
            covered += [index for index, _, _ in reply.state.timeline]
    assert parts[-1].end_session and f"{LIBRARY.routine(routine).name} routine done" in words(parts[-1])
    stretches_heard = sum(len(re.findall(r"Stretch \d+ of", words(r))) for r in parts)
    assert stretches_heard == len(LIBRARY.routine(routine).stretch_ids)


def test_a_long_routine_is_cut_at_stretch_boundaries():
    parts = all_parts("full")
    assert len(parts) > 2
    headings = [re.findall(r"Stretch (\d+) of 13", words(r)) for r in parts]
    flat = [int(n) for heading in headings for n in heading]
    assert flat == list(range(1, 14))


@pytest.mark.parametrize("routine", LIBRARY.routines)
def test_the_timeline_adds_up_to_the_ssml(routine):
    for reply in all_parts(routine)[:-1]:
        markup = ssml.render(reply.speech)
        timeline = reply.state.timeline
        assert sum(length for _, _, length in timeline) / 1000 == pytest.approx(ssml_seconds(markup), abs=0.01)
        for index, start, _ in timeline[1:]:
            prefix = markup[: markup.index(f"Stretch {index + 1} of")]
            assert start / 1000 == pytest.approx(ssml_seconds(prefix), abs=0.01)
        starts = [start for _, start, _ in timeline]
        assert starts == sorted(starts) and timeline[0][1] == 0


def test_the_part_ends_with_one_short_question_and_saves_the_place_as_if_next_was_said():
    reply = first_part("quick")
    assert words(reply).endswith("Ready for the next part?")
    last_in_part = reply.state.timeline[-1][0]
    assert reply.state.index == last_in_part and reply.state.pending == NextPart()
    assert reply.state.record()["index"] == last_in_part


def barge_in(elapsed: float, action, reply=None):
    """Say something ``elapsed`` seconds after the first part's request."""
    reply = reply or first_part("full")
    return coach(elapsed).turn(action, reply.state), reply.state.timeline


def segment(timeline, n):
    index, start, length = timeline[n]
    return index, start / 1000, length / 1000


def test_barge_in_at_the_start_mid_stretch_and_in_the_rest_acts_on_the_first_stretch():
    reply = first_part("full")
    first, start, length = segment(reply.state.timeline, 0)
    for elapsed in (0, length / 2, length - 3):  # the rest and "next up" close each stretch's segment
        repeated, _ = barge_in(math.floor(elapsed), Coach.repeat, reply)
        assert repeated.state.timeline[0][0] == first, elapsed
        assert "Stretch 1 of 13" in words(repeated)


def test_barge_in_just_past_a_boundary_acts_on_the_next_stretch():
    reply = first_part("full")
    second, start, _ = segment(reply.state.timeline, 1)
    repeated, _ = barge_in(math.ceil(start) + 1, Coach.repeat, reply)
    assert re.findall(r"Stretch \d+ of 13", words(repeated))[0] == f"Stretch {second + 1} of 13"


@pytest.mark.parametrize("action, expected", [
    (Coach.next, "Stretch 3 of 13"), (Coach.repeat, "Stretch 2 of 13"), (Coach.previous, "Stretch 1 of 13")])
def test_next_repeat_and_go_back_act_on_the_stretch_playing(action, expected):
    reply = first_part("full")
    _, start, length = segment(reply.state.timeline, 1)  # stretch 2 is playing
    result, _ = barge_in(start + length / 2, action, reply)
    assert re.findall(r"Stretch \d+ of 13", words(result))[0] == expected


def test_pause_saves_the_stretch_playing():
    reply = first_part("full")
    _, start, length = segment(reply.state.timeline, 1)
    paused, _ = barge_in(start + length / 2, Coach.pause, reply)
    assert paused.state.paused and paused.state.index == 1 and "say resume" in words(paused)
    assert paused.state.record()["stretch"] == "knee_to_chest"


def test_that_hurts_offers_to_skip_the_stretch_playing():
    reply = first_part("full")
    _, start, length = segment(reply.state.timeline, 1)
    hurt, _ = barge_in(start + length / 2, Coach.hurts, reply)
    assert "stop there" in words(hurt) and "skip knee to chest, try an easier version" in words(hurt)
    assert hurt.state.pending == HurtOptions("knee_to_chest")


def test_past_the_end_of_the_response_the_part_was_heard_through():
    reply = first_part("full")
    total = sum(length for _, _, length in reply.state.timeline) / 1000
    heard, _ = barge_in(total + 5, Coach.yes, reply)
    last_in_part = reply.state.timeline[-1][0]
    assert f"Stretch {last_in_part + 2} of 13" in words(heard)


@pytest.mark.parametrize("tamper", [
    lambda s: {**s, "timeline_at": 0},                        # missing
    lambda s: {**s, "timeline_at": s["timeline_at"] + 600},   # out of order: the response is "in the future"
    lambda s: {**s, "timeline_at": s["timeline_at"] - 5000},  # implausibly long ago
])
def test_bad_timestamps_fall_back_to_the_start_of_the_response(tamper):
    reply = first_part("full")
    state = CoachState.from_dict(tamper(reply.state.to_dict()))
    repeated = coach(60).turn(Coach.repeat, state)
    assert "Stretch 1 of 13" in words(repeated)


def test_a_malformed_timeline_in_session_attributes_is_ignored():
    state = CoachState.from_dict({**first_part().state.to_dict(), "timeline": [["x", 1, 2]]})
    assert state.timeline == ()
    assert "Stretch 3 of 4" in words(coach(5).turn(Coach.next, state))


def test_step_mode_is_the_default_and_hands_free_can_be_a_preference():
    step = coach().start(CoachState(safety_said=True), "quick")
    assert len(re.findall(r"Stretch \d+ of", words(step))) == 1 and not step.state.timeline
    always = coach().always_hands_free(CoachState(safety_said=True))
    assert always.state.prefs.continuous
    later = coach().start(CoachState(safety_said=True, prefs=always.state.prefs), "quick")
    assert len(re.findall(r"Stretch \d+ of", words(later))) == 2
    back = coach().step_mode(always.state)
    assert not back.state.prefs.continuous and not back.state.hands_free


def test_keep_going_without_me_mid_routine_continues_from_the_next_stretch():
    state = coach().start(CoachState(safety_said=True), "full").state
    reply = coach(90).hands_free(state)
    assert "keep going without waiting" in words(reply)
    assert re.findall(r"Stretch (\d+) of 13", words(reply))[0] == "2"


def test_a_whole_hands_free_quick_routine_over_envelopes_with_only_yes(convo):
    session = convo.session
    session.clock = T0
    convo.launch()
    convo.say("HandsFreeIntent", routine="quick")
    yeses = 0
    while not convo.ended:
        timeline = convo.state["timeline"]
        assert timeline and "next part" in convo.speech
        session.advance(sum(length for _, _, length in timeline) / 1000 + 4)  # listened to the end
        convo.say("AMAZON.YesIntent")
        yeses += 1
    assert "quick routine done" in convo.speech
    heard = [int(n) for r in convo.responses for n in re.findall(r"Stretch (\d+) of 4",
                                                                  r["response"]["outputSpeech"]["ssml"])]
    assert heard == [1, 2, 3, 4] and yeses == 1


def test_barge_in_over_envelopes_uses_request_timestamps(convo):
    session = convo.session
    session.clock = T0
    convo.say("HandsFreeIntent", routine="full")
    _, start, length = convo.state["timeline"][1]
    session.advance((start + length / 2) / 1000)
    convo.say("AMAZON.PauseIntent")
    assert convo.state["paused"] and convo.state["stretch"] == "knee_to_chest"
