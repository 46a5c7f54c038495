"""Echo Show screens: APL only where the device has it, laid out per viewport, valid, timed with the voice.

Documents are checked with Amazon's own validator (npm apl-suggester, pinned in e2e/package-lock.json)
across the states of the every-response walk, on every viewport profile the skill lays out for.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from skill import narration, presentation
from skill.content import LIBRARY
from skill.engine import Coach, CoachState, plan_for
from skill.handlers.touch import BUTTON_INTENTS
from skill.localization import phrases_for
from skill.skill_builder import build_lambda_handler
from skill.speech import Mark, Say, offsets
from skill_dev.envelopes import VIEWPORTS, Session

from .alexa_rules import MAX_RESPONSE_BYTES, response_problems
from .test_every_response import LANGUAGE_MODEL, all_states

E2E = Path(__file__).resolve().parent.parent / "e2e"
HANDLER = build_lambda_handler(persistence=None)
P = phrases_for("en-US")

#: Every component and command type the documents may use: the validator passes unknown types silently.
COMPONENT_TYPES = {"Container", "Text", "TouchWrapper", "Frame", "VectorGraphic"}
COMMAND_TYPES = {"SetValue", "Idle", "Sequential", "SendEvent", "Stretch", "Cue", "Countdown"}


def ask(state: CoachState, request: str = "intent", screen: str | None = "HUB_LANDSCAPE_MEDIUM", **kwargs) -> dict:
    session = Session(screen=screen)
    session.new = False
    session.attributes = {"coach": state.to_session()}
    envelope = session.user_event(*kwargs["arguments"]) if request == "touch" else session.intent(kwargs["intent"])
    return HANDLER(envelope, None)


def directives(response: dict) -> list[dict]:
    return response["response"].get("directives") or []


def in_routine(routine: str = "quick", index: int = 1, **more) -> CoachState:
    plan = plan_for(LIBRARY, routine)
    return CoachState(routine=routine, index=index, stretch=plan.stretch(index).id, safety_said=True, **more)


# --- only where the device has a screen ---------------------------------------------------------------

def test_a_speaker_gets_no_apl_and_a_screen_gets_the_same_speech_plus_a_document():
    state = in_routine()
    speaker = ask(state, intent="AMAZON.NextIntent", screen=None)
    show = ask(state, intent="AMAZON.NextIntent")
    assert directives(speaker) == []
    assert [d["type"] for d in directives(show)] == ["Alexa.Presentation.APL.RenderDocument"]
    assert {k: v for k, v in show["response"].items() if k != "directives"} == speaker["response"]
    assert show["sessionAttributes"] == speaker["sessionAttributes"]


def test_no_document_outside_a_routine():
    response = ask(CoachState(safety_said=True), intent="ListRoutinesIntent")
    assert directives(response) == []


@pytest.mark.parametrize("intent", ["HowManyLeftIntent", "AMAZON.HelpIntent", "AMAZON.PauseIntent",
                                    "WhereAmIIntent", "AMAZON.RepeatIntent"])
def test_every_reply_inside_a_routine_shows_the_current_stretch(intent):
    state = in_routine(index=2)
    document, data = (directives(ask(state, intent=intent))[0][k] for k in ("document", "datasources"))
    assert data["screen"]["name"].lower() == plan_for(LIBRARY, "quick").stretch(2).name
    assert data["screen"]["place"] == "Quick routine · Stretch 3 of 4"


def test_a_paused_screen_offers_resume_instead_of_pause():
    paused = ask(in_routine(), intent="AMAZON.PauseIntent")
    document = directives(paused)[0]["document"]
    labels = json.dumps(document)
    assert '"arguments": ["resume"]' in labels and '"arguments": ["pause"]' not in labels
    assert directives(paused)[0]["datasources"]["screen"]["cue"] == P("screen_paused")


# --- viewports ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", sorted(VIEWPORTS))
def test_each_viewport_profile_gets_its_own_layout(profile):
    document = directives(ask(in_routine(), intent="AMAZON.NextIntent", screen=profile))[0]["document"]
    layout = presentation.LAYOUTS[profile]
    root = document["mainTemplate"]["items"][0]
    assert root["padding"] == f"{layout.padding}dp"
    body = root["items"][0]
    assert body["direction"] == ("row" if layout.side_by_side else "column")
    texts = {c["id"]: c for c in body["items"][-1]["items"]}
    assert texts["count"]["fontSize"] == f"{layout.count_size}dp"
    assert texts["cue"]["textAlign"] == ("center" if layout.round else "left")


def test_an_unknown_or_odd_viewport_gets_the_medium_hub_layout():
    session = Session(screen="HUB_LANDSCAPE_MEDIUM")
    session.new = False
    session.attributes = {"coach": in_routine().to_session()}
    envelope = session.intent("AMAZON.NextIntent")
    envelope["context"]["Viewport"] = {"shape": "RECTANGLE"}  # no sizes, no dpi
    document = directives(HANDLER(envelope, None))[0]["document"]
    padding = presentation.LAYOUTS["HUB_LANDSCAPE_MEDIUM"].padding
    assert document["mainTemplate"]["items"][0]["padding"] == f"{padding}dp"


# --- touch ----------------------------------------------------------------------------------------------

def _same(a: dict, b: dict) -> None:
    assert a["response"] == b["response"]
    assert a["sessionAttributes"] == b["sessionAttributes"]


@pytest.mark.parametrize("button", sorted(BUTTON_INTENTS))
def test_each_button_does_what_its_voice_intent_does_in_every_walk_state(button):
    states = [s for s in all_states() if s.routine or s.pending is not None][::7]
    assert len(states) > 100
    for state in states:
        session = Session(screen="HUB_LANDSCAPE_SMALL")
        session.new = False
        session.attributes = {"coach": state.to_session()}
        voice = session.intent(BUTTON_INTENTS[button])
        touch = session.user_event(button)
        touch["request"]["timestamp"] = voice["request"]["timestamp"]
        _same(HANDLER(touch, None), HANDLER(voice, None))


def test_a_touch_from_another_document_or_with_odd_arguments_gets_the_graceful_answer():
    state = in_routine()
    for arguments, token in ((("next",), "someone-else"), ((), presentation.APL_TOKEN), ((42,), None),
                             (("launch-missiles",), presentation.APL_TOKEN), (({"next": 1},), None)):
        session = Session(screen="HUB_ROUND_SMALL")
        session.new = False
        session.attributes = {"coach": state.to_session()}
        response = HANDLER(session.user_event(*arguments, token=token), None)
        assert P("unsupported").split(".")[0] in response["response"]["outputSpeech"]["ssml"]
        assert json.loads(response["sessionAttributes"]["coach"])["index"] == state.index


# --- one clock: what the screen shows, when, against what the voice says --------------------------------

def play(document: dict) -> list[tuple[float, str, object]]:
    """Run a document's onMount timeline as a device would, recording (time, what, value) for each change.

    Idle waits its delay; Countdown waits one second per count; the others take no time.
    """
    record: list[tuple[float, str, object]] = []
    clock = 0.0
    for command in document.get("onMount", [{"commands": []}])[0]["commands"]:
        kind = command["type"]
        if kind == "Idle":
            clock += command["delay"] / 1000.0
        elif kind == "Countdown":
            record.append((clock, "count", command["seconds"]))
            clock += command["seconds"]
        else:
            record.append((clock, kind.lower(), command.get("text") or command.get("name")))
    return record


@pytest.mark.parametrize("index", [0, 1, 2], ids=["knee rotations (reps)", "cat cow (reps)",
                                                   "child's pose (hold)"])
def test_the_countdown_starts_and_ends_with_each_spoken_hold(index):
    reply = Coach("en-US").next(in_routine("quick", index))
    document, _ = presentation.render_document(presentation.screen_for(reply.speech, reply.effects, P), None, P)
    shown = play(document)
    counts = [(at, seconds) for at, what, seconds in shown if what == "count"]
    t, holds = 0.0, []
    from skill.speech import segment_seconds
    start = None
    for segment in reply.speech:
        if isinstance(segment, Mark) and segment.name == narration.TIMED_START:
            start = t
        if isinstance(segment, Mark) and segment.name == narration.TIMED_END:
            holds.append((start, t - start))
        t += segment_seconds(segment)
    assert holds, "the stretch has a timed part"
    timed = [(round(at, 2), s) for at, s in counts if any(abs(at - h) < 0.01 for h, _ in holds)]
    assert [(round(h, 2), round(length)) for h, length in holds] == timed


def test_each_cue_appears_when_it_is_spoken():
    reply = Coach("en-US").next(in_routine("hips", 0))
    document, _ = presentation.render_document(presentation.screen_for(reply.speech, reply.effects, P), None, P)
    shown = [(at, text) for at, what, text in play(document) if what == "cue"]
    spoken, t, timed = [], 0.0, False
    from skill.speech import segment_seconds
    for segment in reply.speech:
        if isinstance(segment, Mark) and segment.name in (narration.TIMED_START, narration.TIMED_END):
            timed = segment.name == narration.TIMED_START
        if isinstance(segment, Say) and not timed:
            spoken.append((round(t, 3), presentation._cue_text(segment.text)))
        t += segment_seconds(segment)
    assert [(round(at, 3), text) for at, text in shown] == spoken


def test_a_hands_free_part_shows_each_stretch_as_it_starts_playing():
    reply = Coach("en-US").hands_free(CoachState(safety_said=True), "quick")
    screen = presentation.screen_for(reply.speech, reply.effects, P)
    document, _ = presentation.render_document(screen, "HUB_LANDSCAPE_LARGE", P)
    stretches = [(at, name) for at, what, name in play(document) if what == "stretch"]
    marks = offsets(reply.speech)
    expected = [(round(marks[f"stretch:{s}"], 3), presentation._title(LIBRARY.stretches[s].name))
                for s in dict.fromkeys(name.removeprefix("stretch:") for name in marks if name.startswith("stretch:"))]
    assert [(round(at, 3), name) for at, name in stretches] == expected
    assert len(stretches) >= 2
    places = [e.place for e in screen.events if e.kind == "stretch"]
    assert places[:2] == ["Quick routine · Stretch 1 of 4", "Quick routine · Stretch 2 of 4"]


# --- every document: Amazon's validator, our type check, the size limits --------------------------------

def walk_with_screens():
    """Every walk state x every request without slot values, each on one of the viewport profiles in turn."""
    profiles = sorted(VIEWPORTS)
    for number, state in enumerate(all_states()):
        session = Session(screen=profiles[number % len(profiles)])
        session.new = False
        session.attributes = {"coach": state.to_session()}
        yield session.launch()
        for intent in LANGUAGE_MODEL["intents"]:
            yield session.intent(intent["name"])
        for button in BUTTON_INTENTS:
            yield session.user_event(button)


def _types(node, components: set, commands: set, in_commands: bool = False) -> None:
    if isinstance(node, list):
        for item in node:
            _types(item, components, commands, in_commands)
    elif isinstance(node, dict):
        if "type" in node and isinstance(node["type"], str):
            (commands if in_commands else components).add(node["type"])
        for key, value in node.items():
            if key in ("commands", "onPress", "onMount"):
                _types(value, components, commands, True)
            elif key in ("graphics", "parameters"):
                continue
            elif key in ("item", "items") and in_commands and isinstance(node.get("type"), str) \
                    and node["type"] not in COMMAND_TYPES:
                _types(value, components, commands, False)
            else:
                _types(value, components, commands, in_commands and key not in ("item", "items"))


@pytest.mark.skipif(shutil.which("node") is None, reason="node is installed by make setup-dev")
def test_every_document_is_valid_by_amazons_validator_and_every_response_within_the_limits(tmp_path):
    documents: dict[str, dict] = {}
    checked = with_screen = largest = 0
    failures = []
    for envelope in walk_with_screens():
        response = HANDLER(envelope, None)
        checked += 1
        problems = response_problems(response)
        size = len(json.dumps(response).encode("utf-8"))
        largest = max(largest, size)
        for directive in directives(response):
            with_screen += 1
            assert directive["type"] == "Alexa.Presentation.APL.RenderDocument"
            assert directive["token"] == presentation.APL_TOKEN
            documents.setdefault(json.dumps(directive["document"], sort_keys=True), directive["document"])
        if problems:
            failures.append((envelope["request"], problems))
    assert not failures, failures[:3]
    assert with_screen > 5000
    result = subprocess.run(["node", str(E2E / "validate_apl.js")], input="\n".join(documents),
                            capture_output=True, text=True, check=True, cwd=E2E)
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(findings) == len(documents)
    assert not [f for f in findings if f], [f for f in findings if f][:3]
    components, commands = set(), set()
    for document in documents.values():
        _types(document["mainTemplate"], components, commands)
        _types(document.get("onMount", []), components, commands, True)
        _types(list(document.get("commands", {}).values()), components, commands, True)
    assert components <= COMPONENT_TYPES, components - COMPONENT_TYPES
    assert commands <= COMMAND_TYPES, commands - COMMAND_TYPES
    print(f"checked {checked} responses, {with_screen} with a screen, {len(documents)} distinct documents, "
          f"largest response {largest} bytes (limit {MAX_RESPONSE_BYTES})")


def test_the_validator_reports_a_broken_document():
    """The check above can fail: a document with a schema error gets a finding."""
    broken = {"type": "APL", "version": presentation.APL_VERSION,
              "mainTemplate": {"items": [{"type": "Text", "text": "x", "fontSize": "20dp", "noSuchProperty": 1}]}}
    result = subprocess.run(["node", str(E2E / "validate_apl.js")], input=json.dumps(broken),
                            capture_output=True, text=True, check=True, cwd=E2E)
    assert json.loads(result.stdout)


def test_safety_advice_is_what_a_red_flag_shows_not_the_stretch():
    response = ask(in_routine(), intent="RedFlagIntent")
    assert directives(response) == []
    assert response["response"]["card"]["title"] == P("card_red_flag_title")


def test_an_app_card_comes_with_a_coached_stretch_not_with_every_answer_in_a_routine():
    coached = ask(in_routine(index=0), intent="AMAZON.NextIntent", screen=None)
    assert coached["response"]["card"]["title"].startswith("Stretch 2 of 4")
    side = ask(in_routine(index=1), intent="HowManyLeftIntent", screen=None)
    assert "card" not in side["response"]
    assert directives(ask(in_routine(index=1), intent="HowManyLeftIntent"))  # the screen still shows the place
