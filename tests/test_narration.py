"""Narration of a stretch: the order of its parts, and holds that last their length."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from skill import narration, ssml
from skill.content import LIBRARY, RepCue
from skill.localization import Phrases, phrases_for
from skill.speech import SECONDS_PER_WORD, Mark, duration, plain_text

from .alexa_rules import ssml_problems

P = phrases_for("en-US")
HOLDS = [s for s in LIBRARY.stretches.values() if s.timing.timed]
REPS = [s for s in LIBRARY.stretches.values() if s.timing.kind == "reps"]


def timed_slices(segments):
    """The segments of each timed part, between its start and end marks."""
    slices, current = [], None
    for segment in segments:
        if segment == Mark(narration.TIMED_START):
            current = []
        elif segment == Mark(narration.TIMED_END):
            slices.append(tuple(current))
            current = None
        elif current is not None:
            current.append(segment)
    return slices


def measured_seconds(segments) -> float:
    """Length of rendered SSML: its breaks plus its words at the stated rate."""
    out = ssml.render(segments)
    words = re.findall(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?", re.sub(r"<[^>]+>", " ", out))
    return sum(ssml.break_seconds(out)) + len(words) * SECONDS_PER_WORD


@pytest.mark.parametrize("stretch", HOLDS, ids=lambda s: s.id)
def test_holds_last_their_configured_time(stretch):
    slices = timed_slices(narration.stretch(stretch, P, 1, 4))
    assert len(slices) == stretch.timing.sides * stretch.timing.repeats
    for timed in slices:
        assert measured_seconds(timed) == pytest.approx(stretch.timing.hold_seconds, abs=0.5)


@pytest.mark.parametrize("seconds", [10, 12, 15, 16, 20, 30, 45, 60])
def test_any_hold_length_adds_up(seconds):
    timed = tuple(s for s in narration.hold(seconds, P) if not isinstance(s, Mark))
    assert measured_seconds(timed) == pytest.approx(seconds, abs=0.5)


def test_hold_cues_come_in_order():
    words = plain_text(narration.hold(30, P))
    assert words.index("Halfway") < words.index("Five more seconds") < words.index("Three") < words.index("One")


@pytest.mark.parametrize("stretch", REPS, ids=lambda s: s.id)
def test_reps_are_paced_close_to_their_plan(stretch):
    for timed in timed_slices(narration.stretch(stretch, P, 1, 4)):
        planned = stretch.timing.reps * stretch.timing.rep_seconds
        assert planned <= measured_seconds(timed) <= planned * 1.25


def test_reps_count_and_last_one():
    cat_cow = LIBRARY.stretch("cat_cow")
    words = plain_text(narration.stretch(cat_cow, P, 1, 4))
    assert words.count("Breathe in") == cat_cow.timing.reps * cat_cow.timing.sides
    assert "Last one" in words


def test_a_stretch_is_narrated_in_order():
    stretch = LIBRARY.stretch("piriformis")
    words = plain_text(narration.stretch(stretch, P, 2, 5))
    seconds = stretch.timing.hold_seconds
    positions = [
        words.index("Stretch 2 of 5: piriformis stretch."),
        words.index("lying on your back"),
        words.index(stretch.setup[0]),
        words.index(stretch.movement[0]),
        words.index(f"Your {stretch.first_side} side: hold for {seconds} seconds"),
        words.index("Switch sides."),
        words.index(stretch.switch[0]),
        words.index(f"Your {stretch.second_side} side: hold for {seconds} seconds"),
        words.rindex("And release."),
    ]
    assert positions == sorted(positions)
    assert words.count(f"side: hold for {seconds} seconds") == 2
    assert words.count("Once more") == 2 * (stretch.timing.repeats - 1)


def test_equipment_is_announced():
    words = plain_text(narration.stretch(LIBRARY.stretch("hamstring_stretch"), P, 1, 1))
    assert "You'll use a stretch band." in words
    at_home = plain_text(narration.stretch(LIBRARY.stretch("hamstring_stretch"), P, 1, 1, missing=("stretch_band",)))
    assert "You'll use a towel or a belt." in at_home and "stretch band" not in at_home


def test_easier_variant_is_narrated_and_timed():
    segments = narration.easier(LIBRARY.stretch("back_extension"), P)
    assert "forearms" in plain_text(segments)
    assert timed_slices(segments)


@pytest.mark.parametrize("stretch", LIBRARY.stretches.values(), ids=lambda s: s.id)
def test_every_narration_is_valid_ssml(stretch):
    for segments in (narration.stretch(stretch, P, 13, 13), narration.easier(stretch, P), narration.howto(stretch, P)):
        assert not ssml_problems(ssml.render(segments))


@pytest.mark.parametrize("stretch", LIBRARY.stretches.values(), ids=lambda s: s.id)
def test_a_sound_marks_each_hold_end_and_each_switch_within_alexas_five_clips(stretch):
    segments = narration.stretch(stretch, P, 1, 1)
    timing = stretch.timing
    holds = timing.sides * timing.repeats if timing.timed else 0
    assert segments.count(narration.HOLD_END_SOUND) == holds
    assert segments.count(narration.SWITCH_SOUND) == (1 if timing.per_side else 0)
    for index, segment in enumerate(segments):
        if segment == narration.HOLD_END_SOUND:
            assert segments[index - 1] == Mark(narration.TIMED_END)  # right as the hold ends
        if segment == narration.SWITCH_SOUND:
            assert plain_text(segments[index + 1:index + 2]) == "Switch sides."
    markup = ssml.render(segments)
    assert markup.count("<audio ") == min(5, holds + timing.per_side) and not ssml_problems(markup)


def test_sound_clips_count_in_the_spoken_time():
    assert duration([narration.HOLD_END_SOUND, narration.SWITCH_SOUND]) == pytest.approx(
        narration.HOLD_END_SOUND.seconds + narration.SWITCH_SOUND.seconds)


def test_rep_cues_carry_their_short_breath_part_and_later_reps_say_it():
    cue = LIBRARY.stretch("cat_cow").timing.rep_cues[0]
    assert cue == RepCue("Breathe in, and sink into cow, chest forward.", "Breathe in.")
    words = plain_text(narration.reps(LIBRARY.stretch("cat_cow").timing, P))
    assert words.count(cue.say) == 2 and words.count("Breathe in.") == 3  # whole twice, then only the short part
    # The short part is the content's own, not cut from the sentence at a comma (a translation chooses it).
    timing = replace(LIBRARY.stretch("cat_cow").timing, rep_cues=(RepCue("Inhale, chest forward.", "In."),
                                                                   RepCue("Exhale, round up.", "Out.")))
    words = plain_text(narration.reps(timing, P))
    assert "Inhale." not in words and words.count("In.") == 3 and "Last one. In." in words


def test_a_slower_language_holds_just_as_long_with_its_words_at_its_own_rate():
    slow = Phrases("en-US")  # a catalog of its own, as a language file with "words_per_minute": 100 makes
    slow.words_per_minute = 100
    timed = tuple(s for s in narration.hold(30, slow) if not isinstance(s, Mark))
    assert duration(timed, 100) == pytest.approx(30) and duration(timed, 100) != duration(timed)
    assert plain_text(timed) == plain_text(narration.hold(30, P))
