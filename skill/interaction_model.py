"""Builds the ASK interaction models in interaction_models/ from the content.

Slot values and synonyms come from :mod:`skill.content`, so the model and
the coach can't drift apart. Run ``python -m skill.interaction_model`` after
changing content or utterances; a test fails if the committed JSON differs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .content import LIBRARY, Library
from .localization import LOCALES

INVOCATION_NAME = "back stretch coach"
MODELS_DIR = Path(__file__).resolve().parent.parent / "interaction_models"

#: Custom intents: name -> (slots, samples).
#: No sample contains "ask", "open", "launch", "tell" or "talk to": virtual-alexa, which the end-to-end
#: tests use, turns any utterance containing those letters into a LaunchRequest.
CUSTOM_INTENTS: dict[str, tuple[dict[str, str], list[str]]] = {
    "StartRoutineIntent": ({"routine": "ROUTINE_NAME"}, [
        "start", "begin", "let's stretch", "let's start", "let's begin", "start stretching", "stretch with me",
        "I want to stretch", "let's do some stretches", "stretch my back", "start a routine", "start the routine",
        "start a new routine", "new routine", "start my stretches",
        "start the {routine} routine", "start a {routine} routine", "start {routine} routine",
        "begin the {routine} routine", "do the {routine} routine", "do a {routine} routine",
        "let's do the {routine} routine", "let's do a {routine} routine", "give me a {routine} routine",
        "give me the {routine} routine", "I want the {routine} routine", "I want to do the {routine} routine",
        "I'd like a {routine} routine", "I'd like the {routine} routine", "a {routine} routine",
        "the {routine} routine", "{routine} routine", "for a {routine} routine", "for the {routine} routine",
        "{routine} stretches", "do the {routine} stretches", "start the {routine} stretches",
        "start {routine}", "the {routine} one", "the {routine}",
    ]),
    "HandsFreeIntent": ({"routine": "ROUTINE_NAME"}, [
        "start the {routine} routine hands free", "start a {routine} routine hands free",
        "do the {routine} routine hands free", "{routine} routine hands free", "the {routine} routine hands free",
        "a {routine} routine hands free", "for a {routine} routine hands free",
        "start the {routine} routine without stopping", "do the {routine} routine without stopping",
        "keep going without me", "don't wait for me", "do not wait for me", "hands free", "go hands free",
        "hands free mode", "start hands free", "start hands free mode", "just keep going",
        "keep going without stopping", "you don't need to wait for me", "no need to wait for me",
    ]),
    "AlwaysHandsFreeIntent": ({}, [
        "always keep going", "always go hands free", "always use hands free mode", "always be hands free",
        "never wait for me", "always keep going without me", "make hands free the default",
    ]),
    "StepModeIntent": ({}, [
        "wait for me", "wait for me after each stretch", "step by step", "go step by step",
        "one stretch at a time", "stop hands free mode", "turn off hands free", "no more hands free",
        "wait for me to say next", "step mode",
    ]),
    "HowToIntent": ({"stretch": "STRETCH_NAME"}, [
        "how do I do {stretch}", "how do I do the {stretch}", "how do I do a {stretch}", "how do you do {stretch}",
        "how do you do the {stretch}", "how to do {stretch}", "how to do the {stretch}", "explain {stretch}",
        "explain the {stretch}", "what is {stretch}", "what is the {stretch}", "what's {stretch}",
        "what's the {stretch}", "what are {stretch}",
        "teach me {stretch}", "teach me the {stretch}", "describe {stretch}", "describe the {stretch}",
        "how does {stretch} work", "how do I do this stretch", "how do I do this one", "how do I do this",
        "how does this one work", "explain this stretch", "explain this one",
    ]),
    "ListRoutinesIntent": ({}, [
        "list routines", "list the routines", "what routines are there", "what routines do you have",
        "which routines do you have", "what are the routines", "what are my options",
        "routines", "what routines can I do", "which routine should I do",
    ]),
    "ListStretchesIntent": ({}, [
        "list stretches", "list the stretches", "what stretches do you know", "what stretches are there",
        "which stretches do you have", "what are the stretches", "all the stretches",
        "what stretches can I do", "stretches",
    ]),
    "WhereAmIIntent": ({}, [
        "where am I", "which stretch is this", "what stretch is this", "what stretch am I on", "what's this stretch",
        "what am I doing", "which one is this", "what is this one", "where are we", "where was I",
    ]),
    "HowManyLeftIntent": ({}, [
        "how many are left", "how many left", "how many more", "how many stretches are left", "how many to go",
        "how much longer", "how long is left", "how long to go", "are we nearly done", "am I nearly done",
        "how many more stretches",
    ]),
    "MakeItEasierIntent": ({}, [
        "make it easier", "easier", "easier please", "that's too hard", "this is too hard", "too hard",
        "too intense", "this is too intense", "that's too intense", "give me an easier version", "easier version",
        "is there an easier way", "I can't do this", "I can't do that", "make it gentler", "gentler",
        "can I do an easier one", "an easier one",
    ]),
    "ProgressIntent": ({}, [
        "how am I doing", "how am I getting on", "what's my streak", "what is my streak", "how many routines have I done",
        "how many routines did I do this week", "my progress", "show my progress",
        "how's my progress",
    ]),
    "LongerHoldsIntent": ({}, [
        "make holds longer", "make the holds longer", "longer holds", "hold longer", "hold for longer",
        "hold the stretches longer", "I want longer holds", "make the stretches longer", "more time in each stretch",
    ]),
    "ShorterHoldsIntent": ({}, [
        "make holds shorter", "make the holds shorter", "shorter holds", "hold shorter", "don't hold so long",
        "hold the stretches for less time", "I want shorter holds", "make the stretches shorter",
        "less time in each stretch",
    ]),
    "MissingEquipmentIntent": ({"equipment": "EQUIPMENT_NAME"}, [
        "I don't have a {equipment}", "I don't have {equipment}", "I haven't got a {equipment}",
        "I have no {equipment}", "no {equipment}", "I don't own a {equipment}", "skip the {equipment} stretches",
        "I can't find my {equipment}", "without a {equipment}", "I don't have the {equipment}",
    ]),
    "HaveEquipmentIntent": ({"equipment": "EQUIPMENT_NAME"}, [
        "I have a {equipment}", "I have a {equipment} now", "I've got a {equipment}", "I got a {equipment}",
        "I found my {equipment}", "I do have a {equipment}", "I bought a {equipment}", "I have the {equipment}",
    ]),
    "ResetPreferencesIntent": ({}, [
        "reset my preferences", "reset preferences", "reset my settings", "clear my preferences",
        "forget my preferences", "go back to the default settings", "reset everything", "use the default settings",
    ]),
    "ThatHurtsIntent": ({}, [
        "that hurts", "it hurts", "this hurts", "ow", "ouch", "I'm in pain", "I feel pain", "that's painful",
        "this is painful", "it's painful", "my back hurts", "I felt a twinge", "sharp pain", "that's sore",
        "that really hurts", "it's hurting", "that hurt",
    ]),
}

#: Built-in intents the skill uses, with our extra phrasings for the floor.
BUILT_IN_INTENTS: dict[str, list[str]] = {
    "AMAZON.NextIntent": [
        "ready", "I'm ready", "done", "I'm done", "okay", "continue", "go on", "next stretch", "next one",
        "finished", "I've finished", "move on", "let's move on", "keep going", "what's next", "go ahead",
        "done with this one", "all done", "next please", "onwards",
    ],
    "AMAZON.PreviousIntent": [
        "go back", "back", "previous stretch", "last stretch", "the one before", "previous one", "go back one",
        "the previous one",
    ],
    "AMAZON.RepeatIntent": [
        "again", "say that again", "do it again", "one more time", "repeat that", "repeat this stretch",
        "do that again", "repeat the stretch",
    ],
    "AMAZON.StartOverIntent": [
        "start again", "from the top", "restart", "begin again", "start from the beginning", "restart the routine",
    ],
    "AMAZON.PauseIntent": [
        "wait", "hold on", "hang on", "give me a minute", "give me a second", "one moment", "just a moment",
        "pause the routine", "wait a second", "wait a minute",
    ],
    "AMAZON.ResumeIntent": [
        "resume", "carry on", "I'm back", "let's continue", "resume the routine", "back again", "unpause",
    ],
    "AMAZON.YesIntent": ["yes please", "sure", "yeah", "yep", "let's do it", "sounds good", "yes skip it"],
    "AMAZON.NoIntent": ["no thanks", "nope", "not now", "no don't skip it", "keep it"],
    "AMAZON.HelpIntent": ["what can I say", "what can I do", "I need help"],
    "AMAZON.StopIntent": ["that's enough", "I'm finished for today", "stop the routine"],
    "AMAZON.CancelIntent": [],
    "AMAZON.FallbackIntent": [],
    "AMAZON.NavigateHomeIntent": [],
}


def _slot_type(name: str, entries) -> dict:
    return {
        "name": name,
        "values": [
            {"id": entry.id, "name": {"value": entry.name, "synonyms": list(entry.synonyms)}} for entry in entries
        ],
    }


def build_model(locale: str = "en-US", library: Library = LIBRARY) -> dict:
    intents = []
    for name, samples in BUILT_IN_INTENTS.items():
        intents.append({"name": name, "samples": list(samples)})
    for name, (slots, samples) in CUSTOM_INTENTS.items():
        intent = {"name": name, "slots": [{"name": s, "type": t} for s, t in slots.items()], "samples": list(samples)}
        intents.append(intent)
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": INVOCATION_NAME,
                "intents": intents,
                "types": [
                    _slot_type("ROUTINE_NAME", library.routines.values()),
                    _slot_type("STRETCH_NAME", library.stretches.values()),
                    {"name": "EQUIPMENT_NAME", "values": [
                        {"id": item["id"], "name": {"value": item["name"], "synonyms": list(item["synonyms"])}}
                        for item in library.equipment.values()]},
                ],
            }
        }
    }


def render(model: dict) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def model_path(locale: str) -> Path:
    return MODELS_DIR / f"{locale}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a committed model differs")
    parser.add_argument("--locale", action="append", help="locales to build (default: all)")
    args = parser.parse_args(argv)
    stale = []
    for locale in args.locale or list(LOCALES):
        if locale not in LOCALES:
            parser.error(f"unknown locale {locale}")
        text = render(build_model(locale))
        path = model_path(locale)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python -m skill.interaction_model)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
