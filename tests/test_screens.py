"""Echo Show screens: a document for every answer where the device has APL, a layout made for each device,
valid, versioned to the device, timed with the voice; buttons that do what their words do.

Documents are checked with Amazon's own validator (npm apl-suggester, pinned in e2e/package-lock.json)
across the states of the every-response walk on every device; ``test_screens_engine.py`` runs them in
Amazon's reference engine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from skill import narration, presentation, screens, viewports
from skill.content import LIBRARY
from skill.engine import Coach, CoachState, plan_for
from skill.engine.reply import ShowDone, ShowGoodbye, ShowHome, ShowRoutines, ShowSafety, ShowStretch, ShowStretches
from skill.handlers.touch import BUTTON_INTENTS
from skill.localization import phrases_for
from skill.skill_builder import build_lambda_handler
from skill.speech import Mark, Say, offsets, segment_seconds
from skill_dev.envelopes import VIEWPORTS, Session, resolved_slot

from .alexa_rules import MAX_RESPONSE_BYTES, expects_empty_response, response_problems
from .test_every_response import LANGUAGE_MODEL, all_states

E2E = Path(__file__).resolve().parent.parent / "e2e"
HANDLER = build_lambda_handler(persistence=None)
P = phrases_for("en-US")
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=timezone.utc)

#: Every component and command type the documents may use: the validator passes unknown types silently.
COMPONENT_TYPES = {"Container", "Text", "TouchWrapper", "Frame", "VectorGraphic"}
COMMAND_TYPES = {"SetValue", "Idle", "Sequential", "SendEvent", "Stretch", "Cue", "Countdown", "Tick", "Done"}


def ask(state: CoachState, request: str = "intent", screen: str | None = "HUB_LANDSCAPE_MEDIUM", **kwargs) -> dict:
    session = Session(screen=screen)
    session.new = False
    session.attributes = {"coach": state.to_session()}
    envelope = session.user_event(*kwargs["arguments"]) if request == "touch" else session.intent(kwargs["intent"])
    return HANDLER(envelope, None)


def directives(response: dict) -> list[dict]:
    return response["response"].get("directives") or []


def shown(response: dict) -> dict:
    return directives(response)[0]["datasources"]["screen"]


def in_routine(routine: str = "quick", index: int = 1, **more) -> CoachState:
    plan = plan_for(LIBRARY, routine)
    return CoachState(routine=routine, index=index, stretch=plan.stretch(index).id, safety_said=True, **more)


def display(profile: str = "HUB_LANDSCAPE_MEDIUM", version: str | None = "2024.2") -> viewports.Display:
    v = VIEWPORTS[profile]
    return viewports.display_for(v["shape"], v["mode"], v["pixelWidth"], v["pixelHeight"], v["dpi"], version)


# --- a document for every answer, only where the device has a screen ------------------------------------------------

def test_a_speaker_gets_no_apl_and_a_screen_gets_the_same_speech_plus_a_document():
    state = in_routine()
    speaker = ask(state, intent="AMAZON.NextIntent", screen=None)
    show = ask(state, intent="AMAZON.NextIntent")
    assert directives(speaker) == []
    assert [d["type"] for d in directives(show)] == ["Alexa.Presentation.APL.RenderDocument"]
    assert {k: v for k, v in show["response"].items() if k != "directives"} == speaker["response"]
    assert show["sessionAttributes"] == speaker["sessionAttributes"]


@pytest.mark.parametrize("intent, title, buttons", [
    ("ListRoutinesIntent", "Routines", ["start quick", "start full", "start hips", "start mid_back", "start gentle"]),
    ("ListStretchesIntent", "13 stretches", []),
    ("AMAZON.HelpIntent", "You can say", ["start", "routines"]),
    ("AMAZON.StopIntent", "See you next time", []),
    ("AMAZON.FallbackIntent", "Back Stretch Coach", ["start", "routines"]),
])
def test_answers_outside_a_routine_have_screens_of_their_own(intent, title, buttons):
    screen = shown(ask(CoachState(safety_said=True), intent=intent))
    assert (screen["kind"], screen["title"], screen["buttons"]) == ("panel", title, buttons)


def test_the_welcome_offers_what_the_question_offers():
    new = shown(HANDLER(Session(screen="HUB_ROUND_SMALL").launch(), None))
    assert new["title"] == "Back Stretch Coach" and new["buttons"] == ["start quick", "routines"]
    session = Session(screen="HUB_ROUND_SMALL", clock=NOW)
    session.attributes = {"coach": in_routine(updated=int(NOW.timestamp()) - 600).to_session()}
    back = shown(HANDLER(session.launch(), None))
    assert back["buttons"] == ["resume", "routines"] and back["lines"] == [P("screen_resume_line")]


def test_stop_and_the_end_of_a_routine_replace_the_stretch():
    """After "stop", or "next" on the last stretch, the old stretch (with live buttons) does not stay up."""
    stop = shown(ask(in_routine(index=2), intent="AMAZON.StopIntent"))
    assert stop["kind"] == "panel" and stop["buttons"] == []
    yesterday = (("2026-11-30", "quick"),)
    session = Session(screen="HUB_LANDSCAPE_SMALL", clock=NOW)
    session.new = False
    session.attributes = {"coach": in_routine(index=3, history=yesterday).to_session()}
    done = shown(HANDLER(session.intent("AMAZON.NextIntent"), None))
    assert done["title"] == "Quick routine done"
    assert done["lines"] == ["Well done!", "2 days in a row", "2 routines this week"] and done["buttons"] == []


def test_safety_advice_is_what_a_red_flag_shows_not_the_stretch():
    response = ask(in_routine(), intent="RedFlagIntent")
    assert shown(response)["title"] == P("card_red_flag_title") and shown(response)["buttons"] == []
    assert response["response"]["card"]["title"] == P("card_red_flag_title")


@pytest.mark.parametrize("intent", ["HowManyLeftIntent", "AMAZON.HelpIntent", "AMAZON.PauseIntent",
                                    "WhereAmIIntent", "AMAZON.RepeatIntent"])
def test_every_reply_inside_a_routine_shows_the_current_stretch(intent):
    screen = shown(ask(in_routine(index=2), intent=intent))
    assert screen["title"].lower() == plan_for(LIBRARY, "quick").stretch(2).name
    assert screen["place"] == "Quick routine · Stretch 3 of 4"


def test_a_paused_screen_offers_resume_instead_of_pause():
    paused = ask(in_routine(), intent="AMAZON.PauseIntent")
    assert shown(paused)["buttons"] == ["back", "resume", "next", "easier"]
    assert shown(paused)["cue"] == P("screen_paused")
    assert "onMount" not in directives(paused)[0]["document"]  # nothing counts down while paused


def test_the_engine_says_what_every_reply_shows():
    coach, state = Coach("en-US", NOW), CoachState(safety_said=True)
    assert isinstance(coach.turn(Coach.launch, state).effects[-1], ShowHome)
    assert coach.turn(Coach.help, state).effects[-1] == ShowHome("help", None, False)
    routines = coach.turn(Coach.list_routines, state).effects[-1]
    assert isinstance(routines, ShowRoutines) and [r for r, _ in routines.routines] == list(LIBRARY.routines)
    assert coach.turn(Coach.list_stretches, state).effects[-1] == ShowStretches(tuple(LIBRARY.stretches))
    assert coach.turn(Coach.stop, in_routine()).effects == (ShowGoodbye(),)
    assert any(isinstance(e, ShowSafety) for e in coach.turn(Coach.red_flag, in_routine()).effects)
    finished = coach.turn(Coach.next, in_routine(index=3, history=(("2026-11-30", "quick"),)))
    assert ShowDone("quick", 2, 2) in finished.effects
    paused = coach.turn(Coach.pause, in_routine()).effects
    assert [e.paused for e in paused if isinstance(e, ShowStretch)] == [True]


def test_a_hands_free_part_that_finishes_shows_the_stretches_then_the_routine_done():
    last = plan_for(LIBRARY, "quick").total - 1
    reply = Coach("en-US", NOW).hands_free(in_routine(index=last - 1), None)
    assert {type(e) for e in reply.effects} >= {ShowStretch, ShowDone}
    screen = screens.screen_for(reply.speech, reply.effects, P)
    kinds = [e.kind for e in screen.events]
    assert kinds[-1] != "stretch" and "done" in kinds
    done = next(e for e in screen.events if e.kind == "done")
    assert done.text == "Quick routine done" and abs(done.at - offsets(reply.speech)["routine-done"]) < 1e-9


# --- devices, layouts, versions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", sorted(VIEWPORTS))
def test_each_device_gets_the_layout_made_for_it(profile):
    """Classified by Amazon's dp ranges (the ASK SDK's pixel classes put Echo Show 8 and 15 on other layouts)."""
    assert display(profile).profile.name == profile
    document = directives(ask(in_routine(), intent="AMAZON.NextIntent", screen=profile))[0]["document"]
    layout = viewports.layout_for(display(profile))
    text = json.dumps(document)
    assert f'"id": "count", "text": "", "position": "absolute", "width": "{layout.stage[0]}dp"' in text or \
        display(profile).round
    assert f'"fontSize": "{layout.count}dp"' in text


def test_an_odd_device_gets_the_nearest_layout_and_a_missing_viewport_no_document():
    portrait = viewports.display_for("RECTANGLE", "HUB", 800, 1280, 160, "2024.2")
    assert portrait.profile.mode == "HUB" and portrait.profile.shape == "RECTANGLE"
    phone = viewports.display_for("RECTANGLE", "MOBILE", 1080, 2340, 420, "2024.2")
    assert (phone.width, phone.height) == (1080 * 160 / 420, 2340 * 160 / 420)  # no range for phones: unscaled
    assert viewports.display_for("ROUND", "HUB", 640, 640, 240, None).profile.name == "HUB_ROUND_SMALL"
    for odd in ((None, None, None), (0, 600, 160), ("wide", 600, 160), (1024, 600, -1), (True, 600, 160)):
        assert viewports.display_for("RECTANGLE", "HUB", *odd, "2024.2") is None
    session = Session(screen="HUB_LANDSCAPE_MEDIUM")
    session.new = False
    session.attributes = {"coach": in_routine().to_session()}
    envelope = session.intent("AMAZON.NextIntent")
    envelope["context"]["Viewport"] = {"shape": "RECTANGLE"}  # no sizes, no dpi
    response = HANDLER(envelope, None)
    assert directives(response) == [] and not response_problems(response)


@pytest.mark.parametrize("reported, version", [
    ("2024.2", "2024.2"), ("2023.1", "2023.1"), ("2024.3", "2024.2"), ("2031.7", "2024.2"), ("1.9", "1.9"),
    ("1.4", "1.4"), ("1.10", "1.9"), (None, viewports.MIN_APL_VERSION), ("banana", viewports.MIN_APL_VERSION),
    (42, viewports.MIN_APL_VERSION), ("1.3", None), ("1.0", None)])
def test_each_document_is_versioned_to_what_the_device_reports(reported, version):
    assert viewports.apl_version(reported) == version
    session = Session(screen="HUB_LANDSCAPE_SMALL", apl_runtime=reported)
    session.new = False
    session.attributes = {"coach": in_routine().to_session()}
    response = HANDLER(session.intent("AMAZON.NextIntent"), None)
    assert [d["document"]["version"] for d in directives(response)] == ([version] if version else [])


def test_sizes_for_the_mat_follow_the_brief():
    assert [viewports.min_font_dp(kind) for kind in ("count", "name", "cue")] == [105, 66, 46]
    for profile in VIEWPORTS:
        layout = viewports.layout_for(display(profile))
        assert 0.40 <= layout.count / layout.height <= 0.50
        assert layout.name >= 66 and layout.button >= viewports.MIN_BUTTON_DP
        assert layout.cue == 0 or layout.cue >= 48


# --- buttons ---------------------------------------------------------------------------------------------------

def _buttons(document: dict) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "TouchWrapper":
                found.append(node)
            node = list(node.values())
        if isinstance(node, list):
            for child in node:
                walk(child)

    walk(document["mainTemplate"])
    return found


@pytest.mark.parametrize("profile", sorted(VIEWPORTS))
def test_buttons_are_large_labelled_and_show_pressed_and_focused_at_once(profile):
    document = directives(ask(in_routine(), intent="AMAZON.NextIntent", screen=profile))[0]["document"]
    buttons = _buttons(document)
    assert len(buttons) == (3 if profile == "HUB_ROUND_SMALL" else 4)
    for button in buttons:
        assert int(button["height"].removesuffix("dp")) >= 72 and int(button["width"].removesuffix("dp")) >= 72
        assert button["accessibilityLabel"] and button["role"] == "button"
        assert button["item"]["style"] == "coachButton" and button["item"]["inheritParentState"]
    states = [v.get("when", "") for v in document["styles"]["coachButton"]["values"]]
    assert "${state.pressed}" in states and "${state.focused}" in states  # the device shows them, no command
    pictures = [c for c in json.dumps(document).split('"VectorGraphic"') if '"id": "picture_' in c[:40]]
    assert pictures and all('"accessibilityLabel": "Starting position: ' in c for c in pictures)


def _same(a: dict, b: dict) -> None:
    assert a["response"] == b["response"]
    assert a["sessionAttributes"] == b["sessionAttributes"]


def test_every_button_a_screen_can_have_stands_for_a_voice_intent():
    assert set(screens.BUTTON_NAMES) == set(BUTTON_INTENTS)


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


@pytest.mark.parametrize("routine", sorted(LIBRARY.routines))
def test_a_routine_on_the_list_starts_as_its_name_said_does(routine):
    session = Session(screen="HUB_ROUND_SMALL")
    session.new = False
    session.attributes = {"coach": CoachState(safety_said=True, pending=None).to_session()}
    voice = session.intent("StartRoutineIntent", {"routine": resolved_slot(routine, "ROUTINE_NAME", routine, routine)})
    touch = session.user_event("start", routine)
    touch["request"]["timestamp"] = voice["request"]["timestamp"]
    _same(HANDLER(touch, None), HANDLER(voice, None))


def test_a_touch_from_another_document_or_with_odd_arguments_gets_the_graceful_answer():
    state = in_routine()
    for arguments, token in ((("next",), "someone-else"), ((), presentation.APL_TOKEN), ((42,), None),
                             (("launch-missiles",), presentation.APL_TOKEN), (({"next": 1},), None),
                             (("start", "marathon"), None), (("next", "quick"), None), (("start", 7), None),
                             (("start", "quick", "now"), None)):
        session = Session(screen="HUB_ROUND_SMALL")
        session.new = False
        session.attributes = {"coach": state.to_session()}
        response = HANDLER(session.user_event(*arguments, token=token), None)
        assert P("unsupported").split(".")[0] in response["response"]["outputSpeech"]["ssml"]
        assert json.loads(response["sessionAttributes"]["coach"])["index"] == state.index


# --- one clock: what the screen shows, when, against what the voice says --------------------------------------------

def play(document: dict) -> list[tuple[float, str, object]]:
    """Run a document's timeline as a device would, recording (time, what, value) for each change.

    Idle waits its delay; Countdown waits one second per count; the others take no time.
    """
    record: list[tuple[float, str, object]] = []
    clock = 0.0
    for command in (document.get("onMount") or [{"commands": []}])[0]["commands"]:
        kind = command["type"]
        if kind == "Idle":
            clock += command["delay"] / 1000.0
        elif kind == "Countdown":
            record.append((clock, "count", command["seconds"]))
            clock += command["seconds"]
        else:
            record.append((clock, kind.lower(), command.get("text") or command.get("name")))
    return record


def _render(reply, profile: str = "HUB_LANDSCAPE_LARGE") -> dict:
    return presentation.render_document(screens.screen_for(reply.speech, reply.effects, P), display(profile), P)[0]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["knee rotations (reps)", "cat cow (reps)",
                                                   "child's pose (hold)"])
def test_the_countdown_starts_and_ends_with_each_spoken_hold(index):
    reply = Coach("en-US").next(in_routine("quick", index))
    counts = [(at, seconds) for at, what, seconds in play(_render(reply)) if what == "count"]
    t, holds, start = 0.0, [], None
    for segment in reply.speech:
        if isinstance(segment, Mark) and segment.name == narration.TIMED_START:
            start = t
        if isinstance(segment, Mark) and segment.name == narration.TIMED_END:
            holds.append((start, t - start))
        t += segment_seconds(segment)
    assert holds, "the stretch has a timed part"
    timed = [(round(at, 2), s) for at, s in counts if any(abs(at - h) < 0.01 for h, _ in holds)]
    assert [(round(h, 2), round(length)) for h, length in holds] == timed


def test_each_cue_appears_when_it_is_spoken_cut_to_its_key_words():
    reply = Coach("en-US").next(in_routine("hips", 0))
    cues = [(at, text) for at, what, text in play(_render(reply)) if what == "cue"]
    spoken, t, timed = [], 0.0, False
    for segment in reply.speech:
        if isinstance(segment, Mark) and segment.name in (narration.TIMED_START, narration.TIMED_END):
            timed = segment.name == narration.TIMED_START
        if isinstance(segment, Say) and not timed:
            spoken.append((round(t, 3), segment.text))
        t += segment_seconds(segment)
    assert [at for at, _ in spoken] == [round(at, 3) for at, _ in cues]
    for (_, said), (_, text) in zip(spoken, cues, strict=True):
        assert said.startswith(text.rstrip("…")) and len(text) <= len(said)


def test_key_words():
    assert screens.key_words("Your right side: hold for 30 seconds. Breathe slowly.", 60) == \
        "Your right side: hold for 30 seconds. Breathe slowly."
    assert screens.key_words("Your right side: hold for 30 seconds. Breathe slowly.", 40) == \
        "Your right side: hold for 30 seconds."
    assert screens.key_words("Careful: Stay in a comfortable range, and don't force the curve either way.", 50) == \
        "Careful: Stay in a comfortable range"
    assert screens.key_words("Put your hands under your shoulders and your knees under your hips.", 40) == \
        "Put your hands under your shoulders and…"
    assert len(screens.key_words("x" * 80, 30)) <= 31


def test_a_hands_free_part_shows_each_stretch_as_it_starts_playing():
    reply = Coach("en-US").hands_free(CoachState(safety_said=True), "quick")
    screen = screens.screen_for(reply.speech, reply.effects, P)
    stretches = [(at, name) for at, what, name in play(_render(reply)) if what == "stretch"]
    marks = offsets(reply.speech)
    expected = [(round(marks[f"stretch:{s}"], 3), screens._title(LIBRARY.stretches[s].name))
                for s in dict.fromkeys(name.removeprefix("stretch:") for name in marks if name.startswith("stretch:"))]
    assert [(round(at, 3), name) for at, name in stretches] == expected
    assert len(stretches) >= 2
    places = [e.place for e in screen.events if e.kind == "stretch"]
    assert places[:2] == ["Quick routine · Stretch 1 of 4", "Quick routine · Stretch 2 of 4"]


def test_long_names_fit_their_box_on_every_device():
    """A name that would wrap past its lines is cut at a word with "…" (the voice says it whole)."""
    for profile in VIEWPORTS:
        for stretch in LIBRARY.stretches.values():
            reply = Coach("en-US").next(replace(in_routine("full", 0), stretch=None, index=0))
            reply = replace(reply, effects=(ShowStretch(stretch.id, 1, 1, "full"),))
            document = _render(reply, profile)
            name = next(c for c in _texts(document) if c.get("id") == "name")
            lines, size = name["maxLines"], float(name["fontSize"].removesuffix("dp"))
            width = float(name["width"].removesuffix("dp"))
            assert presentation.lines_needed(name["text"], size, width, name.get("fontWeight") == "700") <= lines


def _texts(document: dict) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Text":
                found.append(node)
            node = list(node.values())
        if isinstance(node, list):
            for child in node:
                walk(child)

    walk(document["mainTemplate"])
    return found


# --- every document: Amazon's validator, our type check, the size limits --------------------------------------------

def walk_with_screens():
    """Every walk state x every request without slot values, each on one of the devices in turn."""
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
            elif key in ("graphics", "parameters", "styles"):
                continue
            elif key in ("item", "items") and in_commands and isinstance(node.get("type"), str) \
                    and node["type"] not in COMMAND_TYPES:
                _types(value, components, commands, False)
            else:
                _types(value, components, commands, in_commands and key not in ("item", "items"))


def _no_screen_left_behind(envelope: dict, response: dict) -> bool:
    """Every answer that says something on a screen device sends a document (none leaves an old stretch up),
    unless Alexa itself asks the next question (the reminders permission)."""
    if expects_empty_response(envelope["request"]["type"]):
        return True
    kinds = [d["type"] for d in directives(response)]
    return "Alexa.Presentation.APL.RenderDocument" in kinds or "Connections.SendRequest" in kinds


@pytest.mark.skipif(shutil.which("node") is None, reason="node is installed by make setup-dev")
def test_every_document_is_valid_by_amazons_validator_and_every_response_within_the_limits(tmp_path):
    documents: dict[str, dict] = {}
    checked = with_screen = largest = 0
    failures, left_behind = [], []
    for envelope in walk_with_screens():
        response = HANDLER(envelope, None)
        checked += 1
        problems = response_problems(response)
        size = len(json.dumps(response).encode("utf-8"))
        largest = max(largest, size)
        if not _no_screen_left_behind(envelope, response):
            left_behind.append(envelope["request"])
        for directive in directives(response):
            if directive["type"] != "Alexa.Presentation.APL.RenderDocument":
                continue
            with_screen += 1
            assert directive["token"] == presentation.APL_TOKEN
            documents.setdefault(json.dumps(directive["document"], sort_keys=True), directive["document"])
        if problems:
            failures.append((envelope["request"], problems))
    assert not failures, failures[:3]
    assert not left_behind, left_behind[:3]
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
    broken = {"type": "APL", "version": viewports.MIN_APL_VERSION,
              "mainTemplate": {"items": [{"type": "Text", "text": "x", "fontSize": "20dp", "noSuchProperty": 1}]}}
    result = subprocess.run(["node", str(E2E / "validate_apl.js")], input=json.dumps(broken),
                            capture_output=True, text=True, check=True, cwd=E2E)
    assert json.loads(result.stdout)


def test_an_app_card_comes_with_a_coached_stretch_not_with_every_answer_in_a_routine():
    coached = ask(in_routine(index=0), intent="AMAZON.NextIntent", screen=None)
    assert coached["response"]["card"]["title"].startswith("Stretch 2 of 4")
    side = ask(in_routine(index=1), intent="HowManyLeftIntent", screen=None)
    assert "card" not in side["response"]
    assert directives(ask(in_routine(index=1), intent="HowManyLeftIntent"))  # the screen still shows the place
