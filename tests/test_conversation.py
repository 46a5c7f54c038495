"""Conversations over real request envelopes, through the Lambda handler.

Every response is checked against Alexa's rules as it arrives (see conftest).
"""

from __future__ import annotations

import json

from skill_dev.envelopes import resolved_slot

QUICK = 4


def start_quick(convo):
    convo.launch()
    convo.say("StartRoutineIntent", routine=resolved_slot("quick", "ROUTINE_NAME", "quick", "quick"))
    assert convo.state["routine"] == "quick"


def test_first_launch_welcomes_with_safety_note_and_choices(convo):
    convo.launch()
    assert "Welcome to Back Stretch Coach" in convo.speech
    assert "not medical care" in convo.speech and "stop if anything hurts sharply" in convo.speech
    assert "quick routine" in convo.speech and not convo.ended and "list routines" in convo.reprompt


def test_launch_later_in_the_same_state_is_brief(convo):
    convo.launch()
    convo.session.end()
    convo.session.attributes = {"coach": json.dumps(convo.state)}  # as if remembered
    convo.launch()
    assert "Welcome back" in convo.speech and "safety" not in convo.speech


def test_full_quick_routine_with_next_each_time(convo):
    start_quick(convo)
    assert "Stretch 1 of 4" in convo.speech
    for number in range(2, QUICK + 1):
        convo.say("AMAZON.NextIntent")
        assert f"Stretch {number} of 4" in convo.speech and not convo.ended
    convo.say("AMAZON.NextIntent")
    assert convo.ended and "quick routine done" in convo.speech


def test_every_routine_runs_to_completion(lambda_handler):
    from skill.content import LIBRARY

    from .conftest import Conversation

    for routine in LIBRARY.routines.values():
        convo = Conversation(lambda_handler)
        convo.launch()
        convo.say("StartRoutineIntent", routine=routine.synonyms[0])
        steps = 0
        while not convo.ended:
            convo.say("AMAZON.NextIntent")
            steps += 1
        assert steps == len(routine.stretch_ids), routine.id
        assert f"{routine.name} routine done" in convo.speech


def test_one_shot_start_says_the_safety_note_once(convo):
    convo.say("StartRoutineIntent", routine="quick")
    assert "hurts sharply" in convo.speech and "Before your first routine" in convo.speech
    convo.say("AMAZON.NextIntent")
    assert "hurts sharply" not in convo.speech and "Before your first routine" not in convo.speech


def test_start_with_no_routine_named_uses_quick(convo):
    convo.say("StartRoutineIntent")
    assert convo.state["routine"] == "quick"


def test_unmatched_routine_slot_is_explained(convo):
    convo.say("StartRoutineIntent", routine=resolved_slot("yoga", "ROUTINE_NAME", None, None))
    assert "I don't know a routine called yoga" in convo.speech and not convo.ended


def test_yes_after_welcome_starts(convo):
    convo.launch()
    convo.say("AMAZON.YesIntent")
    assert "Stretch 1 of 4" in convo.speech


def test_navigation_in_a_routine(convo):
    start_quick(convo)
    convo.say("AMAZON.NextIntent")
    convo.say("AMAZON.PreviousIntent")
    assert "Stretch 1 of 4" in convo.speech
    convo.say("AMAZON.NextIntent")
    convo.say("AMAZON.RepeatIntent")
    assert "Stretch 2 of 4" in convo.speech
    convo.say("AMAZON.StartOverIntent")
    assert "Stretch 1 of 4" in convo.speech and "from the top" in convo.speech
    convo.say("AMAZON.PauseIntent")
    assert "keep your place" in convo.speech and convo.state["paused"] is True
    convo.say("AMAZON.ResumeIntent")
    assert "Stretch 1 of 4" in convo.speech and convo.state["paused"] is False


def test_questions_in_a_routine(convo):
    start_quick(convo)
    convo.say("WhereAmIIntent")
    assert "stretch 1 of 4, knee to chest" in convo.speech
    convo.say("HowManyLeftIntent")
    assert "3 left after this one" in convo.speech
    convo.say("HowToIntent", stretch=resolved_slot("cat cow", "STRETCH_NAME", "cat cow", "cat_cow"))
    assert "round your back" in convo.speech and "repeat to do knee to chest again" in convo.speech
    convo.say("ListRoutinesIntent")
    assert "There are 5 routines" in convo.speech and convo.state["routine"] == "quick"
    convo.say("ListStretchesIntent")
    assert "I know 13 stretches" in convo.speech


def test_questions_outside_a_routine(convo):
    convo.launch()
    convo.say("HowToIntent", stretch=resolved_slot("child's pose", "STRETCH_NAME", "child's pose", "childs_pose"))
    assert "big toes touching" in convo.speech
    convo.say("AMAZON.RepeatIntent")
    assert "big toes touching" in convo.speech
    convo.say("ListRoutinesIntent")
    assert "The gentle routine" in convo.speech
    convo.say("ListStretchesIntent")
    assert "thread the needle" in convo.speech
    convo.say("WhereAmIIntent")
    assert "not in a routine" in convo.speech


def test_howto_with_a_heard_but_unresolved_value(convo):
    convo.say("HowToIntent", stretch=resolved_slot("sphinx", "STRETCH_NAME", None, None))
    assert "lift" in convo.speech  # still found through our own synonyms
    convo.say("HowToIntent", stretch=resolved_slot("handstand", "STRETCH_NAME", None, None))
    assert "don't know a stretch called handstand" in convo.speech


def test_easier_and_hurts(convo):
    start_quick(convo)
    convo.say("MakeItEasierIntent")
    assert "one knee at a time" in convo.speech
    convo.say("ThatHurtsIntent")
    assert "stop there" in convo.speech and "skip knee to chest" in convo.speech
    convo.say("AMAZON.YesIntent")
    assert "from now on?" in convo.speech
    convo.say("AMAZON.NoIntent")
    assert "just for today" in convo.speech and "Stretch 2 of 4" in convo.speech
    convo.say("ThatHurtsIntent")
    convo.say("AMAZON.NoIntent")
    assert convo.state["index"] == 1 and "Rest for as long as you need" in convo.speech
    convo.say("AMAZON.ResumeIntent")  # "let's carry on": moves past the stretch that hurt
    assert convo.state["index"] == 2 and "skipping knee rotations" in convo.speech
    convo.say("AMAZON.NextIntent")  # passes over the side question
    assert convo.state["index"] == 2 and "Stretch 3 of 4" in convo.speech


def test_help_is_context_aware(convo):
    convo.launch()
    convo.say("AMAZON.HelpIntent")
    outside = convo.speech
    start_quick(convo)
    convo.say("AMAZON.HelpIntent")
    assert outside != convo.speech and "You're on knee to chest" in convo.speech


def test_fallback_is_context_aware(convo):
    convo.say("AMAZON.FallbackIntent")  # no question waiting, no routine
    assert "didn't catch that" in convo.speech and "list routines" in convo.speech
    convo.launch()
    convo.say("AMAZON.FallbackIntent")
    assert "didn't catch that" in convo.speech and "Shall we start the quick routine?" in convo.speech
    convo.say("HowManyLeftIntent")  # an unrelated question: answered, then the offer is made again
    assert "Shall we start the quick routine?" in convo.speech
    convo.say("AMAZON.YesIntent")  # the question survived both
    assert "Stretch 1 of 4" in convo.speech
    convo.say("AMAZON.FallbackIntent")
    assert "You're on knee to chest" in convo.speech


def test_stop_and_cancel_end_warmly(convo):
    for intent in ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"):
        start_quick(convo)
        convo.say(intent)
        assert convo.ended and "open back stretch coach" in convo.speech


def test_session_ended_is_silent(convo, caplog):
    start_quick(convo)
    response = convo.send(convo.session.session_ended(), check=False)
    assert "outputSpeech" not in response["response"]


def test_unknown_intent_and_request_type_get_spoken_answers(convo):
    convo.say("SomethingNewIntent")
    assert "didn't catch that" in convo.speech
    convo.send(convo.session.envelope({"type": "CanFulfillIntentRequest", "intent": {"name": "X"}}))
    assert "can't do that here" in convo.speech


def test_lambda_entry_point_module(monkeypatch):
    import importlib.util
    from pathlib import Path

    from skill_dev.envelopes import Session

    path = Path(__file__).resolve().parent.parent / "lambda" / "lambda_function.py"
    spec = importlib.util.spec_from_file_location("lambda_function", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    response = module.lambda_handler(Session().launch(), None)
    assert "Welcome" in response["response"]["outputSpeech"]["ssml"]
