"""The content module: all 13 stretches, complete, and validation that bites (also of a language's overlay)."""

from __future__ import annotations

import copy

import pytest

from skill.content import EQUIPMENT, LIBRARY, POSITIONS, ContentError, Library, apply_overlay, library_for
from skill.content.conditions import CONDITIONS
from skill.content.equipment import EQUIPMENT_ITEMS
from skill.content.routines import ROUTINES
from skill.content.stretches import STRETCHES
from skill.engine import plan_for
from skill.localization import phrases_for

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
    for routine, area in (("hips", {"hips", "glutes", "hip flexors", "front of the hips"}),
                          ("mid_back", {"mid back", "upper back"})):
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


# --- other languages: overlays by id ----------------------------------------------------------------

def _raw() -> dict:
    return {"stretches": copy.deepcopy(list(STRETCHES)), "routines": copy.deepcopy(list(ROUTINES)),
            "equipment": copy.deepcopy(list(EQUIPMENT_ITEMS)), "conditions": copy.deepcopy(list(CONDITIONS)),
            "positions": dict(POSITIONS)}


def test_a_language_overlays_the_words_by_id_and_keeps_everything_else():
    raw = _raw()
    apply_overlay(raw, {
        "stretches": {"cat_cow": {"name": "Katze-Kuh", "synonyms": ["katze kuh"],
                                  "timing": {"cues": [{"say": "Einatmen, Brust vor.", "short": "Einatmen."},
                                                      {"say": "Ausatmen, rund machen.", "short": "Ausatmen."}]},
                                  "easier": {"name": "kleinere Bewegung"}}},
        "routines": {"quick": {"name": "kurz", "synonyms": ["schnell"]}},
        "equipment": {"foam_roller": {"spoken": "eine Schaumstoffrolle"}},
        "positions": {"back": "auf dem Rücken liegend"},
    }, "de.json")
    library = Library(raw["stretches"], raw["routines"], "quick", raw["equipment"], raw["conditions"],
                      raw["positions"])
    cat_cow, english = library.stretch("cat_cow"), LIBRARY.stretch("cat_cow")
    assert cat_cow.name == "Katze-Kuh" and library.find_stretch("Katze Kuh") is cat_cow
    assert cat_cow.timing.rep_cues[1].short == "Ausatmen." and cat_cow.easier.name == "kleinere Bewegung"
    assert cat_cow.timing.reps == english.timing.reps and cat_cow.easier.cues == english.easier.cues
    assert cat_cow.setup == english.setup  # not translated: the English stays
    assert library.find_routine("schnell").id == "quick" and library.positions["back"] == "auf dem Rücken liegend"
    assert library.spoken_equipment["foam_roller"] == "eine Schaumstoffrolle"
    assert library.alternatives == LIBRARY.alternatives
    assert library_for("en-GB") is LIBRARY and library_for("xx-??") is LIBRARY  # no content files: the English


@pytest.mark.parametrize("overlay, message", [
    ({"stretches": {"moonwalk": {"name": "x"}}}, "no stretches entry"),
    ({"stretches": {"cat_cow": {"timing": {"count": 50}}}}, "can't be changed"),
    ({"stretches": {"cat_cow": {"position": "stomach"}}}, "can't be changed"),
    ({"stretches": {"knee_to_chest": {"timing": {"cues": ["x"]}}}}, "none to translate"),
    ({"stretches": {"cat_cow": {"timing": {"cues": ["Breathe in, then out.", "Out."]}}}}, "rep cue"),
    ({"stretches": {"cat_cow": {"synonyms": ["knee hugs"]}}}, "claimed by both"),
    ({"routines": {"quick": {"stretches": ["cat_cow"]}}}, "can't be changed"),
    ({"positions": {"upside_down": "x"}}, "unknown position"),
    ({"exercises": {}}, "unknown section"),
])
def test_an_overlay_changes_words_only_and_fails_loudly(overlay, message):
    raw = _raw()
    with pytest.raises(ContentError, match=message):
        apply_overlay(raw, overlay, "xx.json")
        Library(raw["stretches"], raw["routines"], "quick", raw["equipment"], raw["conditions"], raw["positions"])
