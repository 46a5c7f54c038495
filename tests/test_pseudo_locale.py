"""A made-up language proves that a language is files, not code.

The test writes a pseudo-locale, xx-XX, from the English data: every phrase, cue and name wrapped and
accented ("Stretch" -> "[Šţŕéţçĥ]"), {placeholders} kept. It is only files, in the layout a translator
uses (phrases ``xx.json`` and ``xx-XX.json``, content ``content/xx.json``, model samples
``models/xx.json``), added with the documented hook :func:`skill.locales.register_directory`. Then a
whole routine runs through the Lambda handler with real request envelopes whose locale is xx-XX (so
content, narration, phrases, plurals, SSML and the speech-only response all go through it), and no
English word may be left in anything the coach says or shows on a card.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from skill import locales
from skill.content import LIBRARY, library_for
from skill.content.conditions import CONDITIONS
from skill.content.equipment import EQUIPMENT_ITEMS
from skill.content.routines import ROUTINES
from skill.content.schema import POSITIONS
from skill.content.stretches import STRETCHES
from skill.localization import LOCALES, phrases_for
from skill.phrases import PHRASES
from skill_dev import interaction_model
from skill_dev.envelopes import Session

from .conftest import Conversation

LOCALE = "xx-XX"
_ACCENTED = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                          "åƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ")
#: What the pseudo-translation leaves alone: {placeholders}, and in model templates <MACROS>.
_KEEP = re.compile(r"(\{[^}]*\}|<[A-Z_]+>)")


def accent(text: str) -> str:
    return "".join(part if _KEEP.fullmatch(part) else part.translate(_ACCENTED) for part in _KEEP.split(text))


def pseudo(text: str) -> str:
    """"Stretch" -> "[Šţŕéţçĥ]", "{count} minutes" -> "[{count} ɱîñûţéš]"."""
    return f"[{accent(text)}]"


def translated(value, translate=pseudo):
    """Every string in a piece of data, translated; the structure (keys, lists, plural forms) kept."""
    if isinstance(value, str):
        return translate(value)
    if isinstance(value, dict):
        return {key: translated(item, translate) for key, item in value.items()}
    if isinstance(value, list):
        return [translated(item, translate) for item in value]
    return value


def _words(entry: dict, fields: tuple[str, ...]) -> dict:
    return {key: translated(entry[key]) for key in fields if entry.get(key)}


def _stretch_overlay(raw: dict) -> dict:
    words = _words(raw, ("name", "synonyms", "targets", "setup", "movement", "brief", "breathing", "caution",
                         "switch"))
    if raw["timing"].get("cues"):
        words["timing"] = {"cues": translated(raw["timing"]["cues"])}
    easier = _words(raw["easier"], ("name", "cues", "switch"))
    if (raw["easier"].get("timing") or {}).get("cues"):
        easier["timing"] = {"cues": translated(raw["easier"]["timing"]["cues"])}
    return {**words, "easier": easier}


def content_overlay() -> dict:
    """A content file translating every word of the English content, by id."""
    return {
        "stretches": {raw["id"]: _stretch_overlay(raw) for raw in STRETCHES},
        "routines": {raw["id"]: _words(raw, ("name", "synonyms", "description")) for raw in ROUTINES},
        "equipment": {raw["id"]: _words(raw, ("name", "spoken", "alternative", "synonyms"))
                      for raw in EQUIPMENT_ITEMS},
        "conditions": {raw["id"]: _words(raw, ("name", "synonyms", "advice")) for raw in CONDITIONS},
        "positions": translated(dict(POSITIONS)),
    }


def model_samples() -> dict:
    """The English model file with every sample accented (templates, macros and slots kept)."""
    english = copy.deepcopy(locales.load("models", "en"))
    english["invocation_name"] = accent(english["invocation_name"])
    for section in ("macros", "body_parts", "custom_intents", "built_in_intents"):
        english[section] = {name: translated(value, accent) if section != "custom_intents"
                            else {**value, "samples": translated(value["samples"], accent)}
                            for name, value in english[section].items()}
    return english


def write_language(folder: Path) -> None:
    """The files a translator adds, here for xx: a language file, a locale file, content and samples."""
    (folder / "content").mkdir()
    (folder / "models").mkdir()
    files = {
        "xx.json": {"about": "A pseudo-language for tests.", "locales": [LOCALE],
                    "plural_rules": {"one": "i = 1 and v = 0 @integer 1"}, "phrases": translated(dict(PHRASES))},
        f"{LOCALE}.json": {"phrases": {}},
        "content/xx.json": content_overlay(),
        "models/xx.json": model_samples(),
    }
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pseudo-locale")
    write_language(folder)
    locales.register_directory(folder)
    try:
        yield folder
    finally:
        locales.unregister_directory(folder)


def english_words() -> set[str]:
    """Every English word of the catalog and the content (placeholders' names left out)."""
    texts: list[str] = []

    def collect(value):
        if isinstance(value, str):
            texts.append(re.sub(r"\{[^}]*\}", " ", value))
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)

    collect([dict(PHRASES), list(STRETCHES), list(ROUTINES), list(EQUIPMENT_ITEMS), list(CONDITIONS),
             dict(POSITIONS)])
    return {word.lower() for text in texts for word in re.findall(r"[A-Za-z]+", text)}


ENGLISH = english_words()


def leftovers(text: str) -> list[str]:
    """Words of ``text`` (SSML tags dropped; numbers are values, not words) that are English."""
    words = re.findall(r"[^\W\d_]+", re.sub(r"<[^>]+>", " ", text))
    return [w for w in words if w.lower() in ENGLISH or re.fullmatch(r"[A-Za-z]+", w)]


def said(response: dict) -> list[str]:
    """Everything a response says or shows: speech, reprompt, card."""
    body = response["response"]
    texts = [body["outputSpeech"]["ssml"], ((body.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", "")]
    card = body.get("card") or {}
    return texts + [card.get("title", ""), card.get("content", "")]


def test_the_english_vocabulary_is_real():
    assert {"stretch", "knee", "chest", "breathe", "routine", "minutes", "next", "help"} <= ENGLISH
    assert leftovers('<speak>[Šţŕéţçĥ 1 öƒ 4]<break time="3s"/> Stretch</speak>') == ["Stretch"]


def test_a_language_added_as_files_is_a_locale_with_its_own_phrases_and_content(pseudo_locale):
    assert LOCALE in LOCALES and set(LOCALES) >= {"en-US", "en-GB"}
    p = phrases_for(LOCALE)
    assert p.locale == LOCALE and p.language == "xx"
    assert p("minutes", count=1) == "[1 ɱîñûţé]" and p.minutes(600) == "[10 ɱîñûţéš]"
    assert locales.chain("xx-YY") == ("xx-YY", LOCALE, "xx", "en-US", "en")
    assert phrases_for("xx-YY")("okay") == "[Öķåý.]"  # another region of the language falls back to it
    library = library_for(LOCALE)
    assert library is not LIBRARY and library.find_routine(pseudo("quick")).id == "quick"
    assert library.stretch("cat_cow").timing.rep_cues[0].short == pseudo("Breathe in.")
    assert library.positions["back"] == pseudo("lying on your back")
    assert phrases_for("en-GB")("space_needed") == "about two metres long"  # English is untouched


def test_the_model_generator_takes_the_languages_samples_from_its_file(pseudo_locale):
    model = interaction_model.build_model(LOCALE)["interactionModel"]["languageModel"]
    assert model["invocationName"] == accent("back stretch coach")
    samples = {s for intent in model["intents"] for s in intent["samples"]}
    assert samples and not any(re.search(r"[A-Za-z]{2}", re.sub(r"\{\w+\}", "", s)) for s in samples)
    routines = next(t for t in model["types"] if t["name"] == "ROUTINE_NAME")["values"]
    assert {v["name"]["value"] for v in routines} == {pseudo(r["name"]) for r in ROUTINES}


def test_a_whole_routine_in_the_pseudo_locale_says_no_english_word(lambda_handler, pseudo_locale):
    convo = Conversation(lambda_handler, Session(locale=LOCALE))
    convo.launch()
    convo.say("StartRoutineIntent", routine=pseudo("quick"))
    headings = 1
    convo.say("HowManyLeftIntent")
    convo.say("AMAZON.HelpIntent")
    while not convo.ended:
        assert len(convo.responses) < 40, "the routine never finished"
        convo.say("AMAZON.NextIntent")
        headings += "[Šţŕéţçĥ " in convo.speech
    assert headings == 4 and accent("that's the") in convo.speech  # all four stretches, then "finished"
    convo.launch()
    convo.say("StartRoutineIntent", routine=pseudo("gentle"))  # reps at the gentle tempo, the easier versions
    convo.say("AMAZON.NextIntent")
    convo.say("AMAZON.StopIntent")
    assert convo.ended
    everything = [text for response in convo.responses for text in said(response)]
    english = {word for text in everything for word in leftovers(text)}
    assert english == set(), f"English left in the pseudo-locale: {sorted(english)}"
    spoken = " ".join(everything)
    for marker in (pseudo("Breathe in."), accent("Switch sides"), accent("lying on your back"), accent("Careful")):
        assert marker in spoken, marker  # short rep cues, switch steps, positions, cautions: all translated
