"""The dialogue around the routine, at engine level: safety, health conditions, side questions and answers.

Every test calls :class:`Coach` methods directly (like tests/test_engine.py) and checks both
what is said and the state that comes back. Bugs found are fixed; their tests stay, with
the reason, so the suite stays green while they are visible.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import pytest

from skill.content import LIBRARY
from skill.engine import Coach, CoachState
from skill.engine import state as state_module
from skill.engine.questions import (
    QUESTIONS,
    ChooseRoutine,
    DeleteData,
    GoOn,
    HurtOptions,
    LeaveOut,
    NextPart,
    OfferReminder,
    ReminderTime,
    ResetPreferences,
    Resume,
    StartRoutine,
)
from skill.engine.reply import ForgetPerson, SetReminder, ShowSafety, ShowStretch
from skill.engine.state import RECORD_FIELDS, Preferences
from skill.speech import plain_text

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)
COACH = Coach("en-US", NOW)
CONDITIONS = tuple(LIBRARY.conditions)  # pregnancy, osteoporosis, surgery
HEADING = re.compile(r"Stretch (\d+) of (\d+): ([^.]+)\.")


def words(reply) -> str:
    return plain_text(reply.speech)


def ask_text(state: CoachState) -> str:
    """What the pending question says when it is asked on its own."""
    return plain_text(state.pending.ask(COACH, state))


def started(routine="quick", steps=0, **fields):
    state = COACH.start(CoachState(safety_said=True, **fields), routine).state
    for _ in range(steps):
        state = COACH.next(state).state
    return state


def later(hours: float) -> Coach:
    return Coach("en-US", NOW + timedelta(hours=hours))


def name(stretch_id: str) -> str:
    return LIBRARY.stretch(stretch_id).name


def condition_words() -> set[str]:
    found = set()
    for condition in LIBRARY.conditions.values():
        found |= {condition.id.lower(), condition.name.lower(), *(s.lower() for s in condition.synonyms)}
    return found


def assert_record_is_clean(state: CoachState) -> None:
    """The stored part of a state: the documented fields only, nothing about a condition."""
    record = state.record()
    assert set(record) == {"v", *RECORD_FIELDS}
    text = json.dumps(record).lower()
    assert "leave_out_today" not in text
    for word in condition_words():
        assert word not in text, word


def walk(reply, limit=40):
    """Say next until the routine ends; every reply on the way, the first included."""
    replies = [reply]
    while not reply.end_session and len(replies) < limit:
        reply = COACH.next(reply.state)
        replies.append(reply)
    assert reply.end_session, "the routine never finished"
    return replies


def narrated(replies) -> list[str]:
    """The stretch ids shown, in order (one ShowStretch effect per narrated stretch in step mode)."""
    return [e.stretch for r in replies for e in r.effects if isinstance(e, ShowStretch)]


# --- red flags ---------------------------------------------------------------------------------

SYMPTOM_WORDS = ("numb", "tingl", "bladder", "bowel", "weak", "fall", "red_flag", "symptom", "leg")


def test_red_flag_mid_routine_stops_sends_for_help_ends_and_keeps_the_place_paused():
    before = COACH.hurts(started("quick", steps=1)).state  # on knee rotations, with a question waiting
    assert before.pending == HurtOptions("knee_rotation")
    reply = COACH.red_flag(before)
    said = words(reply)
    assert said.startswith("Please stop now") and "urgent medical help" in said
    assert "I've stopped the routine and kept your place." in said
    assert reply.end_session and reply.reprompt is None
    assert ShowSafety("red_flag") in reply.effects
    state = reply.state
    assert (state.routine, state.index, state.stretch) == ("quick", 1, "knee_rotation")
    assert state.paused and state.pending is None
    changed = {k for k, v in state.to_dict().items() if before.to_dict()[k] != v}
    assert changed <= {"paused", "pending", "updated"}, changed
    stored = json.dumps(state.to_dict()).lower()
    for word in SYMPTOM_WORDS:
        assert word not in stored, word
    # Next time, the place is offered back.
    again = later(1).launch(state)
    assert "Carry on with knee rotations, stretch 2 of 4?" in words(again) and again.state.pending == Resume()


def test_red_flag_outside_a_routine_ends_with_the_same_advice():
    before = COACH.launch(CoachState()).state  # "Shall we start the quick routine?" waiting
    reply = COACH.red_flag(before)
    said = words(reply)
    assert said.startswith("Please stop now") and "urgent medical help" in said and said.endswith("Take care.")
    assert "kept your place" not in said
    assert reply.end_session and reply.reprompt is None and reply.effects == (ShowSafety("red_flag"),)
    assert reply.state == replace(before, pending=None)
    assert reply.state.routine is None


# --- health conditions -------------------------------------------------------------------------

@pytest.mark.parametrize("condition_id", CONDITIONS)
def test_a_condition_outside_a_routine_gives_advice_and_asks_which_routine(condition_id):
    condition = LIBRARY.conditions[condition_id]
    reply = COACH.health_condition(CoachState(safety_said=True), condition_id)
    said = words(reply)
    assert said.startswith("Thank you for telling me. I won't keep a note of it.")
    assert condition.advice in said
    assert is_offer_for_today(reply.state) and said.endswith(ask_text(reply.state))
    assert set(reply.state.leave_out_today) == set(condition.leave_out) and condition.leave_out
    assert reply.effects == (ShowSafety(f"condition:{condition_id}"),)
    assert reply.state.routine is None and not reply.end_session
    assert_record_is_clean(reply.state)


@pytest.mark.parametrize("spoken,condition_id", [("pregnant", "pregnancy"), ("brittle bones", "osteoporosis"),
                                                 ("a hip replacement", "surgery"), ("Back-Surgery", "surgery")])
def test_a_condition_is_recognised_by_its_spoken_words(spoken, condition_id):
    reply = COACH.health_condition(CoachState(safety_said=True), spoken)
    assert set(reply.state.leave_out_today) == set(LIBRARY.conditions[condition_id].leave_out)
    assert reply.effects == (ShowSafety(f"condition:{condition_id}"),)


@pytest.mark.parametrize("routine_id", list(LIBRARY.routines))
@pytest.mark.parametrize("condition_id", CONDITIONS)
def test_after_a_condition_every_routine_leaves_its_stretches_out(condition_id, routine_id):
    leave_out = set(LIBRARY.conditions[condition_id].leave_out)
    expected = [s for s in LIBRARY.routine(routine_id).stretch_ids if s not in leave_out]
    told = COACH.health_condition(CoachState(safety_said=True), condition_id).state
    reply = COACH.start(told, routine_id)
    routine_name = LIBRARY.routine(routine_id).name
    if not expected:
        assert f"there's nothing in the {routine_name} routine for today" in words(reply)
        assert reply.state.routine is None and not reply.end_session and not narrated([reply])
        return
    assert f"the {routine_name} routine: {len(expected)} stretch" in words(reply)
    replies = walk(reply)
    assert narrated(replies) == expected
    left_out_names = {name(s) for s in leave_out}
    for r in replies:
        for _number, total, heard in HEADING.findall(words(r)):
            assert int(total) == len(expected) and heard not in left_out_names, heard
        assert_record_is_clean(r.state)
    assert "routine done" in words(replies[-1])


def is_offer_for_today(state: CoachState) -> bool:
    """The question after a condition: which routine, offering one that still has stretches today."""
    pending = state.pending
    return (isinstance(pending, ChooseRoutine) and not pending.carry_on and pending.default is not None
            and COACH.plan(state, pending.default) is not None)


def test_a_routine_of_one_stretch_says_one_stretch():
    told = COACH.health_condition(CoachState(safety_said=True), "surgery").state
    reply = COACH.start(told, "gentle")
    assert "Stretch 1 of 1: pelvic tilts." in words(reply)
    assert "gentle routine: 1 stretch," in words(reply)


def test_a_routine_emptied_by_a_condition_does_not_point_to_reset():
    told = COACH.health_condition(CoachState(safety_said=True), "surgery").state
    reply = COACH.start(told, "quick")
    assert "nothing in the quick routine for today" in words(reply)
    assert "reset" not in plain_text(reply.reprompt).lower()


def test_a_condition_mid_routine_that_leaves_out_the_current_stretch_moves_on_and_asks():
    before = started("quick")  # on knee to chest
    reply = COACH.health_condition(before, "pregnancy")
    said = words(reply)
    assert "In the quick routine, that means leaving out knee to chest and knee rotations." in said
    assert said.endswith("Shall we go on with cat cow?")
    assert reply.state.pending == GoOn() and reply.state.stretch == "cat_cow" and reply.state.index == 0
    assert reply.effects == (ShowSafety("condition:pregnancy"),) and not reply.end_session
    assert "Stretch" not in said  # nothing narrated before the answer
    assert_record_is_clean(reply.state)
    for answer in (COACH.yes, COACH.next):
        went_on = answer(reply.state)
        assert "Stretch 1 of 2: cat cow." in words(went_on) and went_on.state.pending is None
        assert narrated(walk(went_on)) == ["cat_cow", "childs_pose"]


@pytest.mark.parametrize("condition_id,routine_id,steps,expected", [
    ("osteoporosis", "hips", 0, "piriformis"),      # knee rotations out: the next kept one is the piriformis stretch
    ("osteoporosis", "quick", 2, None),             # whole routine out (covered below)
    ("pregnancy", "gentle", 0, "cat_cow"),
    ("pregnancy", "quick", 0, "cat_cow"),
])
def test_the_place_moves_to_a_stretch_that_is_not_left_out(condition_id, routine_id, steps, expected):
    reply = COACH.health_condition(started(routine_id, steps), condition_id)
    leave_out = LIBRARY.conditions[condition_id].leave_out
    if expected is None:
        assert is_offer_for_today(reply.state)
        return
    assert reply.state.pending == GoOn() and reply.state.stretch == expected and expected not in leave_out
    went_on = COACH.next(reply.state)
    heard = HEADING.findall(words(went_on))
    assert [h[2] for h in heard] == [name(expected)] and went_on.state.stretch == expected


@pytest.mark.parametrize("condition_id,routine_id,steps,expected", [
    pytest.param("pregnancy", "quick", 1, "cat_cow", id="pregnancy-quick-at-knee-rotations"),
    pytest.param("pregnancy", "hips", 2, "hip_flexor_stretch", id="pregnancy-hips-at-ball-roll"),
    pytest.param("pregnancy", "full", 1, "cat_cow", id="pregnancy-full-at-knee-to-chest"),
])
def test_the_place_moves_to_the_next_kept_stretch_in_routine_order(condition_id, routine_id, steps, expected):
    reply = COACH.health_condition(started(routine_id, steps), condition_id)
    assert reply.state.pending == GoOn()
    assert reply.state.stretch == expected


@pytest.mark.parametrize("condition_id,routine_id,steps", [
    pytest.param("osteoporosis", "hips", 4, id="osteoporosis-hips-at-childs-pose"),
    pytest.param("surgery", "gentle", 3, id="surgery-gentle-at-cat-cow"),
    pytest.param("surgery", "full", 1, id="surgery-full-at-knee-to-chest"),
])
def test_the_place_never_moves_back_to_a_stretch_already_done(condition_id, routine_id, steps):
    before = started(routine_id, steps)
    done = LIBRARY.routine(routine_id).stretch_ids[:steps]
    reply = COACH.health_condition(before, condition_id)
    assert reply.state.stretch not in done


def test_a_condition_that_empties_the_routine_mid_way_says_so_and_asks_which_routine():
    reply = COACH.health_condition(started("quick", steps=1), "surgery")
    said = words(reply)
    assert "That leaves nothing in the quick routine for today." in said
    assert is_offer_for_today(reply.state) and said.endswith(ask_text(reply.state))
    assert "Stretch" not in said and not reply.end_session
    assert reply.effects == (ShowSafety("condition:surgery"),)
    assert_record_is_clean(reply.state)
    gentle = COACH.start(reply.state, "gentle")
    assert "Stretch 1 of 1: pelvic tilts." in words(gentle) and gentle.state.routine == "gentle"
    assert narrated(walk(gentle)) == ["pelvic_tilt"]


def test_a_condition_that_keeps_the_current_stretch_carries_on_from_it():
    before = started("hips", steps=3)  # hip flexor stretch: kept for pregnancy
    reply = COACH.health_condition(before, "pregnancy")
    assert reply.state.stretch == "hip_flexor_stretch" and reply.state.pending is None
    assert "that means leaving out knee rotations, piriformis stretch and massage ball roll on the hips" in words(reply)
    assert words(reply).endswith("Say next to move on, or repeat to do hip flexor stretch again.")
    assert "stretch 1 of 2, hip flexor stretch" in words(COACH.where_am_i(reply.state))
    assert_record_is_clean(reply.state)


@pytest.mark.parametrize("spoken", [None, "", "a cold", "my secret illness"])
def test_no_known_condition_gives_the_general_caution_and_keeps_any_question(spoken):
    for before in (CoachState(safety_said=True), started(), COACH.launch(CoachState()).state,
                   COACH.hurts(started()).state, COACH.reset_preferences(started()).state):
        reply = COACH.health_condition(before, spoken)
        said = words(reply)
        assert said.startswith("I can't check your health") and not reply.end_session
        assert reply.state.pending == before.pending and reply.state.leave_out_today == ()
        assert (reply.state.routine, reply.state.index) == (before.routine, before.index)
        if before.pending is not None:
            assert said.endswith(ask_text(before))
        else:
            assert said.endswith("?") or said.endswith("again.")
        assert_record_is_clean(reply.state)


def test_two_conditions_add_up_for_the_session_and_the_record_never_has_them():
    state = COACH.health_condition(CoachState(safety_said=True), "pregnancy").state
    state = COACH.health_condition(state, "osteoporosis").state
    both = set(LIBRARY.conditions["pregnancy"].leave_out) | set(LIBRARY.conditions["osteoporosis"].leave_out)
    assert set(state.leave_out_today) == both
    assert "leave_out_today" in state.to_dict()  # the session carries it...
    assert_record_is_clean(state)                # ...the store never does
    reply = COACH.start(state, "hips")
    assert narrated(walk(reply)) == ["hip_flexor_stretch"]


# --- about this stretch ------------------------------------------------------------------------

def test_about_stretch_names_the_targets_and_follows_a_longer_hold():
    state = started("quick")  # knee to chest: one 30 second hold in the quick routine
    reply = COACH.about_stretch(state)
    assert "This one, knee to chest, stretches your lower back and glutes. You hold it for 30 seconds." in words(reply)
    assert reply.state == state and not reply.end_session and not reply.effects
    longer = COACH.holds_longer(state).state
    assert "You hold it for 35 seconds." in words(COACH.about_stretch(longer))
    longer = COACH.holds_longer(longer).state
    assert "You hold it for 40 seconds." in words(COACH.about_stretch(longer))
    shorter = COACH.holds_shorter(state).state
    assert "You hold it for 25 seconds." in words(COACH.about_stretch(shorter))
    full = started("full", steps=1)  # knee to chest again: two holds in the full routine
    assert "You hold it 2 times, for 30 seconds each." in words(COACH.about_stretch(full))


def test_about_stretch_for_every_stretch_of_the_full_routine():
    state = started("full", prefs=Preferences(hold_offset=10))
    for stretch_id in LIBRARY.routine("full").stretch_ids:
        stretch = LIBRARY.stretch(stretch_id)
        assert state.stretch == stretch_id
        said = words(COACH.about_stretch(state))
        assert said.startswith(f"This one, {stretch.name}, stretches your")
        for target in stretch.targets:
            assert target in said, (stretch_id, target)
        timing = stretch.timing
        if timing.timed:
            seconds = timing.hold_seconds + 10
            side = " on each side" if timing.per_side else ""
            verb = timing.kind
            if timing.repeats > 1:
                assert f"You {verb} it {timing.repeats} times{side}, for {seconds} seconds each." in said, stretch_id
            else:
                assert f"You {verb} for {seconds} seconds{side}." in said or \
                    f"You {verb} it for {seconds} seconds{side}." in said, stretch_id
        else:
            assert f"{timing.reps} slow rounds" in said and "hold" not in said, stretch_id
        state = COACH.next(state).state


def test_about_stretch_outside_a_routine_answers_without_starting_anything():
    for before in (CoachState(safety_said=True), COACH.launch(CoachState()).state):
        reply = COACH.about_stretch(before)
        assert "We're not doing a stretch just now" in words(reply)
        assert reply.state == before and reply.state.routine is None and not reply.effects and not reply.end_session
        if before.pending is not None:
            assert words(reply).endswith(ask_text(before))


# --- skip ----------------------------------------------------------------------------------------

def test_skip_in_step_mode_narrates_the_next_stretch_at_once_without_a_side_question():
    reply = COACH.skip(started("quick"))
    said = words(reply)
    assert said.startswith("Okay, skipping knee to chest.") and "Stretch 2 of 4: knee rotations." in said
    assert "from now on" not in said and said.count("?") == 0
    assert reply.state.pending is None and reply.state.index == 1 and reply.state.stretch == "knee_rotation"
    assert reply.state.prefs.skip == () and not reply.end_session
    assert narrated([reply]) == ["knee_rotation"]


def test_skip_at_the_last_stretch_finishes_the_routine():
    reply = COACH.skip(started("quick", steps=3))
    assert reply.end_session and "Okay, skipping child's pose." in words(reply)
    assert "quick routine done" in words(reply)
    assert reply.state.routine is None and reply.state.history[-1] == (NOW.date().isoformat(), "quick")


def test_skip_outside_a_routine_offers_to_start_one():
    reply = COACH.skip(CoachState(safety_said=True))
    assert "We're not in a routine right now." in words(reply)
    assert words(reply).endswith("Shall we start the quick routine?")
    assert reply.state.pending == StartRoutine() and reply.state.routine is None and not reply.end_session


# --- every question survives a fallback and a side question ------------------------------------

WITH_PREFS = Preferences(hold_offset=10, skip=("piriformis",))


@lru_cache(maxsize=None)
def question_states() -> dict[str, CoachState]:
    hips = started("hips", steps=2)  # ball roll on the hips, stretch 3 of 5
    launch = COACH.launch(CoachState()).state
    return {
        "start": launch,
        "start_stale": later(13).launch(hips).state,
        "choose": COACH.no(launch).state,
        "choose_default": COACH.no(later(1).launch(hips).state).state,
        "choose_carry_on": COACH.list_routines(started("quick")).state,
        "resume": later(1).launch(hips).state,
        "hurt": COACH.hurts(started("quick")).state,
        "leave_out": COACH.yes(COACH.hurts(started("quick")).state).state,
        "go_on": COACH.health_condition(started("quick"), "pregnancy").state,
        "next_part": COACH.hands_free(CoachState(safety_said=True), "full").state,
        "reset_outside": COACH.reset_preferences(CoachState(safety_said=True, prefs=WITH_PREFS)).state,
        "reset_in_routine": COACH.reset_preferences(started("quick", prefs=WITH_PREFS)).state,
        "delete_outside": COACH.delete_data(CoachState(safety_said=True, prefs=WITH_PREFS)).state,
        "delete_in_routine": COACH.delete_data(started("quick", prefs=WITH_PREFS)).state,
        "reminder_time": COACH.remind_daily(CoachState(safety_said=True)).state,
        "offer_reminder": COACH.offer_reminder(CoachState(safety_said=True, history=TWO_DONE, time_zone="UTC"),
                                               ()).state,
    }


#: Two finished routines: after the second, the coach offers a daily reminder (once).
TWO_DONE = (("2026-11-22", "quick"), ("2026-11-23", "hips"))


EXPECTED_PENDING = {
    "start": StartRoutine(), "start_stale": StartRoutine("hips", again=True), "choose": ChooseRoutine(),
    "choose_default": ChooseRoutine(default="hips"), "choose_carry_on": ChooseRoutine(carry_on=True),
    "resume": Resume(), "hurt": HurtOptions("knee_to_chest"), "leave_out": LeaveOut("knee_to_chest"),
    "go_on": GoOn(), "next_part": NextPart(), "reset_outside": ResetPreferences(),
    "reset_in_routine": ResetPreferences(), "delete_outside": DeleteData(), "delete_in_routine": DeleteData(),
    "reminder_time": ReminderTime(), "offer_reminder": OfferReminder(f"{NOW.hour:02d}:{NOW.minute // 15 * 15:02d}"),
}


def _yes_starts_quick(said, state, reply):
    assert "quick routine: 4 stretches" in said and "Stretch 1 of 4: knee to chest." in said


def _yes_starts_hips(said, state, reply):
    assert "Stretch 1 of 5: knee rotations." in said and state.routine == "hips"


def _yes_carries_on(said, state, reply):
    assert "Stretch 2 of 4: knee rotations." in said and state.routine == "quick"


def _yes_resumes(said, state, reply):
    assert said.startswith("Picking up where you left off.") and "Stretch 3 of 5" in said


def _yes_skips_and_asks_to_leave_out(said, state, reply):
    assert said.startswith("Okay, skipping knee to chest.") and state.pending == LeaveOut("knee_to_chest")


def _yes_leaves_out(said, state, reply):
    assert state.prefs.skip == ("knee_to_chest",) and "Stretch 1 of 3: knee rotations." in said


def _yes_goes_on(said, state, reply):
    assert "Stretch 1 of 2: cat cow." in said


def _yes_plays_next_part(said, state, reply):
    assert state.index > question_states()["next_part"].index and "Stretch" in said


def _yes_resets(said, state, reply):
    assert said.startswith("Done. Your preferences are back to the defaults.") and state.prefs == Preferences()


def _yes_asks_the_time_again(said, state, reply):  # "yes" to "what time?" asks for the time again
    assert state.pending == ReminderTime() and said.endswith("for example 8 AM?")


def _yes_sets_reminder(said, state, reply):
    assert said == "Setting your reminder." and state.reminder_asked
    assert reply.effects == (SetReminder(NOW.hour, NOW.minute // 15 * 15, COACH.p("reminder_text")),)


def _yes_deletes(said, state, reply):
    assert said.startswith("Done. I've deleted your place, preferences and progress") and reply.end_session
    assert state == CoachState() and reply.effects == (ForgetPerson(),)


#: What "yes" does to each question (the kinds of question_states()).
YES_CHECKS = {
    "start": _yes_starts_quick, "choose": _yes_starts_quick,
    "start_stale": _yes_starts_hips, "choose_default": _yes_starts_hips,
    "choose_carry_on": _yes_carries_on,
    "resume": _yes_resumes,
    "hurt": _yes_skips_and_asks_to_leave_out,
    "leave_out": _yes_leaves_out,
    "go_on": _yes_goes_on,
    "next_part": _yes_plays_next_part,
    "reset_outside": _yes_resets, "reset_in_routine": _yes_resets,
    "reminder_time": _yes_asks_the_time_again,
    "offer_reminder": _yes_sets_reminder,
    "delete_outside": _yes_deletes, "delete_in_routine": _yes_deletes,
}
#: The questions whose "yes" leaves a question waiting (another one, or the same again).
YES_ASKS_AGAIN = ("hurt", "reminder_time")


def check_yes(kind: str, reply) -> None:
    """What "yes" does to each question."""
    check = YES_CHECKS.get(kind)
    if check is None:  # pragma: no cover
        raise AssertionError(kind)
    check(words(reply), reply.state, reply)
    if kind not in YES_ASKS_AGAIN:
        assert reply.state.pending in (None, NextPart())


def test_the_question_states_cover_every_kind_of_question():
    states = question_states()
    assert {name: s.pending for name, s in states.items()} == EXPECTED_PENDING
    assert {type(s.pending) for s in states.values()} == set(QUESTIONS.values())


SIDE_QUESTIONS = ("fallback", "how_many_left", "where_am_i", "about_stretch", "help")
def side_cases():
    for kind in EXPECTED_PENDING:
        for side in SIDE_QUESTIONS:
            yield pytest.param(kind, side, id=f"{kind}-{side}")


@pytest.mark.parametrize("kind,side", list(side_cases()))
def test_a_question_survives_a_fallback_or_side_question_and_yes_still_answers_it(kind, side):
    before = question_states()[kind]
    reply = getattr(COACH, side)(before)
    assert reply.state.pending == before.pending, reply.state.pending
    if side == "help" and not ask_text(before).endswith("?"):  # help ends on a question (test_certification)
        assert words(reply).endswith("?") and "next" in words(reply), words(reply)
    else:
        assert words(reply).endswith(ask_text(before)), words(reply)
    assert not reply.end_session and reply.reprompt
    assert plain_text(reply.reprompt) == plain_text(before.pending.reprompt(COACH, before))
    answered = COACH.yes(reply.state)
    assert answered == COACH.yes(before)
    check_yes(kind, answered)


def test_help_in_a_routine_ends_with_a_question_and_re_asks_a_waiting_one():
    plain = COACH.help(started("quick"))
    assert words(plain).startswith("You're on knee to chest, stretch 1 of 4.")
    assert words(plain).endswith("?") and plain.state.pending is None
    hurt = COACH.hurts(started("quick")).state
    again = COACH.help(hurt)
    assert words(again).endswith("Would you like to skip knee to chest, try an easier version, or stop for today?")
    assert again.state == hurt
    outside = COACH.help(COACH.reset_preferences(CoachState(safety_said=True)).state)
    assert words(outside).endswith("Shall I reset your preferences?")
    assert outside.state.pending == ResetPreferences()


# --- "next" and "resume" (okay, continue, keep going) as answers ------------------------------

@pytest.mark.parametrize("kind", ["start", "start_stale", "resume", "go_on", "next_part", "reset_outside",
                                  "reset_in_routine", "choose", "choose_default"])
def test_next_and_resume_answer_a_question_like_yes(kind):
    before = question_states()[kind]
    yes = COACH.yes(before)
    check_yes(kind, yes)
    for answer in (COACH.next, COACH.resume):
        assert answer(before) == yes, answer.__name__


def test_next_after_the_leave_out_question_goes_on_without_leaving_it_out():
    before = question_states()["leave_out"]
    for answer in (COACH.next, COACH.resume, COACH.skip):
        reply = answer(before)
        said = words(reply)
        assert "Stretch 2 of 4: knee rotations." in said and "knee to chest" not in said
        assert reply.state.prefs.skip == () and reply.state.pending is None and reply.state.index == 1


def test_next_after_that_hurts_skips_the_stretch():
    before = question_states()["hurt"]
    for answer in (COACH.next, COACH.resume):
        reply = answer(before)
        said = words(reply)
        assert said.startswith("Okay, skipping knee to chest.") and "Stretch 1 of 4" not in said
        assert reply.state.index == 1 and reply.state.pending == LeaveOut("knee_to_chest")
        assert reply.state.prefs.skip == ()


# --- list routines in the middle of one ------------------------------------------------------

def test_list_routines_mid_routine_asks_one_question_and_next_carries_on():
    before = started("quick", steps=1)  # knee rotations
    reply = COACH.list_routines(before)
    said = words(reply)
    assert said.startswith("There are 5 routines.") and said.count("?") == 1
    assert said.endswith("Which one would you like? Or say next to carry on with knee rotations.")
    assert reply.state.pending == ChooseRoutine(carry_on=True) and reply.state.index == 1
    for answer in (COACH.next, COACH.resume, COACH.yes):
        carried = answer(reply.state)
        assert "Stretch 3 of 4: cat cow." in words(carried) and carried.state.routine == "quick", answer.__name__
        assert carried.state.pending is None
    kept = COACH.no(reply.state)
    assert kept.state.index == 1 and "Stretch" not in words(kept) and kept.state.pending is None
    hips = COACH.start(reply.state, "hips")
    assert "Let's do the hips routine" in words(hips) and "Stretch 1 of 5: knee rotations." in words(hips)
    assert hips.state.routine == "hips" and hips.state.index == 0


def test_list_routines_outside_asks_one_question():
    reply = COACH.list_routines(CoachState(safety_said=True))
    assert words(reply).count("?") == 1 and reply.state.pending == ChooseRoutine()
    assert "quick routine: 4 stretches" in words(COACH.next(reply.state))


# --- opening -------------------------------------------------------------------------------------

def test_a_new_person_saying_resume_gets_the_first_welcome():
    reply = COACH.resume(CoachState())
    said = words(reply)
    assert said.startswith("Welcome to Back Stretch Coach.") and "Welcome back" not in said
    assert "Safety first" in said and said.endswith("Shall we start the quick routine?")
    assert reply.state.pending == StartRoutine() and reply.state.safety_said and reply.state.routine is None
    assert not reply.end_session


def test_no_at_launch_asks_which_routine_then_says_how_to_go_on():
    launch = COACH.launch(CoachState()).state
    declined = COACH.no(launch)
    assert words(declined) == "Okay. Which routine would you like: quick, full, hips, mid back or gentle?"
    assert declined.state.pending == ChooseRoutine() and declined.state.routine is None
    assert not narrated([declined]) and not declined.end_session
    again = COACH.no(declined.state)
    assert words(again).startswith("Okay. You can say list routines")
    assert again.state.pending is None and again.state.routine is None and not again.end_session
    chosen = COACH.start(declined.state, "gentle")
    assert chosen.state.routine == "gentle" and "Stretch 1 of 5: pelvic tilts." in words(chosen)


# --- questions through the session --------------------------------------------------------------

ALL_QUESTIONS = (StartRoutine(), StartRoutine("hips"), ChooseRoutine(), ChooseRoutine(default="gentle"),
                 ChooseRoutine(carry_on=True), ChooseRoutine(default="hips", carry_on=True), Resume(),
                 HurtOptions("cat_cow"), LeaveOut("childs_pose"), GoOn(), NextPart(), ResetPreferences(), DeleteData(),
                 ReminderTime(), OfferReminder("06:45"))


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=repr)
def test_every_question_round_trips_through_the_session(question, monkeypatch):
    state = CoachState(routine="quick", index=2, stretch="cat_cow", pending=question, safety_said=True)
    text = state.to_session()
    monkeypatch.setattr(state_module, "_RECENT", {})  # read it back the long way, as a new process would
    back = CoachState.from_session(text)
    assert back == state and type(back.pending) is type(question)
    assert CoachState.from_session(json.loads(text)) == state


ODD_PENDING = [{"q": "nope"}, {"q": None}, {}, {"q": ["start"]}, {"q": {"q": "start"}},
               {"q": "leave_out", "stretch": 5}, {"q": "start", "routine": ["hips"]},
               {"q": "hurt", "stretch": {"id": "cat_cow"}}, {"q": "hurt", "stretch": "x" * 65},
               {"q": "start", "routine": "quick" * 40}, ["start"], ["skip", "cat_cow"], 42, 4.5, True,
               "bogus", "start:", "skip:", "skip_forever:", ":", "x" * 5000]
ODD_BUT_ACCEPTED = [
    pytest.param({"q": "choose", "carry_on": "yes"}, id="choose-carry_on-a-string"),
    pytest.param({"q": "choose", "default": True}, id="choose-default-a-bool"),
    pytest.param({"q": "hurt", "stretch": True}, id="hurt-stretch-a-bool"),
    pytest.param("skip:" + "x" * 100, id="legacy-skip-over-long"),
    pytest.param("start:" + "y" * 100, id="legacy-start-over-long"),
]


@pytest.mark.parametrize("raw", ODD_PENDING, ids=lambda raw: repr(raw)[:40])
def test_odd_pending_values_fall_back_to_no_question(raw):
    state = CoachState.from_session(json.dumps({"routine": "quick", "index": 1, "pending": raw}))
    assert state.pending is None and state.routine == "quick" and state.index == 1


@pytest.mark.parametrize("raw", ODD_BUT_ACCEPTED)
def test_odd_pending_values_of_the_wrong_type_fall_back_to_no_question(raw):
    state = CoachState.from_session(json.dumps({"routine": "quick", "index": 1, "pending": raw}))
    assert state.pending is None


@pytest.mark.parametrize("raw", [*ODD_PENDING, *(p.values[0] for p in ODD_BUT_ACCEPTED)],
                         ids=lambda raw: repr(raw)[:40])
def test_the_coach_answers_whatever_pending_value_the_session_held(raw):
    state = CoachState.from_session(json.dumps({"routine": "quick", "index": 1, "safety_said": True,
                                                "pending": raw}))
    for move in (COACH.yes, COACH.no, COACH.next, COACH.fallback, COACH.help, COACH.repeat, COACH.where_am_i):
        reply = move(state)
        assert words(reply) and isinstance(reply.state, CoachState)


@pytest.mark.parametrize("raw,expected", [
    ("start", StartRoutine()), ("start:hips", StartRoutine("hips", again=True)), ("resume", Resume()),
    ("reset", ResetPreferences()), ("continue", NextPart()), ("skip:cat_cow", HurtOptions("cat_cow")),
    ("skip_forever:cat_cow", LeaveOut("cat_cow")),
])
def test_legacy_pending_strings_decode_to_their_question(raw, expected):
    state = CoachState.from_session(json.dumps({"routine": "quick", "pending": raw}))
    assert state.pending == expected and type(state.pending) is type(expected)
    assert CoachState.from_dict({"pending": raw}).pending == expected


def test_without_a_known_time_zone_the_reminder_offer_names_no_time_and_a_yes_asks_for_one():
    offered = COACH.offer_reminder(CoachState(safety_said=True, history=TWO_DONE), ())
    assert offered.state.pending == OfferReminder("") and offered.state.reminder_asked
    assert words(offered).endswith("Would you like me to remind you to stretch every day?")
    asked = COACH.yes(offered.state)
    assert asked.state.pending == ReminderTime() and asked.effects == ()
    assert words(asked).endswith("for example 8 AM?")
