"""Every screen a person sees, run in Amazon's reference APL engine on each device the skill lays out for.

On Echo Spot, Echo Show 5, 8, 10 and 15 and Fire TV (their real pixels and dpi), the documents of a whole
routine step by step, the same routine hands-free, and each answer outside a routine (welcome, help, the
lists, paused, routine done with a streak, goodbye after stop, safety advice), from real conversations
through the Lambda handler. Each distinct document is run in apl-core-library (``tests/apl_engine.py``):

- sizes from 2.5 m: the countdown, the stretch name and any cue shown during a hold, by the angle a capital
  letter subtends (the devices are inside the manifest's ranges, so APL applies no scaling); the countdown's
  box 40 to 50 per cent of the screen's height; every button at least 72 dp;
- nothing leaves its parent or the screen, nor, on the round screen, the circle;
- nothing moves when a countdown starts (the tree is dumped again half a second in);
- each countdown runs its full seconds, shows 1 as the voice (the SSML Alexa gets, at the stated rate)
  says "one", and clears as the voice says its next thing;
- each button's tap sends a UserEvent, and the skill answers it with the call the button stands for.

The documents are run in parallel processes (the engine is a separate program), once each.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from skill.localization import phrases_for
from skill.presentation import TIMELINE_SEQUENCER
from skill.skill_builder import build_lambda_handler
from skill_dev.envelopes import DEVICES, VIEWPORTS, Session, resolved_slot

from . import apl_engine
from .apl_engine import Device
from .conftest import Conversation

P = phrases_for("en-US")
START = datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc)
#: What each device says its APL runtime is here: firmware varies, so the documents are run at old and new
#: versions, and one device reports none (it gets the fallback version).
RUNTIMES = {"HUB_ROUND_SMALL": "1.6", "HUB_LANDSCAPE_SMALL": "2023.2", "HUB_LANDSCAPE_MEDIUM": "2024.2",
            "HUB_LANDSCAPE_LARGE": "2024.1", "HUB_LANDSCAPE_XLARGE": "2024.3", "TV_LANDSCAPE_XLARGE": None}
TARGETS = [Device(DEVICES[profile], profile, v["pixelWidth"], v["pixelHeight"], v["dpi"], v["shape"], v["mode"])
           for profile, v in VIEWPORTS.items()]


def routine(name: str) -> dict:
    return {"routine": resolved_slot(name, "ROUTINE_NAME", name, name)}


def conversations(device: Device, handler) -> list[tuple[str, dict, dict]]:
    """(what was said, the session attributes it was said with, the response) for every turn, on one device."""
    session = Session(screen=device.profile, apl_runtime=RUNTIMES[device.profile], clock=START)
    talk = Conversation(handler, session)
    turns = []

    def send(label: str, envelope: dict) -> None:
        attributes = dict(session.attributes)
        response = talk.send(envelope)
        turns.append((label, attributes, response))
        session.advance(apl_engine.voice_plan(response["response"]["outputSpeech"]["ssml"])[2] + 2)  # heard out

    send("welcome", session.launch())
    for intent in ("AMAZON.HelpIntent", "ListRoutinesIntent", "ListStretchesIntent"):
        send(intent, session.intent(intent))
    send("start full", session.intent("StartRoutineIntent", routine("full")))
    for number in range(2, 14):
        if number == 5:
            send("pause", session.intent("AMAZON.PauseIntent"))
            send("resume", session.intent("AMAZON.ResumeIntent"))
        send(f"next to {number}", session.intent("AMAZON.NextIntent"))
    send("done", session.intent("AMAZON.NextIntent"))
    session.advance(24 * 3600)  # the next day: hands-free, and a streak
    send("welcome back", session.launch())
    send("hands-free full", session.intent("HandsFreeIntent", routine("full")))
    for _ in range(20):
        if talk.ended:
            break
        pending = (json.loads(talk.last["sessionAttributes"]["coach"]).get("pending") or {}).get("q")
        send("next part", session.intent("AMAZON.NoIntent" if pending == "offer_reminder" else "AMAZON.YesIntent"))
    assert talk.ended, "the hands-free routine never finished"
    session.advance(24 * 3600)  # the day after: the quick routine to its end, three days in a row
    send("welcome again", session.launch())
    send("start quick", session.intent("StartRoutineIntent", routine("quick")))
    for number in range(2, 5):
        send(f"quick, next to {number}", session.intent("AMAZON.NextIntent"))
    send("done with a streak", session.intent("AMAZON.NextIntent"))
    send("welcome once more", session.launch())
    send("start quick again", session.intent("StartRoutineIntent", routine("quick")))
    send("stop in a routine", session.intent("AMAZON.StopIntent"))
    send("welcome, resume", session.launch())
    send("condition", session.intent("HealthConditionIntent", {"condition": resolved_slot(
        "pregnant", "HEALTH_CONDITION", "pregnancy", "pregnancy")}))
    send("red flag", session.intent("RedFlagIntent"))
    send("welcome after", session.launch())
    send("stop outside", session.intent("AMAZON.StopIntent"))
    return turns


def _directive(response: dict) -> dict | None:
    return next((d for d in response["response"].get("directives") or []
                 if d["type"] == "Alexa.Presentation.APL.RenderDocument"), None)


#: Every turn of the conversations that sent a document, by what was said.
SHOWN: set[str] = set()


@pytest.fixture(scope="module")
def documents():
    """Every distinct document of the conversations, on every device, with what it takes to check it."""
    handler = build_lambda_handler()
    found: dict[str, dict] = {}
    screenless = []
    for device in TARGETS:
        for label, attributes, response in conversations(device, handler):
            directive = _directive(response)
            if directive is None:
                screenless.append((device.name, label))
                continue
            SHOWN.add(label)
            key = json.dumps([device.profile, directive["document"], directive["datasources"]], sort_keys=True)
            found.setdefault(key, {"device": device, "label": label, "document": directive["document"],
                                   "data": directive["datasources"], "attributes": attributes, "response": response,
                                   "ssml": response["response"]["outputSpeech"]["ssml"]})
    assert not screenless, f"answers that leave the old screen up: {screenless[:5]}"
    return list(found.values())


def _timeline_seconds(document: dict) -> float:
    total = 0.0
    for command in (document.get("onMount") or [{"commands": []}])[0]["commands"]:
        total += command.get("delay", 0) / 1000 + command.get("seconds", 0)
    return total


def _check(item: dict) -> list[str]:
    device, document, data = item["device"], item["document"], item["data"]
    where = f"{device.name}, {item['label']}"
    seconds = _timeline_seconds(document) + 2
    first = apl_engine.run(document, data, device, seconds)
    problems = [*first.errors]
    problems += apl_engine.overflows(first.tree, device)
    found = apl_engine.countdowns(first.screens)
    problems += apl_engine.size_problems(first.tree, device, bool(found))
    problems += apl_engine.timing_problems(found, item["ssml"])
    if found:
        during = apl_engine.run(document, data, device, found[0].start + 0.6, "DUMP", found[0].start + 0.5)
        problems += apl_engine.shifts(first.tree, during.dumped)
        problems += apl_engine.size_problems(during.dumped, device, True)
    problems += _tap_problems(item, first.tree)
    return [f"{where}: {problem}" for problem in problems]


def _tap_problems(item: dict, tree: list[dict]) -> list[str]:
    """Each button sends its arguments, and the skill answers them as the button's voice intent."""
    problems = []
    presses = {c["id"]: c for c in tree if c["component"] == "TouchWrapper"}
    for button in presses:
        tapped = apl_engine.run(item["document"], item["data"], item["device"], 0.6, button, 0.3)
        events = [arguments for _, arguments in tapped.events]
        expected = _arguments(item["document"], button)
        if events != [expected]:
            problems.append(f"{button} sent {events}, not {expected}")
            continue
        session = Session(screen=item["device"].profile)
        session.new, session.attributes = False, dict(item["response"].get("sessionAttributes") or {})
        answer = HANDLER(session.user_event(*expected), None)
        if P("unsupported").split(".")[0] in answer["response"]["outputSpeech"]["ssml"]:
            problems.append(f"{button}: the skill doesn't handle {expected}")
    return problems


def _arguments(document: dict, button: str) -> list:
    def find(node):
        if isinstance(node, dict):
            if node.get("id") == button:
                return node["onPress"][0]["arguments"]
            node = list(node.values())
        if isinstance(node, list):
            for child in node:
                found = find(child)
                if found is not None:
                    return found
        return None

    return find(document["mainTemplate"])


HANDLER = build_lambda_handler(persistence=None)


def test_the_engine_is_there():
    assert apl_engine.ENGINE.exists(), f"the APL engine is missing: {apl_engine.ENGINE} (../shared/tools)"


def test_every_screen_of_a_routine_hands_free_and_every_answer_passes_in_amazons_engine_on_every_device(documents):
    assert {item["device"].name for item in documents} == set(DEVICES.values())
    labels = SHOWN
    for answer in ("welcome", "AMAZON.HelpIntent", "ListRoutinesIntent", "ListStretchesIntent", "pause", "done",
                   "hands-free full", "done with a streak", "stop in a routine", "red flag", "stop outside"):
        assert answer in labels, answer
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        problems = [p for found in pool.map(_check, documents) for p in found]
    assert not problems, "\n".join(problems[:30])
    print(f"{len(documents)} distinct documents on {len(TARGETS)} devices")


def test_a_tap_leaves_the_countdown_running(documents):
    """The timeline runs on a sequencer of its own: a tap (whose onPress runs on the main one) doesn't stop
    it, so the count still reaches 1 after a button was pressed."""
    for device in TARGETS:
        item = next(i for i in documents if i["device"] is device and i["label"] == "start full")
        assert item["document"]["onMount"][0]["sequencer"] == TIMELINE_SEQUENCER
        button = next(c["id"] for c in apl_engine.run(item["document"], item["data"], device, 0).tree
                      if c["component"] == "TouchWrapper")
        seconds = _timeline_seconds(item["document"]) + 2
        tapped = apl_engine.run(item["document"], item["data"], device, seconds, button, 1.0)
        found = apl_engine.countdowns(tapped.screens)
        assert tapped.events and found and all(c.one is not None and c.end for c in found), device.name


def test_the_checks_can_fail():
    """A document with a small name, a moving layout and a button too small is caught."""
    device = TARGETS[1]
    document = {"type": "APL", "version": "2024.2", "mainTemplate": {"parameters": ["payload"], "items": [
        {"type": "Container", "width": "100vw", "height": "100vh", "items": [
            {"type": "Text", "id": "name", "text": "Cat cow", "fontSize": "40dp"},
            {"type": "Text", "id": "count", "text": "", "fontSize": "100dp"},
            {"type": "TouchWrapper", "id": "button_next", "width": "50dp", "height": "50dp",
             "onPress": [{"type": "SendEvent", "arguments": ["next"]}], "item": {"type": "Text", "text": "Next"}},
            {"type": "Text", "id": "wide", "text": "x", "width": "2000dp"}]}]},
        "onMount": [{"type": "Sequential", "commands": [
            {"type": "Idle", "delay": 1000},
            {"type": "SetValue", "componentId": "count", "property": "text", "value": "2"},
            {"type": "Idle", "delay": 1000},
            {"type": "SetValue", "componentId": "count", "property": "text", "value": "1"},
            {"type": "Idle", "delay": 1000},
            {"type": "SetValue", "componentId": "count", "property": "text", "value": ""}]}]}
    first = apl_engine.run(document, {}, device, 4)
    found = apl_engine.countdowns(first.screens)
    assert [(c.start, c.first, c.one, c.end) for c in found] == [(1.0, 2, 2.0, 3.0)]
    sizes = apl_engine.size_problems(first.tree, device, True)
    assert any(p.startswith("name at 40") for p in sizes) and any("button_next" in p for p in sizes)
    assert any("countdown's box" in p for p in sizes)
    assert any("wide" in p for p in apl_engine.overflows(first.tree, device))
    during = apl_engine.run(document, {}, device, 1.6, "DUMP", 1.5)
    assert apl_engine.shifts(first.tree, during.dumped)
    assert apl_engine.timing_problems(found, '<speak>Two.<break time="200ms"/>One.<break time="5s"/>Go.</speak>')
