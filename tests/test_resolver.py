"""The chat simulator's resolver: typed text -> intent and slots, as Alexa would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill_dev.resolver import BUILT_IN_PHRASES, Resolver

MODEL_PATH = Path(__file__).resolve().parent.parent / "interaction_models" / "en-US.json"
MODEL = json.loads(MODEL_PATH.read_text())
LANGUAGE = MODEL["interactionModel"]["languageModel"]
TYPES = {t["name"]: t["values"] for t in LANGUAGE["types"]}
#: Built-in slot types have no values in the model: a value a person would say, which Alexa converts itself.
BUILT_IN_EXAMPLES = {"AMAZON.TIME": "seven thirty am"}
RESOLVER = Resolver(MODEL)


def filled(intent: dict, sample: str, pick=lambda values: values[0]["name"]["value"]):
    """A sample with every slot filled, and the slot ids expected."""
    expected = {}
    for slot in intent.get("slots", []):
        if "{" + slot["name"] + "}" in sample and slot["type"] in BUILT_IN_EXAMPLES:
            sample = sample.replace("{" + slot["name"] + "}", BUILT_IN_EXAMPLES[slot["type"]])
            expected[slot["name"]] = None
        elif "{" + slot["name"] + "}" in sample:
            value = pick(TYPES[slot["type"]])
            sample = sample.replace("{" + slot["name"] + "}", value)
            expected[slot["name"]] = next(v["id"] for v in TYPES[slot["type"]]
                                          if value in (v["name"]["value"], *v["name"].get("synonyms", [])))
    return sample, expected


SAMPLES = [(intent["name"], *filled(intent, sample)) for intent in LANGUAGE["intents"]
           for sample in intent.get("samples", [])]


@pytest.mark.parametrize("intent, text, slots", SAMPLES, ids=[s[1] for s in SAMPLES])
def test_every_sample_utterance_resolves_to_its_intent(intent, text, slots):
    resolution = RESOLVER.resolve(text)
    assert resolution.matched and resolution.intent == intent
    assert {name: slot.resolved_id for name, slot in resolution.slots.items()} == slots


def test_every_slot_value_and_synonym_resolves_in_every_slotted_sample():
    checked = 0
    for intent in LANGUAGE["intents"]:
        for slot in intent.get("slots", []):
            for value in TYPES.get(slot["type"], ()):  # built-in types have no values to list
                for spoken in (value["name"]["value"], *value["name"].get("synonyms", [])):
                    for sample in intent["samples"]:
                        if "{" + slot["name"] + "}" not in sample:
                            continue
                        resolution = RESOLVER.resolve(sample.replace("{" + slot["name"] + "}", spoken))
                        assert resolution.intent == intent["name"], (sample, spoken, resolution)
                        assert resolution.slots[slot["name"]].resolved_id == value["id"], (sample, spoken)
                        checked += 1
    assert checked > 500


@pytest.mark.parametrize("intent", [i for i in BUILT_IN_PHRASES if i in {x["name"] for x in LANGUAGE["intents"]}])
def test_standard_built_in_phrasings_work_for_declared_built_ins(intent):
    for phrase in BUILT_IN_PHRASES[intent]:
        resolution = RESOLVER.resolve(phrase)
        declared_elsewhere = any(phrase.lower() == s.lower() for i in LANGUAGE["intents"] if i["name"] != intent
                                 for s in i.get("samples", []))
        if not declared_elsewhere:
            assert resolution.intent == intent, phrase


def test_undeclared_built_ins_are_not_invented():
    model = json.loads(json.dumps(MODEL))
    model["interactionModel"]["languageModel"]["intents"] = [
        i for i in LANGUAGE["intents"] if i["name"] != "AMAZON.ShuffleOnIntent"]
    assert Resolver(model).resolve("shuffle").intent == "AMAZON.FallbackIntent"


@pytest.mark.parametrize("text, intent, slots", [
    ("How do I do Cat-Cow?", "HowToIntent", {"stretch": "cat_cow"}),
    ("how do i do the figure four", "HowToIntent", {"stretch": "piriformis"}),
    ("start the short routine", "StartRoutineIntent", {"routine": "quick"}),
    ("I don't have a tennis ball", "MissingEquipmentIntent", {"equipment": "massage_ball"}),
    ("start over", "AMAZON.StartOverIntent", {}),
    ("continue", "AMAZON.ResumeIntent", {}),
    ("cancel", "AMAZON.CancelIntent", {}),
])
def test_variants_people_type(text, intent, slots):
    resolution = RESOLVER.resolve(text)
    assert resolution.intent == intent
    assert {n: s.resolved_id for n, s in resolution.slots.items()} == slots


def test_unknown_slot_values_are_heard_but_not_matched():
    resolution = RESOLVER.resolve("start the yoga routine")
    assert resolution.intent == "StartRoutineIntent"
    slot = resolution.slots["routine"]
    assert slot.value == "yoga" and slot.resolved_id is None
    request = RESOLVER.intent_request(resolution, "amzn1.ask.skill.x")
    body = request["intent"]["slots"]["routine"]
    assert body["value"] == "yoga"
    assert body["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == "ER_SUCCESS_NO_MATCH"


def test_entity_resolution_fields_are_alexas():
    resolution = RESOLVER.resolve("how do I do knee hugs")
    body = RESOLVER.intent_request(resolution, "amzn1.ask.skill.x")["intent"]["slots"]["stretch"]
    authority = body["resolutions"]["resolutionsPerAuthority"][0]
    assert body["value"] == "knee hugs"
    assert authority["authority"] == "amzn1.er-authority.echo-sdk.amzn1.ask.skill.x.STRETCH_NAME"
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"] == {"name": "knee to chest", "id": "knee_to_chest"}


@pytest.mark.parametrize("text, kind, intent", [
    ("open back stretch coach", "launch", None),
    ("Alexa, open Back Stretch Coach", "launch", None),
    ("launch back stretch coach", "launch", None),
    ("ask back stretch coach for a quick routine", "launch", "StartRoutineIntent"),
    ("ask back stretch coach how do I do cat cow", "launch", "HowToIntent"),
    ("ask back stretch coach to start the hips routine", "launch", "StartRoutineIntent"),
    ("tell back stretch coach that hurts", "launch", "ThatHurtsIntent"),
])
def test_invocation_forms(text, kind, intent):
    resolution = RESOLVER.resolve(text)
    assert resolution.kind == kind and resolution.intent == intent


def test_anything_else_is_the_fallback_intent():
    for text in ("purple monkey dishwasher", "sing me a song", "", "!!!"):
        resolution = RESOLVER.resolve(text)
        assert resolution.intent == "AMAZON.FallbackIntent" and not resolution.matched


def test_a_model_in_another_locale_is_just_another_file(tmp_path):
    model = json.loads(json.dumps(MODEL))
    next_intent = next(i for i in model["interactionModel"]["languageModel"]["intents"]
                       if i["name"] == "AMAZON.NextIntent")
    next_intent["samples"].append("crack on")
    path = tmp_path / "en-GB.json"
    path.write_text(json.dumps(model))
    assert RESOLVER.resolve("crack on").intent == "AMAZON.FallbackIntent"
    assert Resolver.from_file(path).resolve("crack on").intent == "AMAZON.NextIntent"
