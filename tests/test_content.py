"""The content module: all 13 stretches, complete, and validation that bites."""

from __future__ import annotations

import copy

import pytest

from skill.content import EQUIPMENT, LIBRARY, POSITIONS, ContentError, Library
from skill.content.routines import ROUTINES
from skill.content.stretches import STRETCHES
from skill.localization import phrases_for
from skill.engine import plan_for

ARTICLE_STRETCHES = {
    "knee_to_chest", "back_extension", "knee_rotation", "lower_back_rotation", "childs_pose", "cat_cow",
    "foam_roller_extension", "pelvic_tilt", "ball_roll_hips", "piriformis", "hip_flexor_stretch",
    "hamstring_stretch", "thread_the_needle",
}


def test_all_thirteen_article_stretches_are_present():
    assert set(LIBRARY.stretches) == ARTICLE_STRETCHES


@pytest.mark.parametrize("stretch", LIBRARY.stretches.values(), ids=lambda s: s.id)
def test_every_stretch_is_complete(stretch):
    assert stretch.name and stretch.synonyms and stretch.targets
    assert stretch.position in POSITIONS
    assert all(item in EQUIPMENT for item in stretch.equipment)
    assert stretch.setup and stretch.movement and stretch.breathing and stretch.caution
    assert stretch.easier.name and stretch.easier.cues
    timing = stretch.timing
    assert (timing.hold_seconds > 0) if timing.timed else (timing.reps > 0 and timing.rep_seconds > 0)
    assert len(stretch.brief) == 2 and stretch.dose
    if timing.per_side:
        assert stretch.switch and stretch.first_side in ("right", "left")


@pytest.mark.parametrize("spoken, expected", [
    ("knee hugs", "knee_to_chest"), ("sphinx", "back_extension"), ("windscreen wipers", "knee_rotation"),
    ("child's pose", "childs_pose"), ("Childs Pose", "childs_pose"), ("figure four", "piriformis"),
    ("cat-cow", "cat_cow"), ("cat cow", "cat_cow"), ("foam rolling", "foam_roller_extension"),
    ("thread the needle", "thread_the_needle"), ("hip flexors", "hip_flexor_stretch"),
])
def test_people_can_name_stretches_their_way(spoken, expected):
    assert LIBRARY.find_stretch(spoken).id == expected


def test_unknown_names_find_nothing():
    assert LIBRARY.find_stretch("handstand") is None
    assert LIBRARY.find_stretch(None) is None
    assert LIBRARY.find_routine("marathon") is None


def test_equipment_is_the_articles():
    needs = {s.id: s.equipment for s in LIBRARY.stretches.values() if s.equipment}
    assert needs == {"foam_roller_extension": ("foam_roller",), "ball_roll_hips": ("massage_ball",),
                     "hamstring_stretch": ("stretch_band",)}


def test_extension_easier_variant_is_on_forearms():
    assert "forearms" in LIBRARY.stretch("back_extension").easier.name


def test_ball_roll_keeps_rolling_within_the_articles_range():
    timing = LIBRARY.stretch("ball_roll_hips").timing
    assert timing.kind == "roll" and 30 <= timing.hold_seconds <= 60


def test_full_routine_has_all_thirteen_and_flows_between_positions():
    full = LIBRARY.routine("full")
    assert set(full.stretch_ids) == ARTICLE_STRETCHES and len(full.stretch_ids) == 13
    order = list(POSITIONS)  # back, seated, stomach, hands and knees, kneeling
    ranks = [order.index(LIBRARY.stretch(sid).position) for sid in full.stretch_ids]
    assert ranks == sorted(ranks)


def test_routines_exist_with_sensible_lengths():
    p = phrases_for("en-US")
    minutes = {rid: plan_for(LIBRARY, rid).seconds(p) / 60 for rid in LIBRARY.routines}
    assert set(minutes) == {"quick", "full", "hips", "mid_back", "gentle"}
    assert 4.0 <= minutes["quick"] <= 7.0, minutes
    assert minutes["full"] == max(minutes.values())


def test_gentle_routine_needs_no_equipment():
    assert not plan_for(LIBRARY, "gentle").equipment()


def test_hips_and_mid_back_routines_target_what_they_say():
    for routine, area in (("hips", {"hips", "glutes", "hip flexors", "front of the hips"}), ("mid_back", {"mid back", "upper back"})):
        for stretch in plan_for(LIBRARY, routine).stretches:
            assert area & set(stretch.targets), (routine, stretch.id)


def _broken(mutate):
    stretches = copy.deepcopy(list(STRETCHES))
    mutate(stretches)
    return lambda: Library(stretches, ROUTINES, "quick")


@pytest.mark.parametrize("mutate, message", [
    (lambda s: s[0].pop("setup"), "missing field"),
    (lambda s: s[0].pop("equipment"), "missing field"),
    (lambda s: s[1]["timing"].update(seconds=0), "hold of 0"),
    (lambda s: s[1]["timing"].update(seconds=600), "hold of 600"),
    (lambda s: s[0].update(equipment=["yoga_block"]), "unknown equipment"),
    (lambda s: s[0]["synonyms"].append("knee hugs"), "claimed by both"),
    (lambda s: s[0].update(position="upside_down"), "unknown position"),
    (lambda s: s[0]["timing"].update(kind="jog"), "timing kind"),
    (lambda s: s[0]["timing"].update(count=0), "reps"),
    (lambda s: s[3].pop("switch"), "switch steps"),
    (lambda s: s[3].update(first_side="middle"), "first_side"),
    (lambda s: s[3].update(caution_at="later"), "caution_at"),
    (lambda s: s[1]["timing"].update(repeats=9), "repeats"),
    (lambda s: s.append(copy.deepcopy(s[0])), "used twice"),
])
def test_validation_fails_loudly_on_bad_entries(mutate, message):
    with pytest.raises(ContentError, match=message):
        _broken(mutate)()


def test_routine_validation():
    bad = copy.deepcopy(list(ROUTINES))
    bad[0]["stretches"] = ["knee_to_chest", "moonwalk"]
    with pytest.raises(ContentError, match="unknown stretch"):
        Library(STRETCHES, bad, "quick")
    with pytest.raises(ContentError, match="default routine"):
        Library(STRETCHES, ROUTINES, "nonexistent")
    dupes = copy.deepcopy(list(ROUTINES))
    dupes[1]["synonyms"].append("short")
    with pytest.raises(ContentError, match="claimed by both"):
        Library(STRETCHES, dupes, "quick")
