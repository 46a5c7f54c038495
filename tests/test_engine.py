"""The routine engine: plan + state -> reply, with no Alexa types."""

from __future__ import annotations

import json
import sys

import pytest

from skill.engine import Coach, CoachState
from skill.engine.questions import ChooseRoutine, HurtOptions, LeaveOut, ResetPreferences, Resume, StartRoutine
from skill.speech import plain_text

COACH = Coach("en-US")


def words(reply) -> str:
    return plain_text(reply.speech)


def started(routine="quick"):
    return COACH.start(CoachState(safety_said=True), routine).state


def test_engine_imports_no_alexa_types():
    import skill.engine.coach  # noqa: F401

    engine_modules = [m for m in sys.modules if m.startswith("skill.engine") or m in (
        "skill.narration", "skill.speech", "skill.ssml", "skill.content")]
    for name in engine_modules:
        source = open(sys.modules[name].__file__, encoding="utf-8").read()
        assert "ask_sdk" not in source, name


def test_state_round_trips_through_json():
    state = CoachState(routine="hips", index=3, paused=True, pending=HurtOptions("piriformis"), last="routines",
                       safety_said=True, leave_out_today=("cat_cow",))
    assert CoachState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


@pytest.mark.parametrize("raw", [None, [], "x", {"routine": 5, "index": "two", "paused": "yes"},
                                 {"index": -4}, {"index": True}, {"v": 99, "pending": 3}])
def test_state_from_odd_data_falls_back_to_defaults(raw):
    state = CoachState.from_dict(raw)
    assert state.index >= 0 and state.routine in (None,) and isinstance(state.paused, bool)


def test_start_names_the_routine_and_narrates_the_first_stretch():
    reply = COACH.start(CoachState(safety_said=True), "hips")
    assert "hips routine: 5 stretches, about" in words(reply)
    assert "Stretch 1 of 5: knee rotations." in words(reply)
    assert reply.state.routine == "hips" and reply.state.index == 0 and not reply.end_session


def test_start_without_a_name_uses_the_default_and_unknown_names_are_explained():
    assert COACH.start(CoachState(safety_said=True)).state.routine == "quick"
    reply = COACH.start(CoachState(safety_said=True), "marathon")
    assert "I don't know a routine called marathon" in words(reply) and reply.state.routine is None


def test_routine_start_mentions_equipment():
    assert "You'll need a foam roller." in words(COACH.start(CoachState(safety_said=True), "mid back"))


def test_safety_note_and_the_check_first_note_are_each_said_once():
    first = COACH.start(CoachState(), "quick")
    assert "stop if anything hurts sharply" in words(first) and "urgent medical help today" in words(first)
    assert "Before your first routine" in words(first) and "history of cancer" in words(first)
    again = COACH.start(first.state, "quick")
    assert "hurts sharply" not in words(again) and "Before your first routine" not in words(again)


def test_next_walks_the_routine_then_celebrates_and_ends():
    state = started()
    seen = [state.index]
    reply = None
    for _ in range(3):
        reply = COACH.next(state)
        state = reply.state
        seen.append(state.index)
    assert seen == [0, 1, 2, 3]
    assert "That was the last stretch" in words(reply)
    finish = COACH.next(state)
    assert finish.end_session and "quick routine done" in words(finish)
    assert finish.state.routine is None


def test_previous_and_its_edge():
    state = COACH.next(started()).state
    back = COACH.previous(state)
    assert back.state.index == 0 and "Stretch 1 of 4" in words(back)
    edge = COACH.previous(back.state)
    assert edge.state.index == 0 and "nothing before it" in words(edge)


def test_repeat_replays_the_current_stretch():
    state = COACH.next(started()).state
    assert COACH.repeat(state).speech == COACH.next(started()).speech
    assert COACH.repeat(state).state.index == 1


def test_start_over_goes_back_to_the_first_stretch():
    state = COACH.next(COACH.next(started()).state).state
    reply = COACH.start_over(state)
    assert reply.state.index == 0 and "from the top" in words(reply)


def test_pause_keeps_the_place_and_resume_continues():
    state = COACH.next(started()).state
    paused = COACH.pause(state)
    assert paused.state.paused and paused.state.index == 1 and "keep your place" in words(paused)
    assert not paused.end_session and paused.reprompt
    resumed = COACH.resume(paused.state)
    assert not resumed.state.paused and "Stretch 2 of 4" in words(resumed)
    carried_on = COACH.next(paused.state)  # "continue" is a NextIntent phrase
    assert carried_on.state.index == 1 and "Picking up where you left off" in words(carried_on)


def test_where_am_i_and_how_many_left():
    state = COACH.next(started()).state
    assert "stretch 2 of 4, knee rotations, in the quick routine" in words(COACH.where_am_i(state))
    assert "2 left after this one" in words(COACH.how_many_left(state))
    last = COACH.next(COACH.next(state).state).state
    assert "This is the last one" in words(COACH.how_many_left(last))


def test_howto_in_and_out_of_a_routine():
    outside = COACH.howto(CoachState(), "cat cow")
    assert "round your back" in words(outside) and outside.state.routine is None
    inside = COACH.howto(started(), "figure four")
    assert "figure four" in words(inside) and "repeat to do knee to chest again" in words(inside)
    this_one = COACH.howto(started(), None)
    assert "Knee to chest." in words(this_one)
    assert "don't know a stretch called handstand" in words(COACH.howto(CoachState(), "handstand"))


def test_lists():
    assert "There are 5 routines" in words(COACH.list_routines(CoachState()))
    assert "I know 13 stretches" in words(COACH.list_stretches(CoachState()))


def test_easier_narrates_the_variant():
    state = COACH.next(COACH.next(started()).state).state  # cat cow
    assert "smaller curves" in words(COACH.easier(state))
    assert "start a routine first" in words(COACH.easier(CoachState()))


def test_that_hurts_stops_advises_and_offers_three_ways_on():
    state = started()
    hurt = COACH.hurts(state)
    assert "stop there" in words(hurt) and "medical advice" in words(hurt) and not hurt.end_session
    assert "skip knee to chest, try an easier version, or stop for today?" in words(hurt)
    assert hurt.state.pending == HurtOptions("knee_to_chest") and hurt.state.paused
    asked = COACH.yes(hurt.state)
    assert "skipping knee to chest" in words(asked) and "from now on?" in words(asked)
    assert asked.state.pending == LeaveOut("knee_to_chest") and not asked.end_session
    assert asked.state.index == 1 and asked.state.stretch == "knee_rotation"  # the skip moved on at once
    today_only = COACH.no(asked.state)
    assert "just for today" in words(today_only) and "Stretch 2 of 4: knee rotations" in words(today_only)
    assert today_only.state.prefs.skip == ()
    rested = COACH.no(hurt.state)
    assert rested.state.index == 0 and "Rest for as long as you need" in words(rested)
    assert "Stretch" not in words(rested)  # never starts a stretch by itself


def test_next_after_skipping_a_painful_stretch_goes_on_to_the_following_one():
    """The bug: "that hurts", "yes" (skip), then "next" narrated the same stretch again."""
    asked = COACH.yes(COACH.hurts(started()).state)
    for answer in (COACH.next, COACH.resume):
        after = answer(asked.state)
        assert "Stretch 2 of 4: knee rotations" in words(after) and "knee to chest" not in words(after)
        assert after.state.index == 1 and after.state.pending is None
        assert "Stretch 3 of 4: cat cow" in words(COACH.next(after.state))


@pytest.mark.parametrize("answer", ["next", "resume", "yes", "skip"])
def test_okay_or_continue_after_that_hurts_never_replays_the_stretch(answer):
    hurt = COACH.hurts(started()).state
    for state in (hurt, COACH.no(hurt).state):  # straight after, or after "no" (rest)
        reply = getattr(COACH, answer)(state)
        assert "Stretch 1 of 4" not in words(reply) and reply.state.index == 1


def test_easier_or_stop_answer_the_three_ways_on():
    hurt = COACH.hurts(started()).state
    easier = COACH.easier(hurt)
    assert "Here's an easier way" in words(easier) and easier.state.pending is None
    stopped = COACH.stop(hurt)
    assert stopped.end_session and stopped.state.index == 0 and stopped.state.routine == "quick"


def test_leaving_a_stretch_out_for_good_is_respected_by_later_routines():
    asked = COACH.yes(COACH.hurts(started()).state)
    forever = COACH.yes(asked.state)
    assert "leave knee to chest out from now on" in words(forever)
    assert forever.state.prefs.skip == ("knee_to_chest",)
    assert "Stretch 1 of 3: knee rotations" in words(forever)  # the plan no longer has it
    again = COACH.start(forever.state, "gentle")
    assert "knee to chest" not in words(again) and "gentle routine: 4 stretches" in words(again)


def test_skipping_the_last_stretch_finishes():
    state = CoachState(routine="quick", index=3, stretch="childs_pose", safety_said=True)
    asked = COACH.yes(COACH.hurts(state).state)
    reply = COACH.no(asked.state)
    assert reply.end_session and "routine done" in words(reply)


def test_yes_after_the_welcome_starts_and_no_declines():
    welcome = COACH.launch(CoachState())
    assert welcome.state.pending == StartRoutine()
    assert COACH.yes(welcome.state).state.routine == "quick"
    assert COACH.next(welcome.state).state.routine == "quick"  # "ready"
    assert COACH.no(welcome.state).state.routine is None


def test_launch_is_brief_after_the_first_time():
    first = COACH.launch(CoachState())
    again = COACH.launch(first.state)
    assert len(words(again)) < len(words(first)) / 2 and "safety" not in words(again)


def test_help_and_fallback_depend_on_context():
    assert "You're on knee to chest" in words(COACH.help(started()))
    assert "start the quick routine" in words(COACH.help(CoachState()))
    assert "You're on knee to chest" in words(COACH.fallback(started()))
    assert "list routines" in words(COACH.fallback(CoachState()))


def test_stop_ends_warmly_and_keeps_the_place():
    reply = COACH.stop(COACH.next(started()).state)
    assert reply.end_session and "open back stretch coach" in words(reply)
    assert reply.state.index == 1


def test_navigation_outside_a_routine_offers_one():
    for move in (COACH.next, COACH.previous, COACH.pause, COACH.resume, COACH.where_am_i, COACH.how_many_left):
        reply = move(CoachState(safety_said=True))
        assert "not in a routine" in words(reply) and reply.state.pending == StartRoutine() and not reply.end_session


def test_repeat_outside_a_routine_replays_the_last_answer():
    howto = COACH.howto(CoachState(), "child's pose")
    assert COACH.repeat(howto.state).speech == howto.speech
    listed = COACH.list_routines(CoachState())
    assert COACH.repeat(listed.state).speech == listed.speech


def test_a_stale_index_is_clamped():
    reply = COACH.repeat(CoachState(routine="quick", index=99, safety_said=True))
    assert reply.state.index == 3


def test_an_unknown_routine_in_state_is_treated_as_none():
    reply = COACH.next(CoachState(routine="deleted", index=2))
    assert "not in a routine" in words(reply)


# --- resume, preferences, progress ---------------------------------------------------

from datetime import datetime, timedelta, timezone  # noqa: E402

from skill.engine.state import Preferences, decode_record  # noqa: E402

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)


def at(moment):
    return Coach("en-US", moment)


def mid_routine(coach=None):
    coach = coach or at(NOW)
    state = coach.start(CoachState(safety_said=True), "hips").state
    for _ in range(2):
        state = coach.next(state).state
    return state  # stretch 3 of 5, ball roll


def test_a_recent_unfinished_routine_is_offered_as_a_resume():
    state = mid_routine()
    reply = at(NOW + timedelta(hours=2)).launch(state)
    assert words(reply) == "Welcome back. Carry on with massage ball roll on the hips, stretch 3 of 5?"
    assert reply.state.pending == Resume()
    for answer in (at(NOW).resume, at(NOW).yes, at(NOW).next):
        resumed = answer(reply.state)
        assert "Stretch 3 of 5" in words(resumed) and resumed.state.pending is None


def test_no_at_the_resume_offer_asks_what_instead_and_start_over_starts_fresh():
    offer = at(NOW + timedelta(hours=1)).launch(mid_routine()).state
    declined = at(NOW).no(offer)
    assert "Stretch" not in words(declined) and "hips routine, from the top, or another one" in words(declined)
    assert declined.state.pending == ChooseRoutine(default="hips") and declined.state.index == 2
    for answer in (at(NOW).yes, at(NOW).next, at(NOW).start_over):
        fresh = answer(declined.state)
        assert "Stretch 1 of 5" in words(fresh) and fresh.state.routine == "hips"
    assert at(NOW).no(declined.state).state.index == 2  # nothing started, the place is kept
    fresh = at(NOW).start_over(offer)
    assert "Stretch 1 of 5" in words(fresh) and fresh.state.routine == "hips"
    named = at(NOW).start(offer, "quick")
    assert "Stretch 1 of 4" in words(named) and named.state.routine == "quick"


def test_an_old_unfinished_routine_is_offered_as_a_fresh_start():
    reply = at(NOW + timedelta(hours=13)).launch(mid_routine())
    assert words(reply) == "Welcome back. Shall we do the hips routine again, from the top?"
    assert reply.state.pending == StartRoutine("hips", again=True)
    fresh = at(NOW).yes(reply.state)
    assert "Stretch 1 of 5" in words(fresh) and fresh.state.routine == "hips"


def test_place_is_kept_by_stretch_id_when_the_plan_changes():
    state = mid_routine()  # on ball_roll_hips, index 2
    fewer = CoachState.from_dict({**state.to_dict(), "prefs": {"skip": ["knee_rotation"]}})
    assert "stretch 2 of 4, massage ball roll" in words(COACH.where_am_i(fewer))


def test_holds_longer_and_shorter_within_bounds():
    state = CoachState(safety_said=True, checks_said=True)
    for expected in (5, 10, 15, 20, 20):
        reply = COACH.holds_longer(state)
        state = reply.state
        assert state.prefs.hold_offset == expected
    assert "already as long" in words(reply)
    narrated = words(COACH.start(state, "quick"))
    assert "Hold for 50 seconds" in narrated  # knee to chest: 30 + 20
    for _ in range(10):
        state = COACH.holds_shorter(state).state
    assert state.prefs.hold_offset == -10
    assert "Hold for 20 seconds" in words(COACH.start(state, "quick"))  # 30 - 10


def test_missing_equipment_is_replaced_by_something_from_home_and_said_once():
    reply = COACH.lack_equipment(CoachState(safety_said=True, checks_said=True), "foam roller")
    assert "no a foam roller" not in words(reply) and reply.state.prefs.missing == ("foam_roller",)
    start = COACH.start(reply.state, "mid back")
    said = words(start)
    assert "As you don't have a foam roller, use a firm rolled-up towel for the foam roller back extension." in said
    assert "You'll need a firm rolled-up towel." in said and "You'll use a firm rolled-up towel." in said
    assert "foam roller." not in said
    again = COACH.start(start.state, "mid back")
    assert "As you don't have" not in words(again) and "You'll need a firm rolled-up towel." in words(again)
    hips = COACH.start(COACH.lack_equipment(CoachState(safety_said=True), "tennis ball").state, "full")
    assert "use a tennis ball for the massage ball roll" in words(hips)


def test_without_a_band_the_hamstring_stretch_uses_a_towel_or_a_belt():
    from skill.content import LIBRARY
    from skill.engine import plan_for

    plan = plan_for(LIBRARY, "full", Preferences(missing=("stretch_band",)))
    assert [(c.stretch.id, c.alternative) for c in plan.changes] == [("hamstring_stretch", "a towel or a belt")]
    assert "hamstring_stretch" in [s.id for s in plan.stretches] and "a towel or a belt" in plan.equipment()


def test_having_equipment_again_brings_the_stretches_back():
    state = COACH.lack_equipment(CoachState(safety_said=True), "roller").state
    state = COACH.have_equipment(state, "foam roller").state
    assert state.prefs.missing == ()
    assert "unknown" not in words(COACH.lack_equipment(state, "kettlebell"))
    assert "The only equipment I use" in words(COACH.lack_equipment(state, "kettlebell"))


def test_reset_preferences_after_confirmation_only():
    state = CoachState(safety_said=True, prefs=Preferences(hold_offset=10, missing=("foam_roller",),
                                                             skip=("cat_cow",)), history=(("2026-11-20", "quick"),))
    asked = COACH.reset_preferences(state)
    assert asked.state.pending == ResetPreferences() and asked.state.prefs == state.prefs
    assert COACH.no(asked.state).state.prefs == state.prefs
    done = COACH.yes(asked.state)
    assert done.state.prefs == Preferences() and done.state.history == state.history


def test_progress_counts_the_week_and_the_streak():
    coach = at(NOW)
    history = (("2026-11-10", "full"), ("2026-11-20", "quick"), ("2026-11-22", "quick"), ("2026-11-23", "hips"),
               ("2026-11-24", "gentle"))
    reply = coach.how_am_i_doing(CoachState(history=history))
    assert "You've done 4 routines in the last 7 days. And you're on a 3 day streak." in words(reply)
    assert "haven't finished a routine with me yet" in words(coach.how_am_i_doing(CoachState()))
    assert "in the last 7 days" in words(coach.how_am_i_doing(CoachState(history=(("2026-11-01", "quick"),))))


def test_finishing_records_history_and_mentions_a_new_streak():
    coach = at(NOW)
    state = CoachState(routine="quick", index=3, stretch="childs_pose", safety_said=True, reminder_asked=True,
                       history=(("2026-11-22", "quick"), ("2026-11-23", "quick")))
    done = coach.next(state)
    assert done.end_session and done.state.history[-1] == ("2026-11-24", "quick")
    assert "3 days in a row" in words(done)
    again = coach.next(CoachState(routine="quick", index=3, safety_said=True, history=done.state.history,
                                  reminder_asked=True))
    assert "in a row" not in words(again)  # second routine today: no new streak


def test_unreadable_records_give_a_gentle_fresh_start():
    for raw in ("{trunc", [], {"v": 99}, {"v": 2, "index": "three"}, {"v": 2, "prefs": {"skip": "x"}},
                {"v": "2"}, {"routine": "quick"}, {"v": 2, "history": [["2026", 3]]}):
        state, problem = decode_record(raw)
        assert problem and state.notice == "reset", raw
        reply = COACH.deliver(COACH.launch(state))
        assert words(reply).startswith("I couldn't read your saved progress, so we're starting fresh.")
        assert reply.state.notice is None


def test_version_one_records_are_migrated():
    state, problem = decode_record({"v": 1, "routine": "hips", "index": 2, "paused": False, "pending": None,
                                    "last": None, "safety_said": True})
    assert problem is None and state.routine == "hips" and state.index == 2 and state.safety_said
    assert decode_record({}) == (CoachState(), None)


def test_the_stored_record_leaves_out_conversation_only_fields():
    record = CoachState(pending=ResetPreferences(), last="routines", paused=True, notice="reset",
                        leave_out_today=("cat_cow",)).record()
    assert set(record) == {"v", "routine", "index", "stretch", "side", "updated", "safety_said",
                           "equipment_noted", "prefs", "history", "practice", "checks_said", "time_zone",
                           "zone_checked", "reminder_asked"}


def test_the_session_form_is_a_compact_string_that_round_trips():
    state = CoachState(routine="hips", index=2, stretch="ball_roll_hips", history=(("2026-11-20", "quick"),),
                       timeline=((1, 0, 500),), timeline_at=5)
    text = state.to_session()
    assert isinstance(text, str) and " " not in text
    assert CoachState.from_session(text) == state
    assert CoachState.from_session(json.loads(text)) == state  # a plain map is read too
    for odd in ("{not json", "[]", "", None, 5):
        assert CoachState.from_session(odd) == CoachState()


def test_continue_means_next_unless_paused():
    state = started()  # knee to chest narrated, not paused
    assert "Stretch 2 of 4" in words(COACH.resume(state))  # "continue", "carry on": go on
    paused = COACH.pause(state).state
    resumed = COACH.resume(paused)
    assert "Picking up where you left off" in words(resumed) and "Stretch 1 of 4" in words(resumed)
